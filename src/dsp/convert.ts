/** Decibel conversions (librosa.power_to_db / amplitude_to_db). */
import type { Matrix } from './matrix.ts';

export interface PowerToDbOptions {
  /** Reference power: a number, or 'max' for the array maximum (librosa's ref=np.max). Default 1. */
  ref?: number | 'max';
  /** Floor applied to S and ref before the log. Default 1e-10. */
  amin?: number;
  /**
   * Clip to (max − topDb) over the WHOLE array (not per frame), as librosa does.
   * null disables. Default 80.
   */
  topDb?: number | null;
}

/** 10·log10(max(amin, S)) − 10·log10(max(amin, ref)), floored at max − topDb. Returns float32. */
export function powerToDb<T extends Matrix | Float32Array | Float64Array>(S: T, options: PowerToDbOptions = {}): T extends Matrix ? Matrix<Float32Array> : Float32Array {
  const values = (S as Matrix).data ?? (S as Float32Array | Float64Array);
  const amin = options.amin ?? 1e-10;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (amin <= 0) throw new RangeError('amin must be strictly positive');
  if (topDb !== null && topDb < 0) throw new RangeError('topDb must be non-negative');
  let refValue: number;
  if (options.ref === 'max') {
    refValue = -Infinity;
    for (let i = 0; i < values.length; i++) if (values[i] > refValue) refValue = values[i];
  } else refValue = options.ref ?? 1;
  const offset = 10 * Math.log10(Math.max(amin, Math.abs(refValue)));
  const out = new Float32Array(values.length);
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = 10 * Math.log10(Math.max(amin, values[i])) - offset;
    out[i] = v;
    if (v > max) max = v;
  }
  if (topDb !== null) {
    const floor = Math.fround(max - topDb);
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  if ((S as Matrix).data !== undefined) {
    const m = S as Matrix;
    return { rows: m.rows, cols: m.cols, data: out } as never;
  }
  return out as never;
}

/** 20·log10 of an amplitude with amin 1e-5 (librosa.amplitude_to_db); equivalent to powerToDb(S²). */
export function amplitudeToDb(S: Float32Array | Float64Array, options: PowerToDbOptions = {}): Float32Array {
  const sq = new Float64Array(S.length);
  for (let i = 0; i < S.length; i++) sq[i] = S[i] * S[i];
  const amin = options.amin ?? 1e-5;
  const ref = options.ref === 'max' ? 'max' : (options.ref ?? 1) ** 2;
  return powerToDb(sq, { ref, amin: amin * amin, topDb: options.topDb });
}
