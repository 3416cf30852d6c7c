/**
 * Chroma features and tuning estimation (librosa.filters.chroma, librosa.piptrack,
 * librosa.pitch_tuning, librosa.estimate_tuning, librosa.feature.chroma_stft; 0.10).
 *
 * librosa runs piptrack on a float32 spectrogram and keeps pitches in float32, and the
 * tuning is the peak of a 0.01-bin histogram, so a value that lands on a bin edge can
 * move bins. We therefore repeat the float32 roundings that decide the histogram bin.
 */
import { spectrogramInput, roundLike, roundHalfEven, type Signal, type SpectrogramInputOptions } from './spectral.ts';
import { fftFrequencies } from './stft.ts';
import type { Matrix } from './matrix.ts';

const f32 = Math.fround;

/** Column norm used by librosa.util.normalize: 1, 2, any p > 0, Infinity, or null (none). */
export type Norm = number | null;

export interface ChromaFilterbankOptions {
  /** Sample rate in Hz. Default 22050. */
  sampleRate?: number;
  /** FFT size the filterbank applies to. Default 2048. */
  nFft?: number;
  /** Number of chroma bins per octave. Default 12. */
  nChroma?: number;
  /** Deviation from A440 tuning in fractions of a chroma bin. Default 0. */
  tuning?: number;
  /** Centre of the octave weighting Gaussian, in octaves above A0 (27.5 Hz). Default 5. */
  ctroct?: number;
  /** Width (standard deviation, octaves) of the octave weighting; null disables it. Default 2. */
  octwidth?: number | null;
  /** Norm applied to each filterbank column before octave weighting. Default 2. */
  norm?: Norm;
  /** Start the chroma axis at C (true) or at A (false). Default true. */
  baseC?: boolean;
}

function columnNorm(values: Float64Array, norm: number): number {
  let len = 0;
  if (norm === Infinity) {
    for (const v of values) len = Math.max(len, Math.abs(v));
  } else if (norm === 1) {
    for (const v of values) len += Math.abs(v);
  } else if (norm === 2) {
    for (const v of values) len += v * v;
    len = Math.sqrt(len);
  } else {
    for (const v of values) len += Math.abs(v) ** norm;
    len = len ** (1 / norm);
  }
  return len;
}

/** Octaves above A0 = 27.5·2^(tuning/binsPerOctave) Hz (librosa.hz_to_octs). */
function hzToOcts(hz: number, tuning: number, binsPerOctave: number): number {
  const a440 = 440.0 * 2.0 ** (tuning / binsPerOctave);
  return Math.log2(hz / (a440 / 16));
}

/**
 * Chroma filterbank `[nChroma, 1 + nFft/2]` in float32 (librosa.filters.chroma):
 * Gaussian bumps in log-frequency around each pitch class, each FFT column normalised
 * (L2 by default), weighted by a Gaussian over octaves centred on ctroct, and rolled so
 * row 0 is C when baseC. The DC column is placed 1.5 octaves below bin 1.
 */
