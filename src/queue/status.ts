/** `sentio queue status`: how far the analysis queue is, how fast it goes and when it will be done. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatDuration } from '../analyze/format.ts';
import { WAITING_STATES, waitingCount, type JobData } from './jobs.ts';

export interface QueueStatus {
  queue: string;
  /** Waiting for a worker (delayed retries and prioritized jobs included). */
  waiting: number;
  /** Being analysed now. */
  active: number;
  /** Analysed: a stored result or `{file, error}`. */
  done: number;
  /** Given up on (see `JOB_OPTIONS`); `sentio queue add` of the same files retries them. */
  failed: number;
  /** Workers connected to the queue now. */
  workers: number;
  /** Files finished per second over the last minute (or since the first finished, if later); null when none finished in it. */
  filesPerSecond: number | null;
  /** Seconds until waiting + active are done at that rate; null without a rate, 0 when nothing is left. */
  etaSeconds: number | null;
}

/** Throughput is measured over this window. */
export const RATE_WINDOW_MS = 60_000;

/** `redis`: a client of the same server, for two reads BullMQ has no call for. */
export async function queueStatus(queue: Queue<JobData>, redis: Redis, now: number = Date.now()): Promise<QueueStatus> {
  const counts = await queue.getJobCounts(...WAITING_STATES, 'active', 'completed', 'failed');
  // The completed set is scored by finishing time (ms): counting a score range needs no job reads.
  const since = now - RATE_WINDOW_MS;
  const [recent, first] = await Promise.all([
    redis.zcount(queue.keys.completed, since, '+inf'),
    redis.zrange(queue.keys.completed, 0, 0, 'WITHSCORES'),
  ]);
  const workers = (await queue.getWorkers()).length;
  const firstFinished = first.length === 2 ? Number(first[1]) : NaN;
  // A run that began inside the window is measured from its first finished file, not from a minute ago.
  const windowMs = Number.isFinite(firstFinished) && firstFinished > since ? now - firstFinished : RATE_WINDOW_MS;
  const filesPerSecond = recent > 1 && windowMs > 0 ? recent / (windowMs / 1000) : null;
  const waiting = waitingCount(counts);
  const left = waiting + counts.active;
  return {
    queue: queue.name,
    waiting,
    active: counts.active,
    done: counts.completed,
    failed: counts.failed,
    workers,
    filesPerSecond,
    etaSeconds: left === 0 ? 0 : filesPerSecond ? left / filesPerSecond : null,
  };
}

/** The status for people, one item per line. */
export function formatStatus(s: QueueStatus, address: string): string {
  const total = s.waiting + s.active + s.done + s.failed;
  const pct = total ? ` (${((100 * s.done) / total).toFixed(1)} %)` : '';
  const rows: [string, string][] = [
    ['waiting', String(s.waiting)],
    ['active', String(s.active)],
    ['done', `${s.done}${pct}`],
    ['failed', String(s.failed) + (s.failed ? ' (sentio queue add of the same files queues them again)' : '')],
    ['workers', String(s.workers)],
    ['throughput', s.filesPerSecond === null ? '-' : `${s.filesPerSecond.toFixed(2)} files/s (last minute)`],
    ['ETA', s.etaSeconds === null ? '-' : s.etaSeconds === 0 ? 'done' : formatDuration(s.etaSeconds)],
  ];
  return [`queue '${s.queue}' at ${address}`, ...rows.map(([k, v]) => `  ${k.padEnd(11)}${v}`)].join('\n') + '\n';
}
