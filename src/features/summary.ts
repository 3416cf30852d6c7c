/**
 * Frame-level features → fixed-length statistics, and per-column standardisation.
 *
 * The classical baselines (seed 003: an RBF SVR) cannot read a `[frames × dims]` sequence;
 * they see each annotated fragment as one vector of per-column means and standard
 * deviations. Kernels and gradient methods also need every column on a comparable scale,
 * hence {@link fitStandardization}, whose statistics are fitted on training rows only and
 * saved with the model so that inference applies the very same affine map.
 *
 * Conventions:
 * - Input frames are `[frames × dims]`: either a row-major {@link Matrix} (what feature
 *   sets return in `FeatureMatrix.frames`) or an array of per-frame rows.
 * - Standard deviations are population values (÷N), like numpy's default and the
 *   `stddev` functional of openSMILE, so that a one-frame window has std 0 rather than NaN.
 * - Output layout is `[means..., stds...]` with names `<name>_mean` then `<name>_std`.
 * - Accumulation is in float64 with two passes (mean, then squared deviations), which
 *   avoids the cancellation of the one-pass Σx² − N·mean² formula on large-offset columns.
 */
import type { Matrix } from '../dsp/matrix.ts';

/** `[frames × dims]` frame features: a row-major matrix or one typed/plain array per frame. */
export type Frames = Matrix | readonly ArrayLike<number>[];

/** One summary vector and its column names. */
export interface FrameSummary {
  /** `2 × dims` names: every `<name>_mean`, then every `<name>_std`. */
  readonly columns: string[];
  /** `[means..., stds...]`. */
  readonly values: Float64Array;
}

/** Summaries of consecutive windows: one row per window. */
export interface WindowSummaries {
  /** `2 × dims` names, as in {@link FrameSummary}. */
  readonly columns: string[];
  /** `[windows × 2·dims]`, each row `[means..., stds...]`. */
  readonly summaries: Matrix<Float64Array>;
  /** Index of the first frame of each window. */
  readonly starts: Int32Array;
  /** Number of frames in each window (all `size`, except possibly a kept partial last one). */
  readonly counts: Int32Array;
}

/** A half-open time span `[start, end)` in seconds. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

/** Options of {@link summarizeWindows}. */
export interface WindowOptions {
  /** Frames per window (e.g. 10 frames of 50 ms for a 0.5 s fragment). */
  readonly size: number;
  /** Frames between window starts; defaults to `size` (non-overlapping windows). */
  readonly hop?: number;
  /**
   * Keep a final window shorter than `size` (at least one frame). Default false: a short
   * tail would yield noisier statistics than the other rows.
   */
  readonly keepPartial?: boolean;
  /** Column names; default `f0, f1, …`. */
  readonly names?: readonly string[];
}

/** Names of a summary vector: `<name>_mean` for every column, then `<name>_std`. */
export function summaryColumns(names: readonly string[]): string[] {
  return [...names.map((n) => `${n}_mean`), ...names.map((n) => `${n}_std`)];
}

/** Number of frames and dims of `frames`; throws on ragged rows. */
export function frameShape(frames: Frames): { rows: number; cols: number } {
  if (isMatrix(frames)) {
    if (frames.data.length !== frames.rows * frames.cols) {
      throw new RangeError(`matrix data has ${frames.data.length} values, expected ${frames.rows}×${frames.cols}`);
    }
    return { rows: frames.rows, cols: frames.cols };
  }
  const rows = frames.length;
  const cols = rows > 0 ? frames[0].length : 0;
  for (let i = 1; i < rows; i++) {
    if (frames[i].length !== cols) throw new RangeError(`frame ${i} has ${frames[i].length} values, expected ${cols}`);
  }
  return { rows, cols };
}

/**
 * Per-column mean and population std over all frames: one `[means..., stds...]` vector.
 * Throws on zero frames (the statistics would be undefined, and silently emitting zeros
 * would feed a fake fragment to the model).
 */
export function summarizeFrames(frames: Frames, names?: readonly string[]): FrameSummary {
  const { rows, cols } = frameShape(frames);
  const columns = summaryColumns(resolveNames(names, cols));
  const values = new Float64Array(2 * cols);
  summarizeRange(frames, cols, 0, rows, values, 0);
  return { columns, values };
}