export function chromaFilterbank(options: ChromaFilterbankOptions = {}): Matrix<Float32Array> {
  const sr = options.sampleRate ?? 22050;
  const nFft = options.nFft ?? 2048;
  const nChroma = options.nChroma ?? 12;
  const tuning = options.tuning ?? 0;
  const ctroct = options.ctroct ?? 5;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const norm = options.norm === undefined ? 2 : options.norm;
  const baseC = options.baseC ?? true;
  if (!Number.isInteger(nChroma) || nChroma < 1) throw new RangeError('nChroma must be a positive integer');
  const bins = Math.floor(nFft / 2) + 1;
  // frqbins[k] for k = 0..bins (one past the kept columns, for the bin widths).
  const frq = new Float64Array(bins + 1);
  // numpy.linspace(0, sr, nFft, endpoint=False) computes k · (sr / nFft).
  const df = sr / nFft;
  for (let k = 1; k <= bins; k++) frq[k] = nChroma * hzToOcts(k * df, tuning, nChroma);
  frq[0] = frq[1] - 1.5 * nChroma;
  const half = roundHalfEven(nChroma / 2);
  const data = new Float32Array(nChroma * bins);
  const col = new Float64Array(nChroma);
  const shift = baseC ? 3 * Math.floor(nChroma / 12) : 0;
  for (let k = 0; k < bins; k++) {
    const width = Math.max(frq[k + 1] - frq[k], 1);
    for (let c = 0; c < nChroma; c++) {
      // Distance to chroma c, wrapped into [-nChroma/2, nChroma/2) (offset keeps it positive).
      const raw = frq[k] - c + half + 10 * nChroma;
      const d = (((raw % nChroma) + nChroma) % nChroma) - half;
      col[c] = Math.exp(-0.5 * ((2 * d) / width) ** 2);
    }
    if (norm !== null) {
      const len = columnNorm(col, norm);
      if (len >= 2.2250738585072014e-308) for (let c = 0; c < nChroma; c++) col[c] /= len;
    }
    const octWeight = octwidth === null ? 1 : Math.exp(-0.5 * ((frq[k] / nChroma - ctroct) / octwidth) ** 2);
    for (let c = 0; c < nChroma; c++) {
      const row = (((c - shift) % nChroma) + nChroma) % nChroma;
      data[row * bins + k] = col[c] * octWeight;
    }
  }
  return { rows: nChroma, cols: bins, data };
}

export interface PiptrackOptions extends SpectrogramInputOptions {
  /** Lowest frequency searched, Hz. Default 150. */
  fmin?: number;
  /** Highest frequency searched (exclusive), Hz. Default 4000 (capped at Nyquist). */
  fmax?: number;
  /** Peaks must exceed threshold × the column maximum (or × ref when given). Default 0.1. */
  threshold?: number;
  /** Absolute reference level instead of the per-column maximum. Default: column max. */
  ref?: number;
}

/**
 * Parabolically interpolated spectral peaks (librosa.piptrack): `pitches` and
 * `magnitudes`, both `[1 + nFft/2, frames]`, zero except at local maxima of S above
 * threshold·max(S[:, t]) within [fmin, fmax). From y the spectrogram is the magnitude
 * with hopLength nFft/4 (piptrack's default); pass S to use another (e.g. power).
 */
export function piptrack(y: Signal | null | undefined, options: PiptrackOptions = {}): { pitches: Matrix<Float32Array>; magnitudes: Matrix<Float32Array> } {
  const sr = options.sampleRate ?? 22050;
  const nFftIn = options.nFft ?? 2048;
  const { S, nFft } = spectrogramInput(y, { ...options, hopLength: options.hopLength ?? Math.floor(nFftIn / 4) }, 1);
  const fmin = Math.max(options.fmin ?? 150, 0);
  const fmax = Math.min(options.fmax ?? 4000, sr / 2);
  const threshold = options.threshold ?? 0.1;
  const r = roundLike(S);
  const { rows, cols, data } = S;
  const freqs = fftFrequencies(sr, nFft);
  const pitches = new Float32Array(rows * cols);
  const mags = new Float32Array(rows * cols);
  const col = new Float64Array(rows);
  const masked = new Float64Array(rows);
  for (let t = 0; t < cols; t++) {
    let max = 0;
    for (let k = 0; k < rows; k++) {
      col[k] = Math.abs(data[k * cols + t]);
      if (col[k] > max) max = col[k];
    }
    const refValue = options.ref !== undefined ? Math.abs(options.ref) : r(threshold * max);
    for (let k = 0; k < rows; k++) masked[k] = col[k] > refValue ? col[k] : 0;
    for (let k = 1; k < rows; k++) {
      if (!(freqs[k] >= fmin && freqs[k] < fmax)) continue;
      // util.localmax along frequency: strictly above the left neighbour, not below the right.
      const isMax = k === rows - 1 ? masked[k] > masked[k - 1] : masked[k] > masked[k - 1] && masked[k] >= masked[k + 1];
      if (!isMax) continue;
      // Parabolic shift (0 at the edges or when the vertex is more than a bin away).
      let shift = 0;
      if (k < rows - 1) {
        const a = col[k + 1] + col[k - 1] - 2 * col[k];
        const b = (col[k + 1] - col[k - 1]) / 2;
        shift = Math.abs(b) >= Math.abs(a) ? 0 : r(-b / a);
      }
      // np.gradient: central difference inside, one-sided at the last bin.
      const avg = k < rows - 1 ? r((col[k + 1] - col[k - 1]) / 2) : r(col[k] - col[k - 1]);
      const dskew = r(r(0.5 * avg) * shift);
      pitches[k * cols + t] = ((k + shift) * sr) / nFft;
      mags[k * cols + t] = col[k] + dskew;
    }
  }
  return { pitches: { rows, cols, data: pitches }, magnitudes: { rows, cols, data: mags } };
}

