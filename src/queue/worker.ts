/**
 * The loop of `sentio worker`: a BullMQ worker taking jobs from the analysis queue, `jobs` at a
 * time, each analysed on one of `jobs` analysis threads (`threads.ts`: the threads of `sentio
 * analyze`'s pool), its record stored as the job's return value — the object of the line
 * `sentio analyze --format jsonl` writes for the file. A broken file completes its job with
 * `{file, error}`; it is not retried.
 *
 * Stopping: `stop(false)` (the first SIGTERM/SIGINT) takes no new jobs and lets the files in
 * hand finish (BullMQ's `worker.close()`); `stop(true)` (a second signal) hands those jobs back
 * to the queue at once, for another worker to take. A worker that is killed hands nothing back:
 * its jobs stall and other workers take them over (see `STALL_DEFAULTS`).
 */
import { hostname } from 'node:os';
import { Queue, Worker, WaitingError, type Job } from 'bullmq';
import { toJsonLine, type AnalysisRecord } from '../analyze/format.ts';
import { isFailure } from '../analyze/records.ts';
import { JOB_NAME, mapPath, QUEUE_OPTIONS, STALL_DEFAULTS, WAITING_STATES, type JobData, type PathMap } from './jobs.ts';
import { connectionOptions, isConnectionError, type RedisAddress } from './redis.ts';

export interface QueueWorkerOptions {
  address: RedisAddress;
  queue: string;
  /** Files analysed at once. */
  jobs: number;
  /** Analyses the file at a local path: its record (never throws for a bad file). */
  analyze: (path: string) => Promise<AnalysisRecord>;
  pathMaps?: readonly PathMap[];
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** Reconnect delay cap etc. come from `connectionOptions`; this bounds its connect attempts. */
  connectTimeoutMs: number;
  /** Stop (and resolve) once no job is waiting or active anywhere in the queue. */
  untilDone?: boolean;
  /** Shown in `CLIENT LIST` and stored on each job it processes (default `host:pid`). */
  name?: string;
  /** One line for people (stderr): failures, connection trouble. */
  log: (line: string) => void;
}

export interface WorkerSummary {
  /** Jobs completed by this worker. */
  analysed: number;
  /** Of those, files that could not be analysed (`{file, error}`). */
  errors: number;
  /** How the loop ended. */
  end: 'done' | 'stopped' | 'handed-back';
}

export interface RunningWorker {
  /** Resolves when the worker has stopped and closed its connections. */
  done: Promise<WorkerSummary>;
  /** Stop taking jobs; `handBack`: return the jobs in hand to the queue instead of finishing them. */
  stop(handBack: boolean): void;
}

/**
 * `record` for the queued `file`, read from `local`: the record names the file as queued, and an
 * error message names it so too, so the results read the same whichever machine analysed them.
 */
export function asQueued(record: AnalysisRecord, file: string, local: string): AnalysisRecord {
  if (file === local) return record;
  if (isFailure(record)) return { file, error: record.error.split(local).join(file) };
  return { ...record, file };
}

/** Starts the worker; it runs until stopped (or, with `untilDone`, until the queue is empty). */
export function startQueueWorker(o: QueueWorkerOptions): RunningWorker {
  const maps = o.pathMaps ?? [];
  const summary: WorkerSummary = { analysed: 0, errors: 0, end: 'stopped' };
  /** Resolved by stop(true): jobs still analysing go back to the queue. */
  let handBack!: () => void;
  const handingBack = new Promise<void>((resolve) => (handBack = resolve));
  let handedBack = false;

  const processor = async (job: Job<JobData>, token?: string): Promise<unknown> => {
    const file = job.data.file;
    const local = mapPath(file, maps);
    const analysed = o.analyze(local).then((r) => asQueued(r, file, local));
    const first = await Promise.race([analysed, handingBack.then(() => null)]);
    if (first === null) {
      await job.moveToWait(token);
      // BullMQ's way of saying "the job was moved, do not finish it".
      throw new WaitingError();
    }
    // The stored value is exactly the line analyze writes, parsed (it becomes that line again).
    return JSON.parse(toJsonLine(first));
  };

  const worker = new Worker<JobData>(o.queue, processor, {
    connection: connectionOptions(o.address, { persistent: true, timeoutMs: o.connectTimeoutMs }),
    concurrency: o.jobs,
    lockDuration: o.lockDurationMs ?? STALL_DEFAULTS.lockDurationMs,
    stalledInterval: o.stalledIntervalMs ?? STALL_DEFAULTS.stalledIntervalMs,
    maxStalledCount: o.maxStalledCount ?? STALL_DEFAULTS.maxStalledCount,
    name: o.name ?? `${hostname()}:${process.pid}`,
    autorun: false,
  });

  // Connection trouble: one line when it starts and one when jobs flow again, not one per retry.
  let outage = false;
  worker.on('error', (e) => {
    if (isConnectionError(e)) {
      if (!outage) o.log(`sentio worker: lost the connection to Redis at ${o.address.display} (${e.message.split('\n')[0]}); reconnecting`);
      outage = true;
      return;
    }
    o.log(`sentio worker: ${e.message.split('\n')[0]}`);
  });
  worker.on('completed', (job, value) => {
    if (outage) o.log(`sentio worker: connected to Redis at ${o.address.display} again`);
    outage = false;
    if (job.name !== JOB_NAME) return;
    summary.analysed++;
    const record = value as AnalysisRecord;
    if (record && isFailure(record)) {
      summary.errors++;
      o.log(`sentio: ${record.error}`);
    }
  });

  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  // Only with untilDone: a queue handle to count what is left in the whole queue.
  const counter = o.untilDone ? new Queue<JobData>(o.queue, { ...QUEUE_OPTIONS, connection: connectionOptions(o.address, { persistent: true, timeoutMs: o.connectTimeoutMs }) }) : null;
  counter?.on('error', () => {}); // reported through the worker's own connections

  const done = (async (): Promise<WorkerSummary> => {
    const running = worker.run();
    let finished = false;
    let poll: NodeJS.Timeout | undefined;
    const drained = new Promise<void>((resolve) => {
      if (!counter) return;
      // Other workers' active jobs count too: if one dies, its jobs come back here once its locks expire.
      const check = async () => {
        try {
          const c = await counter.getJobCounts(...WAITING_STATES, 'active');
          if (Object.values(c).every((n) => n === 0)) return resolve();
        } catch {
          // Redis away: the worker's connection reports it; look again later.
        }
        if (!finished) poll = setTimeout(check, 500);
      };
      void check();
    });
    try {
      const end = await Promise.race([running.then(() => 'stopped' as const), drained.then(() => 'done' as const), stopped.then(() => 'stopped' as const)]);
      summary.end = end;
    } finally {
      finished = true;
      clearTimeout(poll);
      await worker.close();
      await running.catch(() => {});
      await counter?.close();
    }
    if (handedBack) summary.end = 'handed-back';
    return summary;
  })();

  return {
    done,
    stop(hand) {
      if (hand && !handedBack) {
        handedBack = true;
        handBack();
      }
      stopRequested();
    },
  };
}
