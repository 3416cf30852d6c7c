import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, manifest, referenceSkip } from '../helpers/reference.ts';
import { chromaFilterbank, chromaStft, estimateTuning, pitchTuning, piptrack } from '../../src/dsp/chroma.ts';
import { spectrogram } from '../../src/dsp/stft.ts';

const SIGNALS = ['s1', 's2', 's3', 's5'] as const;

test('chroma filterbank matches librosa.filters.chroma (tuning 0)', { skip: referenceSkip('chromafb_sr22050_nfft2048_tuning0') }, () => {
  const fb = chromaFilterbank({ sampleRate: 22050, nFft: 2048 });
  assertClose(fb, golden('chromafb_sr22050_nfft2048_tuning0'), { atol: 1e-7, peakRel: 1e-7 }, 'chroma fb');
});

for (const name of SIGNALS) {
  test(`${name}: estimated tuning and chroma_stft (estimated tuning and tuning 0) match librosa`, { skip: referenceSkip(name, `${name}_chroma_stft`, `${name}_chroma_stft_tuning0`) }, () => {
    const { y, sampleRate } = signal(name);
    // chroma_stft estimates tuning on its float32 power spectrogram.
    const power = spectrogram(y, { nFft: 2048, hopLength: 512 });
    for (let i = 0; i < power.data.length; i++) power.data[i] = power.data[i] * power.data[i];
    const expected = manifest().estimated_tuning_chroma_stft[name];
    assert.equal(estimateTuning(null, { S: power, sampleRate }), expected, `${name} tuning`);
    assertClose(chromaStft(y, { sampleRate }), golden(`${name}_chroma_stft`), { atol: 1e-5 }, `${name} chroma (estimated tuning)`);
    assertClose(chromaStft(y, { sampleRate, tuning: 0 }), golden(`${name}_chroma_stft_tuning0`), { atol: 1e-5 }, `${name} chroma tuning 0`);
    // Passing the estimated tuning explicitly reproduces the estimated-tuning array.
    assertClose(chromaStft(null, { S: power, sampleRate, tuning: expected }), golden(`${name}_chroma_stft`), { atol: 1e-5 }, `${name} chroma from S`);
  });
}

test('tuning is recovered from a detuned tone, and pitchTuning handles edge cases', () => {
  const sr = 22050;
  // A4 raised by 0.25 semitone.
  const f = 440 * 2 ** (0.25 / 12);
  const y = new Float32Array(sr).map((_, n) => 0.5 * Math.sin((2 * Math.PI * f * n) / sr));
  const t = estimateTuning(y, { sampleRate: sr });
  assert.ok(Math.abs(t - 0.25) <= 0.03, `estimated ${t}`);
  assert.equal(pitchTuning([]), 0);
  assert.equal(pitchTuning([0, -3]), 0);
  // 440 Hz and its octaves are exactly in tune: bin [0, 0.01) → left edge 0.
  assert.equal(pitchTuning([440, 880, 220]), 0);
  // A quarter-tone flat lands in bin starting at -0.5 + 25·0.01.
  assert.ok(Math.abs(pitchTuning([440 * 2 ** (-0.25 / 12)]) - -0.25) < 0.011);
});

test('piptrack finds the peak of a pure tone with sub-bin precision', () => {
  const sr = 22050;
  const y = new Float32Array(8192).map((_, n) => Math.sin((2 * Math.PI * 1234.5 * n) / sr));
  const { pitches, magnitudes } = piptrack(y, { sampleRate: sr });
  const t = 8;
  let best = 0;
  for (let k = 0; k < pitches.rows; k++) if (magnitudes.data[k * pitches.cols + t] > magnitudes.data[best * pitches.cols + t]) best = k;
  assert.ok(Math.abs(pitches.data[best * pitches.cols + t] - 1234.5) < 3, `pitch ${pitches.data[best * pitches.cols + t]}`);
});

test('chroma of an A tone peaks at row 9 (A) with baseC, row 0 without; silent frames stay 0', () => {
  const sr = 22050;
  const y = new Float32Array(8192);
  for (let n = 2048; n < 8192; n++) y[n] = Math.sin((2 * Math.PI * 440 * n) / sr);
  const c = chromaStft(y, { sampleRate: sr, tuning: 0 });
  const t = 12;
  const argmax = (m: typeof c): number => {
    let b = 0;
    for (let r = 1; r < m.rows; r++) if (m.data[r * m.cols + t] > m.data[b * m.cols + t]) b = r;
    return b;
  };
  assert.equal(argmax(c), 9);
  assert.equal(c.data[9 * c.cols + t], 1);
  assert.equal(argmax(chromaStft(y, { sampleRate: sr, tuning: 0, baseC: false })), 0);
  for (let r = 0; r < 12; r++) assert.equal(c.data[r * c.cols], 0);
});
