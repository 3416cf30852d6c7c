import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnalysisRecord } from '../../src/analyze/format.ts';
import { analyze, loadModel } from '../../src/analyze/node.ts';
import { analyzeOnPool, longestFirst, PoolStartError } from '../../src/analyze/pool.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const flaky = new URL('../fixtures/workers/flaky-worker.mjs', import.meta.url);

async function collect(paths: string[], options: { modelDir: string; jobs: number; workerUrl?: URL; queueDepth?: number }): Promise<AnalysisRecord[]> {
  const records: AnalysisRecord[] = [];
  await analyzeOnPool(paths, { ...options, onRecord: async (r) => void records.push(r) });
  return records;
}

test('the analysis worker pool gives each file exactly once, equal to analysing in this thread', { timeout: 120_000 }, async () => {
  const clips = ['3', '4', '7'].map((id) => path.join(root, `test/fixtures/emomusic/${id}.mp3`));
  const broken = path.join(await mkdtemp(path.join(tmpdir(), 'sentio-pool-')), 'broken.mp3');
  await writeFile(broken, 'not audio at all');
  const records = await collect([...clips, broken], { modelDir: path.join(root, 'models/default'), jobs: 2 });
  assert.deepEqual(records.map((r) => r.file).sort(), [...clips, broken].sort());
  const model = await loadModel();
  for (const clip of clips) {
    const fromPool = records.find((r) => r.file === clip)!;
    assert.deepEqual(JSON.parse(JSON.stringify(fromPool)), JSON.parse(JSON.stringify(await analyze(clip, { model }))));
  }
  const failure = records.find((r) => r.file === broken)!;
  assert.ok('error' in failure && /not a recognised audio format/.test(failure.error), JSON.stringify(failure));
  await rm(path.dirname(broken), { recursive: true });
});

test('a worker that dies fails only the file it was on; its queued files go to a fresh worker', { timeout: 30_000 }, async () => {
  const paths = Array.from({ length: 20 }, (_, i) => `/music/${String(i).padStart(2, '0')}${i === 5 || i === 12 ? '-crash' : ''}${i === 8 ? '-bad' : ''}.mp3`);
  const records = await collect(paths, { modelDir: 'm', jobs: 2, workerUrl: flaky, queueDepth: 3 });
  assert.equal(records.length, paths.length);
  assert.deepEqual(records.map((r) => r.file).sort(), [...paths].sort(), 'every file exactly once');
  const crashed = records.filter((r) => 'error' in r && /crashed its worker thread \(exit code 3\)/.test(r.error)).map((r) => r.file);
  assert.deepEqual(crashed.sort(), [paths[5], paths[12]]);
  assert.ok(records.some((r) => r.file === paths[8] && 'error' in r && r.error.endsWith(': bad')));
  // Results came from more than the two first workers: the dead ones were replaced.
  const threads = new Set(records.filter((r) => !('error' in r)).map((r) => (r as { duration: number }).duration));
  assert.ok(threads.size >= 3, `results from ${threads.size} worker threads`);
});

test('a worker that cannot load its model stops the pool with the reason', { timeout: 30_000 }, async () => {
  await assert.rejects(collect(['/a.mp3', '/b.mp3'], { modelDir: 'no-model', jobs: 2, workerUrl: flaky }), (e: unknown) => e instanceof PoolStartError && /no-model: not a Sentio model folder/.test(e.message));
});

test('files are sent longest first, so a long file does not start last', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sentio-order-'));
  const sizes = { 'a.wav': 10, 'b.wav': 3000, 'c.wav': 200 };
  for (const [name, size] of Object.entries(sizes)) await writeFile(path.join(dir, name), Buffer.alloc(size));
  const order = await longestFirst(['a.wav', 'b.wav', 'c.wav', 'missing.wav'].map((n) => path.join(dir, n)));
  assert.deepEqual(order.map((p) => path.basename(p)), ['b.wav', 'c.wav', 'a.wav', 'missing.wav']);
  await rm(dir, { recursive: true });
});
