/**
 * The analysis threads of `sentio worker` with a stand-in thread script (test/fixtures/workers/
 * flaky-worker.mjs, as the pool's tests use): files go to free threads, at most one per thread; a
 * thread that dies fails only its file, with the pool's message, and is replaced; a model that
 * does not load fails the start. The real analysis is in test/queue/queue.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PoolStartError } from '../../src/analyze/pool.ts';
import { AnalysisThreads } from '../../src/queue/threads.ts';

const flaky = new URL('../fixtures/workers/flaky-worker.mjs', import.meta.url);

test('files run on the free threads; a crash fails only its file and a fresh thread takes over', async () => {
  const threads = await AnalysisThreads.start('m', 2, flaky);
  try {
    const paths = ['/a.mp3', '/crash-1.mp3', '/b.mp3', '/bad.mp3', '/c.mp3', '/crash-2.mp3', '/d.mp3'];
    const records = await Promise.all(paths.map((p) => threads.analyze(p)));
    assert.deepEqual(
      records.map((r) => ('error' in r ? r.error : r.file)),
      ['/a.mp3', '/crash-1.mp3: analysis crashed its worker thread (exit code 3)', '/b.mp3', '/bad.mp3: bad', '/c.mp3', '/crash-2.mp3: analysis crashed its worker thread (exit code 3)', '/d.mp3'],
    );
    assert.equal(threads.broken, null);
  } finally {
    await threads.close();
  }
  await assert.rejects(threads.analyze('/e.mp3'), /analysis threads are closed/);
});

test('one thread that dies is replaced: the next file runs on a new thread', async () => {
  const threads = await AnalysisThreads.start('m', 1, flaky);
  try {
    const [a, crash, b] = await Promise.all(['/a.mp3', '/crash.mp3', '/b.mp3'].map((p) => threads.analyze(p)));
    assert.deepEqual(crash, { file: '/crash.mp3', error: '/crash.mp3: analysis crashed its worker thread (exit code 3)' });
    // The stand-in answers with its thread id as `duration`; ids are never reused.
    assert.ok('duration' in a && 'duration' in b && a.duration !== b.duration, JSON.stringify([a, b]));
  } finally {
    await threads.close();
  }
});

test('a model that does not load: the start fails with the reason', async () => {
  await assert.rejects(AnalysisThreads.start('no-model', 2, flaky), (e: unknown) => e instanceof PoolStartError && /no-model: not a Sentio model folder/.test(e.message));
});
