import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanStd, aggregateRuns, formatMeanStd, formatNumber, summarizeFolds, recordKeys } from '../../src/eval/aggregate.ts';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

test('meanStd: sample std (n − 1), std 0 for one value, empty throws', () => {
  // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, squared deviations sum 32 → sample var 32/7
  const m = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(m.mean, 5);
  close(m.std, Math.sqrt(32 / 7));
  assert.equal(m.n, 8);
  // python: statistics.stdev([0.1, 0.2, 0.4]) = 0.15275252316519466
  close(meanStd([0.1, 0.2, 0.4]).std, 0.15275252316519466, 1e-15);
  assert.deepEqual(meanStd([0.3]), { mean: 0.3, std: 0, n: 1 });
  assert.throws(() => meanStd([]), RangeError);
  // NaN propagates rather than being skipped
  assert.ok(Number.isNaN(meanStd([1, NaN]).mean));
});

test('aggregateRuns: per-key mean ± std in first-seen key order; missing keys counted in n', () => {
  const agg = aggregateRuns([
    { rmse: 0.2, ccc: 0.5 },
    { rmse: 0.4, ccc: 0.7, extra: 1 },
    { rmse: 0.3, ccc: 0.6 },
  ]);
  assert.deepEqual(Object.keys(agg), ['rmse', 'ccc', 'extra']);
  close(agg.rmse.mean, 0.3);
  close(agg.rmse.std, 0.1);
  close(agg.ccc.mean, 0.6);
  close(agg.ccc.std, 0.1);
  assert.equal(agg.rmse.n, 3);
  assert.deepEqual(agg.extra, { mean: 1, std: 0, n: 1 });
  assert.throws(() => aggregateRuns([]), RangeError);
  assert.deepEqual(recordKeys([{ b: 1 }, { a: 1, b: 2 }]), ['b', 'a']);
});

test('formatMeanStd / formatNumber: fixed decimals, no negative zero', () => {
  assert.equal(formatMeanStd(0.12345, 0.0104), '0.123 ± 0.010');
  assert.equal(formatMeanStd(0.5, 0.25, 1), '0.5 ± 0.3'); // toFixed rounding of an exact binary half
  assert.equal(formatMeanStd(-0.0001, 0, 3), '0.000 ± 0.000');
  assert.equal(formatNumber(-0.25, 2), '-0.25');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(2), '2.000');
  assert.equal(formatNumber(7, 0), '7');
});

test('summarizeFolds: per-fold records with labels plus overall', () => {
  const s = summarizeFolds([{ acc: 0.5 }, { acc: 0.7 }]);
  assert.deepEqual(s.keys, ['acc']);
  assert.deepEqual(s.folds.map((f) => f.label), ['1', '2']);
  assert.equal(s.folds[1].values.acc, 0.7);
  close(s.overall.acc.mean, 0.6);
  close(s.overall.acc.std, Math.sqrt(0.02));
  assert.deepEqual(summarizeFolds([{ acc: 1 }], ['seed 42']).folds[0].label, 'seed 42');
  assert.throws(() => summarizeFolds([{ acc: 1 }], ['a', 'b']), RangeError);
});
