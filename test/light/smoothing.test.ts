import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MOOD_WORDS, moodWord } from '../../src/light/color.ts';
import { quadrantOf, type Quadrant } from '../../src/data/types.ts';
import { DEFAULT_COLOUR_OPTIONS, lightColour, silenceColour } from '../../src/light/palette.ts';
import {
  DEFAULT_SMOOTHING_OPTIONS,
  ExponentialSmoother,
  LightMapper,
  QuadrantHysteresis,
  SILENCE_MOOD,
  moodWordInQuadrant,
  parseSmoothingConfig,
  type LightInputPoint,
} from '../../src/light/smoothing.ts';
import { ConfigError } from '../../src/light/sinks/config.ts';

const LOUD_DB = -20;

test('step response reaches 1 − 1/e after τ whatever the time step, regular or not', () => {
  for (const tau of [1, 2, 3]) {
    for (const steps of [[0.5], [0.1], [0.25], [0.3, 0.7], [0.05, 0.45, 1]]) {
      const s = new ExponentialSmoother(tau);
      s.push(0, 0, 0);
      let t = 0;
      let i = 0;
      let out = { valence: 0, arousal: 0 };
      // The last step is cut short to land exactly on τ.
      while (t < tau - 1e-9) {
        t = Math.min(tau, t + steps[i++ % steps.length]);
        out = s.push(t, 1, -1);
      }
      assert.ok(Math.abs(out.valence - (1 - Math.exp(-1))) < 1e-9, `τ ${tau}, steps ${steps}: ${out.valence}`);
      assert.ok(Math.abs(out.arousal + (1 - Math.exp(-1))) < 1e-9, `arousal, τ ${tau}, steps ${steps}`);
    }
  }
});

test('smoother: τ 0 passes values through, the first point sets it, equal times change nothing, a time going back restarts', () => {
  const off = new ExponentialSmoother(0);
  off.push(0, 0.2, 0.3);
  assert.deepEqual(off.push(0.5, -0.7, 0.9), { valence: -0.7, arousal: 0.9 });
  assert.deepEqual(off.push(1, 9, -9), { valence: 1, arousal: -1 }, 'clamped to [-1, 1]');
  const s = new ExponentialSmoother(2);
  assert.equal(s.current, null);
  assert.deepEqual(s.push(10, 0.4, -0.4), { valence: 0.4, arousal: -0.4 });
  assert.deepEqual(s.push(10, -1, 1), { valence: 0.4, arousal: -0.4 });
  const half = s.push(10.5, 1, 1);
  assert.ok(half.valence > 0.4 && half.valence < 1);
  assert.deepEqual(s.push(3, -0.5, 0.5), { valence: -0.5, arousal: 0.5 });
  assert.throws(() => s.push(5, Number.NaN, 0), RangeError);
  assert.throws(() => new ExponentialSmoother(-1), RangeError);
});

test('quadrant hysteresis: a point oscillating ±0.05 around valence 0 keeps its quadrant, a real change is followed', () => {
  const h = new QuadrantHysteresis(0.08);
  const seen = new Set<Quadrant>();
  for (let i = 0; i < 40; i++) seen.add(h.update(i % 2 ? -0.05 : 0.05, 0.5));
  assert.deepEqual([...seen], ['Q1']);
  assert.equal(h.update(-0.07, 0.5), 'Q1', 'inside the band');
  assert.equal(h.update(-0.09, 0.5), 'Q2', 'past the band');
  // And back round the arousal axis, which has its own band.
  assert.equal(h.update(-0.5, 0.05), 'Q2');
  assert.equal(h.update(-0.5, -0.05), 'Q2');
  assert.equal(h.update(-0.5, -0.3), 'Q3');
  assert.equal(h.update(0.3, -0.3), 'Q4', 'both sides can change at once');
  // Without hysteresis the same oscillation flips every time: the band is what holds it.
  const bare = new QuadrantHysteresis(0);
  let flips = 0;
  let prev = bare.update(0.05, 0.5);
  for (let i = 1; i < 40; i++) {
    const q = bare.update(i % 2 ? -0.05 : 0.05, 0.5);
    if (q !== prev) flips++;
    prev = q;
  }
  assert.equal(flips, 39);
  // The first point takes quadrantOf's quadrant, ties positive.
  assert.equal(new QuadrantHysteresis().update(-0.01, 0.5), 'Q2');
  assert.equal(new QuadrantHysteresis().update(0, 0), 'Q1');
});

