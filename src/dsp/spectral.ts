/**
 * Spectral shape features (librosa.feature.spectral_*, 0.10 conventions).
 *
 * Every function takes either a signal `y` (plus `sampleRate` and STFT options) or a
 * precomputed magnitude spectrogram `S` `[1 + nFft/2, frames]` in the options, like
 * librosa's keyword arguments; with `S`, `y` may be null and nFft is inferred from S.
 * Results are `[feature, frame]` float32 matrices.
 *
 * librosa stores the STFT as complex64, so |X| is float32; where librosa then works in
 * float32 (normalised columns, cumulative sums, flatness) we round the same way so that
 * quantised outputs (rolloff) match bit for bit.
 */
import { fftFrequencies, resolveStft, spectrogram, type StftOptions } from './stft.ts';
import type { Matrix } from './matrix.ts';

export type Signal = Float32Array | Float64Array;

/** Options shared by every feature computed from a spectrogram. */
export interface SpectrogramInputOptions extends StftOptions {
  /** Sample rate of `y` in Hz. Default 22050. */
  sampleRate?: number;
  /**
   * Precomputed spectrogram `[1 + nFft/2, frames]` (magnitude unless a function says
   * otherwise). When given, `y` is ignored and nFft = 2·(rows − 1), as in librosa.
   */
  S?: Matrix;
}

const identity = (x: number): number => x;

/** Rounds like the dtype of `m`: float32 data is re-rounded after each step, float64 is not. */
export function roundLike(m: Matrix): (x: number) => number {
  return m.data instanceof Float32Array ? Math.fround : identity;
}

/**
 * librosa's `_spectrogram`: `S` as given, or |STFT(y)|^power as float32. Spectral
 * features default to hopLength 512 (librosa's explicit default), not nFft/4.
 */
export function spectrogramInput(
  y: Signal | null | undefined,
  options: SpectrogramInputOptions,
  power: number,
): { S: Matrix; nFft: number } {
  if (options.S) {
    if (options.S.rows < 2) throw new RangeError('S must have at least 2 frequency rows');
    return { S: options.S, nFft: 2 * (options.S.rows - 1) };
  }
  if (!y) throw new TypeError('either y or options.S must be given');
  const stft = resolveStft({ ...options, hopLength: options.hopLength ?? 512 });
  const mag = spectrogram(y, { ...stft, power: 1 });
  if (power !== 1) {
    // librosa: np.abs(stft) ** power, with |X| already rounded to float32.
    const d = mag.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.pow(d[i], power);
  }
  return { S: mag, nFft: stft.nFft };
}

function assertNonNegative(S: Matrix, what: string): void {
  for (let i = 0; i < S.data.length; i++) {
    if (S.data[i] < 0) throw new RangeError(`${what}: spectrogram must be non-negative`);
  }
}

/** Smallest positive normal of the dtype, librosa's util.tiny (normalize's threshold). */
function tinyOf(m: Matrix): number {
  return m.data instanceof Float32Array ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
}

/**
 * Column-wise L1 normalisation (util.normalize(S, norm=1, axis=-2)). Columns whose sum
 * is below `tiny` are left unnormalised (so silent frames stay 0). Output is rounded to
 * the dtype of S, as librosa writes into `np.empty_like(S)`.
 */
function l1NormalizeColumns(S: Matrix): Float64Array {
  const { rows, cols, data } = S;
  const r = roundLike(S);
  const tiny = tinyOf(S);
  const out = new Float64Array(rows * cols);
  for (let t = 0; t < cols; t++) {
    let sum = 0;
    for (let k = 0; k < rows; k++) sum += Math.abs(data[k * cols + t]);
    const len = sum < tiny ? 1 : sum;
    for (let k = 0; k < rows; k++) out[k * cols + t] = r(data[k * cols + t] / len);
  }
  return out;
}

