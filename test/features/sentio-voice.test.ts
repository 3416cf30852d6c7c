import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resample } from '../../src/audio/resample.ts';
import { seededRandom } from '../../src/data/splits.ts';
import {
  halfbandDecimate,
  sentioFrames,
  sentioVoice,
  sentioVoiceColumns,
  shiftLevel,
  VOICE_EVERY_FRAMES,
  VOICE_HNR_FLOOR_DB,
} from '../../src/features/sentio-frames.ts';
import type { FeatureSet } from '../../src/features/types.ts';

const COLS = sentioVoiceColumns.length;
const col = (name: string) => sentioVoiceColumns.indexOf(name);

/**
 * A sung-vowel-like source: a glottal-ish pulse train (harmonics falling 6 dB/octave) at
 * `f0` Hz whose period is perturbed by `jitter` (relative, random per period), plus noise.
 */
function voiced(rate: number, f0: number, jitter: number, noise: number, seconds = 3, seed = 3): Float32Array {
  const r = seededRandom(seed);
  const y = new Float32Array(seconds * rate);
  let phase = 0;
  let period = 1 / f0;
  for (let i = 0; i < y.length; i++) {
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * h * phase) / h;
    y[i] = 0.2 * v + noise * (r() - 0.5);
    phase += 1 / rate / period;
    if (phase >= 1) {
      phase -= 1;
      period = (1 / f0) * (1 + jitter * (2 * r() - 1));
    }
  }
  return y;
}

function run(set: FeatureSet, rate: number, y: Float32Array, chunk = y.length) {
  const ex = set.createExtractorAt!(rate);
  for (let i = 0; i < y.length; i += chunk) ex.push(y.subarray(i, i + chunk));
  return ex.finish();
}

/** Mean of a column over the analysed interior frames. */
function mean(m: ReturnType<typeof run>, name: string): number {
  const c = col(name);
  let s = 0;
  let n = 0;
  for (let t = 4; t < m.frames.rows - 4; t++) {
    s += m.frames.data[t * COLS + c];
    n++;
  }
  return s / n;
}

test('sentio-voice: the sentio-frames columns unchanged, then six voice columns', () => {
  const y = voiced(22050, 200, 0, 0.01);
  const v = run(sentioVoice, 22050, y);
  const f = run(sentioFrames, 22050, y);
  assert.equal(v.set, 'sentio-voice');
  assert.deepEqual(v.columns, sentioVoiceColumns);
  assert.equal(COLS, f.frames.cols + 6);
  assert.equal(v.frames.rows, f.frames.rows);
  for (let t = 0; t < f.frames.rows; t++) {
    for (let c = 0; c < f.frames.cols; c++) assert.equal(v.frames.data[t * COLS + c], f.frames.data[t * f.frames.cols + c]);
  }
});

test('sentio-voice: a clean 200 Hz voice is voiced at 200 Hz with little jitter and a high HNR', () => {
  const m = run(sentioVoice, 22050, voiced(22050, 200, 0, 0.002));
  assert.ok(Math.abs(mean(m, 'voice_f0_hz') - 200) < 4, `F0 ${mean(m, 'voice_f0_hz')}`);
  assert.ok(mean(m, 'voicing') > 0.8, `voicing ${mean(m, 'voicing')}`);
  assert.ok(mean(m, 'jitter_local') < 0.01, `jitter ${mean(m, 'jitter_local')}`);
  assert.ok(mean(m, 'log_hnr_db') > 15, `HNR ${mean(m, 'log_hnr_db')}`);
});

test('sentio-voice: jitter and shimmer rise with period perturbation, HNR falls with noise', () => {
  const clean = run(sentioVoice, 22050, voiced(22050, 150, 0, 0.002));
  const jittery = run(sentioVoice, 22050, voiced(22050, 150, 0.04, 0.002));
  const noisy = run(sentioVoice, 22050, voiced(22050, 150, 0, 0.25));
  assert.ok(mean(jittery, 'jitter_local') > 3 * mean(clean, 'jitter_local') + 0.005, `${mean(jittery, 'jitter_local')} vs ${mean(clean, 'jitter_local')}`);
  assert.ok(mean(jittery, 'jitter_ddp') > mean(clean, 'jitter_ddp'));
  assert.ok(mean(noisy, 'log_hnr_db') < mean(clean, 'log_hnr_db') - 6, `${mean(noisy, 'log_hnr_db')} vs ${mean(clean, 'log_hnr_db')}`);
  assert.ok(mean(noisy, 'shimmer_local') > mean(clean, 'shimmer_local'));
});

