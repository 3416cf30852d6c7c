/**
 * Mel scale, mel filterbanks and mel spectrograms (librosa.filters.mel,
 * librosa.feature.melspectrogram, 0.10 conventions).
 */
import { fftFrequencies, forEachStftFrame, frameCount, resolveStft, type StftOptions } from './stft.ts';
import type { Matrix } from './matrix.ts';

const F_SP = 200 / 3; // Slaney: linear part, Hz per mel
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP; // 15
const LOG_STEP = Math.log(6.4) / 27;

/** Hz → mel. Slaney (librosa default: linear below 1 kHz, log above) or HTK. */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** mel → Hz, inverse of {@link hzToMel}. */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700 * (Math.pow(10, mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** `count` frequencies equally spaced in mel between fmin and fmax (librosa.mel_frequencies). */
export function melFrequencies(count: number, fmin = 0, fmax = 11025, htk = false): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(count);
  const step = count > 1 ? (hi - lo) / (count - 1) : 0;
  // numpy.linspace: start + i * step, last point exactly `stop`.
  for (let i = 0; i < count; i++) out[i] = melToHz(i === count - 1 && count > 1 ? hi : lo + i * step, htk);
  return out;
}

export interface MelOptions {
  /** Sample rate in Hz. Default 22050. */
  sampleRate?: number;
  /** FFT size the filterbank applies to. Default 2048. */
  nFft?: number;
  /** Number of mel bands. Default 128. */
  nMels?: number;
  /** Lowest corner frequency in Hz. Default 0. */
  fmin?: number;
  /** Highest corner frequency in Hz. Default sampleRate / 2. */
  fmax?: number;
  /** HTK mel scale instead of Slaney. Default false. */
  htk?: boolean;
  /** 'slaney' scales each triangle to equal area; null keeps unit peaks. Default 'slaney'. */
  norm?: 'slaney' | null;
}

/** Mel filterbank `[nMels, 1 + nFft/2]` in float32, like librosa.filters.mel. */
export function melFilterbank(options: MelOptions = {}): Matrix<Float32Array> {
  const sr = options.sampleRate ?? 22050;
  const nFft = options.nFft ?? 2048;
  const nMels = options.nMels ?? 128;
  const fmin = options.fmin ?? 0;
  const fmax = options.fmax ?? sr / 2;
  const htk = options.htk ?? false;
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  const fftFreqs = fftFrequencies(sr, nFft);
  const bins = fftFreqs.length;
  const corners = melFrequencies(nMels + 2, fmin, fmax, htk);
  const data = new Float32Array(nMels * bins);
  for (let i = 0; i < nMels; i++) {
    const lowWidth = corners[i + 1] - corners[i];
    const highWidth = corners[i + 2] - corners[i + 1];
    const enorm = norm === 'slaney' ? 2 / (corners[i + 2] - corners[i]) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = -(corners[i] - fftFreqs[k]) / lowWidth;
      const upper = (corners[i + 2] - fftFreqs[k]) / highWidth;
      const w = Math.max(0, Math.min(lower, upper));
      data[i * bins + k] = w * enorm;
    }
  }
  return { rows: nMels, cols: bins, data };
}

/**
 * Sparse, flattened filterbank: band i applies weights[offset[i] .. offset[i+1]) to the
 * spectrum bins starting at start[i]. Mel triangles touch few bins, so this is ~60×
 * less work than the dense product.
 */
export interface SparseBank {
  readonly bands: number;
  readonly start: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float64Array;
}

export function sparseBank(fb: Matrix): SparseBank {
  const start = new Int32Array(fb.rows);
  const offset = new Int32Array(fb.rows + 1);
  const spans: [number, number][] = [];
  for (let i = 0; i < fb.rows; i++) {
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < fb.cols; k++) {
      if (fb.data[i * fb.cols + k] !== 0) {
        if (lo < 0) lo = k;
        hi = k;
      }
    }
    start[i] = Math.max(lo, 0);
    spans.push([lo, hi]);
    offset[i + 1] = offset[i] + (lo < 0 ? 0 : hi - lo + 1);
  }
  const weights = new Float64Array(offset[fb.rows]);
  spans.forEach(([lo, hi], i) => {
    if (lo >= 0) weights.set(fb.data.subarray(i * fb.cols + lo, i * fb.cols + hi + 1), offset[i]);
  });
  return { bands: fb.rows, start, offset, weights };
}

