import assert from 'node:assert/strict';
import { test } from 'node:test';
import { playbackLightStates, playbackPoints, pointIndexAt } from '../../src/analyze/playback.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { LEVEL_FLOOR_DB } from '../../src/features/segment-levels.ts';
import { LightMapper, SILENCE_MOOD } from '../../src/light/smoothing.ts';

/** 12 points (6 s): music, then 4 s of silence (points 4–11, the gate's minimum stretch). */
const result: Pick<AnalysisResult, 'timeline' | 'silence' | 'hopSeconds'> = {
  hopSeconds: 0.5,
  timeline: Array.from({ length: 12 }, (_, k) => (k < 4 ? { time: k * 0.5, valence: 0.6 - 0.1 * k, arousal: 0.5 } : { time: k * 0.5, valence: 0, arousal: -1 })),
  silence: [{ start: 2, end: 6 }],
};
const levels = [-20, -21, -22, -23, -70, -80, -90, -90, -90, -90, -90];

test('pointIndexAt: the segment holding the playback time, boundaries in the later segment, clamped to the file', () => {
  assert.equal(pointIndexAt(result, 0), 0);
  assert.equal(pointIndexAt(result, 0.49), 0);
  assert.equal(pointIndexAt(result, 0.5), 1);
  // A boundary computed in floating point may land a hair either side of k · 0.5: both are segment k.
  assert.equal(pointIndexAt(result, 1.5 - 1e-12), 3);
  assert.equal(pointIndexAt(result, 3 * 0.1 * 5), 3);
  assert.equal(pointIndexAt(result, 1.5 - 1e-6), 2);
  assert.equal(pointIndexAt(result, -1), 0);
  assert.equal(pointIndexAt(result, 99), 11);
  assert.equal(pointIndexAt(result, Number.NaN), 0);
  assert.throws(() => pointIndexAt({ hopSeconds: 0.5, timeline: [] }, 1), /empty/);
});

test('playbackPoints: each point carries its own segment level and the silence flag; a missing level is the floor', () => {
  const points = playbackPoints(result, levels);
  assert.equal(points.length, 12);
  assert.deepEqual(points[1], { time: 0.5, valence: 0.5, arousal: 0.5, latestLevelDb: -21, silent: false });
  assert.deepEqual(points[4], { time: 2, valence: 0, arousal: -1, latestLevelDb: -70, silent: true });
  assert.equal(points[11].latestLevelDb, LEVEL_FLOOR_DB);
});

test('playbackLightStates: the points through one LightMapper in order; the lamp dims over the silence', () => {
  const points = playbackPoints(result, levels);
  const states = playbackLightStates(points);
  const mapper = new LightMapper();
  assert.deepEqual(states, points.map((p) => mapper.push(p)));
  assert.equal(states[3].silent, false);
  assert.equal(states[5].silent, true);
  assert.equal(states[5].mood, SILENCE_MOOD);
  assert.ok(states[5].brightness < states[3].brightness);
  // Smoothing: the lamp trails the estimate (valence falls 0.1 a point; the smoothed one falls less).
  assert.ok(states[3].valence > points[3].valence);
});
