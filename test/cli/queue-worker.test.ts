/**
 * `sentio worker` as real processes (`node --import tsx bin/sentio.js worker …`) on a real
 * redis-server (test/helpers/redis.ts), over one folder: six emoMusic clips, two synthetic WAVs
 * and six broken inputs (one only named by a manifest, and missing). Every scenario ends with
 * `sentio queue results` holding exactly one line per file, each the very line `sentio analyze
 * --format jsonl` writes for that file:
 *
 * - two workers share the folder;
 * - one worker is SIGKILLed mid-job (its job stalls and a third worker takes it over), another is
 *   sent SIGTERM mid-job (it finishes that job, exit 143), and one sent SIGINT twice hands its job
 *   back at once (exit 130);
 * - Redis is restarted mid-run (same port and dir, append-only file on): nothing acknowledged is
 *   lost and the workers carry on.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIdFor, QUEUE_OPTIONS, type JobData } from '../../src/queue/jobs.ts';
import { connectionOptions, parseRedisUrl } from '../../src/queue/redis.ts';
import { runCli } from '../helpers/cli.ts';
import { RedisServer, redisSkip } from '../helpers/redis.ts';
import { startSentio } from '../helpers/sentio-process.ts';
import { encodeWav, sine } from '../helpers/wav.ts';

/** Longest any one child may run before it is killed and the test fails. */
const CHILD_LIMIT_MS = 90_000;
/** Longest wait for any one condition (a worker to take a job, a queue to drain). */
const WAIT_LIMIT_MS = 60_000;
/** Short locks so that a killed worker's job is taken over within seconds (defaults: 20 s and 10 s). */
const FAST_STALLS = ['--lock-duration', '2', '--stalled-interval', '1'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, ms = WAIT_LIMIT_MS): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (performance.now() > deadline) assert.fail(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(50);
  }
}

interface Child {
  /** The worker name it stores on the jobs it takes (`host:pid`). */
  name: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

describe('sentio worker processes on a real Redis', { skip: redisSkip() }, () => {
  let server: RedisServer;
  let redis: Redis;
  let dir: string;
  let folder: string;
  let manifest: string;
  /** file → the line `sentio analyze --format jsonl` writes for it. */
  const expected = new Map<string, string>();
  const children: Child[] = [];
  const queues: Queue<JobData>[] = [];

  function worker(queue: string, ...args: string[]): Child {
    const child = startSentio(['worker', '--redis', server.url, '--queue', queue, '--jobs', '1', ...args], CHILD_LIMIT_MS);
    const c = { name: `${hostname()}:${child.pid}`, stderr: child.stderr, exited: child.exited, kill: child.kill };
    children.push(c);
    return c;
  }

  function queueOf(name: string): Queue<JobData> {
    const q = new Queue<JobData>(name, { ...QUEUE_OPTIONS, connection: redis });
    q.on('error', () => {}); // the restart test stops the server under it; the calls then wait
    queues.push(q);
    return q;
  }

  /** The job `w` is analysing now, once it has one. */
  const activeJobOf = (q: Queue<JobData>, w: Child) => waitFor(async () => ((await q.getJobs(['active'])) as Job<JobData>[]).find((j) => j.processedBy === w.name), `${w.name} to take a job`);

  /** `sentio queue results` for `queue`: the lines, checked to be one per file and what analyze writes. */
  async function checkResults(queue: string): Promise<void> {
    const out = join(dir, `${queue}.jsonl`);
    const run = await runCli('queue', 'results', '--redis', server.url, '--queue', queue, '--out', out);
    assert.equal(run.code, 1, run.stderr); // the broken files are errors
    assert.match(run.stderr, new RegExp(`^sentio: wrote ${expected.size} results \\(6 of them errors\\) to ${out}\\n$`));
    const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
    const byFile = new Map(lines.map((l) => [JSON.parse(l).file as string, l]));
    assert.equal(byFile.size, lines.length, 'a file twice in the results');
    assert.deepEqual([...byFile.keys()].sort(), [...expected.keys()].sort());
    for (const [file, line] of expected) assert.equal(byFile.get(file), line, file);
  }

  /** Jobs analysed by the worker as its last line says. */
  const analysedBy = (w: Child) => Number(/analysed (\d+) files?/.exec(w.stderr())?.[1] ?? NaN);

  before(async () => {
    server = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'sentio-queue-worker-'));
    redis = new Redis(connectionOptions(parseRedisUrl(server.url), { persistent: true, timeoutMs: 5000 }));
    redis.on('error', () => {}); // the restart test stops the server under it
    folder = join(dir, 'library');
    await mkdir(join(folder, 'broken'), { recursive: true });
    for (const id of ['3', '4', '7', '8', '10', '17']) await copyFile(`test/fixtures/emomusic/${id}.mp3`, join(folder, `clip-${id}.mp3`));
    await writeFile(join(folder, 'tone.wav'), encodeWav([sine(330, 44100, 12), sine(495, 44100, 12, 0.3)], 44100));
    await writeFile(join(folder, 'quiet.wav'), encodeWav([new Float32Array(22050 * 5)], 22050));
    const clip = await readFile('test/fixtures/emomusic/3.mp3');
    await writeFile(join(folder, 'broken', 'truncated.mp3'), clip.subarray(0, 300000));
    await writeFile(join(folder, 'broken', 'notes.mp3'), 'liner notes, not audio\n'.repeat(40));
    await writeFile(join(folder, 'broken', 'empty.wav'), '');
    await writeFile(join(folder, 'broken', 'cut.wav'), encodeWav([sine(440, 22050, 1)], 22050).subarray(0, 5000));
    await writeFile(join(folder, 'broken', 'short.wav'), encodeWav([sine(440, 22050, 0.2)], 22050));
    manifest = join(dir, 'extra.txt');
    await writeFile(manifest, '# also these\nlibrary/clip-3.mp3\nnot-there.flac\n');

    const files = [
      ...['3', '4', '7', '8', '10', '17'].map((id) => join(folder, `clip-${id}.mp3`)),
      join(folder, 'tone.wav'),
      join(folder, 'quiet.wav'),
      ...['truncated.mp3', 'notes.mp3', 'empty.wav', 'cut.wav', 'short.wav'].map((f) => join(folder, 'broken', f)),
      join(dir, 'not-there.flac'),
    ];
    const reference = join(dir, 'analyze.jsonl');
    const run = await runCli('analyze', ...files, '--format', 'jsonl', '--out', reference, '--jobs', '2', '--no-progress');
    assert.equal(run.code, 1, run.stderr);
    for (const line of (await readFile(reference, 'utf8')).split('\n').filter(Boolean)) expected.set(JSON.parse(line).file, line);
    assert.equal(expected.size, 14);
    assert.equal([...expected.values()].filter((l) => JSON.parse(l).error).length, 6);
  });

