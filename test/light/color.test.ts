import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emotionToRgb,
  emotionToHex,
  emotionToHsv,
  rgbToHex,
  hexToRgb,
  rgbToHsv,
  hueForAngle,
  moodWord,
  MOOD_WORDS,
  NEUTRAL_RADIUS,
  QUADRANT_HUE_RANGES,
} from '../../src/light/color.ts';
import { quadrantOf, type Quadrant } from '../../src/data/types.ts';

/** Whether hue h lies in the range [from, to], going up from `from` (wrapping through 360 when from > to). */
function hueIn(h: number, [from, to]: readonly [number, number], slack = 1.5): boolean {
  const span = (to - from + 360) % 360;
  const off = (h - from + 360) % 360;
  return off <= span + slack || off >= 360 - slack;
}

/** A grid of points strictly inside each quadrant and outside the grey centre. */
function* quadrantPoints(): Generator<[number, number, Quadrant]> {
  for (let v = -1; v <= 1.0001; v += 0.1) {
    for (let a = -1; a <= 1.0001; a += 0.1) {
      if (Math.abs(v) < 0.05 || Math.abs(a) < 0.05 || Math.hypot(v, a) < 0.3) continue;
      yield [v, a, quadrantOf(v, a)];
    }
  }
}

test('every quadrant maps to its documented hue range, measured on the RGB output', () => {
  let n = 0;
  for (const [v, a, q] of quadrantPoints()) {
    const { h } = rgbToHsv(emotionToRgb(v, a));
    assert.ok(hueIn(h, QUADRANT_HUE_RANGES[q]), `(${v.toFixed(1)}, ${a.toFixed(1)}) ${q}: hue ${h.toFixed(1)} not in ${QUADRANT_HUE_RANGES[q]}`);
    n++;
  }
  assert.ok(n > 200);
});

test('quadrant centres have the expected colour families', () => {
  const hue = (v: number, a: number) => rgbToHsv(emotionToRgb(v, a)).h;
  const h1 = hue(0.7, 0.7);
  assert.ok(h1 >= 30 && h1 <= 60, `Q1 yellow-orange, got ${h1}`);
  const h2 = hue(-0.7, 0.7);
  assert.ok(h2 <= 10 || h2 >= 350, `Q2 red, got ${h2}`);
  const h3 = hue(-0.7, -0.7);
  assert.ok(h3 >= 215 && h3 <= 255, `Q3 blue/indigo, got ${h3}`);
  const h4 = hue(0.7, -0.7);
  assert.ok(h4 >= 140 && h4 <= 185, `Q4 green/teal, got ${h4}`);
  // In RGB terms: red dominates Q2, blue dominates Q3, green dominates Q4, red+green dominate Q1.
  const q1 = emotionToRgb(0.7, 0.7);
  assert.ok(q1.r > q1.b && q1.g > q1.b);
  const q2 = emotionToRgb(-0.7, 0.7);
  assert.ok(q2.r > q2.g && q2.r > q2.b);
  const q3 = emotionToRgb(-0.7, -0.7);
  assert.ok(q3.b > q3.r && q3.b > q3.g);
  const q4 = emotionToRgb(0.7, -0.7);
  assert.ok(q4.g > q4.r && q4.g > q4.b);
});

test('hue is continuous around the circle (no jumps larger than the step allows)', () => {
  let prev = hueForAngle(0);
  for (let t = 0.5; t <= 360; t += 0.5) {
    const h = hueForAngle(t);
    const d = Math.min(Math.abs(h - prev), 360 - Math.abs(h - prev));
    assert.ok(d <= 1.5, `jump of ${d} at θ = ${t}`);
    prev = h;
  }
  assert.equal(hueForAngle(0), hueForAngle(360));
});

test('the centre is grey and saturation grows with the distance from it', () => {
  const c = emotionToRgb(0, 0);
  assert.equal(c.r, c.g);
  assert.equal(c.g, c.b);
  let prev = -1;
  for (const r of [0, 0.1, 0.3, 0.5, 0.8, 1]) {
    const { s } = rgbToHsv(emotionToRgb(r * Math.SQRT1_2, -r * Math.SQRT1_2));
    assert.ok(s > prev, `saturation at r=${r}: ${s} <= ${prev}`);
    prev = s;
  }
  assert.ok(rgbToHsv(emotionToRgb(0.05, 0.05)).s < 0.25, 'near the centre stays nearly grey');
  assert.ok(rgbToHsv(emotionToRgb(1, 0)).s > 0.95, 'the rim is fully saturated');
});

