import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, manifest, assertClose, referenceSkip } from '../helpers/reference.ts';
import {
  pyAudioAnalysisFeatures,
  pyaaMfccFilterbank,
  pyaaFeatureNames,
  pyaaFrameCount,
  PYAA_FEATURE_NAMES,
} from '../../src/dsp/pyaa.ts';
import type { Matrix } from '../../src/dsp/matrix.ts';

/** np.round (half to even). */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** What the golden run fed the library: x = round(s·32767) as float64. */
const int16Scaled = (y: Float32Array): Float64Array => Float64Array.from(y, (v) => roundHalfEven(v * 32767));

/**
 * README tolerance per feature row: |x − g| ≤ 1e-5·max|row| + 1e-7. Returns per-row
 * worst error and its ratio to the allowance; fails listing every row out of tolerance.
 */
function assertRowsClose(actual: Matrix, expected: Matrix, names: readonly string[], label: string): { name: string; err: number; ratio: number }[] {
  assert.equal(actual.rows, expected.rows, `${label}: rows`);
  assert.equal(actual.cols, expected.cols, `${label}: cols`);
  const report: { name: string; err: number; ratio: number }[] = [];
  const bad: string[] = [];
  for (let r = 0; r < expected.rows; r++) {
    let peak = 0;
    let err = 0;
    for (let c = 0; c < expected.cols; c++) {
      const g = expected.data[r * expected.cols + c];
      peak = Math.max(peak, Math.abs(g));
      const d = Math.abs(actual.data[r * actual.cols + c] - g);
      err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    }
    const allowed = 1e-5 * peak + 1e-7;
    report.push({ name: names[r], err, ratio: err / allowed });
    if (!(err <= allowed)) bad.push(`${names[r]} (err ${err.toExponential(2)} > ${allowed.toExponential(2)})`);
  }
  assert.equal(bad.length, 0, `${label}: rows out of tolerance: ${bad.join(', ')}`);
  return report;
}

test('feature names match pyAudioAnalysis', () => {
  assert.deepEqual(pyaaFeatureNames(true), manifest().pyAudioAnalysis_feature_names);
  assert.deepEqual(pyaaFeatureNames(false), manifest().pyAudioAnalysis_feature_names.slice(0, 34));
  assert.equal(PYAA_FEATURE_NAMES.length, 34);
});

test('MFCC filterbanks match mfcc_filter_banks (with the k·fs/num_fft bin frequencies)', { skip: referenceSkip('paa_mfcc_fbank_sr16000_nfft400', 'paa_mfcc_fbank_sr22050_nfft551') }, () => {
  const tol = { atol: 1e-9, peakRel: 1e-7 };
  assertClose(pyaaMfccFilterbank(16000, 400).weights, golden('paa_mfcc_fbank_sr16000_nfft400'), tol, 'fbank 16k/400');
  assertClose(pyaaMfccFilterbank(22050, 551).weights, golden('paa_mfcc_fbank_sr22050_nfft551'), tol, 'fbank 22.05k/551');
  const fb = pyaaMfccFilterbank(22050, 551);
  assert.equal(fb.frequencies.length, 42);
  assert.ok(Math.abs(fb.frequencies[0] - 133.33) < 1e-12);
  assert.ok(Math.abs(fb.frequencies[12] - (133.33 + 12 * (200 / 3))) < 1e-9);
});

for (const [name, W] of [['s1', 1102], ['s4', 800]] as const) {
  test(`${name}: feature_extraction (W = step = ${W}) matches pyAudioAnalysis per feature row`, { skip: referenceSkip(name, `${name}_paa_st_features`) }, (t) => {
    const { y, sampleRate } = signal(name);
    const F = pyAudioAnalysisFeatures(int16Scaled(y), sampleRate, { inputScale: 2 ** -15 });
    assert.equal(F.rows, 68);
    assert.equal(F.cols, pyaaFrameCount(y.length, W, W));
    const report = assertRowsClose(F, golden(`${name}_paa_st_features`), pyaaFeatureNames(), name);
    const worst = report.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    t.diagnostic(`${name} worst row: ${worst.name} err ${worst.err.toExponential(2)} (${(100 * worst.ratio).toFixed(2)}% of allowance)`);
    t.diagnostic(`${name} per-row max |err|: ${report.map((r) => `${r.name}=${r.err.toExponential(1)}`).join(' ')}`);

    // Float audio in [-1, 1] (default inputScale 1) is the same as int16 / 2**15.
    const asFloat = Float32Array.from(y, (v) => roundHalfEven(v * 32767) / 32768);
    assertClose(pyAudioAnalysisFeatures(asFloat, sampleRate), F, { atol: 1e-12, peakRel: 1e-12 }, `${name} float input`);
    // The scale cancels in the global normalisation (up to its 1e-10 epsilon).
    assertClose(pyAudioAnalysisFeatures(y, sampleRate), pyAudioAnalysisFeatures(y, sampleRate, { inputScale: 32768 }), { atol: 1e-7 }, `${name} scale`);
    // deltas=false is the first 34 rows.
    const F34 = pyAudioAnalysisFeatures(asFloat, sampleRate, { deltas: false });
    assert.equal(F34.rows, 34);
    assert.deepEqual(F34.data, F.data.subarray(0, 34 * F.cols));
  });
}

