/**
 * The queue library against a real redis-server, in this process: `addFiles` and its summary
 * (added, already queued, already done, failed and queued again), `queueStatus`, the worker loop
 * with real analysis threads (`startQueueWorker` + `AnalysisThreads`), a job the queue gives up
 * on, `--path-map`, and `writeResults` with and without `--resume`. The separate-process runs (two workers,
 * SIGKILL, a Redis restart) are in test/cli/queue-worker.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createResultWriter, openResultFile, toJsonLine, type AnalysisRecord } from '../../src/analyze/format.ts';
import { analyze, DEFAULT_MODEL_DIR, loadModel } from '../../src/analyze/node.ts';
import { addFiles } from '../../src/queue/add.ts';
import { jobIdFor, QUEUE_OPTIONS, type JobData } from '../../src/queue/jobs.ts';
import { connectionOptions, parseRedisUrl } from '../../src/queue/redis.ts';
import { writeResults } from '../../src/queue/results.ts';
import { queueStatus } from '../../src/queue/status.ts';
import { AnalysisThreads } from '../../src/queue/threads.ts';
import { startQueueWorker, type QueueWorkerOptions } from '../../src/queue/worker.ts';
import { RedisServer, redisSkip } from '../helpers/redis.ts';
import { encodeWav, sine } from '../helpers/wav.ts';

/** Longest a worker run may take here before the test fails. */
const RUN_LIMIT_MS = 60_000;

