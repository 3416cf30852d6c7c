/** Console conventions shared by the commands: one-line errors, exit codes. */
import { AudioInputError } from '../audio/errors.ts';

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Everything succeeded. */
  ok: 0,
  /** At least one input failed; the others were processed. */
  inputFailed: 1,
  /** Bad command line (unknown option, unknown feature set, missing --out, ...). */
  usage: 2,
} as const;

/** Exit codes of a run stopped by a signal (128 + the signal number, as shells report them). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export class UsageError extends Error {}

/** One-line description of an error; the stack only with --verbose. */
export function describeError(e: unknown, verbose: boolean): string {
  if (verbose && e instanceof Error && e.stack) return e.stack;
  if (e instanceof AudioInputError) return e.message;
  if (e instanceof Error) return e.message.split('\n')[0];
  return String(e);
}

export interface Failure {
  file: string;
  reason: string;
}

export function failureSummary(failures: readonly Failure[], total: number): string {
  const lines = [`${failures.length} of ${total} file${total === 1 ? '' : 's'} failed:`];
  for (const f of failures) lines.push(`  ${f.reason.startsWith(f.file) ? f.reason : `${f.file}: ${f.reason}`}`);
  return lines.join('\n');
}
