import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFeatures } from '../../src/features/types.ts';
import { emobase260, emobase260Columns, emobase260Features, makeEmobase260 } from '../../src/features/emobase260.ts';
import { compareLlds, LLD, LLD_COUNT, smoothAndDelta } from '../../src/dsp/compare-lld.ts';

const SR = 22050;

function harmonicTone(f0: number, seconds: number, sr = SR): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => {
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / sr) / h;
    return 0.3 * v;
  });
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const col = (name: string): number => {
  const i = emobase260.columns.indexOf(name);
  assert.ok(i >= 0, `missing column ${name}`);
  return i;
};

test('260 unique columns in DEAM order (LLD stddev/amean pairs, then the delta block)', () => {
  const c = emobase260.columns;
  assert.equal(c.length, 260);
  assert.equal(new Set(c).size, 260);
  assert.deepEqual(c, emobase260Columns());
  assert.deepEqual(c.slice(0, 4), [
    'F0final_sma_stddev',
    'F0final_sma_amean',
    'voicingFinalUnclipped_sma_stddev',
    'voicingFinalUnclipped_sma_amean',
  ]);
  assert.equal(c[12], 'audspec_lengthL1norm_sma_stddev');
  assert.equal(c[16], 'pcm_RMSenergy_sma_stddev');
  assert.equal(c[18], 'pcm_zcr_sma_stddev');
  assert.equal(c[20], 'audSpec_Rfilt_sma[0]_stddev');
  assert.equal(c[71], 'audSpec_Rfilt_sma[25]_amean');
  assert.equal(c[72], 'pcm_fftMag_fband250-650_sma_stddev');
  assert.equal(c[76], 'pcm_fftMag_spectralRollOff25.0_sma_stddev');
  assert.equal(c[101], 'pcm_fftMag_spectralHarmonicity_sma_amean');
  assert.equal(c[102], 'pcm_fftMag_mfcc_sma[1]_stddev');
  assert.equal(c[129], 'pcm_fftMag_mfcc_sma[14]_amean');
  assert.equal(c[130], 'F0final_sma_de_stddev');
  assert.equal(c[131], 'F0final_sma_de_amean');
  assert.equal(c[150], 'audSpec_Rfilt_sma_de[0]_stddev');
  assert.equal(c[202], 'pcm_fftMag_fband250-650_sma_de_stddev');
  assert.equal(c[259], 'pcm_fftMag_mfcc_sma_de[14]_amean');
  // Relative order of names seen in published DEAM feature-file headers.
  const published = [
    'F0final_sma_stddev', 'voicingFinalUnclipped_sma_amean', 'jitterLocal_sma_stddev', 'jitterDDP_sma_amean',
    'shimmerLocal_sma_stddev', 'logHNR_sma_amean', 'audspec_lengthL1norm_sma_stddev', 'audspecRasta_lengthL1norm_sma_amean',
    'pcm_RMSenergy_sma_stddev', 'pcm_zcr_sma_amean', 'audSpec_Rfilt_sma[0]_stddev', 'audSpec_Rfilt_sma[25]_amean',
    'pcm_fftMag_fband250-650_sma_stddev', 'pcm_fftMag_fband1000-4000_sma_amean', 'pcm_fftMag_spectralRollOff25.0_sma_stddev',
    'pcm_fftMag_spectralRollOff90.0_sma_amean', 'pcm_fftMag_spectralFlux_sma_stddev', 'pcm_fftMag_spectralCentroid_sma_amean',
    'pcm_fftMag_spectralEntropy_sma_stddev', 'pcm_fftMag_spectralVariance_sma_amean', 'pcm_fftMag_spectralSkewness_sma_stddev',
    'pcm_fftMag_spectralKurtosis_sma_amean', 'pcm_fftMag_spectralSlope_sma_stddev', 'pcm_fftMag_psySharpness_sma_amean',
    'pcm_fftMag_spectralHarmonicity_sma_stddev', 'F0final_sma_de_stddev', 'voicingFinalUnclipped_sma_de_amean',
    'logHNR_sma_de_stddev', 'audspec_lengthL1norm_sma_de_stddev', 'pcm_zcr_sma_de_stddev', 'audSpec_Rfilt_sma_de[0]_stddev',
    'audSpec_Rfilt_sma_de[25]_stddev', 'pcm_fftMag_fband1000-4000_sma_de_stddev', 'pcm_fftMag_spectralRollOff50.0_sma_de_stddev',
    'pcm_fftMag_psySharpness_sma_de_stddev', 'pcm_fftMag_spectralHarmonicity_sma_de_stddev', 'pcm_fftMag_mfcc_sma_de[14]_amean',
  ];
  const idx = published.map(col);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], `${published[i]} after ${published[i - 1]}`);
});