function frequencies(options: { freq?: Float64Array; sampleRate?: number }, nFft: number, rows: number): Float64Array {
  const freq = options.freq ?? fftFrequencies(options.sampleRate ?? 22050, nFft);
  if (freq.length !== rows) throw new RangeError(`freq has ${freq.length} values for ${rows} spectrogram rows`);
  return freq;
}

export interface SpectralCentroidOptions extends SpectrogramInputOptions {
  /** Centre frequency of each row in Hz. Default k·sampleRate/nFft. */
  freq?: Float64Array;
}

function centroidValues(S: Matrix, freq: Float64Array): Float64Array {
  const norm = l1NormalizeColumns(S);
  const { rows, cols } = S;
  const out = new Float64Array(cols);
  for (let t = 0; t < cols; t++) {
    let acc = 0;
    for (let k = 0; k < rows; k++) acc += freq[k] * norm[k * cols + t];
    out[t] = acc;
  }
  return out;
}

/**
 * Spectral centroid `[1, frames]` in Hz (librosa.feature.spectral_centroid): the mean
 * frequency weighted by MAGNITUDE |X|. Defaults: nFft 2048, hopLength 512, periodic
 * Hann, center=true with zero padding. Silent frames give 0.
 */
export function spectralCentroid(y: Signal | null | undefined, options: SpectralCentroidOptions = {}): Matrix<Float32Array> {
  const { S, nFft } = spectrogramInput(y, options, 1);
  assertNonNegative(S, 'spectralCentroid');
  const c = centroidValues(S, frequencies(options, nFft, S.rows));
  return { rows: 1, cols: S.cols, data: Float32Array.from(c) };
}

export interface SpectralBandwidthOptions extends SpectralCentroidOptions {
  /** Precomputed centroid `[1, frames]` in Hz. Default: computed from the same S. */
  centroid?: Matrix | Float32Array | Float64Array;
  /** L1-normalise each column before weighting. Default true. */
  norm?: boolean;
  /** Order p of the deviation: (Σ w·|f − centroid|^p)^(1/p). Default 2. */
  p?: number;
}

/**
 * Spectral bandwidth `[1, frames]` in Hz (librosa.feature.spectral_bandwidth):
 * (Σ_k w_k·|f_k − centroid|^p)^(1/p) with w = |X| normalised per column. Defaults:
 * p 2, norm true, nFft 2048, hopLength 512. Silent frames give 0.
 */
export function spectralBandwidth(y: Signal | null | undefined, options: SpectralBandwidthOptions = {}): Matrix<Float32Array> {
  const { S, nFft } = spectrogramInput(y, options, 1);
  assertNonNegative(S, 'spectralBandwidth');
  const p = options.p ?? 2;
  const freq = frequencies(options, nFft, S.rows);
  const { rows, cols } = S;
  let centroid: ArrayLike<number>;
  if (options.centroid) {
    centroid = 'data' in options.centroid ? options.centroid.data : options.centroid;
    if (centroid.length !== cols) throw new RangeError(`centroid has ${centroid.length} frames, S has ${cols}`);
  } else centroid = centroidValues(S, freq);
  const w = options.norm === false ? Float64Array.from(S.data) : l1NormalizeColumns(S);
  const out = new Float32Array(cols);
  for (let t = 0; t < cols; t++) {
    const c = centroid[t];
    let acc = 0;
    for (let k = 0; k < rows; k++) {
      const dev = Math.abs(c - freq[k]);
      acc += w[k * cols + t] * (p === 2 ? dev * dev : Math.pow(dev, p));
    }
    out[t] = Math.pow(acc, 1 / p);
  }
  return { rows: 1, cols, data: out };
}

export interface SpectralRolloffOptions extends SpectralCentroidOptions {
  /** Fraction of the column's total magnitude to reach, in (0, 1). Default 0.85. */
  rollPercent?: number;
}

