/**
 * The real `sentio` as a child process (`node --import tsx bin/sentio.js …`), its output collected,
 * killed with SIGKILL if it runs past a limit (the test then fails on what it sees, not on a hang).
 * Used by the analyze-signal and queue tests.
 */
import { spawn } from 'node:child_process';
import { sentioArgs } from './cli.ts';

export interface SentioProcess {
  pid: number | undefined;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal that killed it) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `sentio ...args`; SIGKILLs it after `limitMs`. */
export function startSentio(args: readonly string[], limitMs: number): SentioProcess {
  const child = spawn(process.execPath, sentioArgs(...args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal });
    }),
  );
  return { pid: child.pid, stdout: () => out, stderr: () => err, exited, kill: (s) => void child.kill(s) };
}