test('set metadata: 22.05 kHz, 0.5 s hop, one segment minimum; 44.1 kHz variant', () => {
  assert.equal(emobase260.name, 'emobase260');
  assert.equal(emobase260.sampleRate, 22050);
  assert.equal(emobase260.hopSeconds, 0.5);
  assert.equal(emobase260.minSamples, 11025);
  const deam = makeEmobase260({ sampleRate: 44100 });
  assert.equal(deam.sampleRate, 44100);
  assert.equal(deam.minSamples, 22050);
  assert.deepEqual(deam.columns, emobase260.columns);
  const fm = computeFeatures(deam, harmonicTone(220, 1.2, 44100));
  assert.equal(fm.frames.rows, 2);
  assert.ok(Math.abs(fm.frames.data[col('F0final_sma_amean')] - 220) < 3);
});

test('segments: non-overlapping 500 ms from 0, trailing partial segment dropped, times = starts', () => {
  const fm = computeFeatures(emobase260, harmonicTone(220, 2.3));
  assert.equal(fm.set, 'emobase260');
  assert.equal(fm.frames.rows, 4);
  assert.equal(fm.frames.cols, 260);
  assert.deepEqual([...fm.times], [0, 0.5, 1, 1.5]);
  assert.equal(computeFeatures(emobase260, new Float32Array(11025)).frames.rows, 1);
  assert.equal(computeFeatures(emobase260, new Float32Array(11024)).frames.rows, 0);
});

test('clips shorter than one segment and empty input give 0 rows without error', () => {
  for (const n of [0, 1, 500, 11024]) {
    const fm = computeFeatures(emobase260, harmonicTone(220, n / SR));
    assert.equal(fm.frames.rows, 0);
    assert.equal(fm.frames.cols, 260);
    assert.equal(fm.frames.data.length, 0);
    assert.equal(fm.times.length, 0);
    assert.equal(fm.columns.length, 260);
  }
});

test('silence, near-silence and clipped noise give finite values', () => {
  const r = lcg(5);
  const inputs = [
    new Float32Array(SR * 2),
    new Float32Array(SR * 2).fill(1e-7),
    Float32Array.from({ length: SR * 2 }, () => (r() < 0.5 ? -1 : 1)),
  ];
  for (const y of inputs) {
    const fm = computeFeatures(emobase260, y);
    assert.equal(fm.frames.rows, 4);
    for (const v of fm.frames.data) assert.ok(Number.isFinite(v));
  }
  const silent = computeFeatures(emobase260, inputs[0]);
  assert.equal(silent.frames.data[col('F0final_sma_amean')], 0);
  assert.equal(silent.frames.data[col('pcm_RMSenergy_sma_amean')], 0);
  assert.equal(silent.frames.data[col('pcm_fftMag_mfcc_sma[3]_stddev')], 0);
});