/**
 * Spectral roll-off `[1, frames]` in Hz (librosa.feature.spectral_rolloff): the centre
 * frequency of the first bin whose cumulative MAGNITUDE reaches rollPercent of the
 * column total. The cumulative sum runs in float32 like numpy's cumsum on a float32
 * spectrogram, so the chosen bins match exactly. Silent frames give the lowest
 * frequency (0 Hz). Defaults: rollPercent 0.85, nFft 2048, hopLength 512.
 */
export function spectralRolloff(y: Signal | null | undefined, options: SpectralRolloffOptions = {}): Matrix<Float32Array> {
  const rollPercent = options.rollPercent ?? 0.85;
  if (!(rollPercent > 0 && rollPercent < 1)) throw new RangeError('rollPercent must lie strictly between 0 and 1');
  const { S, nFft } = spectrogramInput(y, options, 1);
  assertNonNegative(S, 'spectralRolloff');
  const freq = frequencies(options, nFft, S.rows);
  const r = roundLike(S);
  const { rows, cols, data } = S;
  const cum = new Float64Array(rows);
  const out = new Float32Array(cols);
  for (let t = 0; t < cols; t++) {
    let acc = 0;
    for (let k = 0; k < rows; k++) {
      acc = r(acc + data[k * cols + t]);
      cum[k] = acc;
    }
    const threshold = r(rollPercent * acc);
    // First bin with cum >= threshold; librosa takes the min over those bins' frequencies.
    let best = Infinity;
    for (let k = 0; k < rows; k++) if (!(cum[k] < threshold) && freq[k] < best) best = freq[k];
    out[t] = best;
  }
  return { rows: 1, cols, data: out };
}

export interface SpectralFlatnessOptions extends SpectrogramInputOptions {
  /** Floor applied to S^power before the logarithm. Default 1e-10. */
  amin?: number;
  /** Exponent applied to the magnitude: 2 measures flatness of the power spectrum. Default 2. */
  power?: number;
}

/**
 * Spectral flatness `[1, frames]` (librosa.feature.spectral_flatness): geometric mean
 * over arithmetic mean of max(amin, |X|^power) per column, a value in (0, 1]. Defaults:
 * amin 1e-10, power 2, nFft 2048, hopLength 512. Silent frames give 1 (librosa stores
 * 1.0000007 because it averages in float32).
 */
export function spectralFlatness(y: Signal | null | undefined, options: SpectralFlatnessOptions = {}): Matrix<Float32Array> {
  const amin = options.amin ?? 1e-10;
  const power = options.power ?? 2;
  if (!(amin > 0)) throw new RangeError('amin must be strictly positive');
  const { S } = spectrogramInput(y, options, 1);
  assertNonNegative(S, 'spectralFlatness');
  const r = roundLike(S);
  const floor = r(amin);
  const { rows, cols, data } = S;
  const out = new Float32Array(cols);
  for (let t = 0; t < cols; t++) {
    let logSum = 0;
    let sum = 0;
    for (let k = 0; k < rows; k++) {
      const v = data[k * cols + t];
      const s = Math.max(floor, r(power === 2 ? v * v : Math.pow(v, power)));
      logSum += Math.log(s);
      sum += s;
    }
    out[t] = Math.exp(logSum / rows) / (sum / rows);
  }
  return { rows: 1, cols, data: out };
}

export interface SpectralContrastOptions extends SpectralCentroidOptions {
  /** Upper edge of the first band in Hz; later bands double it. Default 200. */
  fmin?: number;
  /** Number of octave bands above the first (output has nBands + 1 rows). Default 6. */
  nBands?: number;
  /** Fraction of each band's bins averaged for peak and valley, in (0, 1). Default 0.02. */
  quantile?: number;
  /** Return peak − valley in linear magnitude instead of a dB difference. Default false. */
  linear?: boolean;
}

/** power_to_db with librosa defaults (ref 1, amin 1e-10, top_db 80 over the whole array), in float64. */
function powerToDb64(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    out[i] = 10 * Math.log10(Math.max(1e-10, values[i]));
    if (out[i] > max) max = out[i];
  }
  const floor = max - 80;
  for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  return out;
}

