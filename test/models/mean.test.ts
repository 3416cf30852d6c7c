import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeanRegressor, PriorClassifier } from '../../src/models/mean.ts';

test('MeanRegressor predicts the training mean of each dimension', () => {
  const m = MeanRegressor.train({ valence: [0.1, 0.3, -0.1, 0.5], arousal: Float32Array.of(-1, 0, 1, 0.5) });
  assert.ok(Math.abs(m.valence - 0.2) < 1e-15);
  assert.equal(m.arousal, 0.125);
  assert.equal(m.n, 4);
  const p = m.predict([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(p.valence, [m.valence, m.valence, m.valence]);
  assert.deepEqual(p.arousal, [0.125, 0.125, 0.125]);
  assert.deepEqual(m.predict([]), { valence: [], arousal: [] });
});

test('MeanRegressor JSON round trip and validation', () => {
  const m = MeanRegressor.train({ valence: [0.25, -0.75], arousal: [1 / 3, 0] });
  const back = MeanRegressor.fromJSON(JSON.parse(JSON.stringify(m)));
  assert.deepEqual(back.toJSON(), m.toJSON());
  assert.deepEqual(back.predict([[0]]), m.predict([[0]]));
  assert.throws(() => MeanRegressor.fromJSON({ format: 'other' }), TypeError);
  assert.throws(() => MeanRegressor.fromJSON({ ...m.toJSON(), valence: null }), TypeError);
  assert.throws(() => MeanRegressor.train({ valence: [], arousal: [] }), RangeError);
  assert.throws(() => MeanRegressor.train({ valence: [1], arousal: [1, 2] }), RangeError);
  assert.throws(() => MeanRegressor.train({ valence: [NaN], arousal: [1] }), /valence target 0 is NaN/);
});

test('PriorClassifier predicts the class prior and its mode', () => {
  const c = PriorClassifier.train(['Q2', 'Q1', 'Q2', 'Q4', 'Q2', 'Q1']);
  assert.deepEqual(c.classes, ['Q1', 'Q2', 'Q4']);
  assert.deepEqual(c.prior, [2 / 6, 3 / 6, 1 / 6]);
  assert.deepEqual(c.predict([[0], [0]]), ['Q2', 'Q2']);
  const p = c.predictProbabilities([[0], [0]]);
  assert.deepEqual(p, [c.prior, c.prior]);
  assert.ok(Math.abs(p[0].reduce((a, b) => a + b) - 1) < 1e-12);
  p[0][0] = 99;
  assert.equal(c.prior[0], 2 / 6, 'returned rows are copies');
  assert.deepEqual(PriorClassifier.train(['b', 'a']).predict([[0]]), ['a'], 'ties go to the first class in sorted order');
});

test('PriorClassifier JSON round trip and validation', () => {
  const c = PriorClassifier.train(['a', 'b', 'b']);
  const back = PriorClassifier.fromJSON(JSON.parse(JSON.stringify(c)));
  assert.deepEqual(back.toJSON(), c.toJSON());
  assert.throws(() => PriorClassifier.fromJSON({ ...c.toJSON(), prior: [1] }), TypeError);
  assert.throws(() => PriorClassifier.fromJSON({ ...c.toJSON(), version: 2 }), TypeError);
  assert.throws(() => PriorClassifier.train([]), RangeError);
});
