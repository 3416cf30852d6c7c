import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitStandardization,
  parseStandardization,
  standardize,
  standardizeRow,
  summarizeFrames,
  summarizeSpans,
  summarizeWindows,
  summaryColumns,
  STD_FLOOR,
} from '../../src/features/summary.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);
const allClose = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) close(a[i], b[i], tol);
};

// Columns: x = 1, 3, 5 (mean 3, var (4+0+4)/3); y = 2, 2, 8 (mean 4, var (4+4+16)/3 = 8).
const ROWS = [Float32Array.of(1, 2), Float32Array.of(3, 2), Float32Array.of(5, 8)];
const MATRIX = { rows: 3, cols: 2, data: Float32Array.of(1, 2, 3, 2, 5, 8) };

test('summarizeFrames: per-column mean and population std, [means..., stds...]', () => {
  const s = summarizeFrames(ROWS, ['x', 'y']);
  assert.deepEqual(s.columns, ['x_mean', 'y_mean', 'x_std', 'y_std']);
  allClose(s.values, [3, 4, Math.sqrt(8 / 3), Math.sqrt(8)]);
  assert.deepEqual(summarizeFrames(MATRIX, ['x', 'y']), s, 'matrix and row arrays agree');
  assert.deepEqual(summarizeFrames([[7, -1]]).values, Float64Array.of(7, -1, 0, 0), 'one frame: std 0, not NaN');
  assert.deepEqual(summarizeFrames(ROWS).columns, ['f0_mean', 'f1_mean', 'f0_std', 'f1_std']);
  assert.deepEqual(summaryColumns(['a']), ['a_mean', 'a_std']);
});

test('summarizeFrames: two-pass std keeps precision on a large offset', () => {
  const rows = [1e8 + 1, 1e8 + 2, 1e8 + 3].map((v) => [v]);
  close(summarizeFrames(rows).values[1], Math.sqrt(2 / 3), 1e-9);
});

test('summarizeFrames rejects empty, ragged and mis-named input', () => {
  assert.throws(() => summarizeFrames([]), RangeError);
  assert.throws(() => summarizeFrames([[1, 2], [3]]), /frame 1 has 1 values/);
  assert.throws(() => summarizeFrames(ROWS, ['x']), /1 column names for 2 columns/);
  assert.throws(() => summarizeFrames({ rows: 2, cols: 2, data: new Float32Array(3) }), RangeError);
});

test('summarizeWindows: consecutive windows, partial tail dropped or kept, overlap', () => {
  const frames = { rows: 5, cols: 1, data: Float32Array.of(0, 2, 4, 4, 10) };
  const w = summarizeWindows(frames, { size: 2, names: ['e'] });
  assert.deepEqual(w.columns, ['e_mean', 'e_std']);
  assert.equal(w.summaries.rows, 2);
  assert.equal(w.summaries.cols, 2);
  allClose(w.summaries.data, [1, 1, 4, 0]);
  assert.deepEqual([...w.starts], [0, 2]);
  assert.deepEqual([...w.counts], [2, 2]);

  const k = summarizeWindows(frames, { size: 2, keepPartial: true });
  assert.equal(k.summaries.rows, 3);
  allClose(k.summaries.data.subarray(4), [10, 0]);
  assert.deepEqual([...k.counts], [2, 2, 1]);

  const o = summarizeWindows(frames, { size: 3, hop: 1 });
  assert.deepEqual([...o.starts], [0, 1, 2]);
  allClose(o.summaries.data.subarray(4), [6, Math.sqrt(8)]); // frames 4, 4, 10
  assert.equal(summarizeWindows(frames, { size: 6 }).summaries.rows, 0);
  assert.throws(() => summarizeWindows(frames, { size: 0 }), RangeError);
  assert.throws(() => summarizeWindows(frames, { size: 2, hop: 1.5 }), RangeError);
});

test('summarizeWindows rows equal summarizeFrames of the same frames', () => {
  const rows = Array.from({ length: 23 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i % 4]);
  const w = summarizeWindows(rows, { size: 10 });
  assert.equal(w.summaries.rows, 2);
  for (let k = 0; k < 2; k++) {
    const expected = summarizeFrames(rows.slice(10 * k, 10 * k + 10)).values;
    allClose(w.summaries.data.subarray(6 * k, 6 * k + 6), expected);
  }
});

test('summarizeSpans: frames whose time is in [start, end)', () => {
  const frames = { rows: 6, cols: 1, data: Float32Array.of(1, 3, 5, 7, 9, 11) };
  const times = Float64Array.of(0, 0.25, 0.5, 0.75, 1.0, 1.25);
  const s = summarizeSpans(frames, times, [
    { start: 0, end: 0.5 },
    { start: 0.5, end: 1.3 },
  ]);
  allClose(s.summaries.data, [2, 1, 8, Math.sqrt(5)]);
  assert.deepEqual([...s.starts], [0, 2]);
  assert.deepEqual([...s.counts], [2, 4]);
  assert.throws(() => summarizeSpans(frames, times, [{ start: 2, end: 3 }]), /span 0 .* contains no frame/);
  assert.throws(() => summarizeSpans(frames, times.subarray(1), []), /5 frame times for 6 frames/);
});

test('standardization: fitted on training rows, applied to others, floor on constant columns', () => {
  const train = [
    [1, 10, 5],
    [3, 20, 5],
    [5, 30, 5],
  ];
  const s = fitStandardization(train);
  allClose(s.mean, [3, 20, 5]);
  allClose(s.std, [Math.sqrt(8 / 3), Math.sqrt(200 / 3), STD_FLOOR]);

  const z = standardize(train, s);
  for (let j = 0; j < 2; j++) {
    const col = z.map((r) => r[j]);
    close(col.reduce((a, b) => a + b) / 3, 0);
    close(Math.sqrt(col.reduce((a, b) => a + b * b, 0) / 3), 1);
  }
  allClose(z.map((r) => r[2]), [0, 0, 0]);
  allClose(standardizeRow([3 + Math.sqrt(8 / 3), 20, 5], s), [1, 0, 0]);
  allClose(standardizeRow([0, 0, 6], s), [-3 / Math.sqrt(8 / 3), -20 / Math.sqrt(200 / 3), 1e8], 1e-4);
  assert.deepEqual(train[0], [1, 10, 5], 'input untouched');
  allClose(standardize({ rows: 3, cols: 3, data: Float32Array.from(train.flat()) }, s).flatMap((r) => [...r]), z.flatMap((r) => [...r]));
  assert.throws(() => standardizeRow([1, 2], s), /row has 2 values/);
});

test('standardization survives JSON and rejects bad input', () => {
  const s = fitStandardization([
    [0.1, -3],
    [0.7, 4],
  ]);
  const back = parseStandardization(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(back, s);
  assert.throws(() => parseStandardization({ mean: [1], std: [0] }), /positive/);
  assert.throws(() => parseStandardization({ mean: [1, 2], std: [1] }), RangeError);
  assert.throws(() => parseStandardization({ mean: 'x' }), TypeError);
  assert.throws(() => fitStandardization([]), /zero rows/);
  assert.throws(() => fitStandardization([[1, NaN]]), /non-finite value NaN at row 0, column 1/);
});