describe('the queue library on a real Redis', { skip: redisSkip() }, () => {
  let server: RedisServer;
  let redis: Redis;
  let dir: string;
  let threads: AnalysisThreads;
  let files: string[];
  const queues: Queue<JobData>[] = [];
  const open = (name: string) => {
    const q = new Queue<JobData>(name, { ...QUEUE_OPTIONS, connection: redis });
    queues.push(q);
    return q;
  };
  const log: string[] = [];

  before(async () => {
    // One after the other: when Redis cannot start (SENTIO_REQUIRE_REDIS=1 without it), nothing is left running.
    server = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'sentio-queue-'));
    threads = await AnalysisThreads.start(DEFAULT_MODEL_DIR, 1);
    redis = new Redis(connectionOptions(parseRedisUrl(server.url), { persistent: false, timeoutMs: 5000 }));
    files = [join(dir, 'a440.wav'), join(dir, 'a220.wav'), join(dir, 'broken.mp3'), join(dir, 'gone.wav')];
    await writeFile(files[0], encodeWav([sine(440, 22050, 6)], 22050));
    await writeFile(files[1], encodeWav([sine(220, 22050, 9, 0.3)], 22050));
    await writeFile(files[2], 'ID3 this is not an mp3');
  });
  after(async () => {
    for (const q of queues) await q.close();
    redis?.disconnect();
    await threads?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a worker until the queue is empty; fails after RUN_LIMIT_MS. */
  async function drain(queue: string, analyzeFn: QueueWorkerOptions['analyze'] = (p) => threads.analyze(p), pathMaps: QueueWorkerOptions['pathMaps'] = []) {
    const worker = startQueueWorker({ address: parseRedisUrl(server.url), queue, jobs: 1, analyze: analyzeFn, pathMaps, connectTimeoutMs: 5000, untilDone: true, log: (l) => log.push(l) });
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`worker on ${queue} still running after ${RUN_LIMIT_MS} ms`)), RUN_LIMIT_MS)));
    try {
      return await Promise.race([worker.done, limit]);
    } finally {
      clearTimeout(timer);
      worker.stop(false);
    }
  }

  /** The records `writeResults` writes (jsonl), as text, with its summary. */
  async function results(queue: Queue<JobData>, skip = new Set<string>()) {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const summary = await writeResults(queue, createResultWriter(out, 'jsonl'), skip);
    return { text, summary };
  }

  test('add: one job per file, by absolute path; adding again adds nothing; the worker stores what analyze writes', async () => {
    const queue = open('lib');
    assert.deepEqual(await addFiles(queue, files), { added: 4, queued: 0, done: 0, retried: 0 });
    assert.deepEqual(await addFiles(queue, [...files].reverse()), { added: 0, queued: 4, done: 0, retried: 0 });
    const job = await queue.getJob(jobIdFor(files[0]));
    assert.deepEqual(job?.data, { file: files[0] });
    const waiting = await queueStatus(queue, redis);
    assert.deepEqual({ ...waiting, filesPerSecond: null }, { queue: 'lib', waiting: 4, active: 0, done: 0, failed: 0, workers: 0, filesPerSecond: null, etaSeconds: null });

    const summary = await drain('lib');
    assert.deepEqual(summary, { analysed: 4, errors: 2, end: 'done' });
    assert.deepEqual(await addFiles(queue, files), { added: 0, queued: 0, done: 4, retried: 0 });
    const status = await queueStatus(queue, redis);
    assert.equal(status.done, 4);
    assert.equal(status.waiting + status.active + status.failed, 0);
    assert.equal(status.etaSeconds, 0);
    assert.ok(status.filesPerSecond !== null && status.filesPerSecond > 0, `${status.filesPerSecond}`);

    // The stored return values are the lines analyze writes for the same files.
    const model = await loadModel();
    const expected = new Map<string, string>();
    for (const f of files) {
      let r: AnalysisRecord;
      try {
        r = await analyze(f, { model });
      } catch (e) {
        r = { file: f, error: (e as Error).message };
      }
      expected.set(f, toJsonLine(r));
    }
    const { text, summary: written } = await results(queue);
    assert.deepEqual(written, { written: 4, errors: 2, skipped: 0 });
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(new Map(lines.map((l) => [JSON.parse(l).file as string, l])), expected);
  });

  test('a job whose processor throws is retried, then failed; results report it; add queues it again', async () => {
    const queue = open('trouble');
    const file = files[0];
    assert.deepEqual(await addFiles(queue, [file], { jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 10 } } }), { added: 1, queued: 0, done: 0, retried: 0 });
    let calls = 0;
    const summary = await drain('trouble', async () => {
      calls++;
      throw new Error('the disk went away');
    });
    assert.equal(calls, 2);
    assert.deepEqual(summary, { analysed: 0, errors: 0, end: 'done' });
    assert.equal((await queueStatus(queue, redis)).failed, 1);
    const { text, summary: written } = await results(queue);
    assert.deepEqual(written, { written: 1, errors: 1, skipped: 0 });
    assert.equal(text, JSON.stringify({ file, error: `${file}: not analysed, the queue gave up on it after 2 attempts: the disk went away` }) + '\n');

    assert.deepEqual(await addFiles(queue, [file]), { added: 0, queued: 0, done: 0, retried: 1 });
    assert.equal(await queue.getJobState(jobIdFor(file)), 'waiting');
    await drain('trouble');
    const again = await results(queue);
    assert.deepEqual(again.summary, { written: 1, errors: 0, skipped: 0 });
    assert.equal(JSON.parse(again.text).file, file);
    assert.ok(Array.isArray(JSON.parse(again.text).timeline));
  });

  test('--path-map: the file is read where this machine sees it, the result names it as queued', async () => {
    const queue = open('mapped');
    const queued = ['/mnt/nas/lib/a440.wav', '/mnt/nas/lib/gone.wav'];
    await addFiles(queue, queued);
    const read: string[] = [];
    await drain('mapped', (p) => (read.push(p), threads.analyze(p)), [{ from: '/mnt/nas/lib', to: dir }]);
    assert.deepEqual(read.sort(), [join(dir, 'a440.wav'), join(dir, 'gone.wav')]);
    const lines = (await results(queue)).text.trimEnd().split('\n').map((l) => JSON.parse(l) as AnalysisRecord);
    const local = await results(open('lib'));
    const same = local.text.split('\n').find((l) => l.includes('a440.wav'))!;
    assert.deepEqual(lines.find((r) => r.file === queued[0]), { ...JSON.parse(same), file: queued[0] });
    assert.deepEqual(lines.find((r) => r.file === queued[1]), { file: queued[1], error: `${queued[1]}: file not found` });
  });

  test('results --resume: files already in the output are skipped, error lines are written again, each file once', async () => {
    const queue = open('lib');
    const out = join(dir, 'moods.jsonl');
    const { text } = await results(queue);
    const lines = text.trimEnd().split('\n');
    const good = lines.filter((l) => !JSON.parse(l).error);
    const bad = lines.filter((l) => JSON.parse(l).error);
    // An interrupted earlier collection: one good line, one error line, and a line cut short.
    await writeFile(out, `${good[0]}\n${bad[0]}\n${good[1].slice(0, 40)}`);
    const file = await openResultFile(out, 'jsonl', { resume: true });
    const summary = await writeResults(queue, file.writer, file.completed);
    await file.close();
    assert.deepEqual(summary, { written: 3, errors: 2, skipped: 1 });
    const final = (await readFile(out, 'utf8')).trimEnd().split('\n');
    assert.deepEqual([...final].sort(), [...lines].sort());
  });
});
