import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paceRealtime } from '../../src/audio/realtime.ts';

async function* source(seconds: number, rate: number): AsyncGenerator<Float32Array> {
  // Two uneven chunks: pacing must not depend on how the decoder cuts the audio.
  const n = Math.round(seconds * rate);
  yield new Float32Array(Math.floor(n / 3));
  yield new Float32Array(n - Math.floor(n / 3));
}

test('paceRealtime releases audio no faster than it plays, in short pieces, without losing samples', async () => {
  const rate = 8000;
  const t0 = performance.now();
  const released: { at: number; samples: number }[] = [];
  let total = 0;
  for await (const piece of paceRealtime(source(0.6, rate), rate, { pieceSeconds: 0.05 })) {
    assert.ok(piece.length <= 400);
    released.push({ at: performance.now() - t0, samples: total });
    total += piece.length;
  }
  assert.equal(total, 0.6 * rate);
  // Each piece comes no earlier than the audio before it lasts (1 ms timer slack).
  for (const r of released) assert.ok(r.at >= (r.samples / rate) * 1000 - 1, `piece at ${r.samples} released at ${r.at.toFixed(1)} ms`);
  const elapsed = performance.now() - t0;
  assert.ok(elapsed >= 540 && elapsed < 2000, `0.6 s of audio took ${elapsed.toFixed(0)} ms`);
});
