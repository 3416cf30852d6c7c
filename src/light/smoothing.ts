/**
 * Smoothing for lights, and the processor that turns the streaming analyser's points into
 * {@link LightState}s. The data (`analyze` output, the live estimates) stays unsmoothed; only
 * what the lamps show is smoothed, because a lamp that jumps every 0.5 s with the model's
 * frame-to-frame noise is tiring to sit under, while the data should stay faithful.
 *
 * {@link LightMapper} chains, per point: silence gate → exponential smoothing → quadrant
 * hysteresis → palette and brightness law (palette.ts). `docs/colour.md` documents it.
 *
 * @module
 */
import { quadrantOf, type Quadrant } from '../data/types.ts';
import { MOOD_WORDS, NEUTRAL_RADIUS, circumplexAngle } from './color.ts';
import { DEFAULT_COLOUR_OPTIONS, SilenceGate, lightColour, silenceColour, type ColourOptions } from './palette.ts';
import { asObject, checkKeys, numberOption } from './sinks/config.ts';
import type { LightState } from './types.ts';

export interface SmoothingOptions {
  /** Time constant of the exponential smoothing of valence and arousal, seconds; 0 turns it off. */
  timeConstantSeconds: number;
  /** How far past an axis (in valence/arousal units) the smoothed point must go to change the displayed quadrant. */
  hysteresis: number;
}

/**
 * Defaults. τ = 1 s: the 8 s analysis window already averages heavily, so the lamp needs only
 * the hop-to-hop jitter taken out. On the six emoMusic clips the smoothed point moves 0.031 per
 * 0.5 s hop on average with τ = 1 s (0.053 unsmoothed, 0.022 with τ = 2 s), and bench/live.ts
 * measures the lamp half-way to a new mood 3.9 s after a change with τ = 1 s, 4.9 s with τ = 2 s (3.4 s
 * unsmoothed): τ = 1 s keeps most of the calm for little delay. Hysteresis 0.08, about half the
 * neutral radius of the mood words (0.15): a point wobbling around an axis keeps its quadrant,
 * and a real move into another quadrant is followed while the point is still close to neutral.
 */
export const DEFAULT_SMOOTHING_OPTIONS: Readonly<SmoothingOptions> = { timeConstantSeconds: 1, hysteresis: 0.08 };

/** A valence/arousal point. */
export interface EmotionValue {
  valence: number;
  arousal: number;
}

function finiteUnit(x: number, name: string): number {
  if (Number.isNaN(x)) throw new RangeError(`${name} is NaN`);
  return Math.min(1, Math.max(-1, x));
}

/**
 * Exponential smoothing of valence and arousal in continuous time: each point moves the state
 * by `α = 1 − exp(−Δt / τ)` of the way towards it, Δt the time since the previous point, so the
 * response to a step reaches 1 − 1/e ≈ 63 % after τ whatever the spacing of the points. The
 * first point, and a point earlier than the previous one (a restarted stream), set the state.
 */
export class ExponentialSmoother {
  #state: EmotionValue | null = null;
  #time = 0;

  constructor(readonly timeConstantSeconds: number = DEFAULT_SMOOTHING_OPTIONS.timeConstantSeconds) {
    if (!(timeConstantSeconds >= 0) || !Number.isFinite(timeConstantSeconds)) throw new RangeError(`timeConstantSeconds must be finite and ≥ 0, got ${timeConstantSeconds}`);
  }

  /** The smoothed point, or null before the first push. */
  get current(): EmotionValue | null {
    return this.#state && { ...this.#state };
  }

