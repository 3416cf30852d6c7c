/**
 * From a point of the valence/arousal plane to a colour and a mood word.
 *
 * Pure and browser-safe (no Node imports): the same mapping drives the terminal swatches,
 * the PNG plots and the lights.
 *
 * The mapping, in HSV:
 *
 * - **Hue** follows the angle θ of the point on Russell's circumplex (θ = 0° is pure positive
 *   valence, 90° pure high arousal, counter-clockwise). The colour–emotion literature agrees on a
 *   few anchors (Valdez & Mehrabian 1994; Palmer et al. 2013, "Music–color associations are
 *   mediated by emotion", PNAS; Whiteford et al. 2018): happy/excited music goes with yellows and
 *   oranges, angry/agitated music with reds, sad music with blues, calm/content music with greens
 *   and teals. Hue is interpolated linearly, and monotonically, between these anchors, so it goes
 *   once round the colour wheel as θ goes once round the circumplex and has no jumps:
 *
 *   | θ     | region                      | hue                        |
 *   |-------|-----------------------------|----------------------------|
 *   | 0°    | pleased (pure +valence)     | 90° yellow-green           |
 *   | 45°   | Q1 happy / excited          | 45° yellow-orange          |
 *   | 90°   | aroused (pure +arousal)     | 15° orange-red             |
 *   | 135°  | Q2 angry / tense            | 0° red                     |
 *   | 180°  | miserable (pure −valence)   | 300° magenta-purple        |
 *   | 225°  | Q3 sad / depressed          | 235° blue / indigo         |
 *   | 270°  | sleepy (pure −arousal)      | 195° azure                 |
 *   | 315°  | Q4 calm / content           | 160° green / teal          |
 *
 *   Hence, for points strictly inside a quadrant: Q1 → hue in [15°, 90°], Q2 → [300°, 360°) ∪
 *   [0°, 15°], Q3 → [195°, 300°], Q4 → [90°, 195°] (see {@link QUADRANT_HUE_RANGES}).
 * - **Saturation** grows with the distance r from the centre (the intensity of the emotion): the
 *   neutral centre is grey. It is `min(1, r) ** 0.7` rather than linear because model outputs
 *   cluster near the centre, and a linear ramp would leave nearly every song a pastel.
 * - **Brightness** (HSV value) grows with arousal, from 0.35 at arousal −1 to 1 at +1: energetic
 *   music is brighter (Palmer et al. found faster music matched with lighter colours), and the
 *   floor keeps calm, sad music visible rather than black.
 */

/** An sRGB colour with 0–255 integer channels. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Hue (degrees, [0, 360)), saturation and value (both [0, 1]). */
export interface Hsv {
  h: number;
  s: number;
  v: number;
}

/**
 * Anchors `[θ, hue]` of the hue mapping, θ in degrees on the circumplex; hue is unwrapped
 * (decreasing through 0 into negatives) so that linear interpolation never jumps. Taken mod 360.
 */
export const HUE_ANCHORS: readonly (readonly [number, number])[] = [
  [0, 90],
  [45, 45],
  [90, 15],
  [135, 0],
  [180, -60],
  [225, -125],
  [270, -165],
  [315, -200],
  [360, -270],
];

/**
 * Hue range `[from, to]` (degrees, going clockwise on the colour wheel from `from` to `to`, i.e.
 * `from` may exceed `to` when the range wraps through 0°) that each quadrant's interior maps to.
 */
export const QUADRANT_HUE_RANGES = {
  Q1: [15, 90],
  Q2: [300, 15],
  Q3: [195, 300],
  Q4: [90, 195],
} as const;

/** Below this distance from the centre the mood word is "neutral". */
export const NEUTRAL_RADIUS = 0.15;

/** Lowest HSV value (brightness), reached at arousal −1. */
const MIN_BRIGHTNESS = 0.35;
/** Saturation exponent; < 1 lifts moderate emotions out of the greys. */
const SATURATION_GAMMA = 0.7;

/** Throws on NaN (a NaN would silently become black or a bogus word), clamps to [-1, 1]. */
function clampUnit(x: number, name: string): number {
  if (Number.isNaN(x)) throw new RangeError(`${name} is NaN`);
  return Math.min(1, Math.max(-1, x));
}