export interface PitchTuningOptions {
  /** Histogram resolution in fractions of a bin. Default 0.01. */
  resolution?: number;
  /** Bins per octave. Default 12. */
  binsPerOctave?: number;
}

/**
 * Tuning offset (fractions of a bin, in [-0.5, 0.5)) that best explains a set of
 * frequencies (librosa.pitch_tuning): the left edge of the most populated bin of a
 * histogram of each frequency's deviation from the nearest equal-tempered pitch.
 * Frequencies ≤ 0 are ignored; an empty set gives 0. Values are treated as float32,
 * as they are in librosa when they come from piptrack.
 */
export function pitchTuning(frequencies: ArrayLike<number>, options: PitchTuningOptions = {}): number {
  const resolution = options.resolution ?? 0.01;
  const binsPerOctave = options.binsPerOctave ?? 12;
  if (!(resolution > 0 && resolution < 1)) throw new RangeError('resolution must lie in (0, 1)');
  const nBins = Math.ceil(1 / resolution);
  // numpy.linspace(-0.5, 0.5, nBins + 1).
  const step = 1 / nBins;
  const edges = new Float64Array(nBins + 1);
  for (let i = 0; i < nBins; i++) edges[i] = i * step + -0.5;
  edges[nBins] = 0.5;
  const counts = new Int32Array(nBins);
  let any = false;
  for (let i = 0; i < frequencies.length; i++) {
    const f = f32(frequencies[i]);
    if (!(f > 0)) continue;
    any = true;
    // float32 throughout, as numpy evaluates hz_to_octs on a float32 pitch array.
    const octs = f32(Math.log2(f32(f / 27.5)));
    let res = f32(binsPerOctave * octs) % 1;
    if (res < 0) res = f32(res + 1);
    if (res >= 0.5) res = f32(res - 1);
    if (res < edges[0] || res > edges[nBins]) continue;
    // numpy.histogram: half-open bins, the last one closed; exact edge comparisons.
    let b = Math.min(Math.floor((res - edges[0]) * nBins), nBins - 1);
    if (res < edges[b]) b--;
    else if (b < nBins - 1 && res >= edges[b + 1]) b++;
    counts[b]++;
  }
  if (!any) return 0;
  let best = 0;
  for (let b = 1; b < nBins; b++) if (counts[b] > counts[best]) best = b;
  return edges[best];
}

export interface EstimateTuningOptions extends PiptrackOptions, PitchTuningOptions {}

/**
 * Estimated tuning deviation from A440 in fractions of a bin (librosa.estimate_tuning):
 * piptrack peaks whose magnitude is at least the median peak magnitude, fed to
 * {@link pitchTuning}. Defaults: resolution 0.01, binsPerOctave 12, nFft 2048, piptrack
 * defaults (fmin 150, fmax 4000, threshold 0.1). From y the magnitude spectrogram is
 * used; chromaStft passes its power spectrogram as S, as librosa does.
 */
