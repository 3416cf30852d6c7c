/**
 * Onset strength envelope (librosa.onset.onset_strength, 0.10 conventions): spectral
 * flux of the dB mel spectrogram, aggregated over bands.
 */
import { powerToDb } from './convert.ts';
import { melSpectrogram, type MelOptions } from './mel.ts';
import type { StftOptions } from './stft.ts';
import type { Matrix } from './matrix.ts';
import type { Signal } from './spectral.ts';

export interface OnsetStrengthOptions extends StftOptions, Omit<MelOptions, 'nFft'> {
  /**
   * Precomputed (log-power) spectrogram `[bands, frames]`, e.g. powerToDb(melspec).
   * When given, y is ignored and no dB conversion is applied.
   */
  S?: Matrix;
  /** Time lag in frames for the difference S[:, t] − ref[:, t − lag]. Default 1. */
  lag?: number;
  /** Width (in bands) of the maximum filter applied along frequency to form ref. Default 1 (none). */
  maxSize?: number;
  /** Explicit reference spectrogram, same shape as S. Default: S, max-filtered by maxSize. */
  ref?: Matrix;
  /** Remove the DC component with the filter (1 − z⁻¹)/(1 − 0.99 z⁻¹). Default false. */
  detrend?: boolean;
  /** Shift by nFft/(2·hop) frames and trim to the input length, for centred STFT frames. Default true. */
  center?: boolean;
  /** How band differences are combined per frame. Default 'mean'. */
  aggregate?: 'mean' | 'median';
}

/**
 * Onset strength `[frames]` (librosa.onset.onset_strength): with the defaults,
 * mean over mel bands of max(0, S_dB[:, t] − S_dB[:, t − 1]) where S_dB is
 * power_to_db(melspectrogram(y)) with its global 80 dB floor; the result is left-padded
 * with lag + nFft/(2·hop) zeros (3 for the defaults) and trimmed to the frame count.
 * Defaults: sampleRate 22050, nFft 2048, hopLength 512, 128 Slaney mels, lag 1,
 * maxSize 1, aggregate 'mean' (librosa.beat.beat_track uses 'median').
 */
export function onsetStrength(y: Signal | null | undefined, options: OnsetStrengthOptions = {}): Float32Array {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const lag = options.lag ?? 1;
  const maxSize = options.maxSize ?? 1;
  const center = options.center ?? true;
  const aggregate = options.aggregate ?? 'mean';
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError('lag must be a positive integer');
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
  let S: Matrix;
  if (options.S) S = options.S;
  else {
    if (!y) throw new TypeError('either y or options.S must be given');
    S = powerToDb(melSpectrogram(y, { ...options, nFft, hopLength, center }));
  }
  const { rows: bands, cols: T, data } = S;
  const ref = options.ref ?? (maxSize === 1 ? S : maxFilterBands(S, maxSize));
  if (ref.rows !== bands || ref.cols !== T) throw new RangeError('ref must have the same shape as S');
  const diffs = Math.max(T - lag, 0);
  const env = new Float64Array(diffs);
  const col = new Float64Array(bands);
  // float32 input is differenced in float32, as numpy does.
  const r = data instanceof Float32Array && ref.data instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let t = 0; t < diffs; t++) {
    for (let b = 0; b < bands; b++) col[b] = Math.max(0, r(data[b * T + t + lag] - ref.data[b * T + t]));
    env[t] = aggregate === 'median' ? median(col, r) : mean(col);
  }
  const padWidth = lag + (center ? Math.floor(nFft / (2 * hopLength)) : 0);
  let out: Float64Array = new Float64Array(padWidth + diffs);
  out.set(env, padWidth);
  if (options.detrend) out = detrendFilter(out);
  const length = center ? Math.min(T, out.length) : out.length;
  const result = new Float32Array(center ? T : length);
  result.set(out.subarray(0, length));
  return result;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

function median(values: Float64Array, r: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n % 2 === 1) return sorted[(n - 1) / 2];
  // numpy averages the two middle values in the array's dtype.
  return r(r(sorted[n / 2 - 1] + sorted[n / 2]) / 2);
}

/**
 * scipy.ndimage.maximum_filter1d along the band axis: window
 * [i − size/2, i − size/2 + size) with half-sample-symmetric ('reflect') edges.
 */
function maxFilterBands(S: Matrix, size: number): Matrix {
  const { rows, cols, data } = S;
  const out = new (data instanceof Float32Array ? Float32Array : Float64Array)(rows * cols);
  const start = Math.floor(size / 2);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < cols; t++) {
      let m = -Infinity;
      for (let j = i - start; j < i - start + size; j++) {
        let k = j;
        // Reflect (d c b a | a b c d | d c b a), folded until inside.
        while (k < 0 || k >= rows) k = k < 0 ? -k - 1 : 2 * rows - k - 1;
        const v = data[k * cols + t];
        if (v > m) m = v;
      }
      out[i * cols + t] = m;
    }
  }
  return { rows, cols, data: out };
}

/** scipy.signal.lfilter([1, −1], [1, −0.99], x): removes the DC offset. */
function detrendFilter(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let prevX = 0;
  let prevY = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - prevX + 0.99 * prevY;
    out[i] = v;
    prevX = x[i];
    prevY = v;
  }
  return out;
}
