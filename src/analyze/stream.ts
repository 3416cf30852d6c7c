/**
 * The main job, live: PCM chunks of any size in, one emotion point per 0.5 s hop out, from the
 * same feature set, window and model as the offline timeline (`emotion-model.ts`). Universal
 * (no Node imports): `sentio live`, the browser and tests share it.
 *
 * Offline, the point of segment k (the 0.5 s from k·0.5 s) reads the model's context window
 * centred on the segment (8 s for the default model), shifted inwards at the song's edges.
 * Live, segment k is emitted as soon as the frames of its centred window are in, so a point
 * arrives windowSeconds / 2 + 0.25 s after its segment starts (4.25 s for the default model:
 * the newest 8 s of audio, which is what a lamp should show). Two cases differ from offline:
 *   - the first points, whose centred window would start before the stream (the first 4 s):
 *     with `startup: 'short-window'` (default) they come on time from the part of the window
 *     that exists (4.25–8 s of audio); with `'full-window'` they wait for the first full window,
 *     as offline, and all come at once after windowSeconds;
 *   - the end of a stream: `finish()` emits the remaining points with the offline rule (the
 *     last full window), so a finite stream's timeline equals the offline one.
 * Memory is bounded: only the frames the next windows need are kept.
 */
import { AudioInputError } from '../audio/errors.ts';
import { createResampler, type Resampler } from '../audio/resample.ts';
import { quadrantOf, type Quadrant } from '../data/types.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { BLOCK_HOP_FRAMES } from '../features/modulation-descriptors.ts';
import { VOICE_EVERY_FRAMES } from '../features/sentio-frames.ts';
import { LEVEL_FLOOR_DB, SegmentLevelMeter } from '../features/segment-levels.ts';
import type { FeatureSet, FrameStream } from '../features/types.ts';
import { indexFrames, writeWindowInput } from '../features/window-input.ts';
import { standardizeInPlace } from '../features/summary.ts';
import { emotionToHex } from '../light/color.ts';
import { contextWindow, HOP_SECONDS, modelFeatureSet, predictRows, type EmotionModel } from './emotion-model.ts';
import { gateDecision, MIN_SILENCE_SECONDS, SILENCE_COLOR, SILENT_POINT } from './silence.ts';
import type { EmotionPoint } from './types.ts';

/** One live estimate: the offline timeline's point plus what a light needs. */
export interface LivePoint extends EmotionPoint {
  /** Null for a silent point. */
  quadrant: Quadrant | null;
  /** `#rrggbb` of (valence, arousal), as `summary.color` maps it; a silent point has the colour of an all-silent song. */
  color: string;
  /** RMS level of the point's own 0.5 s segment, dB re full scale 1 (a full-scale sine is −3 dB). */
  levelDb: number;
  /**
   * The segment is in a silent stretch (`silence.ts`: below −60 dB for at least 4 s, or the whole
   * stream): the point holds valence 0, arousal −1 instead of the model's estimate, as offline.
   */
  silent: boolean;
  /** RMS level of the newest complete 0.5 s of input when the point was emitted, dB: what a silence gate reads. */
  latestLevelDb: number;
  /** Seconds of input consumed when the point was emitted. */
  emittedAt: number;
  /** Length of the context window the point was computed from, s (shorter for the first points). */
  windowSeconds: number;
}

export type StartupMode = 'short-window' | 'full-window';

export interface EmotionStreamOptions {
  /** Rate of the pushed mono samples, Hz (an integer; see {@link liveRateProblem}). */
  sampleRate: number;
  /** How the points of the first windowSeconds / 2 are computed (see the module comment). Default 'short-window'. */
  startup?: StartupMode;
  /** Name used in errors. Default 'stream'. */
  name?: string;
}

export { LEVEL_FLOOR_DB };
/** Input rates accepted live, Hz. */
export const LIVE_RATE_RANGE_HZ = [8000, 384000] as const;
/** Largest polyphase table the resampler may need (phases = 22050 / gcd(rate, 22050)). */
const MAX_RESAMPLER_PHASES = 4096;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Why `sampleRate` cannot be analysed live by `set` (null when it can). */
export function liveRateProblem(sampleRate: number, set: FeatureSet): string | null {
  if (!Number.isInteger(sampleRate) || sampleRate < LIVE_RATE_RANGE_HZ[0] || sampleRate > LIVE_RATE_RANGE_HZ[1]) {
    return `sample rate ${sampleRate} Hz is not supported (an integer from ${LIVE_RATE_RANGE_HZ[0]} to ${LIVE_RATE_RANGE_HZ[1]} Hz)`;
  }
  if (set.nativeRates?.includes(sampleRate)) return null;
  const phases = set.sampleRate / gcd(sampleRate, set.sampleRate);
  if (phases > MAX_RESAMPLER_PHASES) {
    return `sample rate ${sampleRate} Hz cannot be resampled to ${set.sampleRate} Hz (the ratio needs a ${phases}-phase filter); use a standard rate such as 44100 or 48000 Hz`;
  }
  return null;
}

