/**
 * What a job of the analysis queue is: its name, id, data and options, and the worker settings
 * that decide when a job counts as stalled. Shared by `sentio queue add|status|results` and
 * `sentio worker`.
 *
 * **Job ids** are derived from the file's absolute path, not its contents: adding a library
 * costs no reads of the audio (a million tracks would be terabytes to hash), the result is per
 * path as `sentio analyze` reports it (two copies of a song are two lines), and BullMQ ignores an
 * `add` whose id exists, so adding the same library again enqueues nothing new. The id is a hash
 * of the path because BullMQ refuses ids with `:` and all-digit ids, and keys stay short.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DefaultJobOptions, QueueOptions } from 'bullmq';

/** The queue used when `--queue` is not given. */
export const DEFAULT_QUEUE = 'sentio';

/** The name every analysis job carries (BullMQ job names are labels; the id is what matters). */
export const JOB_NAME = 'analyze';

/** What a job holds: the file to analyse, an absolute path as the adding machine saw it. */
export interface JobData {
  file: string;
}

/** Throws unless `name` is a queue name BullMQ and Redis keys accept. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new Error(`--queue '${name}': use 1–100 letters, digits, '.', '_' or '-'`);
  return name;
}

/** The job id of the file at absolute path `file`: `f` + the first 128 bits of its SHA-256, hex. */
export function jobIdFor(file: string): string {
  return 'f' + createHash('sha256').update(file, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Options of every job. A broken file is not an error of the job: it completes with an
 * `{file, error}` result and is never retried. `attempts` covers the worker's own trouble (a job
 * whose processor threw, e.g. when a fresh analysis thread could not start): three tries, 5 s and
 * 10 s apart, then the job is failed and `queue results` reports it. Finished jobs are kept: their
 * return values are the results, and a kept id is what makes a second `add` a no-op.
 */
export const JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: false,
  removeOnFail: false,
};

/**
 * Options of every `Queue` handle (each writes them to the queue's meta). BullMQ's event stream
 * repeats each result in its "completed" event and keeps 10,000 events by default (for 3-minute
 * tracks about 180 MB of Redis memory); nothing here reads events, so keep few.
 */
/** BullMQ's states of a job that waits for a worker (delayed retries and prioritized jobs included). */
export const WAITING_STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/** The jobs in `WAITING_STATES`, from `getJobCounts(...WAITING_STATES, …)`. */
export function waitingCount(counts: Readonly<Record<string, number>>): number {
  return WAITING_STATES.reduce((n, s) => n + counts[s], 0);
}

export const QUEUE_OPTIONS = { streams: { events: { maxLen: 1000 } } } satisfies Omit<QueueOptions, 'connection'>;

/**
 * When a worker's job counts as stalled. The worker renews its locks every `lockDurationMs / 2`
 * from its main thread, which only passes messages (the analysis runs on worker threads), so a
 * live worker renews on time however long a file takes. A worker that dies (SIGKILL, out of
 * memory, power loss) stops renewing: its locks expire within `lockDurationMs`, and the next
 * stalled check of any worker (every `stalledIntervalMs`) puts its jobs back in the queue, so
 * they are analysed again within `lockDurationMs + stalledIntervalMs` (30 s) of the loss. A job
 * that stalls more than `maxStalledCount` times (a file that kills every worker that tries it) is
 * failed instead of going round for ever.
 */
export const STALL_DEFAULTS = { lockDurationMs: 20_000, stalledIntervalMs: 10_000, maxStalledCount: 2 } as const;

/** A `--path-map FROM=TO`: queued paths under FROM are read from TO on this machine. */
export interface PathMap {
  from: string;
  to: string;
}

/** Parses `FROM=TO` (both absolute; a trailing separator is ignored). */
export function parsePathMap(text: string): PathMap {
  const i = text.indexOf('=');
  const from = i > 0 ? text.slice(0, i) : '';
  const to = i > 0 ? text.slice(i + 1) : '';
  if (!from || !to || !path.isAbsolute(from) || !path.isAbsolute(to)) throw new Error(`--path-map '${text}': expected FROM=TO with two absolute paths, e.g. /mnt/music=/data/music`);
  const trim = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
  return { from: trim(from), to: trim(to) };
}

/** Where this machine reads queued `file`: the first map whose FROM is `file` or a folder above it, else `file`. */
export function mapPath(file: string, maps: readonly PathMap[]): string {
  for (const m of maps) {
    if (file === m.from) return m.to;
    const prefix = m.from.endsWith('/') ? m.from : m.from + '/';
    if (file.startsWith(prefix)) return m.to + '/' + file.slice(prefix.length);
  }
  return file;
}