/**
 * Compressed sparse rows: only the non-zero weights, each with its bin. For filters whose
 * support is scattered over the spectrum (chroma: one bump per octave), where the span
 * layout of {@link SparseBank} would walk mostly zeros.
 */
export interface CompressedBank {
  readonly bands: number;
  readonly offset: Int32Array;
  readonly bins: Int32Array;
  readonly weights: Float64Array;
}

export function compressedBank(fb: Matrix): CompressedBank {
  const offset = new Int32Array(fb.rows + 1);
  for (let i = 0; i < fb.rows; i++) {
    let nz = 0;
    for (let k = 0; k < fb.cols; k++) if (fb.data[i * fb.cols + k] !== 0) nz++;
    offset[i + 1] = offset[i] + nz;
  }
  const bins = new Int32Array(offset[fb.rows]);
  const weights = new Float64Array(offset[fb.rows]);
  for (let i = 0, w = 0; i < fb.rows; i++) {
    for (let k = 0; k < fb.cols; k++) {
      const v = fb.data[i * fb.cols + k];
      if (v !== 0) {
        bins[w] = k;
        weights[w++] = v;
      }
    }
  }
  return { bands: fb.rows, offset, bins, weights };
}

export function applyCompressedBank(bank: CompressedBank, spectrum: Float64Array, out: Float64Array): void {
  const { bands, offset, bins, weights } = bank;
  for (let i = 0; i < bands; i++) {
    let acc = 0;
    for (let w = offset[i], end = offset[i + 1]; w < end; w++) acc += weights[w] * spectrum[bins[w]];
    out[i] = acc;
  }
}

/** Apply a sparse filterbank to one spectrum frame (length = bins). */
export function applyBank(bank: SparseBank, spectrum: Float64Array, out: Float64Array): void {
  const { bands, start, offset, weights } = bank;
  for (let i = 0; i < bands; i++) {
    let acc = 0;
    const shift = start[i] - offset[i];
    for (let w = offset[i], end = offset[i + 1]; w < end; w++) acc += weights[w] * spectrum[shift + w];
    out[i] = acc;
  }
}

export type MelSpectrogramOptions = StftOptions & MelOptions & {
  /** Exponent of the magnitude: 2 for power (default), 1 for magnitude. */
  power?: number;
};

/**
 * Mel spectrogram `[nMels, frames]` (librosa.feature.melspectrogram): filterbank times
 * |STFT|^power. Fused per frame, so the full STFT is never held in memory.
 */
export function melSpectrogram(y: Float32Array | Float64Array, options: MelSpectrogramOptions = {}): Matrix<Float32Array> {
  const stft = resolveStft(options);
  const power = options.power ?? 2;
  const fb = melFilterbank({ ...options, nFft: stft.nFft });
  const bank = sparseBank(fb);
  const bins = fb.cols;
  const frames = frameCount(y.length, stft.nFft, stft.hopLength, stft.center);
  const out = new Float32Array(bank.bands * frames);
  const spec = new Float64Array(bins);
  const bands = new Float64Array(bank.bands);
  forEachStftFrame(y, stft, (t, s) => {
    for (let k = 0; k < bins; k++) {
      const p = s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1];
      // librosa takes |X| in float32 and then raises it to `power`.
      spec[k] = power === 2 ? p : power === 1 ? Math.sqrt(p) : Math.pow(p, power / 2);
    }
    applyBank(bank, spec, bands);
    for (let i = 0; i < bank.bands; i++) out[i * frames + t] = bands[i];
  });
  return { rows: bank.bands, cols: frames, data: out };
}
