/**
 * `sentio lights test`: flashes every configured light once (white, full brightness, then the
 * final state), so a maker can check addresses and protocols before the music starts. Uses the
 * same config parsing and sinks as `sentio live`.
 */
import { buildLightSetup, loadLightConfig, type LightFlags } from '../light/config.ts';
import { ConfigError } from '../light/sinks/config.ts';
import type { LightState, SinkStatus } from '../light/types.ts';
import type { Console } from './features.ts';
import { EXIT, UsageError } from './report.ts';

export interface LightsTestOptions extends LightFlags {
  config?: string;
  /** How long the flash lasts, s. */
  seconds: string;
}

const WHITE: LightState = { rgb: { r: 255, g: 255, b: 255 }, brightness: 1, valence: 0, arousal: 0, quadrant: 'Q1', mood: 'test', silent: false, time: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function lightsTestCommand(o: LightsTestOptions, io: Console): Promise<number> {
  const seconds = Number(o.seconds);
  if (!(seconds > 0 && seconds <= 10)) throw new UsageError(`--seconds must be a number in (0, 10], got '${o.seconds}'`);
  let config;
  try {
    config = await loadLightConfig(o.config, o);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const { sinks } = buildLightSetup(config);
  if (sinks.length === 0) throw new UsageError('no lights configured: give --config lights.json or a sink flag such as --wled HOST');
  const last = new Map<string, { status: SinkStatus; detail: string }>();
  for (const sink of sinks) sink.onStatus((status, detail) => status !== 'closed' && last.set(sink.name, { status, detail }));
  await Promise.all(sinks.map((s) => s.start()));
  for (const sink of sinks) sink.update(WHITE);
  await sleep(seconds * 1000);
  const online = sinks.map((s) => s.status === 'online');
  const sent = sinks.map((s) => s.stats.sent);
  await Promise.all(sinks.map((s) => s.close(config.final)));
  sinks.forEach((sink, i) => {
    const detail = last.get(sink.name)?.detail;
    io.stdout.write(online[i] ? `${sink.name}: online, flashed white (${sent[i]} frames), left '${config.final}'\n` : `${sink.name}: offline${detail ? ` (${detail})` : ''}\n`);
  });
  return online.every(Boolean) ? EXIT.ok : EXIT.inputFailed;
}
