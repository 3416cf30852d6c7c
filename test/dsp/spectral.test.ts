import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, referenceSkip } from '../helpers/reference.ts';
import { spectrogram } from '../../src/dsp/stft.ts';
import {
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralFlatness,
  spectralRolloff,
} from '../../src/dsp/spectral.ts';

const SIGNALS = ['s1', 's2', 's3', 's5'] as const;

for (const name of SIGNALS) {
  const arrays = ['centroid', 'bandwidth', 'rolloff', 'flatness', 'contrast'].map((a) => `${name}_spectral_${a}`);
  test(`${name}: spectral centroid, bandwidth, rolloff, flatness and contrast match librosa`, { skip: referenceSkip(name, ...arrays) }, () => {
    const { y, sampleRate } = signal(name);
    // Our STFT is float64 then stored float32 like librosa's complex64, so the README's
    // float64 tolerance (0.01 Hz) applies to centroid and bandwidth.
    assertClose(spectralCentroid(y, { sampleRate }), golden(`${name}_spectral_centroid`), { atol: 0.01 }, `${name} centroid`);
    assertClose(spectralBandwidth(y, { sampleRate }), golden(`${name}_spectral_bandwidth`), { atol: 0.01 }, `${name} bandwidth`);
    assertClose(spectralRolloff(y, { sampleRate }), golden(`${name}_spectral_rolloff`), { atol: 0 }, `${name} rolloff`);
    assertClose(spectralFlatness(y), golden(`${name}_spectral_flatness`), { atol: 1e-6 }, `${name} flatness`);
    assertClose(spectralContrast(y, { sampleRate }), golden(`${name}_spectral_contrast`), { atol: 1e-3 }, `${name} contrast`);
  });
}

test('a precomputed magnitude spectrogram S gives the same features as y', { skip: referenceSkip('s3') }, () => {
  const { y, sampleRate } = signal('s3');
  const S = spectrogram(y, { nFft: 2048, hopLength: 512 });
  assert.deepEqual(spectralCentroid(null, { S, sampleRate }), spectralCentroid(y, { sampleRate }));
  assert.deepEqual(spectralBandwidth(null, { S, sampleRate }), spectralBandwidth(y, { sampleRate }));
  assert.deepEqual(spectralRolloff(null, { S, sampleRate }), spectralRolloff(y, { sampleRate }));
  assert.deepEqual(spectralFlatness(null, { S }), spectralFlatness(y));
  assert.deepEqual(spectralContrast(null, { S, sampleRate }), spectralContrast(y, { sampleRate }));
});

test('silent frames follow librosa: centroid/bandwidth/rolloff 0, flatness 1', () => {
  const S = { rows: 1025, cols: 2, data: new Float32Array(1025 * 2) };
  for (let k = 0; k < 1025; k++) S.data[k * 2 + 1] = k === 100 ? 1 : 0; // frame 1: one bin
  const c = spectralCentroid(null, { S });
  assert.equal(c.data[0], 0);
  assert.ok(Math.abs(c.data[1] - (100 * 22050) / 2048) < 1e-3);
  assert.equal(spectralBandwidth(null, { S }).data[0], 0);
  assert.equal(spectralRolloff(null, { S }).data[0], 0);
  assert.ok(Math.abs(spectralFlatness(null, { S }).data[0] - 1) < 1e-6);
});

test('a pure tone has its centroid and rolloff near the tone and tiny flatness', () => {
  const sr = 22050;
  const y = new Float32Array(8192).map((_, n) => Math.sin((2 * Math.PI * 1000 * n) / sr));
  const c = spectralCentroid(y, { sampleRate: sr });
  const mid = Math.floor(c.cols / 2);
  assert.ok(Math.abs(c.data[mid] - 1000) < 15, `centroid ${c.data[mid]}`);
  const r = spectralRolloff(y, { sampleRate: sr });
  assert.ok(Math.abs(r.data[mid] - 1000) < 25, `rolloff ${r.data[mid]}`);
  assert.ok(spectralFlatness(y).data[mid] < 1e-3);
});

test('invalid parameters are rejected', () => {
  const y = new Float32Array(4096);
  assert.throws(() => spectralRolloff(y, { rollPercent: 1.5 }), /rollPercent/);
  assert.throws(() => spectralFlatness(y, { amin: 0 }), /amin/);
  assert.throws(() => spectralContrast(y, { fmin: 2000, nBands: 6 }), /Nyquist/);
  assert.throws(() => spectralCentroid(null, {}), /y or options.S/);
});
