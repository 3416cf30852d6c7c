import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, manifest, referenceSkip } from '../helpers/reference.ts';
import { onsetStrength } from '../../src/dsp/onset.ts';
import { beatTrack, tempo, tempogram, tempoFrequencies } from '../../src/dsp/beat.ts';
import { melSpectrogram } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/convert.ts';

const SIGNALS = ['s1', 's2', 's3', 's5'] as const;

for (const name of SIGNALS) {
  test(`${name}: onset strength matches librosa.onset.onset_strength`, { skip: referenceSkip(name, `${name}_onset_strength`) }, () => {
    const { y, sampleRate } = signal(name);
    const env = onsetStrength(y, { sampleRate });
    assertClose(env, golden(`${name}_onset_strength`), { atol: 5e-4 }, `${name} onset_strength`);
    // Left padding: lag + n_fft // (2·hop) = 3 zeros (s5 has only 2 frames).
    const lead = Math.min(3, env.length);
    assert.deepEqual(Array.from(env.subarray(0, lead)), new Array<number>(lead).fill(0));
  });
}

test('s1: median-aggregated onset envelope (used by beat_track) matches librosa', { skip: referenceSkip('s1', 's1_onset_strength_median') }, () => {
  const { y, sampleRate } = signal('s1');
  assertClose(onsetStrength(y, { sampleRate, aggregate: 'median' }), golden('s1_onset_strength_median'), { atol: 5e-4 }, 's1 onset median');
});

test('s1: beat_track tempo and beat frames match librosa exactly', { skip: referenceSkip('s1', 's1_beat_tempo', 's1_beat_frames') }, () => {
  const { y, sampleRate } = signal('s1');
  const expectedTempo = golden('s1_beat_tempo').data[0];
  const expectedBeats = Array.from(golden('s1_beat_frames').data);
  assert.equal(expectedTempo, 95.703125);
  const { tempoBpm, beatFrames } = beatTrack(y, { sampleRate });
  assert.equal(tempoBpm, expectedTempo);
  assert.deepEqual(Array.from(beatFrames), expectedBeats);
});

// Apart from the test above so that it runs on the committed subset, which holds s1's
// envelope and beats but not its samples.
test('s1: beat_track from the stored onset envelope, and from it plus a fixed bpm, matches librosa exactly', { skip: referenceSkip('s1_onset_strength_median', 's1_beat_tempo', 's1_beat_frames') }, () => {
  const expectedTempo = golden('s1_beat_tempo').data[0];
  const expectedBeats = Array.from(golden('s1_beat_frames').data);
  const env = golden('s1_onset_strength_median').data;
  assert.deepEqual(Array.from(beatTrack(null, { onsetEnvelope: env, sampleRate: 22050 }).beatFrames), expectedBeats);
  assert.deepEqual(Array.from(beatTrack(null, { onsetEnvelope: env, bpm: expectedTempo }).beatFrames), expectedBeats);
  // The tempo is quantised to a lag: 60·sr/(hop·27).
  assert.equal(tempo(null, { onsetEnvelope: env, sampleRate: 22050 })[0], (60 * 22050) / (512 * 27));
  assert.ok(manifest().arrays.some((a) => a.name === 's1_beat_frames'));
});

test('onsetStrength accepts a precomputed dB spectrogram and honours lag / maxSize', { skip: referenceSkip('s3') }, () => {
  const { y, sampleRate } = signal('s3');
  const S = powerToDb(melSpectrogram(y, { sampleRate }));
  assert.deepEqual(onsetStrength(null, { S }), onsetStrength(y, { sampleRate }));
  const lag2 = onsetStrength(null, { S, lag: 2 });
  assert.deepEqual(Array.from(lag2.subarray(0, 4)), [0, 0, 0, 0]);
  // A max filter over bands makes the reference larger, so the flux can only shrink.
  const base = onsetStrength(null, { S });
  const filtered = onsetStrength(null, { S, maxSize: 3 });
  for (let t = 0; t < base.length; t++) assert.ok(filtered[t] <= base[t] + 1e-6);
  assert.throws(() => onsetStrength(null, { S, lag: 0 }), /lag/);
});

test('a click track at 120 BPM is tracked at 120 BPM with evenly spaced beats', () => {
  const sr = 22050;
  const hop = 512;
  const y = new Float32Array(sr * 12);
  const period = sr / 2; // 120 BPM
  for (let start = period / 2; start < y.length; start += period) {
    for (let i = 0; i < 200 && start + i < y.length; i++) y[Math.round(start) + i] = Math.exp(-i / 40) * Math.sin(i * 1.3);
  }
  const { tempoBpm, beatFrames } = beatTrack(y, { sampleRate: sr });
  // 60·sr/(hop·lag) with lag 22 or 21 brackets 120 BPM.
  assert.ok(Math.abs(tempoBpm - 120) < 6, `tempo ${tempoBpm}`);
  assert.ok(beatFrames.length >= 18, `${beatFrames.length} beats`);
  for (let i = 1; i < beatFrames.length; i++) {
    const gap = ((beatFrames[i] - beatFrames[i - 1]) * hop) / sr;
    assert.ok(Math.abs(gap - 0.5) < 0.05, `gap ${gap}`);
  }
});

test('silence gives tempo 0 and no beats; tempogram lag 0 is 1 after max-normalisation', { skip: referenceSkip('s1_onset_strength') }, () => {
  const res = beatTrack(new Float32Array(22050));
  assert.equal(res.tempoBpm, 0);
  assert.equal(res.beatFrames.length, 0);
  const env = golden('s1_onset_strength').data;
  const tg = tempogram(env, { winLength: 64 });
  assert.equal(tg.rows, 64);
  assert.equal(tg.cols, env.length);
  assert.ok(Math.abs(tg.data[200] - 1) < 1e-12);
  const bpms = tempoFrequencies(4, 22050, 512);
  assert.equal(bpms[0], Infinity);
  assert.equal(bpms[2], (60 * 22050) / (512 * 2));
});

test('tempogram frameStep keeps exactly every step-th column of the full tempogram', () => {
  const env = new Float64Array(300).map((_, i) => (i % 11 === 0 ? 1 : 0.1) + 0.01 * Math.sin(i));
  const full = tempogram(env, { winLength: 64 });
  const sub = tempogram(env, { winLength: 64, frameStep: 4 });
  assert.equal(sub.cols, Math.ceil(full.cols / 4));
  for (let lag = 0; lag < 64; lag++) for (let t = 0; t < sub.cols; t++) assert.equal(sub.data[lag * sub.cols + t], full.data[lag * full.cols + 4 * t]);
  assert.throws(() => tempogram(env, { winLength: 64, frameStep: 0 }), /frameStep/);
  assert.throws(() => tempo(null, { onsetEnvelope: env, frameStep: 2, aggregate: null }), /frameStep/);
});