  after(async () => {
    // SENTIO_DEBUG=1: what each worker said (connection losses, takeovers, its count).
    if (process.env.SENTIO_DEBUG) for (const c of children) process.stderr.write(`--- ${c.name}\n${c.stderr()}`);
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    for (const q of queues) await q.close();
    redis?.disconnect();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** `sentio queue add` of the folder and the manifest into `queue`. */
  async function add(queue: string): Promise<string> {
    const run = await runCli('queue', 'add', folder, manifest, '--redis', server.url, '--queue', queue);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout;
  }

  test('two workers: every file once, as analyze writes it; adding the folder again adds nothing', async () => {
    assert.equal(await add('two'), `queue 'two' at ${server.url}: 14 files: 14 added, 0 already queued, 0 already done\n`);
    assert.equal(await add('two'), `queue 'two' at ${server.url}: 14 files: 0 added, 14 already queued, 0 already done\n`);
    const a = worker('two', '--until-done');
    const b = worker('two', '--until-done');
    for (const w of [a, b]) {
      const { code } = await w.exited;
      assert.equal(code, 0, w.stderr());
      assert.match(w.stderr(), /the queue is empty\n$/);
    }
    // Each file analysed once: the workers' own counts add up to the folder.
    assert.equal(analysedBy(a) + analysedBy(b), 14, a.stderr() + b.stderr());
    await checkResults('two');
    assert.equal(await add('two'), `queue 'two' at ${server.url}: 14 files: 0 added, 0 already queued, 14 already done\n`);
    const status = await runCli('queue', 'status', '--redis', server.url, '--queue', 'two', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(
      (({ waiting, active, done, failed, workers, etaSeconds }) => ({ waiting, active, done, failed, workers, etaSeconds }))(JSON.parse(status.stdout)),
      { waiting: 0, active: 0, done: 14, failed: 0, workers: 0, etaSeconds: 0 },
    );
  });

  test('SIGKILL mid-job: another worker takes the job over; SIGTERM mid-job: that job is finished, exit 143', async () => {
    const q = queueOf('kill');
    await add('kill');
    const killed = worker('kill', ...FAST_STALLS);
    const stopped = worker('kill', ...FAST_STALLS);
    // Frozen first (SIGSTOP), so that the job it holds is surely still unfinished when it is killed.
    const killedJob = await waitFor(async () => {
      const job = ((await q.getJobs(['active'])) as Job<JobData>[]).find((j) => j.processedBy === killed.name);
      if (!job) return undefined;
      killed.kill('SIGSTOP');
      await sleep(200);
      if ((await q.getJobState(job.id!)) === 'active') return job;
      killed.kill('SIGCONT'); // it finished that one just before: try its next
      return undefined;
    }, `${killed.name} to hold a job`);
    const stoppedJob = await activeJobOf(q, stopped);
    killed.kill('SIGKILL');
    stopped.kill('SIGTERM');
    assert.equal((await killed.exited).signal, 'SIGKILL');
    const end = await stopped.exited;
    assert.equal(end.code, 143, stopped.stderr());
    assert.match(stopped.stderr(), /SIGTERM: finishing the files in hand, taking no more/);
    const finished = await q.getJob(stoppedJob.id!);
    assert.equal(await finished?.getState(), 'completed');
    assert.equal(finished?.processedBy, stopped.name);

    const rescuer = worker('kill', ...FAST_STALLS, '--until-done');
    const rescued = await rescuer.exited;
    assert.equal(rescued.code, 0, rescuer.stderr());
    const taken = await q.getJob(killedJob.id!);
    assert.equal(await taken?.getState(), 'completed');
    assert.equal(taken?.processedBy, rescuer.name);
    assert.ok((taken?.stalledCounter ?? 0) >= 1, `stalled ${taken?.stalledCounter} times`);
    await checkResults('kill');
  });

  test('SIGINT twice: the job in hand goes back to the queue at once, exit 130', async () => {
    // One long file (10 min), so the second signal surely lands while it is analysed.
    const long = join(dir, 'long.wav');
    await writeFile(long, encodeWav([sine(220, 22050, 600, 0.4)], 22050));
    const q = queueOf('handback');
    const run = await runCli('queue', 'add', long, '--redis', server.url, '--queue', 'handback');
    assert.equal(run.code, 0, run.stderr);
    const w = worker('handback');
    await activeJobOf(q, w);
    w.kill('SIGINT');
    await waitFor(async () => w.stderr().includes('SIGINT: finishing the files in hand'), 'the first SIGINT to be handled');
    const t = performance.now();
    w.kill('SIGINT');
    const { code } = await w.exited;
    assert.equal(code, 130, w.stderr());
    assert.match(w.stderr(), /handing the files in hand back to the queue\n[^]*analysed 0 files in [\d.]+ s; jobs in hand handed back\n$/);
    assert.ok(performance.now() - t < 5000, `${performance.now() - t} ms from the second signal to the exit`);
    const job = await q.getJob(jobIdFor(long));
    assert.equal(await job?.getState(), 'waiting');
    assert.equal(job?.stalledCounter, 0);
  });

  test('Redis restarted mid-run (AOF on): nothing acknowledged is lost, the workers reconnect and finish', async () => {
    const q = queueOf('restart');
    await add('restart');
    const a = worker('restart', '--until-done');
    const b = worker('restart');
    const before = await waitFor(async () => {
      const c = await q.getJobCounts('completed', 'waiting');
      return c.completed >= 2 && c;
    }, 'two files to be done');
    const doneBefore = ((await q.getJobs(['completed'])) as Job<JobData>[]).map((j) => j.id).sort();
    assert.ok(before.waiting > 0, 'the restart should come mid-run');
    await server.pause();
    await sleep(1000);
    await server.resume();
    const counts = await waitFor(async () => q.getJobCounts('completed', 'waiting', 'active', 'delayed', 'failed'), 'the queue to answer again');
    assert.equal(Object.values(counts).reduce((s, n) => s + n, 0), 14, JSON.stringify(counts));
    const doneAfter = new Set(((await q.getJobs(['completed'])) as Job<JobData>[]).map((j) => j.id));
    assert.deepEqual(doneBefore.filter((id) => !doneAfter.has(id)), [], 'completed jobs lost in the restart');

    const end = await a.exited;
    assert.equal(end.code, 0, a.stderr());
    b.kill('SIGINT');
    assert.equal((await b.exited).code, 130, b.stderr());
    const logs = a.stderr() + b.stderr();
    assert.match(logs, new RegExp(`sentio worker: lost the connection to Redis at ${server.url} \\(`));
    assert.equal(analysedBy(a) + analysedBy(b), 14, logs);
    await checkResults('restart');
  });
});
