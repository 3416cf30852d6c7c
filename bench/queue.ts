/**
 * `sentio analyze` over the Redis job queue (BullMQ) against `sentio analyze --jobs 2`, on the same
 * files in one run, and the cost of the queue itself:
 *
 *   - throughput of 1, 2 and 4 `sentio worker` processes (`--jobs 1` each) and of one worker with
 *     `--jobs 2` (the thread layout of `analyze --jobs 2`), against `sentio analyze --jobs 2` as a
 *     process: wall time from the spawn to the last result, and the steady rate between the first
 *     and the last result (start-up left out); the workers' results are checked to equal analyze's;
 *   - the queue's own cost per job (ms per file): a worker in this process whose "analysis" hands
 *     back a stored real result at once, so what is timed is BullMQ's fetch, lock and completion
 *     of a job with a real-sized return value; also `queue add` and `queue results` per file,
 *     Redis CPU time per job and Redis memory per stored result.
 *
 *   npm run bench:queue -- [--dir ../shared/datasets/4q/audio] [--files 120] [--runs 1] [--workers 1,2,4] [--overhead-jobs 2000] [--built]
 *
 * Every process runs from the TypeScript sources through tsx (both sides pay the same start-up),
 * or with --built from dist/ (`npm run build` first). Redis is a local redis-server started here
 * (append-only file on, as the README recommends), on a free loopback port.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createResultWriter, type AnalysisRecord } from '../src/analyze/format.ts';
import { expandInputs } from '../src/cli/inputs.ts';
import { addFiles } from '../src/queue/add.ts';
import { QUEUE_OPTIONS, type JobData } from '../src/queue/jobs.ts';
import { connectionOptions, parseRedisUrl } from '../src/queue/redis.ts';
import { writeResults } from '../src/queue/results.ts';
import { startQueueWorker } from '../src/queue/worker.ts';
import { RedisServer } from '../test/helpers/redis.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dir = path.resolve(arg('--dir', path.join(root, '../shared/datasets/4q/audio')));
const fileCount = Number(arg('--files', '120'));
const runs = Number(arg('--runs', '1'));
const workerCounts = arg('--workers', '1,2,4').split(',').map(Number);
const overheadJobs = Number(arg('--overhead-jobs', '2000'));
const built = process.argv.includes('--built');

if (!existsSync(dir)) {
  console.error(`bench/queue: ${dir} not found (give --dir)`);
  process.exit(2);
}
if (built && !existsSync(path.join(root, 'dist/cli/run.js'))) {
  console.error('bench/queue: --built, but dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const sentio = (...args: string[]): string[] => (built ? [path.join(root, 'bin/sentio.js'), ...args] : ['--import', 'tsx', path.join(root, 'bin/sentio.js'), ...args]);

const work = mkdtempSync(path.join(tmpdir(), 'sentio-bench-queue-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawns `node args`; resolves with its exit code once it has exited. */
function run(args: string[]): { exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) =>
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(code) : reject(new Error(`${args.slice(-8).join(' ')}: exit ${code}\n${err}`)))),
  );
  // Awaited later; until then a failure must not crash the run before Redis is stopped.
  exited.catch(() => {});
  return { exited };
}

