/**
 * Window statistics over frame-level features: for each column the mean, the standard
 * deviation and the mean absolute frame-to-frame change, over any [start, end) frame range
 * in O(columns) via prefix sums — so the default model's input for every 0.5 s step of a
 * song costs almost nothing once the frames exist. Pure; works in the browser.
 */
import type { Matrix } from '../dsp/matrix.ts';

export interface WindowStatsIndex {
  rows: number;
  cols: number;
  /** Prefix sums, (rows + 1) × cols each, float64 for accuracy over long songs. */
  sum: Float64Array;
  sumSq: Float64Array;
  sumAbsDelta: Float64Array;
}

export function windowStatsColumns(columns: readonly string[]): string[] {
  return columns.flatMap((c) => [`${c}_mean`, `${c}_std`, `${c}_absdelta`]);
}

export function indexWindowStats(frames: Matrix): WindowStatsIndex {
  const { rows, cols, data } = frames;
  const sum = new Float64Array((rows + 1) * cols);
  const sumSq = new Float64Array((rows + 1) * cols);
  const sumAbsDelta = new Float64Array((rows + 1) * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      const o = (r + 1) * cols + c;
      sum[o] = sum[o - cols] + v;
      sumSq[o] = sumSq[o - cols] + v * v;
      // Δ of row r is v[r] − v[r−1]; row 0 contributes nothing.
      sumAbsDelta[o] = sumAbsDelta[o - cols] + (r > 0 ? Math.abs(v - data[(r - 1) * cols + c]) : 0);
    }
  }
  return { rows, cols, sum, sumSq, sumAbsDelta };
}

/** Writes [mean, std, mean|Δ|] per column for frames [start, end) into `out` at `offset`. */
export function windowStats(index: WindowStatsIndex, start: number, end: number, out: Float32Array, offset = 0): void {
  const { cols, sum, sumSq, sumAbsDelta } = index;
  const s = Math.max(0, Math.min(start, index.rows - 1));
  const e = Math.max(s + 1, Math.min(end, index.rows));
  const n = e - s;
  for (let c = 0; c < cols; c++) {
    const mean = (sum[e * cols + c] - sum[s * cols + c]) / n;
    const sq = (sumSq[e * cols + c] - sumSq[s * cols + c]) / n;
    // Deltas inside the window: rows s+1 .. e−1.
    const deltas = n > 1 ? (sumAbsDelta[e * cols + c] - sumAbsDelta[(s + 1) * cols + c]) / (n - 1) : 0;
    out[offset + 3 * c] = mean;
    out[offset + 3 * c + 1] = Math.sqrt(Math.max(0, sq - mean * mean));
    out[offset + 3 * c + 2] = deltas;
  }
}