  /** Feeds the point at `timeSeconds`; returns the smoothed point. Values are clamped to [-1, 1]; NaN throws a RangeError. */
  push(timeSeconds: number, valence: number, arousal: number): EmotionValue {
    if (!Number.isFinite(timeSeconds)) throw new RangeError(`time must be finite, got ${timeSeconds}`);
    const v = finiteUnit(valence, 'valence');
    const a = finiteUnit(arousal, 'arousal');
    const dt = timeSeconds - this.#time;
    if (this.#state === null || dt < 0 || this.timeConstantSeconds === 0) {
      this.#state = { valence: v, arousal: a };
    } else {
      const alpha = 1 - Math.exp(-dt / this.timeConstantSeconds);
      this.#state = { valence: this.#state.valence + alpha * (v - this.#state.valence), arousal: this.#state.arousal + alpha * (a - this.#state.arousal) };
    }
    this.#time = timeSeconds;
    return { ...this.#state };
  }

  reset(): void {
    this.#state = null;
    this.#time = 0;
  }
}

/**
 * The quadrant a lamp shows, with hysteresis per axis: the side of the valence axis changes only
 * when the valence is more than `hysteresis` past 0 on the other side, and likewise for arousal,
 * so a point hovering around an axis keeps its quadrant while a real move past it is followed.
 * The first point takes {@link quadrantOf}'s quadrant (ties at 0 positive).
 */
export class QuadrantHysteresis {
  #positiveValence: boolean | null = null;
  #positiveArousal = true;

  constructor(readonly hysteresis: number = DEFAULT_SMOOTHING_OPTIONS.hysteresis) {
    if (!(hysteresis >= 0) || !Number.isFinite(hysteresis)) throw new RangeError(`hysteresis must be finite and ≥ 0, got ${hysteresis}`);
  }

  /** The displayed quadrant, or null before the first update. */
  get current(): Quadrant | null {
    return this.#positiveValence === null ? null : quadrantOf(this.#positiveValence ? 0 : -1, this.#positiveArousal ? 0 : -1);
  }

