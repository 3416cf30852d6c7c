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

export function matrix<T extends Float32Array | Float64Array>(rows: number, cols: number, data: T): Matrix<T> {
  if (data.length !== rows * cols) throw new RangeError(`matrix data has ${data.length} values, expected ${rows}x${cols}`);
  return { rows, cols, data };
}

export function zeros32(rows: number, cols: number): Matrix<Float32Array> {
  return { rows, cols, data: new Float32Array(rows * cols) };
}

export function zeros64(rows: number, cols: number): Matrix<Float64Array> {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Row i as a view (no copy). */
export function row<T extends Float32Array | Float64Array>(m: Matrix<T>, i: number): T {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols) as T;
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

/** Column j copied out. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}