test('brightness grows with arousal and never reaches black', () => {
  let prev = -1;
  for (const a of [-1, -0.5, 0, 0.5, 1]) {
    const { v } = emotionToHsv(0.3, a);
    assert.ok(v > prev);
    prev = v;
  }
  assert.ok(emotionToHsv(0, -1).v >= 0.3);
  assert.equal(emotionToHsv(0, 1).v, 1);
});

test('inputs are clamped to [-1, 1]', () => {
  assert.deepEqual(emotionToRgb(5, 7), emotionToRgb(1, 1));
  assert.deepEqual(emotionToRgb(-3, -Infinity), emotionToRgb(-1, -1));
  assert.equal(emotionToHex(2, 0), emotionToHex(1, 0));
  assert.equal(moodWord(9, 9), moodWord(1, 1));
});

test('NaN throws a RangeError', () => {
  assert.throws(() => emotionToRgb(Number.NaN, 0), RangeError);
  assert.throws(() => emotionToRgb(0, Number.NaN), RangeError);
  assert.throws(() => emotionToHex(Number.NaN, Number.NaN), RangeError);
  assert.throws(() => moodWord(Number.NaN, 0.5), RangeError);
});

test('hex conversion round-trips and is lower-case #rrggbb', () => {
  assert.equal(rgbToHex({ r: 255, g: 0, b: 16 }), '#ff0010');
  assert.equal(rgbToHex({ r: 300, g: -4, b: 15.6 }), '#ff0010');
  assert.deepEqual(hexToRgb('#ff0010'), { r: 255, g: 0, b: 16 });
  assert.deepEqual(hexToRgb('#abc'), { r: 0xaa, g: 0xbb, b: 0xcc });
  assert.equal(hexToRgb('red'), undefined);
  for (const [v, a] of [[0.3, -0.8], [-0.9, 0.1], [0, 0]]) {
    const hex = emotionToHex(v, a);
    assert.match(hex, /^#[0-9a-f]{6}$/);
    assert.deepEqual(hexToRgb(hex), emotionToRgb(v, a));
  }
  const c = emotionToRgb(0.4, 0.2);
  for (const x of [c.r, c.g, c.b]) assert.ok(Number.isInteger(x) && x >= 0 && x <= 255);
});

test('mood words: neutral at the centre, the expected words in each region, consistent with quadrantOf', () => {
  assert.equal(moodWord(0, 0), 'neutral');
  assert.equal(moodWord(NEUTRAL_RADIUS * 0.9, 0), 'neutral');
  assert.equal(moodWord(0.8, 0.1), 'happy');
  assert.equal(moodWord(0.2, 0.9), 'excited');
  assert.equal(moodWord(-0.2, 0.9), 'tense');
  assert.equal(moodWord(-0.6, 0.6), 'angry');
  assert.equal(moodWord(-0.9, -0.1), 'sad');
  assert.equal(moodWord(-0.6, -0.6), 'depressed');
  assert.equal(moodWord(0.2, -0.9), 'calm');
  assert.equal(moodWord(0.6, -0.6), 'relaxed');
  const all = new Set<string>();
  for (const [v, a, q] of quadrantPoints()) {
    const w = moodWord(v, a);
    assert.ok((MOOD_WORDS[q] as readonly string[]).includes(w), `${w} at (${v}, ${a}) is not a ${q} word`);
    all.add(w);
  }
  assert.ok(all.size >= 8, `only ${all.size} words`);
  // Axis ties follow quadrantOf: valence 0, arousal > 0 is Q1.
  assert.ok((MOOD_WORDS.Q1 as readonly string[]).includes(moodWord(0, 0.8)));
  assert.ok((MOOD_WORDS.Q4 as readonly string[]).includes(moodWord(0, -0.8)));
});