/** Frames kept beyond one window, so grid-aligned views always reach back far enough. */
const ALIGN = Math.max(BLOCK_HOP_FRAMES, VOICE_EVERY_FRAMES);

/**
 * The newest frames of the stream in one contiguous buffer, addressed by global frame index.
 * `base` stays a multiple of {@link ALIGN}, so views start on the modulation grid and the voice
 * analysis frames exactly where the offline matrix has them.
 */
class FrameWindow {
  private data: Float32Array;
  /** Global index of row 0. */
  base = 0;
  /** Rows held. */
  rows = 0;
  constructor(private readonly cols: number, private capacity: number) {
    this.data = new Float32Array(cols * capacity);
  }
  /** Global index one past the newest frame. */
  get end(): number {
    return this.base + this.rows;
  }
  push(row: Float32Array, keepFrom: number): void {
    if (this.rows === this.capacity) {
      const drop = Math.floor((Math.max(this.base, Math.min(keepFrom, this.end)) - this.base) / ALIGN) * ALIGN;
      if (drop === 0) {
        // Nothing may go yet: grow (only while a stream is shorter than a window and a half).
        const grown = new Float32Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
        this.capacity *= 2;
      } else {
        this.data.copyWithin(0, drop * this.cols, this.rows * this.cols);
        this.base += drop;
        this.rows -= drop;
      }
    }
    this.data.set(row, this.rows * this.cols);
    this.rows++;
  }
  /** Frames [from, to) (global) as a matrix starting at the grid-aligned row at or before `from`. */
  view(from: number, to: number): { frames: Matrix; origin: number } {
    const origin = Math.max(this.base, Math.floor(from / ALIGN) * ALIGN);
    if (from < this.base || to > this.end) throw new RangeError(`frames ${from}–${to} are not held (${this.base}–${this.end})`);
    return { frames: { rows: to - origin, cols: this.cols, data: this.data.subarray((origin - this.base) * this.cols, (to - this.base) * this.cols) }, origin };
  }
}

/**
 * A madmom-style processor: `push(samples)` returns the points that became ready, `finish()`
 * the rest. One instance per stream.
 */
export class EmotionStream {
  readonly sampleRate: number;
  readonly startup: StartupMode;
  private readonly model: EmotionModel;
  private readonly name: string;
  private readonly frames: FrameStream;
  private readonly resampler: Resampler | null;
  private readonly window: FrameWindow;
  private readonly frameHop: number;
  private readonly windowFrames: number;
  private nextSegment = 0;
  private finished = false;
  /** Level per 0.5 s segment of input, dB (only recent ones are kept). */
  private readonly segmentLevels = new Map<number, number>();
  /** The same meter as offline (`extractFromChunks`), on the samples as pushed, before resampling. */
  private readonly meter: SegmentLevelMeter;

  constructor(model: EmotionModel, options: EmotionStreamOptions) {
    const set = modelFeatureSet(model.card);
    this.name = options.name ?? 'stream';
    const problem = liveRateProblem(options.sampleRate, set);
    if (problem) throw new AudioInputError(this.name, problem);
    if (!set.createFrameStreamAt || !set.nativeRates?.length) throw new Error(`model '${model.card.name}': feature set '${set.name}' has no live form`);
    this.model = model;
    this.sampleRate = options.sampleRate;
    this.startup = options.startup ?? 'short-window';
    if (this.startup !== 'short-window' && this.startup !== 'full-window') throw new RangeError(`startup must be 'short-window' or 'full-window', got '${String(this.startup)}'`);
    const analysisRate = set.nativeRates.includes(options.sampleRate) ? options.sampleRate : set.sampleRate;
    this.resampler = analysisRate === options.sampleRate ? null : createResampler(options.sampleRate, analysisRate);
    this.frameHop = set.hopSeconds;
    this.windowFrames = Math.max(1, Math.round(model.card.windowSeconds / this.frameHop));
    this.window = new FrameWindow(set.columns.length, this.windowFrames + 8 * ALIGN);
    this.frames = set.createFrameStreamAt(analysisRate, (row) => this.window.push(row, this.keepFrom()));
    this.meter = new SegmentLevelMeter(options.sampleRate, HOP_SECONDS, (k, db) => this.segmentLevels.set(k, db));
  }