/**
 * Spectral contrast `[nBands + 1, frames]` in dB (librosa.feature.spectral_contrast) on
 * the MAGNITUDE spectrogram. Band edges are 0, fmin, 2·fmin, …, with the last band
 * running to Nyquist. Per band the valley/peak is the mean of the q smallest/largest
 * bins, q = max(1, rint(quantile · band size)); the result is
 * power_to_db(peak) − power_to_db(valley), each with its own global 80 dB floor (so
 * silent frames are not 0). Defaults: fmin 200 Hz, nBands 6, quantile 0.02,
 * linear false, nFft 2048, hopLength 512.
 */
export function spectralContrast(y: Signal | null | undefined, options: SpectralContrastOptions = {}): Matrix<Float32Array> {
  const fmin = options.fmin ?? 200;
  const nBands = options.nBands ?? 6;
  const quantile = options.quantile ?? 0.02;
  const sampleRate = options.sampleRate ?? 22050;
  if (!Number.isInteger(nBands) || nBands < 1) throw new RangeError('nBands must be a positive integer');
  if (!(quantile > 0 && quantile < 1)) throw new RangeError('quantile must lie strictly between 0 and 1');
  if (!(fmin > 0)) throw new RangeError('fmin must be strictly positive');
  const { S, nFft } = spectrogramInput(y, options, 1);
  const freq = frequencies(options, nFft, S.rows);
  const edges = [0];
  for (let i = 0; i <= nBands; i++) edges.push(fmin * 2 ** i);
  for (let i = 0; i < edges.length - 1; i++) {
    if (edges[i] >= 0.5 * sampleRate) throw new RangeError('frequency band exceeds Nyquist; reduce fmin or nBands');
  }
  const r = roundLike(S);
  const { rows, cols, data } = S;
  const bandsOut = nBands + 1;
  const valley = new Float64Array(bandsOut * cols);
  const peak = new Float64Array(bandsOut * cols);
  for (let b = 0; b <= nBands; b++) {
    const lo = edges[b];
    const hi = edges[b + 1];
    const inBand = new Uint8Array(rows);
    let first = -1;
    for (let k = 0; k < rows; k++) {
      if (freq[k] >= lo && freq[k] <= hi) {
        inBand[k] = 1;
        if (first < 0) first = k;
      }
    }
    if (first < 0) throw new RangeError(`spectral contrast band ${b} holds no frequency bin`);
    // Bands overlap by one bin below; the last band takes everything up to Nyquist.
    if (b > 0 && first > 0) inBand[first - 1] = 1;
    if (b === nBands) for (let k = first + 1; k < rows; k++) inBand[k] = 1;
    const bins: number[] = [];
    for (let k = 0; k < rows; k++) if (inBand[k]) bins.push(k);
    const q = Math.max(1, roundHalfEven(quantile * bins.length));
    // Every band but the last drops its top bin (after q is fixed from the full count).
    if (b < nBands) bins.pop();
    const sub = new Float64Array(bins.length);
    for (let t = 0; t < cols; t++) {
      for (let i = 0; i < bins.length; i++) sub[i] = data[bins[i] * cols + t];
      sub.sort();
      const take = Math.min(q, sub.length);
      let lowSum = 0;
      let highSum = 0;
      for (let i = 0; i < take; i++) {
        lowSum += sub[i];
        highSum += sub[sub.length - 1 - i];
      }
      valley[b * cols + t] = r(lowSum / take);
      peak[b * cols + t] = r(highSum / take);
    }
  }
  const out = new Float32Array(bandsOut * cols);
  if (options.linear) {
    for (let i = 0; i < out.length; i++) out[i] = peak[i] - valley[i];
  } else {
    const peakDb = powerToDb64(peak);
    const valleyDb = powerToDb64(valley);
    for (let i = 0; i < out.length; i++) out[i] = peakDb[i] - valleyDb[i];
  }
  return { rows: bandsOut, cols, data: out };
}

/** numpy.rint / round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