/** Angle of (valence, arousal) on the circumplex in degrees, in [0, 360); 0 at the centre. */
export function circumplexAngle(valence: number, arousal: number): number {
  const deg = (Math.atan2(arousal, valence) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/** Hue in degrees, [0, 360), for a circumplex angle θ in degrees (piecewise linear in {@link HUE_ANCHORS}). */
export function hueForAngle(theta: number): number {
  const t = ((theta % 360) + 360) % 360;
  for (let i = 1; i < HUE_ANCHORS.length; i++) {
    const [t1, h1] = HUE_ANCHORS[i];
    if (t <= t1) {
      const [t0, h0] = HUE_ANCHORS[i - 1];
      const h = h0 + ((t - t0) / (t1 - t0)) * (h1 - h0);
      return ((h % 360) + 360) % 360;
    }
  }
  return HUE_ANCHORS[0][1];
}

/** The HSV colour of a (valence, arousal) point; inputs are clamped to [-1, 1], NaN throws a RangeError. */
export function emotionToHsv(valence: number, arousal: number): Hsv {
  const v = clampUnit(valence, 'valence');
  const a = clampUnit(arousal, 'arousal');
  const r = Math.min(1, Math.hypot(v, a));
  return {
    h: r === 0 ? 0 : hueForAngle(circumplexAngle(v, a)),
    s: r ** SATURATION_GAMMA,
    v: MIN_BRIGHTNESS + ((1 - MIN_BRIGHTNESS) * (a + 1)) / 2,
  };
}

/** Standard HSV → sRGB conversion, channels rounded to 0–255 integers. */
export function hsvToRgb({ h, s, v }: Hsv): Rgb {
  const f = (n: number): number => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return { r: f(5), g: f(3), b: f(1) };
}

/** Hue (degrees, [0, 360)), saturation and value of an sRGB colour; the inverse of {@link hsvToRgb}. */
export function rgbToHsv({ r, g, b }: Rgb): Hsv {
  const [rr, gg, bb] = [r / 255, g / 255, b / 255];
  const max = Math.max(rr, gg, bb);
  const d = max - Math.min(rr, gg, bb);
  let h = 0;
  if (d > 0) {
    if (max === rr) h = 60 * (((gg - bb) / d) % 6);
    else if (max === gg) h = 60 * ((bb - rr) / d + 2);
    else h = 60 * ((rr - gg) / d + 4);
  }
  return { h: (h + 360) % 360, s: max === 0 ? 0 : d / max, v: max };
}

/** The colour of a (valence, arousal) point as 0–255 sRGB; inputs are clamped to [-1, 1], NaN throws a RangeError. */
export function emotionToRgb(valence: number, arousal: number): Rgb {
  return hsvToRgb(emotionToHsv(valence, arousal));
}

/** `#rrggbb` (lower case) of an RGB colour; channels are rounded and clamped to 0–255. */
export function rgbToHex({ r, g, b }: Rgb): string {
  const hex = (x: number): string => Math.min(255, Math.max(0, Math.round(x))).toString(16).padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

/** `{r, g, b}` of a `#rrggbb` (or `#rgb`) string, or `undefined` when it is not one. */
export function hexToRgb(hex: string): Rgb | undefined {
  let m = /^#?([0-9a-f]{6})$/i.exec(hex)?.[1];
  const short = /^#?([0-9a-f]{3})$/i.exec(hex)?.[1];
  if (!m && short) m = [...short].map((c) => c + c).join('');
  if (!m) return undefined;
  const n = Number.parseInt(m, 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

/** `#rrggbb` of a (valence, arousal) point: what `summary.color` holds. */
export function emotionToHex(valence: number, arousal: number): string {
  return rgbToHex(emotionToRgb(valence, arousal));
}

/**
 * Mood words, three per quadrant in order of increasing angle within the quadrant (counter-clockwise
 * from its first axis), placed after Russell's (1980) circumplex, simplified to words that describe
 * music. Q1 goes from "happy" near pure positive valence to "excited" near pure arousal; Q2 from
 * "tense" near pure arousal to "frustrated" near pure negative valence; Q3 from "sad" to "bored"
 * near pure low arousal; Q4 from "calm" to "content" near pure positive valence.
 */
export const MOOD_WORDS = {
  Q1: ['happy', 'joyful', 'excited'],
  Q2: ['tense', 'angry', 'frustrated'],
  Q3: ['sad', 'depressed', 'bored'],
  Q4: ['calm', 'relaxed', 'content'],
} as const;

/** Angle at which each quadrant's words start, counter-clockwise. */
const QUADRANT_START = { Q1: 0, Q2: 90, Q3: 180, Q4: 270 } as const;

/**
 * A mood word for a (valence, arousal) point: "neutral" within {@link NEUTRAL_RADIUS} of the centre,
 * else one of {@link MOOD_WORDS}, each covering a 30° sector of its quadrant. Quadrants follow the
 * data's `quadrantOf` convention (ties at 0 count as positive), so the word always agrees with the
 * reported quadrant. Inputs are clamped to [-1, 1]; NaN throws a RangeError.
 */
export function moodWord(valence: number, arousal: number): string {
  const v = clampUnit(valence, 'valence');
  const a = clampUnit(arousal, 'arousal');
  if (Math.hypot(v, a) < NEUTRAL_RADIUS) return 'neutral';
  // Same rule as quadrantOf in data/types.ts (not imported, to keep this module dependency-free).
  const q = v >= 0 ? (a >= 0 ? 'Q1' : 'Q4') : a >= 0 ? 'Q2' : 'Q3';
  const within = circumplexAngle(v, a) - QUADRANT_START[q]; // in [0, 90] by construction of q
  const sector = Math.min(2, Math.max(0, Math.floor(within / 30)));
  return MOOD_WORDS[q][sector];
}
