import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareLlds,
  compareFrameGeometry,
  deltaRegression,
  equalLoudnessWeight,
  hzToBark,
  LLD,
  LLD_COUNT,
  LOG_HNR_FLOOR,
  lldName,
  rmsEnergy,
  smaSmooth,
  smoothAndDelta,
  zeroCrossingRate,
} from '../../src/dsp/compare-lld.ts';
import type { Matrix } from '../../src/dsp/matrix.ts';

const SR = 22050;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function sine(freq: number, seconds: number, amp = 0.5, sr = SR): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / sr));
}

/** Harmonics 1..10 with 1/h amplitudes. */
function harmonicTone(f0: number, seconds: number, sr = SR): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => {
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / sr) / h;
    return 0.3 * v;
  });
}

function whiteNoise(seconds: number, seed: number, amp = 0.2): Float32Array {
  const r = lcg(seed);
  return Float32Array.from({ length: Math.round(seconds * SR) }, () => amp * gaussian(r));
}

/**
 * Train of decaying 900 Hz resonances ("glottal pulses") at 220 Hz; each period is scaled
 * by 1 ± jitter and each pulse amplitude by 1 ± shimmer (uniform, seeded).
 */
function pulseTrain(seconds: number, jitter: number, shimmer: number, seed: number): Float32Array {
  const r = lcg(seed);
  const n = Math.round(seconds * SR);
  const y = new Float32Array(n);
  const T = SR / 220;
  let t = 0;
  while (t < n) {
    const A = 1 + shimmer * (2 * r() - 1);
    const t0 = Math.floor(t);
    for (let i = 0; i < 200 && t0 + i < n; i++) {
      const tt = (t0 + i - t) / SR;
      y[t0 + i] += 0.5 * A * Math.exp(-tt / 0.0008) * Math.sin(2 * Math.PI * 900 * tt);
    }
    t += T * (1 + jitter * (2 * r() - 1));
  }
  return y;
}

/** Mean of LLD column `c` over frames [from, rows - from), optionally only where F0 > 0. */
function colMean(m: Matrix<Float64Array>, c: number, onlyVoiced = false, from = 10): number {
  let s = 0;
  let k = 0;
  for (let t = from; t < m.rows - from; t++) {
    if (onlyVoiced && !(m.data[t * m.cols + LLD.F0] > 0)) continue;
    s += m.data[t * m.cols + c];
    k++;
  }
  return k > 0 ? s / k : Number.NaN;
}

function voicedFraction(m: Matrix<Float64Array>): number {
  let k = 0;
  for (let t = 0; t < m.rows; t++) if (m.data[t * m.cols + LLD.F0] > 0) k++;
  return k / m.rows;
}

test('LLD table: 65 names in DEAM order with indices before suffixes', () => {
  assert.equal(LLD_COUNT, 65);
  assert.equal(lldName(0, '_sma'), 'F0final_sma');
  assert.equal(lldName(LLD.VOICING, '_sma'), 'voicingFinalUnclipped_sma');
  assert.equal(lldName(LLD.LOG_HNR, '_sma_de'), 'logHNR_sma_de');
  assert.equal(lldName(LLD.RFILT, '_sma'), 'audSpec_Rfilt_sma[0]');
  assert.equal(lldName(LLD.RFILT + 25, '_sma_de'), 'audSpec_Rfilt_sma_de[25]');
  assert.equal(lldName(LLD.ROLLOFF90, '_sma'), 'pcm_fftMag_spectralRollOff90.0_sma');
  assert.equal(lldName(LLD.HARMONICITY, '_sma'), 'pcm_fftMag_spectralHarmonicity_sma');
  assert.equal(lldName(LLD.MFCC, '_sma'), 'pcm_fftMag_mfcc_sma[1]');
  assert.equal(lldName(64, '_sma_de'), 'pcm_fftMag_mfcc_sma_de[14]');
  assert.throws(() => lldName(65));
});

test('frame geometry: 60 ms frames, 10 ms hop, power-of-two FFT', () => {
  assert.deepEqual(compareFrameGeometry(22050), { frameLength: 1323, hop: 220.5, nFft: 2048 });
  assert.deepEqual(compareFrameGeometry(44100), { frameLength: 2646, hop: 441, nFft: 4096 });
  // Default frame count: every 10 ms start inside the signal.
  assert.equal(compareLlds(new Float32Array(SR), SR).rows, 100);
  assert.equal(compareLlds(new Float32Array(0), SR).rows, 0);
  assert.equal(compareLlds(new Float32Array(10), SR).rows, 1);
});

