/** MFCCs (librosa.feature.mfcc): DCT-II (orthonormal) of the dB mel spectrogram. */
import { powerToDb } from './convert.ts';
import { melSpectrogram, type MelSpectrogramOptions } from './mel.ts';
import type { Matrix } from './matrix.ts';

/**
 * The first `keep` orthonormal DCT-II basis vectors of length `n`, row-major `[keep × n]`:
 * coefficient k of a vector x is Σᵢ basis[k·n + i]·x[i].
 */
export function dctBasis(n: number, keep = n): Float64Array {
  if (keep > n) throw new RangeError(`cannot keep ${keep} DCT coefficients of ${n} rows`);
  const basis = new Float64Array(keep * n);
  for (let k = 0; k < keep; k++) {
    const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) basis[k * n + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return basis;
}

/**
 * Orthonormal DCT-II along the rows of `[n, frames]` input, keeping the first `keep`
 * coefficients (scipy.fft.dct(type=2, norm='ortho', axis=0)[:keep]).
 */
export function dctII(S: Matrix, keep = S.rows): Matrix<Float32Array> {
  const n = S.rows;
  const frames = S.cols;
  const basis = dctBasis(n, keep);
  const out = new Float32Array(keep * frames);
  const col = new Float64Array(n);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < n; i++) col[i] = S.data[i * frames + t];
    for (let k = 0; k < keep; k++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += basis[k * n + i] * col[i];
      out[k * frames + t] = acc;
    }
  }
  return { rows: keep, cols: frames, data: out };
}

export type MfccOptions = MelSpectrogramOptions & {
  /** Number of coefficients. Default 20. */
  nMfcc?: number;
  /** top_db of the power_to_db step. Default 80. */
  topDb?: number | null;
};

/** MFCC `[nMfcc, frames]` from a signal, or from a precomputed dB mel spectrogram via {@link mfccFromLogMel}. */
export function mfcc(y: Float32Array | Float64Array, options: MfccOptions = {}): Matrix<Float32Array> {
  const S = powerToDb(melSpectrogram(y, options), { topDb: options.topDb });
  return mfccFromLogMel(S, options.nMfcc ?? 20);
}

export function mfccFromLogMel(logMel: Matrix, nMfcc = 20): Matrix<Float32Array> {
  return dctII(logMel, nMfcc);
}
