import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { quadrantProbabilities, type EmotionModel } from '../../src/analyze/emotion-model.ts';
import { analyze, loadModel } from '../../src/analyze/node.ts';
import { gateDecision, MIN_SILENCE_SECONDS, SILENCE_COLOR, SILENCE_GATE_DB, SILENT_POINT, silenceRanges, silenceWarning, silentPoints, silentSegments } from '../../src/analyze/silence.ts';
import { EmotionStream } from '../../src/analyze/stream.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { quadrantOf } from '../../src/data/types.ts';
import { LEVEL_FLOOR_DB, SegmentLevelMeter } from '../../src/features/segment-levels.ts';
import { emotionToHex } from '../../src/light/color.ts';
import { random, streamInChunks, whiteNoise } from '../helpers/seeded.ts';

const CLIPS = ['3', '4', '7', '8', '10', '17'].map((id) => `test/fixtures/emomusic/${id}.mp3`);
const HOP = 0.5;

let model: EmotionModel;
before(async () => {
  model = await loadModel();
});

function levelsOf(samples: Float32Array, rate: number, chunk: (i: number) => number): { levels: number[]; counts: number[] } {
  const levels: number[] = [];
  const counts: number[] = [];
  const meter = new SegmentLevelMeter(rate, HOP, (k, db, n) => {
    levels[k] = db;
    counts[k] = n;
  });
  for (let i = 0; i < samples.length; ) {
    const n = Math.max(1, chunk(i));
    meter.push(samples.subarray(i, i + n));
    i += n;
  }
  meter.finish();
  return { levels, counts };
}