test('moodWordInQuadrant: moodWord in the point\'s own quadrant, the nearest edge word just outside it', () => {
  for (let v = -1; v <= 1.0001; v += 0.1) {
    for (let a = -1; a <= 1.0001; a += 0.1) assert.equal(moodWordInQuadrant(v, a, quadrantOf(v, a)), moodWord(v, a), `(${v}, ${a})`);
  }
  assert.equal(moodWordInQuadrant(-0.05, 0.8, 'Q1'), 'excited');
  assert.equal(moodWordInQuadrant(0.05, 0.8, 'Q2'), 'tense');
  assert.equal(moodWordInQuadrant(0.8, 0.05, 'Q4'), 'content');
  assert.equal(moodWordInQuadrant(0.8, -0.05, 'Q1'), 'happy');
  assert.equal(moodWordInQuadrant(0.05, 0.05, 'Q3'), 'neutral');
});

const point = (time: number, valence: number, arousal: number, latestLevelDb = LOUD_DB): LightInputPoint => ({ time, valence, arousal, latestLevelDb });

test('LightMapper: the lamp does not flip for a point hovering at valence 0, and its mood agrees with the quadrant', () => {
  const m = new LightMapper();
  const quadrants = new Set<Quadrant>();
  for (let i = 0; i < 60; i++) {
    const s = m.push(point(i * 0.5, i % 2 ? -0.05 : 0.05, 0.6));
    quadrants.add(s.quadrant);
    assert.ok((MOOD_WORDS[s.quadrant] as readonly string[]).includes(s.mood), `${s.mood} is not a ${s.quadrant} word`);
    assert.equal(s.silent, false);
  }
  assert.equal(quadrants.size, 1);
  // A real move to negative valence is followed within a few τ, with a Q2 word.
  let last = m.push(point(30, -0.6, 0.6));
  for (let t = 30.5; t <= 40; t += 0.5) last = m.push(point(t, -0.6, 0.6));
  assert.equal(last.quadrant, 'Q2');
  assert.ok((MOOD_WORDS.Q2 as readonly string[]).includes(last.mood));
});

test('LightMapper: colour and brightness are the palette of the smoothed point', () => {
  const m = new LightMapper({ ...DEFAULT_COLOUR_OPTIONS, palette: 'palmer' }, { timeConstantSeconds: 2, hysteresis: 0.08 });
  m.push(point(0, -0.8, -0.8));
  const s = m.push(point(0.5, 0.8, 0.8));
  const alpha = 1 - Math.exp(-0.25);
  const expected = -0.8 + alpha * 1.6;
  assert.ok(Math.abs(s.valence - expected) < 1e-12 && Math.abs(s.arousal - expected) < 1e-12);
  assert.deepEqual({ rgb: s.rgb, brightness: s.brightness }, lightColour(expected, expected, { ...DEFAULT_COLOUR_OPTIONS, palette: 'palmer' }));
  assert.equal(s.time, 0.5);
  // Smoothing off: the raw point.
  const raw = new LightMapper(DEFAULT_COLOUR_OPTIONS, { timeConstantSeconds: 0, hysteresis: 0 });
  raw.push(point(0, -0.8, -0.8));
  const r = raw.push(point(0.5, 0.3, 0.9));
  assert.deepEqual([r.valence, r.arousal, r.quadrant], [0.3, 0.9, 'Q1']);
  assert.deepEqual(r.rgb, lightColour(0.3, 0.9).rgb);
});