interface Timing {
  label: string;
  /** Spawn to the last result, seconds. */
  wall: number;
  /** Files per second between the first and the last result. */
  steady: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let server: RedisServer | null = null;
try {
  // The subset: every k-th file of the sorted folder, so that all four quadrant folders are in it.
  const { files: all } = await expandInputs([dir]);
  const step = Math.max(1, Math.floor(all.length / fileCount));
  const picked = all.filter((_, i) => i % step === 0).slice(0, fileCount);
  const library = path.join(work, 'library');
  await mkdir(library);
  // Symlinks in one folder, given as files to both (a folder search skips symlinks): analyze and the
  // queue name the same paths, so their lines compare byte for byte.
  const files = picked.map((f, i) => {
    const link = path.join(library, `${String(i).padStart(4, '0')}-${path.basename(f.path)}`);
    symlinkSync(f.path, link);
    return link;
  });
  server = await RedisServer.start();
  const address = parseRedisUrl(server.url);
  const redis = new Redis(connectionOptions(address, { persistent: false, timeoutMs: 5000 }));
  console.log(`${files.length} files of ${dir}; ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; node ${process.version}; ${built ? 'built dist/' : 'tsx sources'}; ${runs} run(s)\n`);

  const timings: Timing[] = [];
  let reference = new Map<string, string>();
  let audioSeconds = 0;

  async function analyzeRun(): Promise<void> {
    const out = path.join(work, 'analyze.jsonl');
    rmSync(out, { force: true });
    const t = performance.now();
    const p = run(sentio('analyze', ...files, '--format', 'jsonl', '--out', out, '--jobs', '2', '--no-progress'));
    // The output grows a line per finished file: its first and last line time the steady part.
    let first = NaN;
    let last = NaN;
    let seen = 0;
    let done = false;
    void p.exited.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      const exited = done;
      const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0;
      if (lines > seen) {
        if (seen === 0) first = performance.now();
        last = performance.now();
        seen = lines;
      }
      if (exited) break;
      await sleep(20);
    }
    await p.exited;
    const text = readFileSync(out, 'utf8');
    reference = new Map(text.split('\n').filter(Boolean).map((l) => [JSON.parse(l).file as string, l]));
    audioSeconds = [...reference.values()].reduce((a, l) => a + ((JSON.parse(l) as { duration?: number }).duration ?? 0), 0);
    timings.push({ label: 'sentio analyze --jobs 2', wall: (last - t) / 1000, steady: (files.length - 1) / ((last - first) / 1000) });
  }

  async function queueRun(workers: number, jobs: number, name: string): Promise<void> {
    const queue = new Queue<JobData>(name, { ...QUEUE_OPTIONS, connection: redis });
    await addFiles(queue, files);
    const t = performance.now();
    const procs = Array.from({ length: workers }, () => run(sentio('worker', '--redis', server!.url, '--queue', name, '--jobs', String(jobs), '--until-done')));
    while ((await queue.getJobCounts('completed')).completed < files.length) {
      if (performance.now() - t > 600_000) throw new Error(`${name}: not done after 10 minutes`);
      await sleep(20);
    }
    const lastSeen = performance.now();
    await Promise.all(procs.map((p) => p.exited));
    const done = await queue.getJobs(['completed']);
    const finished = done.map((j) => j.finishedOn ?? NaN).sort((a, b) => a - b);
    const spanMs = finished[finished.length - 1] - finished[0];
    timings.push({ label: `${workers} worker${workers === 1 ? '' : 's'} × --jobs ${jobs}`, wall: (lastSeen - t) / 1000, steady: (files.length - 1) / (spanMs / 1000) });
    // Same lines as analyze, file for file.
    const mismatched = done.filter((j) => JSON.stringify(j.returnvalue) !== reference.get(j.data.file)).length;
    if (mismatched || done.length !== reference.size) throw new Error(`${name}: ${mismatched} results differ from sentio analyze (${done.length} vs ${reference.size})`);
    await queue.obliterate({ force: true });
    await queue.close();
  }

  for (let r = 0; r < runs; r++) {
    await analyzeRun();
    for (const w of workerCounts) await queueRun(w, 1, `w${w}x1-${r}`);
    await queueRun(1, 2, `w1x2-${r}`);
  }

  // Redis memory per stored result: the 30 s clips' jobs, each a hash holding its result.
  const memQueue = new Queue<JobData>('memory', { ...QUEUE_OPTIONS, connection: redis });
  const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  await addFiles(memQueue, files);
  const mem = startQueueWorker({ address, queue: 'memory', jobs: 2, analyze: async (p) => JSON.parse(reference.get(p)!) as AnalysisRecord, connectTimeoutMs: 5000, untilDone: true, log: () => {} });
  await mem.done;
  const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const bytesPerJob = (after - before) / files.length;
  // The job's own hash (data, options, timestamps, the result), without the events stream and indexes.
  const ids = (await memQueue.getJobs(['completed'])).map((j) => j.id!);
  const hashBytes = (await Promise.all(ids.map((id) => redis.memory('USAGE', memQueue.toKey(id), 'SAMPLES', 0) as Promise<number>))).reduce((a, b) => a + b, 0) / ids.length;
  const lineBytes = [...reference.values()].reduce((a, l) => a + Buffer.byteLength(l), 0) / reference.size;
  await memQueue.close();