  /** Feeds a (smoothed) point; returns the quadrant to display. */
  update(valence: number, arousal: number): Quadrant {
    const v = finiteUnit(valence, 'valence');
    const a = finiteUnit(arousal, 'arousal');
    if (this.#positiveValence === null) {
      this.#positiveValence = v >= 0;
      this.#positiveArousal = a >= 0;
    } else {
      if (this.#positiveValence ? v < -this.hysteresis : v > this.hysteresis) this.#positiveValence = !this.#positiveValence;
      if (this.#positiveArousal ? a < -this.hysteresis : a > this.hysteresis) this.#positiveArousal = !this.#positiveArousal;
    }
    return this.current as Quadrant;
  }

  reset(): void {
    this.#positiveValence = null;
    this.#positiveArousal = true;
  }
}

/** Angle at which each quadrant's mood words start, counter-clockwise (as in color.ts). */
const QUADRANT_START_DEGREES: Record<Quadrant, number> = { Q1: 0, Q2: 90, Q3: 180, Q4: 270 };

/**
 * A mood word of `quadrant` for a point that may lie just outside it (hysteresis keeps the
 * displayed quadrant while the point is within the band past an axis): "neutral" within
 * {@link NEUTRAL_RADIUS} of the centre, else the word of the quadrant's 30° sector nearest to the
 * point. Equals color.ts's `moodWord` when `quadrant` is the point's own quadrant.
 */
export function moodWordInQuadrant(valence: number, arousal: number, quadrant: Quadrant): string {
  const v = finiteUnit(valence, 'valence');
  const a = finiteUnit(arousal, 'arousal');
  if (Math.hypot(v, a) < NEUTRAL_RADIUS) return 'neutral';
  // Angle from the quadrant's start in [-180, 180): a point just past either edge clamps to that edge's sector.
  const within = ((circumplexAngle(v, a) - QUADRANT_START_DEGREES[quadrant] + 540) % 360) - 180;
  const sector = Math.min(2, Math.max(0, Math.floor(Math.min(90, Math.max(0, within)) / 30)));
  return MOOD_WORDS[quadrant][sector];
}

/** The mood a silent light reports. */
export const SILENCE_MOOD = 'silence';

/**
 * What {@link LightMapper} reads of a streaming analyser point: the 0.5 s estimate, its time, and
 * the RMS level (dBFS) of the newest 0.5 s of input when it was emitted (the gate's input; the
 * analysed segment's own `levelDb` lags behind by the analysis latency).
 */
export interface LightInputPoint {
  /** Stream time of the estimate, seconds. */
  time: number;
  valence: number;
  arousal: number;
  latestLevelDb: number;
  /**
   * The analyser's silence flag for the segment the estimate describes (sentio analyze's silence
   * rule): its valence/arousal are the neutral stand-in, not an estimate, so they are not smoothed.
   */
  silent?: boolean;
}

/**
 * From analyser points to light states, one per point: `push(point) → LightState`.
 *
 * - The silence gate ({@link SilenceGate}) reads `latestLevelDb`. While it is closed the state
 *   is `silent`, the colour is the palette's calm colour at `silenceBrightness`, valence, arousal
 *   and quadrant hold their last musical values and the mood is {@link SILENCE_MOOD}; the
 *   estimates made from silence are not fed to the smoother (they describe noise, not music).
 *   When the music returns the long Δt since the last musical point makes α nearly 1, so the new
 *   song starts from its own estimate rather than blending with the last one.
 * - Otherwise the point is smoothed ({@link ExponentialSmoother}), the displayed quadrant follows
 *   with hysteresis ({@link QuadrantHysteresis}) and the mood word agrees with it; colour and
 *   brightness come from the smoothed point (palette.ts), which is continuous over the plane, so
 *   they need no hysteresis of their own.
 */
export class LightMapper {
  readonly colour: ColourOptions;
  readonly smoothing: SmoothingOptions;
  private readonly gate: SilenceGate;
  private readonly smoother: ExponentialSmoother;
  private readonly quadrants: QuadrantHysteresis;

  constructor(colour: ColourOptions = DEFAULT_COLOUR_OPTIONS, smoothing: SmoothingOptions = DEFAULT_SMOOTHING_OPTIONS) {
    this.colour = colour;
    this.smoothing = smoothing;
    this.gate = new SilenceGate(colour.gateDb, colour.gateHysteresisDb);
    this.smoother = new ExponentialSmoother(smoothing.timeConstantSeconds);
    this.quadrants = new QuadrantHysteresis(smoothing.hysteresis);
  }

  push(point: LightInputPoint): LightState {
    if (this.gate.update(point.latestLevelDb)) {
      const calm = silenceColour(this.colour);
      const held = this.smoother.current ?? { valence: 0, arousal: 0 };
      return {
        rgb: calm.rgb,
        brightness: calm.brightness,
        valence: held.valence,
        arousal: held.arousal,
        quadrant: this.quadrants.current ?? quadrantOf(held.valence, held.arousal),
        mood: SILENCE_MOOD,
        silent: true,
        time: point.time,
      };
    }
    const held = this.smoother.current;
    let valence: number;
    let arousal: number;
    let quadrant: Quadrant;
    if (point.silent && held) {
      // Music is back at the input but the analysed segment is still the silence before it
      // (analysis trails the input by ~4 s): hold the last musical state rather than drift
      // toward the neutral stand-in.
      ({ valence, arousal } = held);
      quadrant = this.quadrants.current ?? quadrantOf(valence, arousal);
    } else {
      ({ valence, arousal } = this.smoother.push(point.time, point.valence, point.arousal));
      quadrant = this.quadrants.update(valence, arousal);
    }
    const { rgb, brightness } = lightColour(valence, arousal, this.colour);
    return { rgb, brightness, valence, arousal, quadrant, mood: moodWordInQuadrant(valence, arousal, quadrant), silent: false, time: point.time };
  }

  /** Forgets the stream (smoother, quadrant, gate), as for a new one. */
  reset(): void {
    this.gate.reset();
    this.smoother.reset();
    this.quadrants.reset();
  }
}

const SMOOTHING_KEYS = ['timeConstantSeconds', 'hysteresis'] as const;

/**
 * The `smoothing` object of the light configuration, checked, with defaults for absent keys
 * ({@link DEFAULT_SMOOTHING_OPTIONS}); `undefined` gives the defaults. An unknown key or a bad
 * value throws a ConfigError naming `where.key`.
 */
export function parseSmoothingConfig(value: unknown, where = 'smoothing'): SmoothingOptions {
  if (value === undefined) return { ...DEFAULT_SMOOTHING_OPTIONS };
  const obj = asObject(value, where);
  checkKeys(obj, SMOOTHING_KEYS, where);
  const d = DEFAULT_SMOOTHING_OPTIONS;
  return {
    timeConstantSeconds: numberOption(obj, 'timeConstantSeconds', where, 0, 60, d.timeConstantSeconds),
    hysteresis: numberOption(obj, 'hysteresis', where, 0, 0.5, d.hysteresis),
  };
}