test('LightMapper: silence shows the calm dim state, holds the estimate, ignores what was estimated from silence, no flicker at the gate', () => {
  const colour = { ...DEFAULT_COLOUR_OPTIONS, palette: 'lindborg' as const, silenceBrightness: 0.06 };
  const m = new LightMapper(colour, DEFAULT_SMOOTHING_OPTIONS);
  const reference = new LightMapper(colour, DEFAULT_SMOOTHING_OPTIONS);
  for (let t = 0; t < 10; t += 0.5) {
    m.push(point(t, 0.7, 0.7));
    reference.push(point(t, 0.7, 0.7));
  }
  const before = m.push(point(10, 0.7, 0.7));
  reference.push(point(10, 0.7, 0.7));
  // The level hovers around the −55 dBFS gate (never 6 dB above it) while the model outputs junk.
  const levels = [-57, -54, -56, -53, -55.5, -52, -56, -50, -54.5, -57];
  const calm = silenceColour(colour);
  levels.forEach((level, i) => {
    const s = m.push(point(10.5 + i * 0.5, -1, -1, level));
    assert.equal(s.silent, true, `level ${level}`);
    assert.equal(s.brightness, 0.06);
    assert.deepEqual(s.rgb, calm.rgb);
    assert.equal(s.mood, SILENCE_MOOD);
    assert.deepEqual([s.valence, s.arousal, s.quadrant], [before.valence, before.arousal, before.quadrant]);
  });
  // The music returns: as if the silent points had never been seen.
  const back = m.push(point(16, -0.2, 0.4, -30));
  const expected = reference.push(point(16, -0.2, 0.4, -30));
  assert.equal(back.silent, false);
  assert.deepEqual(back, expected);
  // 6 s (3 τ) after the last musical point the new estimate dominates: α = 1 − e^−3 ≈ 0.95.
  assert.ok(back.valence < 0, `valence ${back.valence}`);
  // Silent from the start: a neutral hold.
  const fresh = new LightMapper().push(point(0, 0.9, 0.9, -80));
  assert.deepEqual([fresh.silent, fresh.valence, fresh.arousal, fresh.quadrant, fresh.brightness], [true, 0, 0, 'Q1', 0.08]);
});

test('LightMapper: points the analyser marked silent hold the last musical state once the input is loud again', () => {
  const m = new LightMapper();
  const reference = new LightMapper();
  for (let t = 0; t < 5; t += 0.5) {
    m.push(point(t, 0.6, 0.5));
    reference.push(point(t, 0.6, 0.5));
  }
  const last = reference.push(point(5, 0.6, 0.5));
  m.push(point(5, 0.6, 0.5));
  // Input loud again (latestLevelDb −20) while the analysed segments are still the silence.
  for (let t = 5.5; t < 9; t += 0.5) {
    const s = m.push({ ...point(t, 0, -1), silent: true });
    assert.equal(s.silent, false);
    assert.deepEqual([s.valence, s.arousal, s.quadrant, s.rgb, s.brightness], [last.valence, last.arousal, last.quadrant, last.rgb, last.brightness]);
  }
  // Without the flag the neutral stand-in would have pulled the lamp toward calm.
  const unflagged = new LightMapper();
  for (let t = 0; t <= 5; t += 0.5) unflagged.push(point(t, 0.6, 0.5));
  let drift = unflagged.push(point(5.5, 0, -1));
  for (let t = 6; t < 9; t += 0.5) drift = unflagged.push(point(t, 0, -1));
  assert.ok(drift.arousal < last.arousal - 0.5, `unflagged arousal ${drift.arousal}`);
});

test('parseSmoothingConfig: defaults, valid values, and errors naming the key', () => {
  assert.deepEqual(parseSmoothingConfig(undefined), DEFAULT_SMOOTHING_OPTIONS);
  assert.deepEqual(parseSmoothingConfig({}), { timeConstantSeconds: 1, hysteresis: 0.08 });
  assert.deepEqual(parseSmoothingConfig({ timeConstantSeconds: 0, hysteresis: 0.2 }), { timeConstantSeconds: 0, hysteresis: 0.2 });
  const bad: [unknown, RegExp][] = [
    [{ tau: 2 }, /^smoothing: unknown key 'tau' \(allowed: timeConstantSeconds, hysteresis\)/],
    [{ timeConstantSeconds: -1 }, /^smoothing\.timeConstantSeconds: must be a number in 0–60, got -1/],
    [{ timeConstantSeconds: '2' }, /^smoothing\.timeConstantSeconds:/],
    [{ hysteresis: 0.9 }, /^smoothing\.hysteresis: must be a number in 0–0.5/],
    ['fast', /^smoothing: must be an object/],
  ];
  for (const [value, message] of bad) assert.throws(() => parseSmoothingConfig(value), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(value));
  assert.throws(() => parseSmoothingConfig({ hysteresis: -1 }, 'lights.smoothing'), /lights\.smoothing\.hysteresis/);
});