test('overlapping windows (W != step): frame positions and per-frame features', { skip: referenceSkip('s1') }, () => {
  const { y, sampleRate } = signal('s1');
  const x = y.subarray(0, 22050);
  const W = 1102;
  const a = pyAudioAnalysisFeatures(x, sampleRate, { windowSamples: W, stepSamples: W, deltas: false });
  const b = pyAudioAnalysisFeatures(x, sampleRate, { windowSamples: W, stepSamples: W / 2, deltas: true });
  assert.equal(b.cols, Math.floor((x.length - W) / (W / 2)) + 1);
  assert.equal(b.rows, 68);
  // Frame 2k of the half-step run covers the same samples as frame k of the W-step run;
  // every feature except flux (which depends on the previous frame) must agree.
  for (let k = 0; k < a.cols; k++) {
    for (let r = 0; r < 34; r++) {
      if (PYAA_FEATURE_NAMES[r] === 'spectral_flux') continue;
      const va = a.data[r * a.cols + k];
      const vb = b.data[r * b.cols + 2 * k];
      assert.ok(Math.abs(va - vb) <= 1e-12 * Math.max(1, Math.abs(va)), `${PYAA_FEATURE_NAMES[r]} frame ${k}: ${va} vs ${vb}`);
    }
  }
  // Deltas are differences from the previous frame, 0 in the first.
  for (let r = 0; r < 34; r++) {
    assert.equal(b.data[(34 + r) * b.cols], 0);
    for (let t = 1; t < b.cols; t++) {
      assert.equal(b.data[(34 + r) * b.cols + t], b.data[r * b.cols + t] - b.data[r * b.cols + t - 1]);
    }
  }
  // windowSeconds/stepSeconds use Python's int(): 0.05·22050 = 1102.5 → 1102.
  assert.equal(pyAudioAnalysisFeatures(x, 22050, { windowSeconds: 0.05, stepSeconds: 0.025 }).cols, Math.floor((x.length - 1102) / 551) + 1);
});

test('signal shorter than one window gives 0 frames', () => {
  for (const n of [0, 1, 1101]) {
    const F = pyAudioAnalysisFeatures(new Float32Array(n).fill(0.1), 22050);
    assert.equal(F.rows, 68);
    assert.equal(F.cols, 0);
    assert.equal(F.data.length, 0);
  }
  assert.equal(pyAudioAnalysisFeatures(new Float32Array(1102).fill(0.1), 22050).cols, 1);
  assert.equal(pyaaFrameCount(1101, 1102, 1102), 0);
  assert.equal(pyaaFrameCount(2204, 1102, 551), 3);
});

test('silence gives finite values equal to the library\'s eps-guarded results', () => {
  const EPS = 2.220446049250313e-16;
  const F = pyAudioAnalysisFeatures(new Float32Array(22050), 22050);
  assert.equal(F.cols, 20);
  for (const v of F.data) assert.ok(Number.isFinite(v));
  const names = pyaaFeatureNames();
  for (let r = 0; r < 68; r++) {
    const expected = names[r] === 'mfcc_1' ? Math.log10(EPS) * Math.sqrt(40) : 0;
    for (let t = 0; t < F.cols; t++) assert.ok(Math.abs(F.data[r * F.cols + t] - expected) < 1e-12, `${names[r]}[${t}] = ${F.data[r * F.cols + t]}`);
  }
  // Silent stretch inside a non-silent signal (s2-like: 0.5 s of zeros, then a tone).
  const y = new Float32Array(22050);
  for (let i = 11025; i < y.length; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050);
  const G = pyAudioAnalysisFeatures(y, 22050);
  for (const v of G.data) assert.ok(Number.isFinite(v));
});

test('very short windows (library would index out of range) stay finite', { skip: referenceSkip('s3') }, () => {
  const { y } = signal('s3');
  for (const W of [2, 3, 20, 100, 201]) {
    const F = pyAudioAnalysisFeatures(y, 22050, { windowSamples: W, stepSamples: W });
    assert.equal(F.cols, pyaaFrameCount(y.length, W, W));
    for (const v of F.data) assert.ok(Number.isFinite(v), `W=${W}`);
  }
  assert.throws(() => pyAudioAnalysisFeatures(y, 22050, { windowSamples: 1 }), RangeError);
  assert.throws(() => pyAudioAnalysisFeatures(y, 22050, { stepSamples: 0 }), RangeError);
});