test('zero-crossing rate of a sine is 2f/sr per sample; RMS of a sine is A/√2', () => {
  // Exact counts: sign changes between neighbours, or a zero sample between opposite signs.
  assert.equal(zeroCrossingRate(Float64Array.from([1, -1, 1, -1, 1, -1, 1, -1, 1, -1])), 0.8);
  // openSMILE rule: a zero whose neighbours have opposite signs or include a zero counts.
  assert.equal(zeroCrossingRate(Float64Array.from([1, 0, -1, -2, 0, 0, 3, 4])), 3 / 8);
  assert.equal(zeroCrossingRate(Float64Array.from([1, 2, 3, 4])), 0);
  const y = sine(441, 1, 0.5);
  const frame = Float64Array.from(y.subarray(1000, 1000 + 1323));
  assert.ok(Math.abs(zeroCrossingRate(frame) - (2 * 441) / SR) < 2 / 1323, `zcr ${zeroCrossingRate(frame)}`);
  assert.ok(Math.abs(rmsEnergy(frame) - 0.5 / Math.SQRT2) < 0.005, `rms ${rmsEnergy(frame)}`);
  const m = compareLlds(y, SR);
  assert.ok(Math.abs(colMean(m, LLD.ZCR) - 0.04) < 0.002);
  assert.ok(Math.abs(colMean(m, LLD.RMS) - 0.5 / Math.SQRT2) < 0.002);
  const m2 = compareLlds(sine(2205, 1, 0.1), SR);
  assert.ok(Math.abs(colMean(m2, LLD.ZCR) - 0.2) < 0.002);
  assert.ok(Math.abs(colMean(m2, LLD.RMS) - 0.1 / Math.SQRT2) < 0.001);
});

test('F0 of a 220 Hz harmonic tone is 220 Hz with high voicing; white noise is unvoiced', () => {
  const tone = compareLlds(harmonicTone(220, 1.5), SR);
  assert.ok(voicedFraction(tone) > 0.95, `voiced fraction ${voicedFraction(tone)}`);
  assert.ok(Math.abs(colMean(tone, LLD.F0, true) - 220) < 2, `F0 ${colMean(tone, LLD.F0, true)}`);
  assert.ok(colMean(tone, LLD.VOICING) > 0.8, `voicing ${colMean(tone, LLD.VOICING)}`);
  for (const f of [80, 440, 600]) {
    const m = compareLlds(harmonicTone(f, 1), SR);
    assert.ok(Math.abs(colMean(m, LLD.F0, true) / f - 1) < 0.01, `F0 of ${f} Hz: ${colMean(m, LLD.F0, true)}`);
  }
  const noise = compareLlds(whiteNoise(1.5, 7), SR);
  assert.ok(colMean(noise, LLD.VOICING) < 0.65, `noise voicing ${colMean(noise, LLD.VOICING)}`);
  assert.ok(voicedFraction(noise) < 0.05, `noise voiced fraction ${voicedFraction(noise)}`);
  // Unvoiced frames carry zero jitter/shimmer and the logHNR floor.
  let unvoiced = 0;
  for (let t = 0; t < noise.rows; t++) {
    const row = noise.data.subarray(t * LLD_COUNT, (t + 1) * LLD_COUNT);
    if (row[LLD.F0] > 0) continue;
    unvoiced++;
    assert.equal(row[LLD.JITTER_LOCAL], 0);
    assert.equal(row[LLD.JITTER_DDP], 0);
    assert.equal(row[LLD.SHIMMER_LOCAL], 0);
    assert.equal(row[LLD.LOG_HNR], LOG_HNR_FLOOR);
  }
  assert.ok(unvoiced > 0.95 * noise.rows);
});

test('jitter and shimmer: ~0 on steady signals, large on a jittered / shimmered pulse train', () => {
  const steadyTone = compareLlds(harmonicTone(220, 1.5), SR);
  assert.ok(colMean(steadyTone, LLD.JITTER_LOCAL, true) < 0.002);
  assert.ok(colMean(steadyTone, LLD.JITTER_DDP, true) < 0.003);
  assert.ok(colMean(steadyTone, LLD.SHIMMER_LOCAL, true) < 0.01);
  const steady = compareLlds(pulseTrain(1.5, 0, 0, 1), SR);
  const jittered = compareLlds(pulseTrain(1.5, 0.04, 0, 2), SR);
  const shimmered = compareLlds(pulseTrain(1.5, 0, 0.2, 3), SR);
  for (const m of [steady, jittered, shimmered]) assert.ok(voicedFraction(m) > 0.9);
  const js = colMean(steady, LLD.JITTER_LOCAL, true);
  const jj = colMean(jittered, LLD.JITTER_LOCAL, true);
  // Uniform ±4 % periods: E|ΔT|/T = 0.08/3 ≈ 0.027.
  assert.ok(js < 0.003, `steady jitter ${js}`);
  assert.ok(jj > 0.018 && jj < 0.04, `jittered jitter ${jj}`);
  assert.ok(colMean(jittered, LLD.JITTER_DDP, true) > 5 * colMean(steady, LLD.JITTER_DDP, true) + 0.01);
  const ss = colMean(steady, LLD.SHIMMER_LOCAL, true);
  const sh = colMean(shimmered, LLD.SHIMMER_LOCAL, true);
  // Uniform ±20 % amplitudes: E|ΔA|/A = 0.4/3 ≈ 0.13.
  assert.ok(ss < 0.01, `steady shimmer ${ss}`);
  assert.ok(sh > 0.08 && sh < 0.2, `shimmered shimmer ${sh}`);
  assert.ok(colMean(shimmered, LLD.JITTER_LOCAL, true) < 0.005, 'amplitude changes alone are not jitter');
});

