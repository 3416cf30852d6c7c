/**
 * `sentio queue add|status|results`: `sentio analyze` over a job queue on Redis (BullMQ), for
 * libraries too large for one machine. Any number of `sentio worker`s (`worker.ts`), on any
 * machines that see the files, take files from the queue; the results stay in Redis until
 * collected. These commands load no model or decoder, so they start fast.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createResultWriter, openResultFile, OUTPUT_FORMATS, type OutputFormat, type ResultWriter } from '../analyze/format.ts';
import { addFiles, collectFiles } from '../queue/add.ts';
import { checkQueueName, DEFAULT_QUEUE, QUEUE_OPTIONS, WAITING_STATES, waitingCount, type JobData } from '../queue/jobs.ts';
import { checkRedis, connectionOptions, DEFAULT_CONNECT_TIMEOUT_MS, isConnectionError, parseRedisUrl, RedisUnreachableError, RedisUrlError, type RedisAddress } from '../queue/redis.ts';
import { writeResults } from '../queue/results.ts';
import { formatStatus, queueStatus } from '../queue/status.ts';
import type { Console } from './features.ts';
import { fileProgress } from './progress.ts';
import { describeError, EXIT, UsageError } from './report.ts';

/** Options every queue command takes. */
export interface QueueOptions {
  redis: string;
  queue?: string;
  connectTimeout?: string;
}

/** Seconds given on the command line, as milliseconds; `what` names the option in the error. */
export function seconds(text: string | undefined, what: string, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const s = Number(text);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`${what} must be a positive number of seconds, got '${text}'`);
  return Math.round(s * 1000);
}

export interface Target {
  address: RedisAddress;
  queueName: string;
  timeoutMs: number;
}

/** The checked address, queue name and connect timeout (usage errors, exit 2). */
export function target(o: QueueOptions): Target {
  let address: RedisAddress;
  try {
    address = parseRedisUrl(o.redis);
  } catch (e) {
    if (e instanceof RedisUrlError) throw new UsageError(e.message);
    throw e;
  }
  let queueName: string;
  try {
    queueName = checkQueueName(o.queue ?? DEFAULT_QUEUE);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { address, queueName, timeoutMs: seconds(o.connectTimeout, '--connect-timeout', DEFAULT_CONNECT_TIMEOUT_MS) };
}

/** Fails with one line naming the address (exit 2) unless Redis answers within the timeout. */
export async function reach(t: Target): Promise<void> {
  try {
    await checkRedis(t.address, t.timeoutMs);
  } catch (e) {
    if (e instanceof RedisUnreachableError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Runs `body` with the queue (after {@link reach}), on a connection that gives up after an outage
 * of the timeout, so a command never hangs; closed afterwards. A lost connection is one line, exit 2.
 */
async function withQueue<T>(t: Target, body: (queue: Queue<JobData>, redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(connectionOptions(t.address, { persistent: false, timeoutMs: t.timeoutMs }));
  let lastError: unknown;
  redis.on('error', (e) => (lastError = e));
  const queue = new Queue<JobData>(t.queueName, { ...QUEUE_OPTIONS, connection: redis });
  queue.on('error', (e) => (lastError = e));
  try {
    return await body(queue, redis);
  } catch (e) {
    if (isConnectionError(e)) throw new UsageError(`lost the connection to Redis at ${t.address.display}: ${describeError(lastError ?? e, false)}`);
    throw e;
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

export interface QueueAddOptions extends QueueOptions {
  progress?: boolean;
}

export async function queueAddCommand(inputs: string[], o: QueueAddOptions, io: Console): Promise<number> {
  const t = target(o);
  if (inputs.length === 0) throw new UsageError('no input files given');
  const files = await collectFiles(inputs);
  if (files.length === 0) throw new UsageError(`no audio files found in ${inputs.join(', ')}`);
  await reach(t);
  const summary = await withQueue(t, async (queue) => {
    const bar = fileProgress(io, 'queue add', (o.progress ?? true) && files.length > 1);
    bar?.start(files.length, 0, { file: '' });
    try {
      return await addFiles(queue, files, { onProgress: (n) => bar?.increment(n, { file: '' }) });
    } finally {
      bar?.stop();
    }
  });
  const parts = [`${summary.added} added`, `${summary.queued} already queued`, `${summary.done} already done`];
  if (summary.retried) parts.push(`${summary.retried} failed before, queued again`);
  io.stdout.write(`queue '${t.queueName}' at ${t.address.display}: ${files.length} file${files.length === 1 ? '' : 's'}: ${parts.join(', ')}\n`);
  return EXIT.ok;
}

export interface QueueStatusOptions extends QueueOptions {
  json?: boolean;
}

export async function queueStatusCommand(o: QueueStatusOptions, io: Console): Promise<number> {
  const t = target(o);
  await reach(t);
  const status = await withQueue(t, (queue, redis) => queueStatus(queue, redis));
  io.stdout.write(o.json ? JSON.stringify({ redis: t.address.display, ...status }) + '\n' : formatStatus(status, t.address.display));
  return EXIT.ok;
}

export interface QueueResultsOptions extends QueueOptions {
  out?: string;
  format?: string;
  resume?: boolean;
  progress?: boolean;
}

export async function queueResultsCommand(o: QueueResultsOptions, io: Console): Promise<number> {
  const t = target(o);
  const format = (o.format ?? 'jsonl') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`unknown format '${o.format}' (use ${OUTPUT_FORMATS.join(', ')})`);
  if (o.resume && !o.out) throw new UsageError('--resume needs --out (the output to continue)');
  // Before the output is opened: an unreachable Redis must not truncate an earlier output.
  await reach(t);
  let writer: ResultWriter;
  let closeOutput: () => Promise<void>;
  let skip = new Set<string>();
  if (o.out) {
    await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
    const file = await openResultFile(o.out, format, { resume: o.resume });
    writer = file.writer;
    skip = file.completed;
    closeOutput = file.close;
  } else {
    writer = createResultWriter(io.stdout, format);
    closeOutput = () => writer.close();
  }
  try {
    const { summary, counts } = await withQueue(t, async (queue) => {
      const counts = await queue.getJobCounts(...WAITING_STATES, 'active', 'completed', 'failed');
      const bar = fileProgress(io, 'queue results', o.progress ?? true);
      bar?.start(Math.max(0, counts.completed + counts.failed - skip.size), 0, { file: '' });
      try {
        const summary = await writeResults(queue, writer, skip, (r) => bar?.increment({ file: path.basename(r.file) }));
        return { summary, counts };
      } finally {
        bar?.stop();
      }
    });
    const where = o.out ? ` to ${o.out}` : '';
    const lines = [`sentio: wrote ${summary.written} result${summary.written === 1 ? '' : 's'}${summary.errors ? ` (${summary.errors} of them errors)` : ''}${where}`];
    if (summary.skipped) lines[0] += `; ${summary.skipped} already there`;
    const pending = waitingCount(counts) + counts.active;
    if (pending) lines.push(`sentio: ${pending} file${pending === 1 ? ' is' : 's are'} not analysed yet (${counts.active} active); run this again${o.out ? ' with --resume' : ''} to add them`);
    io.stderr.write(lines.join('\n') + '\n');
    return summary.errors ? EXIT.inputFailed : EXIT.ok;
  } finally {
    await closeOutput();
  }
}
