/**
 * Local derivatives (librosa.feature.delta): a Savitzky–Golay filter along time with
 * scipy's mode='interp' (edge windows are fitted, not padded).
 */
import type { Matrix } from './matrix.ts';

/** Least-squares polynomial fit weights: row j gives d-th derivative at position j of a width-w window. */
function savgolWeights(width: number, polyorder: number, deriv: number): Float64Array[] {
  const p = polyorder + 1;
  // Normal equations A^T A c = A^T x with A[i][q] = i^q (positions 0..w-1).
  const ata = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => {
    let s = 0;
    for (let i = 0; i < width; i++) s += Math.pow(i, a + b);
    return s;
  }));
  const inv = invert(ata);
  const rows: Float64Array[] = [];
  for (let pos = 0; pos < width; pos++) {
    // d^deriv/dx^deriv of sum_q c_q x^q at x = pos, with c = inv A^T x.
    const dq = new Float64Array(p);
    for (let q = deriv; q < p; q++) {
      let f = 1;
      for (let r = 0; r < deriv; r++) f *= q - r;
      dq[q] = f * Math.pow(pos, q - deriv);
    }
    const w = new Float64Array(width);
    for (let i = 0; i < width; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) {
        let g = 0;
        for (let b = 0; b < p; b++) g += inv[a][b] * Math.pow(i, b);
        s += dq[a] * g;
      }
      w[i] = s;
    }
    rows.push(w);
  }
  return rows;
}

function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((r) => r.slice(n));
}

export interface DeltaOptions {
  /** Odd window width in frames, >= 3. Default 9. */
  width?: number;
  /** Derivative order. Default 1. */
  order?: number;
}

/** Delta features along the last (time) axis of a `[features, frames]` matrix. */
export function delta(data: Matrix, options: DeltaOptions = {}): Matrix<Float32Array> {
  const width = options.width ?? 9;
  const order = options.order ?? 1;
  if (width < 3 || width % 2 === 0) throw new RangeError(`delta width must be an odd integer >= 3, got ${width}`);
  if (order < 1 || !Number.isInteger(order)) throw new RangeError(`delta order must be a positive integer, got ${order}`);
  const T = data.cols;
  if (T < width) throw new RangeError(`delta width ${width} exceeds the number of frames (${T})`);
  const weights = savgolWeights(width, order, order);
  const half = width >> 1;
  const out = new Float32Array(data.rows * T);
  for (let r = 0; r < data.rows; r++) {
    const base = r * T;
    for (let t = 0; t < T; t++) {
      let start: number;
      let w: Float64Array;
      if (t < half) {
        start = 0;
        w = weights[t];
      } else if (t >= T - half) {
        start = T - width;
        w = weights[t - start];
      } else {
        start = t - half;
        w = weights[half];
      }
      let acc = 0;
      for (let i = 0; i < width; i++) acc += w[i] * data.data[base + start + i];
      out[base + t] = acc;
    }
  }
  return { rows: data.rows, cols: T, data: out };
}
