/**
 * A real redis-server for the queue tests: one process on a free loopback port, its data in a
 * temp dir, the append-only file on (`--appendonly yes`) and snapshots off (`--save ''`), so that
 * a restart in the same dir (`pause()` + `resume()`) comes back with exactly what was written.
 *
 * `/usr/bin/redis-server` is the Debian package (`apt-get install -y redis-server`; `.ci/run`
 * installs it). Without it the tests using this helper skip with {@link redisSkip}'s reason,
 * unless SENTIO_REQUIRE_REDIS=1, where a missing server is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitForServer } from './processes.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** The reason to skip the Redis tests, or false when they run (server present or required). */
export function redisSkip(): string | false {
  if (existsSync(REDIS_SERVER) || process.env.SENTIO_REQUIRE_REDIS === '1') return false;
  return `${REDIS_SERVER} not installed (apt-get install -y redis-server)`;
}

/** Sends PING and resolves true once Redis answers it (a bare TCP accept is not enough: it may still be loading its AOF, answering -LOADING). */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => {
      reply += c.toString('latin1');
      // -NOAUTH: a server with a password is up too.
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.once('error', () => done(false));
  });
}

export class RedisServer {
  private process: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port (with `args` added to its command line, e.g. `--requirepass x`) and waits until it answers (at most 5 s). */
  static async start(args: readonly string[] = []): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'sentio-redis-'));
    const server = new RedisServer(await freePort(), dir, args);
    try {
      await server.resume();
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return server;
  }

  /** (Re)starts the server on the same port and dir, reloading its append-only file; waits until it answers PING (at most 5 s). */
  async resume(): Promise<void> {
    if (this.process) throw new Error('redis-server is already running');
    this.output = '';
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--loglevel', 'warning', ...this.extraArgs];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    const collect = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => {
      if (this.process === child) this.process = null;
    });
    await waitForServer(child, 'redis-server', () => pings(this.port), () => this.output, `answer on port ${this.port}`);
  }

  /** Stops the server as a service manager does (SIGTERM: it syncs its append-only file and exits; SIGKILL after 5 s). */
  async pause(): Promise<void> {
    await stopProcess(this.process, 5000);
    this.process = null;
  }

  /** Stops the server and removes its dir. */
  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A server on a free loopback port that accepts connections and never says a word, as a firewall
 * that swallows packets looks from here; `close()` drops the connections it holds and stops it.
 */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
