import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { analyze, loadModel } from '../../src/analyze/node.ts';
import { EmotionStream, LEVEL_FLOOR_DB, liveRateProblem, type LivePoint, type StartupMode } from '../../src/analyze/stream.ts';
import type { EmotionModel } from '../../src/analyze/emotion-model.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { AudioInputError } from '../../src/audio/errors.ts';
import { resample } from '../../src/audio/resample.ts';
import { getFeatureSet } from '../../src/features/index.ts';
import { streamInChunks } from '../helpers/seeded.ts';

const CLIPS = ['3', '4', '7', '8', '10', '17'].map((id) => `test/fixtures/emomusic/${id}.mp3`);
/**
 * Streaming and offline run the same frame code, window rule and network on the same numbers;
 * the stated tolerance leaves room for a float64 rounding difference in the window sums (the
 * streaming window's prefix sums start at a later frame). Measured: 0 on all six clips.
 */
const TOLERANCE = 1e-5;

let model: EmotionModel;
before(async () => {
  model = await loadModel();
});

const maxDifference = (a: readonly { valence: number; arousal: number }[], b: readonly { valence: number; arousal: number }[], from = 0) =>
  Math.max(0, ...a.slice(from).map((p, k) => Math.max(Math.abs(p.valence - b[from + k].valence), Math.abs(p.arousal - b[from + k].arousal))));

test('streamed in random chunks (1 sample to 1 s), every fixture clip gives the offline timeline', async () => {
  const report: string[] = [];
  for (const [c, path] of CLIPS.entries()) {
    const offline = await analyze(path, { model });
    const audio = await decodeAudio(new Uint8Array(await readFile(path)), { sampleRate: null });
    const points = streamInChunks(new EmotionStream(model, { sampleRate: audio.sampleRate, startup: 'full-window' }), audio.samples, c + 1);
    assert.equal(points.length, offline.timeline.length, path);
    assert.deepEqual(points.map((p) => p.time), offline.timeline.map((p) => p.time));
    const d = maxDifference(points, offline.timeline);
    assert.ok(d <= TOLERANCE, `${path}: streaming differs from offline by ${d}`);
    // Every point from a full window (the model's windowSeconds, to the nearest frame).
    for (const p of points) assert.ok(Math.abs(p.windowSeconds - model.card.windowSeconds) < 0.05, `${path} ${p.time}: ${p.windowSeconds} s window`);
    report.push(`${path} ${d.toExponential(1)}`);
  }
  if (process.env.SENTIO_DEBUG) console.log(report.join('\n'));
});

test("startup 'short-window': the first points come on time from shorter windows, the rest equal offline", async () => {
  const path = CLIPS[0];
  const offline = await analyze(path, { model });
  const audio = await decodeAudio(new Uint8Array(await readFile(path)), { sampleRate: null });
  const byMode = new Map<StartupMode, LivePoint[]>();
  for (const startup of ['short-window', 'full-window'] as const) {
    byMode.set(startup, streamInChunks(new EmotionStream(model, { sampleRate: audio.sampleRate, startup }), audio.samples, 7));
  }
  const short = byMode.get('short-window')!;
  const full = byMode.get('full-window')!;
  const W = model.card.windowSeconds;
  // Segment 0 is emitted once its centred window's end (0.25 s + W/2) is in: about 4.3 s, not W.
  assert.ok(short[0].emittedAt >= 0.25 + W / 2 && short[0].emittedAt < 0.25 + W / 2 + 1.05, `first point at ${short[0].emittedAt} s`);
  assert.ok(full[0].emittedAt >= W && full[0].emittedAt < W + 1.05, `full-window first point at ${full[0].emittedAt} s`);
  assert.ok(short[0].windowSeconds < W / 2 + 0.5, `first window ${short[0].windowSeconds} s`);
  // Every point is emitted after its window's end and never more than 1 s (the largest chunk) later.
  for (const p of short.slice(0, -20)) {
    const due = p.time + 0.25 + W / 2;
    assert.ok(p.emittedAt >= due - 0.05 && p.emittedAt <= due + 1.05, `point ${p.time}: emitted at ${p.emittedAt}, due ${due}`);
  }
  const firstFull = short.findIndex((p) => p.windowSeconds >= W - 0.05);
  assert.ok(firstFull > 0 && firstFull <= Math.ceil(W / 2 / 0.5), `first full window at point ${firstFull}`);
  assert.ok(maxDifference(short, offline.timeline, firstFull) <= TOLERANCE);
  assert.ok(maxDifference(short.slice(0, firstFull), offline.timeline) > 1e-3, 'the shorter windows do change the first points');
});