test('logHNR is high for a clean harmonic tone and drops when noise is added', () => {
  const clean = harmonicTone(220, 1.5);
  const noise = whiteNoise(1.5, 11, 0.05);
  const noisy = clean.map((v, i) => v + noise[i]);
  const hc = colMean(compareLlds(clean, SR), LLD.LOG_HNR, true);
  const mn = compareLlds(noisy, SR);
  const hn = colMean(mn, LLD.LOG_HNR, true);
  assert.ok(voicedFraction(mn) > 0.9);
  assert.ok(hc > 20, `clean HNR ${hc}`);
  assert.ok(hn < hc - 5 && hn > 0, `noisy HNR ${hn} vs clean ${hc}`);
});

test('spectral shape: centroid, roll-offs, band energies, sharpness order low vs high tones', () => {
  const lo = compareLlds(sine(500, 1), SR);
  const hi = compareLlds(sine(4000, 1), SR);
  assert.ok(Math.abs(colMean(lo, LLD.CENTROID) - 500) < 25, `centroid ${colMean(lo, LLD.CENTROID)}`);
  assert.ok(Math.abs(colMean(hi, LLD.CENTROID) - 4000) < 40, `centroid ${colMean(hi, LLD.CENTROID)}`);
  for (const c of [LLD.ROLLOFF25, LLD.ROLLOFF50, LLD.ROLLOFF75, LLD.ROLLOFF90]) {
    assert.ok(colMean(lo, c) < 600 && colMean(hi, c) > 3800, `roll-off ${c}`);
  }
  // Roll-offs are non-decreasing within a frame.
  const noise = compareLlds(whiteNoise(1, 3), SR);
  for (let t = 0; t < noise.rows; t++) {
    const r = noise.data.subarray(t * LLD_COUNT + LLD.ROLLOFF25, t * LLD_COUNT + LLD.ROLLOFF90 + 1);
    assert.ok(r[0] <= r[1] && r[1] <= r[2] && r[2] <= r[3]);
  }
  // White noise: roll-off 50 % near sr/4, entropy near its maximum log2(1024) = 10 bits.
  assert.ok(Math.abs(colMean(noise, LLD.ROLLOFF50) - SR / 4) < 300);
  assert.ok(colMean(noise, LLD.ENTROPY) > 9 && colMean(lo, LLD.ENTROPY) < 5);
  const tone400 = compareLlds(sine(400, 1), SR);
  const tone2k = compareLlds(sine(2000, 1), SR);
  assert.ok(colMean(tone400, LLD.FBAND_250_650) > 1000 * colMean(tone400, LLD.FBAND_1000_4000));
  assert.ok(colMean(tone2k, LLD.FBAND_1000_4000) > 1000 * colMean(tone2k, LLD.FBAND_250_650));
  assert.ok(colMean(hi, LLD.SHARPNESS) > 2 * colMean(lo, LLD.SHARPNESS));
  assert.ok(colMean(lo, LLD.SLOPE) < 0, 'energy concentrated low → negative slope');
  assert.ok(Math.abs(colMean(noise, LLD.SKEWNESS)) < 0.1, 'white noise is symmetric in frequency');
  assert.ok(Math.abs(colMean(noise, LLD.KURTOSIS) - 1.8) < 0.1, 'uniform distribution kurtosis 1.8');
});

test('spectral flux is ~0 for a steady tone and large when the spectrum changes', () => {
  const steady = compareLlds(sine(1000, 1), SR);
  const y = new Float32Array(SR);
  for (let i = 0; i < SR; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * (Math.floor(i / 2205) % 2 ? 3000 : 500) * i) / SR);
  const switching = compareLlds(y, SR);
  assert.ok(colMean(switching, LLD.FLUX) > 20 * colMean(steady, LLD.FLUX) + 1e-6);
  assert.equal(steady.data[LLD.FLUX], 0, 'first frame has no flux');
});

