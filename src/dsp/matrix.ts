/**
 * A dense row-major 2-D array. DSP functions follow librosa's axis order
 * (`[feature, frame]`); feature sets return `[frame, dim]`.
 */
export interface Matrix<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  readonly rows: number;
  readonly cols: number;
  /** Element (i, j) is at `data[i * cols + j]`. */
  readonly data: T;
}

/** Transpose into a new matrix of the same element type. */
export function transpose<T extends Float32Array | Float64Array>(m: Matrix<T>): Matrix<T> {
  const out = new (m.data.constructor as { new (n: number): T })(m.rows * m.cols);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  }
  return { rows: cols, cols: rows, data: out };
}