test('functionals: std/mean per segment of the sma LLDs and of their deltas', () => {
  // Stationary sine: RMS mean A/√2, std ~0, delta mean ~0 in an interior segment.
  const y = Float32Array.from({ length: SR * 2 }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 441 * i) / SR));
  const fm = computeFeatures(emobase260, y);
  const row = (s: number) => fm.frames.data.subarray(s * 260, (s + 1) * 260);
  assert.ok(Math.abs(row(1)[col('pcm_RMSenergy_sma_amean')] - 0.4 / Math.SQRT2) < 1e-3);
  assert.ok(row(1)[col('pcm_RMSenergy_sma_stddev')] < 1e-3);
  assert.ok(Math.abs(row(1)[col('pcm_RMSenergy_sma_de_amean')]) < 1e-4);
  assert.ok(Math.abs(row(1)[col('pcm_zcr_sma_amean')] - 0.04) < 0.002);
  assert.ok(Math.abs(row(1)[col('F0final_sma_amean')] - 441) < 5);
  assert.ok(row(1)[col('F0final_sma_stddev')] < 2);

  // Linearly rising amplitude: the smoothed RMS is a ramp, so its delta is the per-frame
  // increase (0.2 /s · 0.01 s / √2) with ~0 spread inside a segment.
  const ramp = Float32Array.from({ length: SR * 2 }, (_, i) => (0.1 + (0.2 * i) / SR) * Math.sin((2 * Math.PI * 441 * i) / SR));
  const fr = computeFeatures(emobase260, ramp);
  const r2 = fr.frames.data.subarray(2 * 260, 3 * 260);
  const slope = (0.2 * 0.01) / Math.SQRT2;
  assert.ok(Math.abs(r2[col('pcm_RMSenergy_sma_de_amean')] / slope - 1) < 0.03, `delta ${r2[col('pcm_RMSenergy_sma_de_amean')]}`);
  assert.ok(r2[col('pcm_RMSenergy_sma_de_stddev')] < 0.05 * slope);
  // RMS std within a 0.5 s segment of a ramp: range/√12 with range 0.5 s · 0.2/√2.
  const expectStd = (0.49 * 0.2) / Math.SQRT2 / Math.sqrt(12);
  assert.ok(Math.abs(r2[col('pcm_RMSenergy_sma_stddev')] / expectStd - 1) < 0.05);
});

test('each column is the std/mean of the matching LLD over the segment frames', () => {
  const r = lcg(3);
  const y = Float32Array.from({ length: Math.round(SR * 1.6) }, (_, i) => {
    const f = 180 + 60 * Math.sin(i / 3000);
    return 0.3 * Math.sin((2 * Math.PI * f * i) / SR) + 0.1 * (r() - 0.5);
  });
  const fm = emobase260Features(y, SR);
  assert.equal(fm.frames.rows, 3);
  const { sma, de } = smoothAndDelta(compareLlds(y, SR, { frames: 150 }));
  for (const [name, m, c] of [
    ['pcm_zcr_sma', sma, LLD.ZCR],
    ['F0final_sma', sma, LLD.F0],
    ['audSpec_Rfilt_sma[7]', sma, LLD.RFILT + 7],
    ['pcm_fftMag_spectralCentroid_sma_de', de, LLD.CENTROID],
    ['pcm_fftMag_mfcc_sma_de[3]', de, LLD.MFCC + 2],
    ['jitterLocal_sma_de', de, LLD.JITTER_LOCAL],
  ] as const) {
    for (let s = 0; s < 3; s++) {
      let sum = 0;
      for (let t = s * 50; t < s * 50 + 50; t++) sum += m.data[t * LLD_COUNT + c];
      const mean = sum / 50;
      let v = 0;
      for (let t = s * 50; t < s * 50 + 50; t++) v += (m.data[t * LLD_COUNT + c] - mean) ** 2;
      const std = Math.sqrt(v / 50);
      const got = fm.frames.data.subarray(s * 260, (s + 1) * 260);
      const tol = (x: number) => 1e-5 * Math.max(1, Math.abs(x));
      assert.ok(Math.abs(got[col(`${name}_amean`)] - mean) <= tol(mean), `${name}_amean seg ${s}`);
      assert.ok(Math.abs(got[col(`${name}_stddev`)] - std) <= tol(std), `${name}_stddev seg ${s}`);
    }
  }
});

test('chunked input gives the same features as one buffer', () => {
  const y = harmonicTone(150, 1.5);
  const whole = computeFeatures(emobase260, y);
  const ex = emobase260.createExtractor();
  for (let i = 0; i < y.length; i += 4000) ex.push(y.subarray(i, i + 4000));
  const chunked = ex.finish();
  assert.deepEqual([...chunked.frames.data], [...whole.frames.data]);
});