test('auditory spectra: loudness compression 0.33, RASTA removes stationary components', () => {
  const a = compareLlds(harmonicTone(220, 2), SR);
  const b = compareLlds(harmonicTone(220, 2).map((v) => 2 * v), SR);
  const ratio = colMean(b, LLD.AUDSPEC_L1) / colMean(a, LLD.AUDSPEC_L1);
  assert.ok(Math.abs(ratio - Math.pow(4, 0.33)) < 1e-3, `loudness ratio ${ratio}`);
  // MFCC 1-14 ignore a gain change (only c0 would move).
  for (let i = 0; i < 14; i++) assert.ok(Math.abs(colMean(b, LLD.MFCC + i) - colMean(a, LLD.MFCC + i)) < 1e-6);
  // Warm-up frames and long-settled frames of a stationary tone equal eql^0.33 per band
  // (the RASTA output is 0 in the log domain), so the Rasta L1 norm is the same there.
  const early = a.data[2 * LLD_COUNT + LLD.AUDSPEC_RASTA_L1];
  const settled = a.data[180 * LLD_COUNT + LLD.AUDSPEC_RASTA_L1];
  assert.ok(Math.abs(settled / early - 1) < 0.01, `settled ${settled} vs warm-up ${early}`);
  // … and an onset after the warm-up moves it.
  const onset = new Float32Array(SR);
  onset.set(harmonicTone(220, 0.5), SR / 2);
  const o = compareLlds(onset, SR);
  const before = o.data[40 * LLD_COUNT + LLD.RFILT + 5];
  const after = o.data[53 * LLD_COUNT + LLD.RFILT + 5];
  assert.ok(after > 3 * before, `RASTA band 5 at onset ${after} vs before ${before}`);
  // Equal-loudness weighting favours the speech range over very low frequencies.
  assert.ok(equalLoudnessWeight(1000) > 10 * equalLoudnessWeight(100));
  assert.ok(Math.abs(hzToBark(1000) - 8.5) < 0.2 && hzToBark(0) === 0);
});

test('silence and near-silence give finite LLDs with the voice group zeroed', () => {
  for (const y of [new Float32Array(SR), new Float32Array(SR).fill(1e-6), new Float32Array(500)]) {
    const m = compareLlds(y, SR, { frames: 60 });
    assert.equal(m.rows, 60);
    for (const v of m.data) assert.ok(Number.isFinite(v));
    for (let t = 0; t < m.rows; t++) {
      for (const c of [LLD.F0, LLD.VOICING, LLD.JITTER_LOCAL, LLD.JITTER_DDP, LLD.SHIMMER_LOCAL]) {
        assert.equal(m.data[t * LLD_COUNT + c], 0);
      }
      assert.equal(m.data[t * LLD_COUNT + LLD.LOG_HNR], LOG_HNR_FLOOR);
    }
    const { sma, de } = smoothAndDelta(m);
    for (const v of sma.data) assert.ok(Number.isFinite(v));
    for (const v of de.data) assert.ok(Number.isFinite(v));
  }
});

test('_sma: 3-frame moving average; the voice-group variant skips zeros', () => {
  const x = Float64Array.from([3, 6, 9, 0, 12, 6]);
  assert.deepEqual([...smaSmooth(x)], [4, 6, 5, 7, 6, 8]);
  assert.deepEqual([...smaSmooth(x, true)], [4, 6, 7.5, 0, 9, 8]);
});

test('_de: regression deltas of a linear ramp are constant (= slope) away from the edges', () => {
  const ramp = Float64Array.from({ length: 40 }, (_, i) => 5 + 0.25 * i);
  const d = deltaRegression(ramp);
  for (let t = 2; t < 38; t++) assert.ok(Math.abs(d[t] - 0.25) < 1e-12);
  // Edges repeat the first/last value: d_0 = (1·0.25 + 2·0.5)/10.
  assert.ok(Math.abs(d[0] - 0.125) < 1e-12);
  // The formula itself: Σ k (x_{t+k} − x_{t−k}) / 10 on a non-linear sequence.
  const q = Float64Array.from([0, 1, 4, 9, 16, 25, 36]);
  assert.ok(Math.abs(deltaRegression(q)[3] - (1 * (16 - 4) + 2 * (25 - 1)) / 10) < 1e-12);
  // Voice-group deltas ignore pairs touching an unvoiced (zero) frame.
  const v = Float64Array.from([0, 0, 100, 101, 102, 103, 104, 0, 0]);
  const dv = deltaRegression(v, 2, true);
  assert.ok(Math.abs(dv[4] - 1) < 1e-12);
  assert.ok(Math.abs(dv[3] - 0.2) < 1e-12, 'only the k=1 pair (102 − 100) contributes');
  assert.equal(dv[0], 0);
});