test('sentio-voice: white noise and silence are unvoiced (F0 0, HNR at the floor)', () => {
  const r = seededRandom(5);
  for (const y of [Float32Array.from({ length: 2 * 22050 }, () => 0.3 * (r() - 0.5)), new Float32Array(2 * 22050)]) {
    const m = run(sentioVoice, 22050, y);
    let voicedFrames = 0;
    for (let t = 0; t < m.frames.rows; t++) if (m.frames.data[t * COLS + col('voice_f0_hz')] > 0) voicedFrames++;
    assert.ok(voicedFrames <= 0.1 * m.frames.rows, `${voicedFrames} of ${m.frames.rows} frames voiced`);
    assert.ok(mean(m, 'log_hnr_db') < VOICE_HNR_FLOOR_DB + 2);
  }
});

test('sentio-voice: analysed every VOICE_EVERY_FRAMES-th frame, values held in between; streaming gives the same frames', () => {
  const y = voiced(22050, 180, 0.02, 0.02);
  const m = run(sentioVoice, 22050, y);
  for (let t = 0; t < m.frames.rows; t++) {
    const from = t - (t % VOICE_EVERY_FRAMES);
    for (let c = col('voice_f0_hz'); c < COLS; c++) assert.equal(m.frames.data[t * COLS + c], m.frames.data[from * COLS + c]);
  }
  assert.deepEqual(Array.from(run(sentioVoice, 22050, y, 999).frames.data), Array.from(m.frames.data));
});

test('sentio-voice: 44.1 kHz analysed natively agrees with the same voice at 22.05 kHz', () => {
  const y44 = voiced(44100, 220, 0.01, 0.01);
  const a = run(sentioVoice, 44100, y44);
  const b = run(sentioVoice, 22050, resample(y44, 44100, 22050));
  assert.ok(Math.abs(mean(a, 'voice_f0_hz') - mean(b, 'voice_f0_hz')) < 3);
  assert.ok(Math.abs(mean(a, 'log_hnr_db') - mean(b, 'log_hnr_db')) < 3, `${mean(a, 'log_hnr_db')} vs ${mean(b, 'log_hnr_db')}`);
  assert.ok(Math.abs(mean(a, 'jitter_local') - mean(b, 'jitter_local')) < 0.005);
});

test('halfbandDecimate: unit gain at DC, rejects the band edge, keeps a low tone', () => {
  const n = 512;
  const out = new Float64Array(n / 2 - 8);
  halfbandDecimate(new Float64Array(n).fill(1), 4, out.length, out);
  for (const v of out) assert.ok(Math.abs(v - 1) < 1e-12);
  // A tone at 0.9 of the input Nyquist, above the new Nyquist (0.5): strongly attenuated.
  const edge = Float64Array.from({ length: n }, (_, i) => Math.cos(Math.PI * 0.9 * i));
  halfbandDecimate(edge, 4, out.length, out);
  assert.ok(Math.max(...out.map(Math.abs)) < 0.2);
  const low = Float64Array.from({ length: n }, (_, i) => Math.cos(Math.PI * 0.05 * i));
  halfbandDecimate(low, 4, out.length, out);
  assert.ok(Math.max(...out.map(Math.abs)) > 0.98);
});

test('shiftLevel: the frames of audio played 6 dB quieter or louder, without extracting them again', () => {
  // A voice over noise, loud enough that no band sits at the −100 dB floor at −6 dB.
  const rate = 22050;
  const y = voiced(rate, 180, 0.01, 0.05, 2);
  const base = run(sentioVoice, rate, y).frames;
  const level = ['mel_0', 'mel_40', 'mel_63', 'rms_db', 'mfcc_0'].map(col);
  for (const gainDb of [-6, 6]) {
    const scale = 10 ** (gainDb / 20);
    const scaled = run(sentioVoice, rate, y.map((v) => v * scale)).frames;
    const shifted = shiftLevel(base, gainDb);
    let worst = 0;
    for (let i = 0; i < scaled.data.length; i++) {
      worst = Math.max(worst, Math.abs(shifted.data[i] - scaled.data[i]) / (1 + Math.abs(scaled.data[i])));
    }
    assert.ok(worst < 1e-3, `${gainDb} dB: largest relative difference ${worst}`);
    // …and the level columns really moved (the check above is not comparing unchanged frames).
    for (const c of level) assert.ok(Math.abs(shifted.data[10 * COLS + c] - base.data[10 * COLS + c]) >= 5.9, sentioVoiceColumns[c]);
  }
  // Exactly the stored value minus 6, rounded to float32 as the frames are stored.
  assert.equal(Math.fround(base.data[10 * COLS + col('mel_5')] - 6), shiftLevel(base, -6).data[10 * COLS + col('mel_5')]);
  // Values are held at the floor, and frames of other sets are refused.
  const floor = shiftLevel({ rows: 1, cols: COLS, data: new Float32Array(COLS).fill(-99) }, -6);
  assert.equal(floor.data[col('mel_3')], -100);
  assert.throws(() => shiftLevel({ rows: 1, cols: 7, data: new Float32Array(7) }, 3), /sentio-frames or sentio-voice/);
});