export function estimateTuning(y: Signal | null | undefined, options: EstimateTuningOptions = {}): number {
  const { pitches, magnitudes } = piptrack(y, options);
  const peakMags: number[] = [];
  for (let i = 0; i < pitches.data.length; i++) if (pitches.data[i] > 0) peakMags.push(magnitudes.data[i]);
  let threshold = 0;
  if (peakMags.length > 0) {
    peakMags.sort((a, b) => a - b);
    const m = peakMags.length;
    // numpy.median on float32: the mean of the two middle values is taken in float32.
    threshold = m % 2 === 1 ? peakMags[(m - 1) / 2] : f32(f32(peakMags[m / 2 - 1] + peakMags[m / 2]) / 2);
  }
  const selected: number[] = [];
  for (let i = 0; i < pitches.data.length; i++) {
    if (pitches.data[i] > 0 && magnitudes.data[i] >= threshold) selected.push(pitches.data[i]);
  }
  return pitchTuning(selected, options);
}

export interface ChromaStftOptions extends SpectrogramInputOptions {
  /** Tuning deviation in fractions of a chroma bin; estimated from S when omitted. */
  tuning?: number;
  /** Per-frame norm of the output. Default Infinity (peak of each frame is 1). */
  norm?: Norm;
  /** Number of chroma bins. Default 12. */
  nChroma?: number;
  /** Octave weighting centre (octaves above A0). Default 5. */
  ctroct?: number;
  /** Octave weighting width in octaves; null disables. Default 2. */
  octwidth?: number | null;
  /** Row 0 is C (true) or A (false). Default true. */
  baseC?: boolean;
}

/**
 * Chromagram `[nChroma, frames]` (librosa.feature.chroma_stft): the chroma filterbank
 * applied to the POWER spectrogram |X|² (or to `S`, which must then be a power
 * spectrogram), then each frame divided by its norm (max by default). All-zero frames
 * stay 0. When tuning is omitted it is estimated from the same spectrogram. Defaults:
 * nFft 2048, hopLength 512, norm Infinity, nChroma 12, ctroct 5, octwidth 2, baseC.
 */
export function chromaStft(y: Signal | null | undefined, options: ChromaStftOptions = {}): Matrix<Float32Array> {
  const sr = options.sampleRate ?? 22050;
  const nChroma = options.nChroma ?? 12;
  const norm = options.norm === undefined ? Infinity : options.norm;
  const { S, nFft } = spectrogramInput(y, options, 2);
  const tuning = options.tuning ?? estimateTuning(null, { S, sampleRate: sr, binsPerOctave: nChroma });
  const fb = chromaFilterbank({
    sampleRate: sr,
    nFft,
    nChroma,
    tuning,
    ctroct: options.ctroct,
    octwidth: options.octwidth,
    baseC: options.baseC,
  });
  const { rows: bins, cols, data } = S;
  if (fb.cols !== bins) throw new RangeError(`S has ${bins} rows, expected ${fb.cols}`);
  const out = new Float32Array(nChroma * cols);
  const col = new Float64Array(bins);
  const chroma = new Float64Array(nChroma);
  for (let t = 0; t < cols; t++) {
    for (let k = 0; k < bins; k++) col[k] = data[k * cols + t];
    for (let c = 0; c < nChroma; c++) {
      let acc = 0;
      const base = c * bins;
      for (let k = 0; k < bins; k++) acc += fb.data[base + k] * col[k];
      // librosa's einsum runs in float32.
      chroma[c] = f32(acc);
    }
    let len = 1;
    if (norm !== null) {
      len = columnNorm(chroma, norm);
      if (len < 1.1754943508222875e-38) len = 1;
    }
    for (let c = 0; c < nChroma; c++) out[c * cols + t] = chroma[c] / len;
  }
  return { rows: nChroma, cols, data: out };
}
