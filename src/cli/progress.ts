/** Progress bars on stderr (cli-progress) and printing lines without breaking them. */
import cliProgress from 'cli-progress';
import type { Console } from './features.ts';

export type Bar = cliProgress.SingleBar;

/** A bar with the given cli-progress `format`, drawn on `io.stderr`, erased when done. */
export function progressBar(io: Console, format: string): Bar {
  return new cliProgress.SingleBar({ stream: io.stderr as NodeJS.WritableStream, format, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
}

/** The per-file bar of `sentio features`/`analyze`, or null when it should not be drawn. */
export function fileProgress(io: Console, verb: string, enabled: boolean): Bar | null {
  return enabled && io.isTTY ? progressBar(io, `${verb} |{bar}| {value}/{total} files | ETA {eta_formatted} | {file}`) : null;
}

/** Writes `line` to stderr; with a bar, clears its line first and lets the next update redraw it. */
export function printAbove(io: Console, bar: Bar | null, line: string): void {
  io.stderr.write((bar ? '\r\x1b[2K' : '') + line + '\n');
}
