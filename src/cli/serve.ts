/**
 * `sentio serve`: the web page (`dist/web`, built by `npm run build`) on a local HTTP server, and
 * with a light config (`--config lights.json` or sink flags, as `sentio live`) the bridge that
 * lets the page's live points drive those lights (src/serve/bridge.ts). Binds 127.0.0.1 unless
 * told otherwise. Ctrl-C / SIGTERM close the page's connection, leave every light in its final
 * state and close the server.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLightSetup, loadLightConfig, sinkEntriesFromFlags, type LightConfig, type LightFlags } from '../light/config.ts';
import { ConfigError } from '../light/sinks/config.ts';
import { LightMapper } from '../light/smoothing.ts';
import { FINAL_STATES, type FinalState } from '../light/types.ts';
import { bridgeRoutes, LightBridge, type BridgeEvent } from '../serve/bridge.ts';
import { isLoopbackHost, isWildcardHost, reachableNames } from '../serve/hosts.ts';
import { startStaticServer, type StaticServer } from '../serve/static.ts';
import type { Console } from './features.ts';
import { EXIT, SIGNAL_EXIT, UsageError } from './report.ts';

export interface ServeCommandOptions extends LightFlags {
  port: string;
  host: string;
  allowHost?: string[];
  config?: string;
  final?: string;
  root?: string;
  verbose?: boolean;
}

export interface ServeIo extends Console {
  /** Resolves with the signal that should stop the server; default: the process's SIGINT / SIGTERM. */
  stopSignal?: Promise<keyof typeof SIGNAL_EXIT>;
}

/**
 * The package's own built page. `src/cli/serve.ts` and the compiled `dist/cli/serve.js` both sit
 * two levels under the package root, so one relative path serves the sources and an install.
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The process's SIGINT / SIGTERM as a promise; a second Ctrl-C while the lights are being left exits at once. */
function processSignals(): { stopSignal: Promise<keyof typeof SIGNAL_EXIT>; release(): void } {
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<keyof typeof SIGNAL_EXIT>((resolve) => {
    onSignal = (s) => {
      process.once('SIGINT', () => process.exit(SIGNAL_EXIT.SIGINT));
      resolve(s as keyof typeof SIGNAL_EXIT);
    };
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stopSignal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function portOf(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be an integer in 0–65535 (0: any free port), got '${value}'`);
  return Number(value);
}

function hostOf(value: string, flag: string): string {
  // An address or a DNS name; a URL or host:port is a common slip worth naming.
  if (!/^[A-Za-z0-9.:-]+$/.test(value) || /^[a-z]+:\/\//i.test(value)) throw new UsageError(`${flag} must be an IP address or host name, got '${value}'`);
  return value;
}

async function hasIndex(root: string): Promise<boolean> {
  try {
    return (await stat(resolve(root, 'index.html'))).isFile();
  } catch {
    return false;
  }
}

function describeEvent(e: BridgeEvent): string {
  switch (e.kind) {
    case 'connected':
      return `page connected from ${e.remote}; it drives the lights`;
    case 'closed':
      return `page disconnected (${e.code}${e.reason ? `: ${e.reason}` : ''})`;
    case 'refused':
      return `refused a bridge connection from ${e.remote} (${e.status}: ${e.reason})`;
  }
}

export async function serveCommand(o: ServeCommandOptions, io: ServeIo): Promise<number> {
  // Everything is checked before anything starts: flags, the page, the light config.
  const port = portOf(o.port);
  const host = hostOf(o.host, '--host');
  const allowHosts = (o.allowHost ?? []).map((h) => hostOf(h, '--allow-host'));
  if (o.final !== undefined && !(FINAL_STATES as readonly string[]).includes(o.final)) throw new UsageError(`--final must be one of ${FINAL_STATES.join(', ')}, got '${o.final}'`);
  const root = resolve(o.root ?? DEFAULT_WEB_ROOT);
  if (!(await hasIndex(root))) {
    if (o.root !== undefined) throw new UsageError(`--root ${o.root}: no index.html there (give the folder npm run build wrote, dist/web)`);
    io.stderr.write(`sentio serve: the web page is not built (no ${resolve(root, 'index.html')}); run npm run build\n`);
    return EXIT.inputFailed;
  }
  let config: LightConfig | null = null;
  try {
    const wanted = o.config !== undefined || sinkEntriesFromFlags(o).length > 0;
    if (wanted) config = await loadLightConfig(o.config, o);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (config && config.sinks.length === 0) throw new UsageError(`${o.config}: no sinks: nothing for the bridge to drive (see docs/lights.example.json)`);
  if (!config && o.final !== undefined) throw new UsageError('--final goes with --config or a sink flag such as --wled');

  const signals = io.stopSignal ? { stopSignal: io.stopSignal, release: () => {} } : processSignals();
  const log = (line: string) => io.stderr.write(`sentio serve: ${line}\n`);
  let bridge: LightBridge | null = null;
  let site: StaticServer | undefined;
  const final: FinalState | undefined = config ? ((o.final as FinalState | undefined) ?? config.final) : undefined;
  try {
    if (config) {
      const { sinks } = buildLightSetup(config);
      for (const sink of sinks) sink.onStatus((status, detail) => status !== 'closed' && log(`light ${sink.name}: ${status}${detail ? ` (${detail})` : ''}`));
      bridge = new LightBridge({ mapper: new LightMapper(config.colour, config.smoothing), sinks, final: final!, onEvent: (e) => log(describeEvent(e)) });
      await bridge.start();
    }
    try {
      site = await startStaticServer({ root, host, port, allowHosts, ...bridgeRoutes(bridge) });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : err.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : err.message;
      log(`cannot listen on ${host}:${port}: ${why}`);
      return EXIT.inputFailed;
    }
    const lights = bridge ? `lights: ${bridge.sinks.map((s) => s.name).join(', ')}` : 'no lights (give --config lights.json for the bridge)';
    io.stdout.write(`sentio serve: ${site.url} (serving ${root}; ${lights}; Ctrl-C stops)\n`);
    if (!isLoopbackHost(host)) {
      const urls = (isWildcardHost(host) ? reachableNames(host).filter((n) => !isLoopbackHost(n)) : [host]).map((n) => `http://${n}:${site!.port}/`);
      log(
        `warning: listening on ${host}, not on this machine only: the page${bridge ? ' and the lights (whoever opens the page can drive them)' : ''} can be reached from the network` +
          (urls.length ? ` at ${urls.join(', ')}` : ''),
      );
    }
    const signal = await signals.stopSignal;
    await Promise.all([site.close(), bridge?.close()]);
    bridge = null;
    site = undefined;
    log(`stopped by ${signal}${final ? `; lights left '${final}'` : ''}`);
    return SIGNAL_EXIT[signal];
  } finally {
    signals.release();
    // A failed start still leaves the lights as the config says, and closes what was opened.
    await Promise.all([bridge?.close(), site?.close()]);
  }
}
