import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, referenceSkip } from '../helpers/reference.ts';
import { frame, rms, zeroCrossingRate } from '../../src/dsp/temporal.ts';
import { spectrogram } from '../../src/dsp/stft.ts';

const SIGNALS = ['s1', 's2', 's3', 's5'] as const;

for (const name of SIGNALS) {
  test(`${name}: zero-crossing rate (exact) and RMS match librosa`, { skip: referenceSkip(name, `${name}_zcr`, `${name}_rms`) }, () => {
    const { y } = signal(name);
    assertClose(zeroCrossingRate(y), golden(`${name}_zcr`), { atol: 0 }, `${name} zcr`);
    assertClose(rms(y), golden(`${name}_rms`), { rtol: 1e-6 }, `${name} rms`);
  });
}

test('frame slices columns like librosa.util.frame', () => {
  const y = Float32Array.from({ length: 10 }, (_, i) => i);
  const f = frame(y, 4, 3);
  assert.equal(f.rows, 4);
  assert.equal(f.cols, 3);
  // Column t is y[3t .. 3t+4).
  assert.deepEqual(Array.from({ length: 4 }, (_, i) => f.data[i * f.cols + 2]), [6, 7, 8, 9]);
  assert.throws(() => frame(y, 11, 1), /too short/);
});

test('ZCR pads with edge values and RMS with zeros', () => {
  // A constant negative signal: edge padding keeps every sample negative (no crossing),
  // zero padding would have introduced crossings at the borders.
  const y = new Float32Array(4096).fill(-0.5);
  const z = zeroCrossingRate(y);
  assert.ok(z.data.every((v) => v === 0));
  const r = rms(y);
  // Frame 0 is half zeros: sqrt(0.25 · 1024 / 2048).
  assert.ok(Math.abs(r.data[0] - Math.sqrt(0.125)) < 1e-7);
  assert.ok(Math.abs(r.data[4] - 0.5) < 1e-7);
  assert.ok(Math.abs(rms(y, { padMode: 'edge' }).data[0] - 0.5) < 1e-7);
});

test('ZCR counts 0 as positive, ignores values under the threshold, and divides by frameLength', () => {
  const y = Float32Array.from([1, -1, 0, -1, 1e-12, -1e-12, 1, 1]);
  // Signs (zero positive, |x| ≤ 1e-10 → 0): + - + - + + + + → 4 crossings.
  assert.equal(zeroCrossingRate(y, { frameLength: 8, hopLength: 8, center: false }).data[0], 4 / 8);
  // With zeroPos=false, 0 is its own class: 1,-1,0,-1,0,0,1,1 → 5 changes.
  assert.equal(zeroCrossingRate(y, { frameLength: 8, hopLength: 8, center: false, zeroPos: false }).data[0], 5 / 8);
  assert.equal(zeroCrossingRate(y, { frameLength: 8, hopLength: 8, center: false, pad: true }).data[0], 5 / 8);
});

test('RMS from a magnitude spectrogram approximates the time-domain value (Parseval)', { skip: referenceSkip('s3') }, () => {
  const { y } = signal('s3');
  const S = spectrogram(y, { nFft: 2048, hopLength: 512, window: 'rectangular' });
  const a = rms(y);
  const b = rms(null, { S });
  assert.ok(Math.abs(a.data[6] - b.data[6]) < 1e-6 * a.data[6] + 1e-7, `${a.data[6]} vs ${b.data[6]}`);
  assert.throws(() => rms(null, { S, frameLength: 1024 }), /rows/);
});