  /** Seconds of input pushed so far. */
  get seconds(): number {
    return this.meter.samples / this.sampleRate;
  }

  /** Feeds mono samples at `sampleRate`; returns the points that became ready, oldest first. */
  push(samples: Float32Array): LivePoint[] {
    if (this.finished) throw new Error(`${this.name}: push after finish`);
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i])) throw new AudioInputError(this.name, `sample ${this.meter.samples + i} is not a finite number`);
    }
    this.meter.push(samples);
    this.frames.push(this.resampler ? this.resampler.push(samples) : samples);
    return this.emitReady(false);
  }

  /** End of the stream: the remaining points, computed as offline. */
  finish(): LivePoint[] {
    if (this.finished) return [];
    if (this.resampler) this.frames.push(this.resampler.flush());
    this.frames.finish();
    this.meter.finish();
    this.finished = true;
    return this.emitReady(true);
  }

  /** The oldest global frame a future window may read. */
  private keepFrom(): number {
    const [s] = this.segmentWindow(this.nextSegment, Infinity);
    return Math.min(s, this.window.end - this.windowFrames);
  }

  /** Unclipped start and end frame of segment k's centred window, as `contextWindow` places it in a long song. */
  private segmentWindow(k: number, totalFrames: number): [number, number] {
    return contextWindow(k * HOP_SECONDS, this.frameHop, this.windowFrames, totalFrames);
  }

  private levelDb(segment: number): number {
    return this.segmentLevels.get(segment) ?? LEVEL_FLOOR_DB;
  }

  private emitReady(final: boolean): LivePoint[] {
    const available = this.window.end;
    const segments = final ? Math.max(1, Math.ceil(this.meter.samples / this.sampleRate / HOP_SECONDS - 1e-9)) : Infinity;
    const ready: [number, number, number, boolean][] = [];
    for (let k = this.nextSegment; k < segments; k++) {
      // The silence gate reads the levels of the segment's quiet stretch: wait until it can tell.
      // (For the default model the levels are always in by the time the window is.)
      const silent = gateDecision(k, (j) => this.segmentLevels.get(j), this.meter.completed, final, HOP_SECONDS);
      if (silent === null) break;
      let range: [number, number];
      if (final) range = this.segmentWindow(k, available);
      else {
        const centre = (k * HOP_SECONDS + HOP_SECONDS / 2) / this.frameHop;
        const start = Math.round(centre - this.windowFrames / 2);
        const end = start + this.windowFrames;
        if (start >= 0) {
          if (end > available) break;
          range = [start, end];
        } else if (this.startup === 'short-window') {
          if (end > available) break;
          range = [0, end];
        } else {
          if (this.windowFrames > available) break;
          range = [0, this.windowFrames];
        }
      }
      ready.push([k, ...range, silent]);
    }
    if (ready.length === 0 || available === 0) return [];
    const card = this.model.card;
    const dims = card.input.dims;
    const x = new Float32Array(ready.length * dims);
    const { frames, origin } = this.window.view(Math.min(...ready.map((r) => r[1])), Math.max(...ready.map((r) => r[2])));
    const indexed = indexFrames(frames);
    ready.forEach(([, s, e], i) => writeWindowInput(card.input.summary, indexed, s - origin, e - origin, x, i * dims));
    const out = predictRows(this.model, standardizeInPlace(x, card.normalization), ready.length);
    // The newest segment metered (after finish, the partial last one).
    const latestSegment = this.meter.completed - 1;
    const latestLevelDb = this.levelDb(latestSegment);
    const points = ready.map(([k, s, e, silent], i): LivePoint => {
      const levelDb = this.levelDb(k);
      const valence = silent ? SILENT_POINT.valence : out[2 * i];
      const arousal = silent ? SILENT_POINT.arousal : out[2 * i + 1];
      return {
        time: k * HOP_SECONDS,
        valence,
        arousal,
        quadrant: silent ? null : quadrantOf(valence, arousal),
        color: silent ? SILENCE_COLOR : emotionToHex(valence, arousal),
        levelDb,
        silent,
        latestLevelDb,
        emittedAt: this.seconds,
        windowSeconds: (e - s) * this.frameHop,
      };
    });
    this.nextSegment = ready[ready.length - 1][0] + 1;
    // Levels more than a minimum silent stretch older than the next point are no longer read.
    const keepFrom = this.nextSegment - Math.round(MIN_SILENCE_SECONDS / HOP_SECONDS);
    for (const k of this.segmentLevels.keys()) if (k < keepFrom && k < latestSegment) this.segmentLevels.delete(k);
    return points;
  }
}