test('segment meter: bit-identical levels whatever the chunking; whole segments at odd rates; known levels', () => {
  const rate = 11025; // 0.5 s = 5512.5 samples: boundaries at ⌊k · 5512.5⌋
  const y = whiteNoise(Math.round(3.3 * rate), -20, 11);
  const whole = levelsOf(y, rate, () => y.length);
  const rnd = random(3);
  const chunked = levelsOf(y, rate, () => Math.floor(rnd() ** 3 * 9000));
  assert.deepEqual(chunked.levels, whole.levels);
  assert.equal(whole.levels.length, Math.ceil(y.length / (HOP * rate)));
  assert.deepEqual(whole.counts.slice(0, 4), [5512, 5513, 5512, 5513]);
  assert.equal(whole.counts.reduce((a, b) => a + b), y.length);
  const peakMeter = new SegmentLevelMeter(rate, HOP, () => {});
  peakMeter.push(y.subarray(0, 1000));
  peakMeter.push(y.subarray(1000));
  assert.equal(peakMeter.samples, y.length);
  assert.equal(peakMeter.peak, y.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  for (const db of whole.levels.slice(0, -1)) assert.ok(Math.abs(db + 20) < 0.3, `${db} dB`);
  // A full-scale sine reads −3 dB (no AES17 correction); zeros sit at the floor.
  const sine = Float32Array.from({ length: 22050 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 22050));
  assert.ok(Math.abs(levelsOf(sine, 22050, () => 22050).levels[0] + 3.01) < 0.01);
  assert.deepEqual(levelsOf(new Float32Array(22050), 22050, () => 100).levels, [LEVEL_FLOOR_DB, LEVEL_FLOOR_DB]);
});

test('gate: a quiet stretch is gated from 4 s on or when it is the whole file; undecided until its end is known', () => {
  const loud = -20;
  const quiet = -70;
  const min = MIN_SILENCE_SECONDS / HOP;
  const song = (runs: [number, number][]) => runs.flatMap(([db, n]) => Array<number>(n).fill(db));
  // A pause one segment shorter than the minimum stays music; the minimum is gated, every segment of it.
  assert.deepEqual(silentSegments(song([[loud, 4], [quiet, min - 1], [loud, 4]]), 8 + min - 1, HOP), Array(8 + min - 1).fill(false));
  const gated = silentSegments(song([[loud, 4], [quiet, min], [loud, 4]]), 8 + min, HOP);
  assert.deepEqual(gated, [...Array(4).fill(false), ...Array(min).fill(true), ...Array(4).fill(false)]);
  // A short file that is quiet throughout is gated; the same short stretch at the end of music is not.
  assert.deepEqual(silentSegments(song([[quiet, 3]]), 3, HOP), [true, true, true]);
  assert.deepEqual(silentSegments(song([[loud, 10], [quiet, 3]]), 13, HOP).filter(Boolean), []);
  // Exactly at the gate is not below it.
  assert.deepEqual(silentSegments(song([[SILENCE_GATE_DB, min + 2]]), min + 2, HOP).filter(Boolean), []);
  // Live: a quiet segment whose stretch reaches past the newest level cannot be told yet.
  const levels = song([[loud, 4], [quiet, 3]]);
  assert.equal(gateDecision(5, (j) => levels[j], levels.length, false, HOP), null);
  assert.equal(gateDecision(5, (j) => levels[j], levels.length, true, HOP), false);
  assert.equal(gateDecision(3, (j) => levels[j], levels.length, false, HOP), false);
  assert.equal(gateDecision(9, (j) => levels[j], levels.length, false, HOP), null, 'a segment not yet metered');
  assert.deepEqual(silenceRanges([false, true, true, false, true], HOP, 2.3), [
    { start: 0.5, end: 1.5 },
    { start: 2, end: 2.3 },
  ]);
});

test('10 s of digital silence and of −80 dBFS white noise: every point neutral and silent, no quadrant, probabilities or tempo', async () => {
  const rate = 22050;
  for (const [what, samples] of [
    ['digital silence', new Float32Array(rate * 10)],
    ['white noise at −80 dBFS', whiteNoise(10 * rate, -80, 11)],
  ] as const) {
    const r = await analyze(samples, { model, sampleRate: rate, name: `${what}.wav` });
    assert.equal(r.timeline.length, 20, what);
    for (const p of r.timeline) assert.deepEqual({ valence: p.valence, arousal: p.arousal }, SILENT_POINT, `${what} at ${p.time} s`);
    assert.deepEqual(r.silence, [{ start: 0, end: 10 }], what);
    assert.deepEqual(r.summary, { ...SILENT_POINT, quadrant: null, quadrantProbabilities: null, tempo: null, color: SILENCE_COLOR }, what);
    assert.equal(silenceWarning(r), `${what}.wav: silent or near-silent (below -60 dBFS) for 10.0 of 10.0 s; no mood given`);
    // Live, the same points, flagged.
    const live = streamInChunks(new EmotionStream(model, { sampleRate: rate }), samples, 5);
    assert.equal(live.length, 20);
    assert.ok(live.every((p) => p.silent && p.quadrant === null && p.color === SILENCE_COLOR && p.valence === 0 && p.arousal === -1), what);
  }
});

/** 15 s of a fixture clip, 10 s of digital silence, then 15 s more of the clip (from 20 s), at the clip's rate. */
async function musicSilenceMusic(): Promise<{ samples: Float32Array; rate: number }> {
  const audio = await decodeAudio(new Uint8Array(await readFile(CLIPS[0])), { sampleRate: null });
  const rate = audio.sampleRate;
  const samples = new Float32Array(rate * 40);
  samples.set(audio.samples.subarray(0, rate * 15), 0);
  samples.set(audio.samples.subarray(rate * 20, rate * 35), rate * 25);
  return { samples, rate };
}

test('music, 10 s of silence, music: only the silent part is flagged, the summary is that of the music, and live equals offline', async () => {
  const { samples, rate } = await musicSilenceMusic();
  const r = await analyze(samples, { model, sampleRate: rate, name: 'gap.wav' });
  assert.equal(r.timeline.length, 80);
  assert.deepEqual(r.silence, [{ start: 15, end: 25 }]);
  const silent = silentPoints(r);
  assert.deepEqual(silent, r.timeline.map((p) => p.time >= 15 && p.time < 25));
  const music = r.timeline.filter((_, k) => !silent[k]);
  for (const p of r.timeline.filter((_, k) => silent[k])) assert.deepEqual({ valence: p.valence, arousal: p.arousal }, SILENT_POINT);
  // The music points are the model's estimates, not the silent value.
  assert.ok(music.every((p) => p.arousal > -1 && !(p.valence === 0 && p.arousal === -1)));
  const valence = music.reduce((a, p) => a + p.valence, 0) / music.length;
  const arousal = music.reduce((a, p) => a + p.arousal, 0) / music.length;
  assert.ok(Math.abs(r.summary.valence - valence) < 1e-12 && Math.abs(r.summary.arousal - arousal) < 1e-12);
  assert.equal(r.summary.quadrant, quadrantOf(valence, arousal));
  assert.deepEqual(r.summary.quadrantProbabilities, quadrantProbabilities(r.summary.valence, r.summary.arousal, model.card.calibration));
  assert.equal(r.summary.color, emotionToHex(r.summary.valence, r.summary.arousal));
  assert.ok(r.summary.tempo !== null && r.summary.tempo > 40 && r.summary.tempo < 250, `tempo ${r.summary.tempo}`);
  assert.equal(silenceWarning(r), 'gap.wav: silent or near-silent (below -60 dBFS) for 10.0 of 40.0 s (15.0–25.0 s); the summary is of the other 30.0 s');

  for (const startup of ['full-window', 'short-window'] as const) {
    const live = streamInChunks(new EmotionStream(model, { sampleRate: rate, startup }), samples, 9);
    assert.equal(live.length, r.timeline.length);
    assert.deepEqual(live.map((p) => p.silent), silent, startup);
    // The short-window startup changes the first 4 s only; everything from there on equals offline exactly.
    const from = startup === 'full-window' ? 0 : 8;
    const d = Math.max(...live.slice(from).map((p, i) => Math.max(Math.abs(p.valence - r.timeline[from + i].valence), Math.abs(p.arousal - r.timeline[from + i].arousal))));
    assert.equal(d, 0, `${startup}: live differs from offline by ${d}`);
    // The gate adds no delay for the default model: each point still comes once its window is in
    // (at most one chunk, 1 s, late), silent or not.
    if (startup === 'short-window') {
      for (const p of live.slice(0, -20)) assert.ok(p.emittedAt <= p.time + 0.25 + model.card.windowSeconds / 2 + 1.05, `point ${p.time} at ${p.emittedAt} s`);
    }
  }
});

test('a 2 s pause inside music is music: nothing is gated, the points are the model\'s', async () => {
  const audio = await decodeAudio(new Uint8Array(await readFile(CLIPS[1])), { sampleRate: null });
  const rate = audio.sampleRate;
  const y = audio.samples.slice(0, rate * 20);
  y.fill(0, rate * 8, rate * 10);
  const r = await analyze(y, { model, sampleRate: rate });
  assert.deepEqual(r.silence, []);
  assert.ok(r.timeline.every((p) => !(p.valence === 0 && p.arousal === -1)));
  assert.notEqual(r.summary.quadrant, null);
});

test('a short file that is silent throughout (2 s) is gated as a whole', async () => {
  const r = await analyze(new Float32Array(44100 * 2), { model, sampleRate: 44100 });
  assert.deepEqual(r.silence, [{ start: 0, end: 2 }]);
  assert.equal(r.summary.quadrant, null);
  assert.equal(r.summary.tempo, null);
});

test('the fixture clips (real music) have no silent point', async () => {
  for (const clip of CLIPS) {
    const r = await analyze(clip, { model });
    assert.deepEqual(r.silence, [], clip);
    assert.notEqual(r.summary.quadrant, null, clip);
    assert.ok(r.summary.tempo !== null && r.summary.tempo > 0, clip);
  }
});
