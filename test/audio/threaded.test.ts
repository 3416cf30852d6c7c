import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AudioInfo } from '../../src/audio/decode.ts';
import { AudioInputError } from '../../src/audio/errors.ts';
import { streamAudioFile } from '../../src/audio/file.ts';
import { streamAudioFileThreaded } from '../../src/audio/threaded.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function collect(stream: (onInfo: (i: AudioInfo) => void) => AsyncGenerator<Float32Array>) {
  let info: AudioInfo | undefined;
  const chunks: Float32Array[] = [];
  for await (const c of stream((i) => (info = i))) chunks.push(c);
  const samples = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    samples.set(c, o);
    o += c.length;
  }
  return { info, samples, chunks: chunks.length };
}

for (const [file, sampleRate] of [['test/fixtures/emomusic/3.mp3', 22050], ['test/fixtures/emomusic/4.mp3', null], ['test/fixtures/audio/tones.flac', 22050]] as const) {
  test(`decoding on a thread gives the same audio as in this thread: ${path.basename(file)} at ${sampleRate ?? 'its own rate'}`, { timeout: 60_000 }, async () => {
    const p = path.join(root, file);
    const here = await collect((onInfo) => streamAudioFile(p, { sampleRate, readChunkBytes: 1 << 16 }, onInfo));
    const threaded = await collect((onInfo) => streamAudioFileThreaded(p, { sampleRate, readChunkBytes: 1 << 16 }, onInfo));
    assert.deepEqual(threaded.info, here.info);
    assert.equal(threaded.chunks, here.chunks);
    assert.deepEqual(threaded.samples, here.samples);
  });
}

test('a file that cannot be decoded fails on a thread with the same AudioInputError', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sentio-threaded-'));
  const truncated = path.join(dir, 'cut.mp3');
  await writeFile(truncated, (await readFile(path.join(root, 'test/fixtures/emomusic/3.mp3'))).subarray(0, 300000));
  for (const p of [truncated, path.join(dir, 'missing.wav')]) {
    const errorOf = async (stream: typeof streamAudioFile) => {
      try {
        for await (const _ of stream(p, { sampleRate: 22050 })) void _;
      } catch (e) {
        return e;
      }
      return null;
    };
    const here = await errorOf(streamAudioFile);
    const threaded = await errorOf(streamAudioFileThreaded);
    assert.ok(threaded instanceof AudioInputError, String(threaded));
    assert.equal((threaded as Error).message, (here as Error).message);
  }
  await rm(dir, { recursive: true });
});

test('a consumer that stops early ends the decode thread', { timeout: 30_000 }, async () => {
  const p = path.join(root, 'test/fixtures/emomusic/3.mp3');
  // The thread's port is an active resource while it lives; stopping early must close it.
  const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  const before = ports();
  let n = 0;
  let during = 0;
  for await (const c of streamAudioFileThreaded(p, { sampleRate: 22050, readChunkBytes: 1 << 14 })) {
    n += c.length;
    during = ports();
    if (n > 22050) break;
  }
  assert.ok(n > 22050);
  assert.ok(during > before, 'the decode thread was running');
  const deadline = performance.now() + 5000;
  while (ports() > before && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(ports(), before, 'the decode thread has ended');
});
