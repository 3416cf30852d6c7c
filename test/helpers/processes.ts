/** Helpers for tests that run real servers (mosquitto, redis-server) as child processes. */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Stops `child` as a service manager does: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopProcess(child: ChildProcess | null, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Waits for the server `child` (just spawned, `name` in messages) until `ready()` answers true,
 * polling every 25 ms for at most 5 s. Throws at once, with `output()` (what it printed so far),
 * if it exits or cannot start; on timeout kills it (SIGKILL) and throws "did not `waitingFor`".
 */
export async function waitForServer(child: ChildProcess, name: string, ready: () => Promise<boolean>, output: () => string, waitingFor: string): Promise<void> {
  let failure = '';
  child.once('exit', (code, signal) => (failure = `${name} exited (${signal ?? code}): ${output().trim()}`));
  child.once('error', (e) => (failure = `${name} failed to start: ${e.message}`));
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline) {
    if (failure) throw new Error(failure);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not ${waitingFor} within 5 s: ${output().trim()}`);
}
