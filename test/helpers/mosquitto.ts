/**
 * A real mosquitto broker for the MQTT sink tests: one process on a free loopback port, its
 * config in a temp dir, persistence off (so a restart forgets retained messages, as a broker
 * without a store does, and the sinks must announce themselves again).
 *
 * `/usr/sbin/mosquitto` is the Debian package (`apt-get install -y mosquitto`; `.ci/run`
 * installs it). Without it the tests using this helper skip with {@link brokerSkip}'s reason,
 * unless SENTIO_REQUIRE_BROKER=1, where a missing broker is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitForServer } from './processes.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/** The reason to skip the broker tests, or false when they run (broker present or required). */
export function brokerSkip(): string | false {
  if (existsSync(MOSQUITTO) || process.env.SENTIO_REQUIRE_BROKER === '1') return false;
  return `${MOSQUITTO} not installed (apt-get install -y mosquitto)`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface MosquittoOptions {
  /** Extra lines for mosquitto.conf, given the config dir (e.g. `password_file ${dir}/passwd`). */
  config?: (dir: string) => string[];
  /** Files to write into the config dir first, name → contents (e.g. a password file). */
  files?: Record<string, string>;
}

export class Mosquitto {
  private process: ChildProcess | null = null;
  private stderr = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts a broker on a free port and waits until it accepts connections (at most 5 s). */
  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'sentio-mosquitto-'));
    const broker = new Mosquitto(await freePort(), dir);
    for (const [name, contents] of Object.entries(options.files ?? {})) await writeFile(join(dir, name), contents);
    const lines = [
      `listener ${broker.port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Run as root, mosquitto would switch to the `mosquitto` user, who cannot read our 0700 dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      ...(options.config?.(dir) ?? []),
    ];
    await writeFile(join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
    try {
      await broker.resume();
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return broker;
  }

  /** (Re)starts the broker on the same port, waiting until it accepts connections (at most 5 s). */
  async resume(): Promise<void> {
    if (this.process) throw new Error('mosquitto is already running');
    this.stderr = '';
    const child = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    child.once('exit', () => {
      if (this.process === child) this.process = null;
    });
    await waitForServer(child, 'mosquitto', () => canConnect(this.port), () => this.stderr, `accept connections on port ${this.port}`);
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 3 s); {@link resume} starts it again on the same port. */
  async pause(): Promise<void> {
    await stopProcess(this.process, 3000);
    this.process = null;
  }

  /** Stops the broker and removes its config dir. */
  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }
}
