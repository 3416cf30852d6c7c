import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Quadrant } from '../../src/data/types.ts';
import {
  rmse, mae, r2, pearson, ccc, dimensionMetrics, emotionAccuracy, halfAccuracy,
  confusionMatrix, sumConfusion, accuracy, perClassPrecisionRecallF1, macroF1,
  regressionReport, quadrantReport, quadrantReportFromVA, QUADRANTS, withinSongReport,
} from '../../src/eval/metrics.ts';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

test('rmse and mae: hand-computed', () => {
  // errors 0, 0, 2 → MSE 4/3, MAE 2/3
  close(rmse([1, 2, 5], [1, 2, 3]), Math.sqrt(4 / 3));
  close(mae([1, 2, 5], [1, 2, 3]), 2 / 3);
  assert.equal(rmse([0.5, -0.5], [0.5, -0.5]), 0);
  // typed arrays work too
  close(rmse(new Float64Array([1, 2, 5]), new Float64Array([1, 2, 3])), Math.sqrt(4 / 3));
});

test('r2: mean predictor is 0, perfect is 1, worse than the mean is negative', () => {
  const truth = [1, 2, 3, 4];
  close(r2([2.5, 2.5, 2.5, 2.5], truth), 0);
  assert.equal(r2(truth, truth), 1);
  // truth [1,2,3]: mean 2, SS_tot = 2; pred [1,2,5]: SS_res = 4 → 1 − 4/2 = −1
  close(r2([1, 2, 5], [1, 2, 3]), -1);
  // pred x = [1..5], truth y = [2,4,5,4,5]: SS_res = 1+4+4+0+0 = 9, SS_tot = 6 → −0.5
  close(r2([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), -0.5);
  // constant truth: undefined
  assert.ok(Number.isNaN(r2([1, 2, 3], [0.1, 0.1, 0.1])));
});

test('pearson: ±1 for linear data, hand value, NaN for zero variance', () => {
  const x = [1, 2, 3, 4];
  close(pearson(x.map((v) => 2 * v + 1), x), 1);
  close(pearson(x.map((v) => -3 * v), x), -1);
  // x = [1..5], y = [2,4,5,4,5]: var x = 2, var y = 1.2, cov = 1.2 (÷n) → r = 1.2/sqrt(2.4)
  close(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 1.2 / Math.sqrt(2.4));
  // [0.1, 0.1, 0.1] is exactly constant even though its floating-point mean is not 0.1
  assert.ok(Number.isNaN(pearson([0.1, 0.1, 0.1], [1, 2, 3])));
  assert.ok(Number.isNaN(pearson([1, 2, 3], [7, 7, 7])));
  assert.ok(Number.isNaN(pearson([1], [2])));
});

test('ccc: 1 for identity, below pearson under bias or scale error, degenerate cases', () => {
  const t = [1, 2, 3, 4];
  close(ccc(t, t), 1);
  // pred = truth + 0.5: r = 1, var = 1.25 each, cov = 1.25 → 2.5 / (2.5 + 0.25) = 10/11
  const biased = t.map((v) => v + 0.5);
  close(pearson(biased, t), 1);
  close(ccc(biased, t), 10 / 11);
  assert.ok(ccc(biased, t) < pearson(biased, t));
  // pred = 2·truth: r = 1, var p = 5, var t = 1.25, cov = 2.5, mean diff 2.5
  // → 5 / (5 + 1.25 + 6.25) = 0.4
  close(ccc(t.map((v) => 2 * v), t), 0.4);
  // x = [1..5], y = [2,4,5,4,5]: 2·1.2 / (2 + 1.2 + 1) = 4/7
  close(ccc([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 4 / 7);
  // one side constant → 0; both the same constant → NaN; both constant, different → 0
  assert.equal(ccc([0, 0, 0], [1, 2, 3]), 0);
  assert.equal(ccc([1, 2, 3], [0.3, 0.3, 0.3]), 0);
  assert.ok(Number.isNaN(ccc([0.2, 0.2], [0.2, 0.2])));
  assert.equal(ccc([0.2, 0.2], [0.1, 0.1]), 0);
});

test('dimensionMetrics bundles the five metrics', () => {
  const m = dimensionMetrics([1, 2, 5], [1, 2, 3]);
  close(m.rmse, Math.sqrt(4 / 3));
  close(m.mae, 2 / 3);
  close(m.r2, -1);
  assert.deepEqual(Object.keys(m), ['rmse', 'mae', 'r2', 'pearson', 'ccc']);
});

test('degenerate inputs throw RangeError with a clear message', () => {
  assert.throws(() => rmse([1, 2], [1, 2, 3]), { name: 'RangeError', message: /rmse: predictions and truth differ in length \(2 vs 3\)/ });
  assert.throws(() => mae([], []), { name: 'RangeError', message: /mae: predictions is empty/ });
  assert.throws(() => pearson([1, NaN], [1, 2]), { name: 'RangeError', message: /pearson: predictions\[1\] is not a finite number/ });
  assert.throws(() => emotionAccuracy([0], [0, 0], [0], [0]), { name: 'RangeError', message: /emotionAccuracy: inputs differ in length/ });
  assert.throws(() => emotionAccuracy([0], [0], [0], [0], -1), RangeError);
  assert.throws(() => accuracy([], []), RangeError);
  assert.throws(() => confusionMatrix(['a'], ['c'], ['a', 'b']), { name: 'RangeError', message: /predicted label 'c' at 0 is not one of a, b/ });
  assert.throws(() => confusionMatrix(['a'], ['a'], ['a', 'a']), RangeError);
});

test('emotionAccuracy: both dimensions within the (inclusive) threshold — seed 002', () => {
  const trueV = [0, 0, 0, 0];
  const trueA = [0, 0, 0, 0];
  const predV = [0.5, 0.6, 0.1, -0.2];
  const predA = [-0.5, 0.1, 0.7, 0.2];
  // item 0: both exactly 0.5 → counts; item 1: valence off by 0.6; item 2: arousal off by 0.7; item 3: ok
  assert.equal(emotionAccuracy(predV, predA, trueV, trueA), 0.5);
  assert.equal(emotionAccuracy(predV, predA, trueV, trueA, 0.7), 1);
  assert.equal(emotionAccuracy(predV, predA, trueV, trueA, 0.25), 0.25);
});

test('halfAccuracy: sign agreement with 0 counted as positive', () => {
  // pairs: (0, 0.3) agree, (-0.1, -0.9) agree, (0.2, -0.2) disagree, (-0.01, 0) disagree
  assert.equal(halfAccuracy([0, -0.1, 0.2, -0.01], [0.3, -0.9, -0.2, 0]), 0.5);
});

// A known 4-class example (rows = true, columns = predicted):
//        Q1 Q2 Q3 Q4
//   Q1 [  2, 1, 0, 0 ]
//   Q2 [  0, 2, 0, 0 ]
//   Q3 [  1, 0, 1, 1 ]
//   Q4 [  0, 0, 0, 2 ]
// precision = TP / column sum, recall = TP / row sum:
//   Q1 P 2/3 R 2/3 F1 2/3;  Q2 P 2/3 R 1 F1 0.8;  Q3 P 1 R 1/3 F1 0.5;  Q4 P 2/3 R 1 F1 0.8
// macro-F1 = (2/3 + 0.8 + 0.5 + 0.8) / 4 = 83/120; accuracy 7/10
// (checked with plain python; sklearn's f1_score(average='macro') gives the same)
const trueQ: Quadrant[] = ['Q1', 'Q1', 'Q1', 'Q2', 'Q2', 'Q3', 'Q3', 'Q3', 'Q4', 'Q4'];
const predQ: Quadrant[] = ['Q1', 'Q1', 'Q2', 'Q2', 'Q2', 'Q3', 'Q1', 'Q4', 'Q4', 'Q4'];

test('confusion matrix, per-class scores and macro-F1 of a known example', () => {
  const cm = confusionMatrix(trueQ, predQ, QUADRANTS);
  assert.deepEqual(cm.classes, ['Q1', 'Q2', 'Q3', 'Q4']);
  assert.deepEqual(cm.matrix, [
    [2, 1, 0, 0],
    [0, 2, 0, 0],
    [1, 0, 1, 1],
    [0, 0, 0, 2],
  ]);
  close(accuracy(trueQ, predQ), 0.7);
  const s = perClassPrecisionRecallF1(cm);
  const expected = [
    { label: 'Q1', precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
    { label: 'Q2', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
    { label: 'Q3', precision: 1, recall: 1 / 3, f1: 0.5, support: 3 },
    { label: 'Q4', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
  ];
  s.forEach((c, i) => {
    assert.equal(c.label, expected[i].label);
    assert.equal(c.support, expected[i].support);
    close(c.precision, expected[i].precision);
    close(c.recall, expected[i].recall);
    close(c.f1, expected[i].f1);
  });
  close(macroF1(cm), 83 / 120);
});

test('a class never predicted and absent from the truth scores 0 (zero_division = 0)', () => {
  const cm = confusionMatrix(['a', 'a', 'b'], ['a', 'a', 'b'], ['a', 'b', 'c']);
  const s = perClassPrecisionRecallF1(cm);
  assert.deepEqual(s[2], { label: 'c', precision: 0, recall: 0, f1: 0, support: 0 });
  close(macroF1(cm), 2 / 3);
});

test('sumConfusion adds fold matrices and refuses different classes', () => {
  const a = confusionMatrix(['x', 'y'], ['x', 'x'], ['x', 'y']);
  const b = confusionMatrix(['y'], ['y'], ['x', 'y']);
  assert.deepEqual(sumConfusion([a, b]).matrix, [[1, 0], [1, 1]]);
  assert.throws(() => sumConfusion([a, confusionMatrix(['y'], ['y'], ['y', 'x'])]), RangeError);
});

test('quadrantReport: accuracy, macro-F1, confusion and the half accuracies from quadrants', () => {
  const r = quadrantReport(predQ, trueQ);
  assert.equal(r.n, 10);
  close(r.accuracy, 0.7);
  close(r.macroF1, 83 / 120);
  assert.deepEqual(r.confusion.matrix[2], [1, 0, 1, 1]);
  // errors: Q1→Q2 (same arousal half, wrong valence), Q3→Q1 (both wrong), Q3→Q4 (same arousal, wrong valence)
  close(r.arousalHalfAccuracy, 0.9);
  close(r.valenceHalfAccuracy, 0.7);
});

test('quadrantReportFromVA maps points with quadrantOf (ties at 0 positive)', () => {
  const r = quadrantReportFromVA([0.5, -0.5, -0.5, 0], [0.5, 0.5, -0.5, 0], ['Q1', 'Q2', 'Q3', 'Q4']);
  // the last point (0, 0) is Q1, so the Q4 item is wrong on arousal only
  close(r.accuracy, 0.75);
  assert.deepEqual(r.confusion.matrix[3], [1, 0, 0, 0]);
  close(r.arousalHalfAccuracy, 0.75);
  close(r.valenceHalfAccuracy, 1);
});

test('regressionReport: both dimensions, emotion accuracy and halves', () => {
  const truth = { valence: [0.5, -0.5, 0.2, -0.2], arousal: [0.4, 0.4, -0.4, -0.4] };
  const pred = { valence: [0.4, -0.3, -0.1, -0.2], arousal: [0.5, 1, -0.3, 0.05] };
  const r = regressionReport(pred, truth);
  assert.equal(r.n, 4);
  assert.equal(r.threshold, 0.5);
  close(r.valence.rmse, rmse(pred.valence, truth.valence));
  close(r.arousal.ccc, ccc(pred.arousal, truth.arousal));
  // |Δv|, |Δa| per item: (0.1, 0.1), (0.2, 0.6), (0.3, 0.1), (0, 0.45) → items 0, 2, 3 within 0.5
  close(r.emotionAccuracy, 0.75);
  // valence signs: +,-,-,- vs +,-,+,- → 3/4; arousal: +,+,-,+ vs +,+,-,- → 3/4
  close(r.valenceHalfAccuracy, 0.75);
  close(r.arousalHalfAccuracy, 0.75);
  assert.equal(regressionReport(pred, truth, 0.05).threshold, 0.05);
  assert.throws(() => regressionReport({ valence: [0], arousal: [0, 1] }, truth), RangeError);
});

test('withinSongReport: identical, scaled+offset and constant timelines, scored per clip', () => {
  const same = { valence: [0.1, 0.3, -0.2, 0.4], arousal: [-0.5, 0, 0.5, 0.2] };
  // truth y = [0, 0.1, 0.2, 0.3]: mean 0.15, var 0.0125. pred x = 2y + 0.1: mean 0.4, var 0.05,
  // cov 0.025. CCC = 2·0.025 / (0.05 + 0.0125 + 0.25²) = 0.05 / 0.125 = 0.4, while r = 1.
  const y = [0, 0.1, 0.2, 0.3];
  const x = y.map((v) => 2 * v + 0.1);
  const flat = [0.2, 0.2, 0.2, 0.2];
  const r = withinSongReport([
    { id: 'same', pred: same, truth: same },
    { id: 'scaled', pred: { valence: x, arousal: x }, truth: { valence: y, arousal: y } },
    { id: 'flat', pred: { valence: flat, arousal: same.arousal }, truth: { valence: y, arousal: same.arousal } },
  ]);
  assert.equal(r.clips, 3);
  const [a, b, c] = r.perClip;
  close(a.valence.pearson, 1);
  close(a.valence.ccc, 1);
  close(b.valence.pearson, 1);
  close(b.valence.ccc, 0.4);
  assert.equal(b.n, 4);
  assert.equal(c.valence.skipped, true);
  assert.ok(Number.isNaN(c.valence.pearson) && Number.isNaN(c.valence.ccc));
  assert.equal(c.valence.predStd, 0);
  assert.equal(c.arousal.skipped, false);
  // Valence: means over the two clips kept; the flat clip is counted, and its std of 0 counts.
  assert.equal(r.valence.skipped, 1);
  close(r.valence.pearson, 1);
  close(r.valence.ccc, (1 + 0.4) / 2);
  const sd = (v: number[]): number => { const m = v.reduce((s, t) => s + t, 0) / v.length; return Math.sqrt(v.reduce((s, t) => s + (t - m) ** 2, 0) / v.length); };
  close(r.valence.predStd, (sd(same.valence) + sd(x) + 0) / 3);
  close(r.valence.truthStd, (sd(same.valence) + sd(y) + sd(y)) / 3);
  close(sd(x), 2 * sd(y));
  assert.equal(r.arousal.skipped, 0);
  close(r.arousal.ccc, (1 + 0.4 + 1) / 3);
});

test('withinSongReport: constant labels are skipped too; all skipped gives NaN means; bad input throws', () => {
  const r = withinSongReport([{ id: 'k', pred: { valence: [0, 1], arousal: [0, 1] }, truth: { valence: [0.3, 0.3], arousal: [0.3, 0.3] } }]);
  assert.equal(r.valence.skipped, 1);
  assert.equal(r.arousal.skipped, 1);
  assert.ok(Number.isNaN(r.valence.pearson) && Number.isNaN(r.arousal.ccc));
  close(r.valence.predStd, 0.5);
  assert.equal(r.valence.truthStd, 0);
  assert.throws(() => withinSongReport([]), /no clips/);
  assert.throws(() => withinSongReport([{ id: 'x', pred: { valence: [0, 1], arousal: [0, 1] }, truth: { valence: [0, 1, 2], arousal: [0, 1, 2] } }]), /differ in length/);
});