/**
 * Mean/std summaries of consecutive windows of `size` frames every `hop` frames, for
 * fragment-level statistics (seed 003: ten 50 ms frames per 0.5 s annotation). Window `w`
 * covers frames `[w·hop, w·hop + size)`.
 */
export function summarizeWindows(frames: Frames, options: WindowOptions): WindowSummaries {
  const { size, hop = options.size, keepPartial = false } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  if (!Number.isInteger(hop) || hop < 1) throw new RangeError(`window hop must be a positive integer, got ${hop}`);
  const { rows, cols } = frameShape(frames);
  const columns = summaryColumns(resolveNames(options.names, cols));

  const starts: number[] = [];
  const counts: number[] = [];
  for (let s = 0; s < rows; s += hop) {
    const n = Math.min(size, rows - s);
    if (n < size && !keepPartial) break;
    starts.push(s);
    counts.push(n);
    if (s + size >= rows) break; // later windows would only be suffixes of this one
  }

  const width = 2 * cols;
  const data = new Float64Array(starts.length * width);
  for (let w = 0; w < starts.length; w++) summarizeRange(frames, cols, starts[w], starts[w] + counts[w], data, w * width);
  return {
    columns,
    summaries: { rows: starts.length, cols: width, data },
    starts: Int32Array.from(starts),
    counts: Int32Array.from(counts),
  };
}

/**
 * Mean/std summaries of the frames whose time falls in each span `[start, end)`, for
 * aligning features with time-stamped labels (e.g. emoMusic's 0.5 s annotations) when the
 * frame hop does not divide the fragment length exactly (pyAudioAnalysis' 1102-sample hop
 * at 22.05 kHz is 49.98 ms). `times` are the frame times of a `FeatureMatrix`, ascending.
 * Throws if a span contains no frame, naming it, so that callers drop it explicitly.
 */
export function summarizeSpans(
  frames: Frames,
  times: ArrayLike<number>,
  spans: readonly TimeSpan[],
  names?: readonly string[],
): WindowSummaries {
  const { rows, cols } = frameShape(frames);
  if (times.length !== rows) throw new RangeError(`${times.length} frame times for ${rows} frames`);
  const columns = summaryColumns(resolveNames(names, cols));
  const width = 2 * cols;
  const data = new Float64Array(spans.length * width);
  const starts = new Int32Array(spans.length);
  const counts = new Int32Array(spans.length);
  for (let k = 0; k < spans.length; k++) {
    const { start, end } = spans[k];
    const i0 = lowerBound(times, start);
    const i1 = lowerBound(times, end);
    if (i1 <= i0) throw new RangeError(`span ${k} [${start}, ${end}) s contains no frame`);
    starts[k] = i0;
    counts[k] = i1 - i0;
    summarizeRange(frames, cols, i0, i1, data, k * width);
  }
  return { columns, summaries: { rows: spans.length, cols: width, data }, starts, counts };
}

// ---------------------------------------------------------------------------------------
// Standardisation

/**
 * Per-column affine map `x ↦ (x − mean) / std`, fitted on training rows. Plain arrays so
 * that `JSON.stringify` saves it as is; read it back with {@link parseStandardization}.
 */
export interface Standardization {
  readonly mean: number[];
  /** Population std of each column, floored (see {@link fitStandardization}). */
  readonly std: number[];
}

/** Smallest std used as divisor: constant columns map to 0 instead of ±∞/NaN. */
export const STD_FLOOR = 1e-8;

/**
 * Fits per-column mean and population std on `rows` (the training set only: fitting on
 * validation or test rows would leak their distribution into the model). Stds below
 * `floor` are replaced by `floor`. Throws on no rows, ragged rows or non-finite values,
 * which would otherwise poison every column statistic.
 */
export function fitStandardization(rows: Frames, floor = STD_FLOOR): Standardization {
  const { rows: n, cols } = frameShape(rows);
  if (n === 0) throw new RangeError('cannot fit a standardization on zero rows');
  for (let i = 0; i < n; i++) {
    const r = rowAt(rows, cols, i);
    for (let j = 0; j < cols; j++) {
      if (!Number.isFinite(r[j])) throw new RangeError(`non-finite value ${r[j]} at row ${i}, column ${j}`);
    }
  }
  const stats = new Float64Array(2 * cols);
  summarizeRange(rows, cols, 0, n, stats, 0);
  const mean = Array.from(stats.subarray(0, cols));
  const std = Array.from(stats.subarray(cols), (s) => Math.max(s, floor));
  return { mean, std };
}

