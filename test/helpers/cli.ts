/** Runs the CLI in-process with captured output. */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Console } from '../../src/cli/features.ts';
import { main } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with a non-TTY console whose stdout/stderr are captured as text. */
export async function captureConsole(command: (io: Console) => Promise<number>): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await command({ stdout, stderr, isTTY: false });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export function runCli(...args: string[]): Promise<CliResult> {
  return captureConsole((io) => main(['node', 'sentio', ...args], io));
}

/** `node` arguments that run the real `sentio` executable from the TypeScript sources. */
export const SENTIO_BIN = fileURLToPath(new URL('../../bin/sentio.js', import.meta.url));
export const sentioArgs = (...args: string[]): string[] => ['--import', 'tsx', SENTIO_BIN, ...args];