  // The queue's own cost: jobs whose analysis is a stored real result, handed back at once.
  const records = [...reference.values()].map((l) => JSON.parse(l) as AnalysisRecord);
  const fake = Array.from({ length: overheadJobs }, (_, i) => `/bench/overhead/${i}.mp3`);
  const recordFor = (p: string): AnalysisRecord => ({ ...records[Number(/(\d+)\.mp3$/.exec(p)![1]) % records.length], file: p });
  const overhead: { label: string; msPerFile: number; redisCpuMsPerFile?: number }[] = [];
  const cpu = async () => {
    const info = await redis.info('cpu');
    return (Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)![1])) * 1000;
  };
  for (const concurrency of [1, 4]) {
    const name = `overhead-${concurrency}`;
    const queue = new Queue<JobData>(name, { ...QUEUE_OPTIONS, connection: redis });
    let t = performance.now();
    await addFiles(queue, fake);
    if (concurrency === 1) overhead.push({ label: `queue add (${overheadJobs} files, batches of 500)`, msPerFile: (performance.now() - t) / overheadJobs });
    const cpu0 = await cpu();
    const startedAt = Date.now();
    const w = startQueueWorker({ address, queue: name, jobs: concurrency, analyze: async (p) => recordFor(p), connectTimeoutMs: 5000, untilDone: true, log: () => {} });
    await w.done;
    // The last 0.5 s poll of --until-done is not the queue's cost: count to the last completion.
    const done = await queue.getJobs(['completed'], 0, 0, false);
    const wallMs = (done[0]?.finishedOn ?? Date.now()) - startedAt;
    overhead.push({ label: `worker, a stored result per job, --jobs ${concurrency}`, msPerFile: wallMs / overheadJobs, redisCpuMsPerFile: ((await cpu()) - cpu0) / overheadJobs });
    if (concurrency === 1) {
      t = performance.now();
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await writeResults(queue, createResultWriter(sink, 'jsonl'), new Set());
      overhead.push({ label: 'queue results (jsonl, to a null stream)', msPerFile: (performance.now() - t) / overheadJobs });
    }
    await queue.obliterate({ force: true });
    await queue.close();
  }
  redis.disconnect();

  const clipSeconds = audioSeconds / files.length;
  console.log(`Throughput, ${files.length} files (${(audioSeconds / 60).toFixed(1)} min of audio, ${clipSeconds.toFixed(1)} s per file); median of ${runs} run(s):\n`);
  console.log('| what | wall, spawn to last result | files/s (wall) | files/s steady (first to last result) | ms per file, steady | × real time, steady |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const label of [...new Set(timings.map((t) => t.label))]) {
    const mine = timings.filter((t) => t.label === label);
    const wall = median(mine.map((t) => t.wall));
    const steady = median(mine.map((t) => t.steady));
    console.log(`| ${label} | ${wall.toFixed(2)} s | ${(files.length / wall).toFixed(1)} | ${steady.toFixed(1)} | ${(1000 / steady).toFixed(1)} | ${((steady * audioSeconds) / files.length).toFixed(0)}× |`);
  }
  console.log(`\nQueue cost per file (${overheadJobs} jobs, result ${lineBytes.toFixed(0)} bytes as JSON):\n`);
  console.log('| what | ms per file | Redis CPU ms per file |');
  console.log('|---|---:|---:|');
  for (const o of overhead) console.log(`| ${o.label} | ${o.msPerFile.toFixed(3)} | ${o.redisCpuMsPerFile === undefined ? '' : o.redisCpuMsPerFile.toFixed(3)} |`);
  console.log(`\nRedis memory per finished job (${clipSeconds.toFixed(0)} s clips, the result stored): ${(bytesPerJob / 1024).toFixed(1)} KiB of used_memory, of which the job's hash ${(hashBytes / 1024).toFixed(1)} KiB; the result's JSON line is ${(lineBytes / 1024).toFixed(1)} KiB`);
  console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
}