/** One row standardised with `s`; throws when its length differs from the fitted one. */
export function standardizeRow(row: ArrayLike<number>, s: Standardization): Float64Array {
  const d = s.mean.length;
  if (row.length !== d) throw new RangeError(`row has ${row.length} values, the standardization ${d}`);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) out[j] = (row[j] - s.mean[j]) / s.std[j];
  return out;
}

/** Standardises flat rows `[n × d]` in place (d = the fitted width); for large batches of model inputs. */
export function standardizeInPlace(rows: Float32Array, s: Standardization): Float32Array {
  const d = s.mean.length;
  if (rows.length % d !== 0) throw new RangeError(`${rows.length} values are not whole rows of ${d}`);
  for (let o = 0; o < rows.length; o += d) for (let j = 0; j < d; j++) rows[o + j] = (rows[o + j] - s.mean[j]) / s.std[j];
  return rows;
}

/** Every row standardised with `s` (new arrays; the input is not modified). */
export function standardize(rows: Frames, s: Standardization): Float64Array[] {
  const { rows: n, cols } = frameShape(rows);
  if (n > 0 && cols !== s.mean.length) throw new RangeError(`rows have ${cols} values, the standardization ${s.mean.length}`);
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) out.push(standardizeRow(rowAt(rows, cols, i), s));
  return out;
}

/** Validates a parsed JSON value as a {@link Standardization}. */
export function parseStandardization(json: unknown): Standardization {
  const o = json as { mean?: unknown; std?: unknown } | null;
  if (typeof o !== 'object' || o === null || !isNumberArray(o.mean) || !isNumberArray(o.std)) {
    throw new TypeError('standardization must be an object with numeric arrays "mean" and "std"');
  }
  if (o.mean.length !== o.std.length) throw new RangeError(`standardization has ${o.mean.length} means and ${o.std.length} stds`);
  if (o.std.some((v) => !(v > 0))) throw new RangeError('standardization stds must be positive');
  return { mean: [...o.mean], std: [...o.std] };
}

// ---------------------------------------------------------------------------------------
// Helpers

function isMatrix(f: Frames): f is Matrix {
  return !Array.isArray(f) && typeof (f as Matrix).rows === 'number' && typeof (f as Matrix).cols === 'number';
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function resolveNames(names: readonly string[] | undefined, cols: number): readonly string[] {
  if (names === undefined) return Array.from({ length: cols }, (_, j) => `f${j}`);
  if (names.length !== cols) throw new RangeError(`${names.length} column names for ${cols} columns`);
  return names;
}

/** Row `i` as an indexable view (a subarray for matrices: no copy). */
function rowAt(frames: Frames, cols: number, i: number): ArrayLike<number> {
  return isMatrix(frames) ? frames.data.subarray(i * cols, (i + 1) * cols) : frames[i];
}

/**
 * Mean and population std of each column over rows `[i0, i1)`, written to
 * `out[o .. o+cols)` (means) and `out[o+cols .. o+2·cols)` (stds). Requires i1 > i0.
 */
function summarizeRange(frames: Frames, cols: number, i0: number, i1: number, out: Float64Array, o: number): void {
  const n = i1 - i0;
  if (n <= 0) throw new RangeError('cannot summarize zero frames');
  const mean = out.subarray(o, o + cols);
  const sq = out.subarray(o + cols, o + 2 * cols);
  mean.fill(0);
  sq.fill(0);
  for (let i = i0; i < i1; i++) {
    const r = rowAt(frames, cols, i);
    for (let j = 0; j < cols; j++) mean[j] += r[j];
  }
  for (let j = 0; j < cols; j++) mean[j] /= n;
  for (let i = i0; i < i1; i++) {
    const r = rowAt(frames, cols, i);
    for (let j = 0; j < cols; j++) {
      const d = r[j] - mean[j];
      sq[j] += d * d;
    }
  }
  for (let j = 0; j < cols; j++) sq[j] = Math.sqrt(sq[j] / n);
}

/** First index whose time is ≥ t (times ascending). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
