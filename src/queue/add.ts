/**
 * `sentio queue add`: files, folders and manifests (`.txt`, one path per line) → one job per
 * audio file. Ids come from the absolute path (`jobs.ts`), so adding a library again adds only
 * what is new; a file whose job failed (see `JOB_OPTIONS`) is queued again.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { expandInputs } from '../cli/inputs.ts';
import { JOB_NAME, JOB_OPTIONS, jobIdFor, type JobData } from './jobs.ts';

/**
 * The paths a manifest lists: one per line, relative ones taken from the manifest's folder (as a
 * playlist's are), blank lines and lines starting with `#` skipped, CRLF line ends accepted.
 */
export function manifestPaths(text: string, manifest: string): string[] {
  const base = path.dirname(path.resolve(manifest));
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    out.push(path.resolve(base, line));
  }
  return out;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute paths of the audio files `inputs` name, each once, in order: files as given,
 * folders searched recursively (as `sentio analyze` does, through `expandInputs`), and each line
 * of a `.txt` manifest treated as an input of its own (so a manifest may list folders too).
 */
export async function collectFiles(inputs: readonly string[]): Promise<string[]> {
  const args: string[] = [];
  for (const input of inputs) {
    if (path.extname(input).toLowerCase() === '.txt' && (await isFile(input))) args.push(...manifestPaths(await readFile(input, 'utf8'), input));
    else args.push(input);
  }
  const { files } = await expandInputs(args);
  return [...new Set(files.map((f) => path.resolve(f.path)))];
}

/** What an add did, file by file. */
export interface AddSummary {
  /** New jobs. */
  added: number;
  /** Already in the queue, not finished (waiting, delayed for a retry, or being analysed). */
  queued: number;
  /** Already analysed (its result, or its error, is stored). */
  done: number;
  /** Their job had failed (the worker's trouble, not the file's): queued again. */
  retried: number;
}

/** Files per round trip: one pipelined state lookup, then one transaction adding the new ones. */
const BATCH = 500;

export interface AddOptions {
  /** Called after each batch with the number of files it held. */
  onProgress?: (n: number) => void;
  /** Overrides of {@link JOB_OPTIONS} for the jobs added. */
  jobOptions?: Partial<typeof JOB_OPTIONS>;
}

/** Adds a job for each of `files` (absolute paths) that has none. */
export async function addFiles(queue: Queue<JobData>, files: readonly string[], o: AddOptions = {}): Promise<AddSummary> {
  const opts = { ...JOB_OPTIONS, ...o.jobOptions };
  const summary: AddSummary = { added: 0, queued: 0, done: 0, retried: 0 };
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH).map((file) => ({ file, id: jobIdFor(file) }));
    // Commands issued together go out on one connection back to back (pipelined by ioredis).
    const states = await Promise.all(batch.map((b) => queue.getJobState(b.id)));
    // A failed job is replaced by a fresh one: retrying it in place would keep its stall count,
    // and one more stall would fail it again at once.
    const failed = batch.filter((_, k) => states[k] === 'failed');
    await Promise.all(failed.map((b) => queue.remove(b.id)));
    const fresh = batch.filter((_, k) => states[k] === 'unknown' || states[k] === 'failed');
    if (fresh.length) await queue.addBulk(fresh.map((b) => ({ name: JOB_NAME, data: { file: b.file }, opts: { ...opts, jobId: b.id } })));
    for (const state of states) {
      if (state === 'unknown') summary.added++;
      else if (state === 'failed') summary.retried++;
      else if (state === 'completed') summary.done++;
      else summary.queued++;
    }
    o.onProgress?.(batch.length);
  }
  return summary;
}