test('a rate that is resampled (48 kHz) streams to the offline result of the same samples', async () => {
  const audio = await decodeAudio(new Uint8Array(await readFile(CLIPS[1])), { sampleRate: null });
  const y = resample(audio.samples.subarray(0, audio.sampleRate * 20), audio.sampleRate, 48000);
  const offline = await analyze(y, { model, sampleRate: 48000 });
  const points = streamInChunks(new EmotionStream(model, { sampleRate: 48000, startup: 'full-window' }), y, 3);
  assert.equal(points.length, offline.timeline.length);
  assert.ok(maxDifference(points, offline.timeline) <= TOLERANCE);
});

test('levels: each point carries its segment level and the newest level; silence sits at the floor', () => {
  const rate = 22050;
  const stream = new EmotionStream(model, { sampleRate: rate });
  // 10 s of a −20 dB RMS sine (amplitude 0.1·√2), then 10 s of digital silence.
  const tone = Float32Array.from({ length: rate * 10 }, (_, i) => 0.1 * Math.SQRT2 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const first = stream.push(tone);
  const second = stream.push(new Float32Array(rate * 10));
  const points = [...first, ...second, ...stream.finish()];
  assert.equal(points.length, 40);
  for (const p of points) {
    if (p.time < 9.5) assert.ok(Math.abs(p.levelDb + 20) < 0.05, `t=${p.time}: ${p.levelDb} dB`);
    if (p.time >= 10) assert.equal(p.levelDb, LEVEL_FLOOR_DB);
    for (const v of [p.valence, p.arousal]) assert.ok(Number.isFinite(v) && v >= -1 && v <= 1);
  }
  // The newest level is that of the input at emission: the tone for the first push's points,
  // silence for the second's (whose own segments are still partly tone).
  assert.ok(first.length > 0 && first.every((p) => Math.abs(p.latestLevelDb + 20) < 0.05));
  assert.ok(second.length > 0 && second.every((p) => p.latestLevelDb === LEVEL_FLOOR_DB));
  assert.ok(second.some((p) => p.levelDb > -21));
});

test('bad input: non-finite samples and rates that cannot be resampled are refused by name', () => {
  const set = getFeatureSet('sentio-voice');
  assert.equal(liveRateProblem(44100, set), null);
  assert.equal(liveRateProblem(48000, set), null);
  assert.equal(liveRateProblem(16000, set), null);
  assert.match(liveRateProblem(44099, set)!, /44099 Hz cannot be resampled/);
  assert.match(liveRateProblem(1000, set)!, /1000 Hz is not supported/);
  assert.match(liveRateProblem(44100.5, set)!, /not supported/);
  assert.throws(() => new EmotionStream(model, { sampleRate: 44099, name: 'stdin' }), (e: unknown) => e instanceof AudioInputError && /stdin/.test(e.message));
  const stream = new EmotionStream(model, { sampleRate: 22050, name: 'stdin' });
  stream.push(new Float32Array(1000));
  assert.throws(() => stream.push(Float32Array.of(0, Number.NaN)), /stdin: sample 1001 is not a finite number/);
});

test('memory stays flat on a 2-hour stream: the held frames and levels do not grow, nor does the heap', () => {
  const rate = 22050;
  const stream = new EmotionStream(model, { sampleRate: rate });
  // A minute of synthetic music-like signal (chords with a pulse and noise), pushed 120 times.
  let seed = 5;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const minute = Float32Array.from({ length: rate * 60 }, (_, i) => {
    const t = i / rate;
    const pulse = 0.5 + 0.5 * Math.cos(2 * Math.PI * 2 * t);
    return 0.2 * pulse * (Math.sin(2 * Math.PI * 220 * t) + 0.6 * Math.sin(2 * Math.PI * 277.2 * t) + 0.5 * Math.sin(2 * Math.PI * 329.6 * t)) / 2 + 0.02 * rnd();
  });
  const internals = stream as unknown as { window: { rows: number; capacity: number }; segmentLevels: Map<number, number> };
  let points = 0;
  let heapAfter10 = 0;
  let heldAfter10 = 0;
  let maxLevels = 0;
  for (let m = 0; m < 120; m++) {
    points += stream.push(minute).length;
    maxLevels = Math.max(maxLevels, internals.segmentLevels.size);
    if (m === 9) {
      global.gc?.();
      heapAfter10 = process.memoryUsage().heapUsed;
      heldAfter10 = internals.window.capacity;
    }
  }
  points += stream.finish().length;
  assert.equal(points, 2 * 3600 * 2);
  assert.equal(internals.window.capacity, heldAfter10, 'the frame buffer grew after 10 minutes');
  assert.ok(internals.window.rows <= internals.window.capacity);
  assert.ok(maxLevels < 200, `${maxLevels} segment levels held`);
  global.gc?.();
  const growth = (process.memoryUsage().heapUsed - heapAfter10) / 2 ** 20;
  // Generous: the garbage collector runs when it likes; a leak of one row per frame would be > 100 MB.
  assert.ok(growth < 40, `heap grew by ${growth.toFixed(1)} MB from minute 10 to minute 120`);
});
