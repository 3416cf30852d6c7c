import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SvrModel, SvmClassifier } from '../../src/models/svr.ts';
import { MeanRegressor } from '../../src/models/mean.ts';

/** Park–Miller LCG in (0, 1): reproducible data without a dependency. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

const rmse = (p: ArrayLike<number>, t: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - t[i]) ** 2;
  return Math.sqrt(s / p.length);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** y = 0.5 sin(x) (+ offset) on n evenly spaced x in [0, 2π]; arousal is a cosine. */
function sine(n: number, offset = 0) {
  const X: number[][] = [];
  const valence: number[] = [];
  const arousal: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = (i / (n - 1)) * 2 * Math.PI;
    X.push([x]);
    valence.push(0.5 * Math.sin(x) + offset);
    arousal.push(0.3 * Math.cos(x));
  }
  return { X, Y: { valence, arousal } };
}

/** Two 2-D Gaussian blobs (σ = 1) centred at (±2, ±2), labelled 'Q1' and 'Q3'. */
function blobs(nPerClass: number, seed: number) {
  const rand = rng(seed);
  const X: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < nPerClass; i++) {
    for (const [c, label] of [
      [2, 'Q1'],
      [-2, 'Q3'],
    ] as const) {
      X.push([c + gaussian(rand), c + gaussian(rand)]);
      labels.push(label);
    }
  }
  return { X, labels };
}

test('SVR with C = 10 fits 0.5·sin(x) far better than the mean baseline', async () => {
  const train = sine(60);
  const test = sine(157); // a different grid: interpolation, not memorisation
  const model = await SvrModel.train(train.X, train.Y, { C: 10, epsilon: 0.01 });
  try {
    const p = model.predict(test.X);
    const base = MeanRegressor.train(train.Y).predict(test.X);
    const baseRmse = rmse(base.valence, test.Y.valence);
    assert.ok(baseRmse > 0.3);
    assert.ok(rmse(p.valence, test.Y.valence) < 0.03, `valence RMSE ${rmse(p.valence, test.Y.valence)}`);
    assert.ok(rmse(p.arousal, test.Y.arousal) < 0.03, `arousal RMSE ${rmse(p.arousal, test.Y.arousal)}`);
    assert.ok(rmse(p.valence, test.Y.valence) < 0.1 * baseRmse);
  } finally {
    model.free();
  }
});

test('SVR defaults: C = 0.1, gamma = 1/nFeatures, epsilon = 0.1, standardised inputs', async () => {
  const X = [
    [0, 10, 5],
    [1, 20, 5],
    [2, 30, 6],
    [3, 40, 6],
  ];
  const model = await SvrModel.train(X, { valence: [0, 0.1, 0.2, 0.3], arousal: [0, 0, 0.5, 0.5] });
  assert.deepEqual(model.params, { C: 0.1, gamma: 1 / 3, epsilon: 0.1, tolerance: 1e-3, cacheSizeMB: 100, shrinking: true, standardize: true });
  assert.deepEqual(model.standardization?.mean, [1.5, 25, 5.5]);
  assert.equal(model.nFeatures, 3);
  model.free();
});

test('small C shrinks predictions toward the training mean', async () => {
  const { X, Y } = sine(20, 0.2);
  const spread: number[] = [];
  for (const C of [0.01, 0.1, 10]) {
    const model = await SvrModel.train(X, Y, { C, epsilon: 0.01 });
    const p = model.predict(X).valence;
    model.free();
    spread.push(sd(p));
    // The bias sits at the (symmetric) targets' centre, whatever C.
    assert.ok(Math.abs(mean(p) - 0.2) < 0.01, `C=${C}: mean prediction ${mean(p)}`);
    if (C === 0.01) assert.ok(sd(p) < 0.25 * sd(Y.valence), `C=0.01 spread ${sd(p)}`);
  }
  assert.ok(spread[0] < spread[1] && spread[1] < spread[2], `spreads ${spread.join(', ')}`);
  assert.ok(spread[1] < 0.95 * spread[2], 'C = 0.1 visibly shrinks compared with C = 10');
});

test('SVR training is deterministic', async () => {
  const { X, Y } = sine(40);
  const a = await SvrModel.train(X, Y, { C: 1 });
  const b = await SvrModel.train(X, Y, { C: 1 });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.deepEqual(b.predict(X), a.predict(X));
  a.free();
  b.free();
});

test('SVR save → load predicts identically; free releases and is idempotent', async () => {
  const rand = rng(7);
  const X = Array.from({ length: 80 }, () => Array.from({ length: 12 }, () => rand() * 4 - 2));
  const Y = { valence: X.map((r) => Math.tanh(r[0] - r[1])), arousal: X.map((r) => 0.5 * Math.sin(r[2])) };
  const model = await SvrModel.train(X, Y, { C: 1 });
  const json = JSON.stringify(model);
  const loaded = await SvrModel.fromJSON(JSON.parse(json));
  const fresh = Array.from({ length: 30 }, () => Array.from({ length: 12 }, () => rand() * 4 - 2));
  assert.deepEqual(loaded.predict(fresh), model.predict(fresh));
  assert.deepEqual(loaded.toJSON(), model.toJSON());
  assert.ok(model.supportVectors.valence > 0 && model.supportVectors.valence <= 80);

  model.free();
  model.free();
  assert.throws(() => model.predict(fresh), /freed/);
  assert.equal(JSON.stringify(model), json, 'toJSON still works after free');
  assert.equal(loaded.predict(fresh).valence.length, 30, 'other models are unaffected');
  loaded.free();

  await assert.rejects(SvrModel.fromJSON({ ...JSON.parse(json), libsvm: { valence: 'garbage', arousal: 'x' } }), TypeError);
  await assert.rejects(SvrModel.fromJSON({ format: 'sentio-svr', version: 2 }), TypeError);
});

test('SVR rejects malformed inputs instead of letting libsvm guess', async () => {
  const { X, Y } = sine(10);
  await assert.rejects(SvrModel.train([], { valence: [], arousal: [] }), RangeError);
  await assert.rejects(SvrModel.train(X, { valence: Y.valence.slice(1), arousal: Y.arousal }), RangeError);
  await assert.rejects(SvrModel.train([[1], [2, 3]], { valence: [0, 0], arousal: [0, 0] }), /row 1 has 2 features/);
  await assert.rejects(SvrModel.train([[1], [NaN]], { valence: [0, 0], arousal: [0, 0] }), /row 1, feature 0 is NaN/);
  await assert.rejects(SvrModel.train(X, Y, { C: 0 }), /C must be a positive number/);
  const model = await SvrModel.train(X, Y);
  assert.throws(() => model.predict([[1, 2]]), /expected 1/);
  model.free();
});

test('training leaves no unhandledRejection handler behind (the emscripten glue installs one)', async () => {
  const before = process.listenerCount('unhandledRejection');
  const { X, Y } = sine(10);
  (await SvrModel.train(X, Y)).free();
  assert.equal(process.listenerCount('unhandledRejection'), before);
});

test('SVM classifier separates two Gaussian blobs; probabilities sum to 1', async () => {
  const train = blobs(100, 1);
  const test = blobs(100, 2);
  const clf = await SvmClassifier.train(train.X, train.labels);
  try {
    assert.deepEqual(clf.classes, ['Q1', 'Q3']);
    assert.equal(clf.params.C, 1);
    const pred = clf.predict(test.X);
    const acc = pred.filter((p, i) => p === test.labels[i]).length / pred.length;
    assert.ok(acc > 0.95, `accuracy ${acc}`);

    const probs = clf.predictProbabilities(test.X);
    let agree = 0;
    for (let i = 0; i < probs.length; i++) {
      assert.equal(probs[i].length, 2);
      assert.ok(probs[i].every((p) => p >= 0 && p <= 1));
      assert.ok(Math.abs(probs[i][0] + probs[i][1] - 1) < 1e-9);
      if (clf.classes[probs[i][0] > probs[i][1] ? 0 : 1] === test.labels[i]) agree++;
    }
    assert.ok(agree / probs.length > 0.95, 'the likelier class is the true one');
    // Far from the boundary the model is confident.
    const [far] = clf.predictProbabilities([[4, 4]]);
    assert.ok(far[0] > 0.9, `P(Q1 | (4, 4)) = ${far[0]}`);
  } finally {
    clf.free();
  }
});

test('SVM classifier: deterministic with probabilities, save → load, multi-class', async () => {
  const rand = rng(3);
  const centres: Record<string, [number, number]> = { Q1: [2, 2], Q2: [-2, 2], Q3: [-2, -2], Q4: [2, -2] };
  const X: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < 30; i++) {
    for (const [q, [cx, cy]] of Object.entries(centres)) {
      X.push([cx + 0.7 * gaussian(rand), cy + 0.7 * gaussian(rand), rand()]);
      labels.push(q);
    }
  }
  // Platt scaling uses libsvm's rand(): training in a fresh instance makes it repeatable,
  // even with another probability model trained in between.
  const a = await SvmClassifier.train(X, labels, { C: 2 });
  (await SvmClassifier.train(X.slice(0, 60), labels.slice(0, 60))).free();
  const b = await SvmClassifier.train(X, labels, { C: 2 });
  assert.deepEqual(b.toJSON(), a.toJSON());

  const loaded = await SvmClassifier.fromJSON(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(loaded.classes, ['Q1', 'Q2', 'Q3', 'Q4']);
  assert.deepEqual(loaded.predict(X), a.predict(X));
  assert.deepEqual(loaded.predictProbabilities(X), a.predictProbabilities(X));
  for (const row of a.predictProbabilities(X)) assert.ok(Math.abs(row.reduce((s, p) => s + p, 0) - 1) < 1e-9);
  assert.ok(a.predict(X).filter((p, i) => p === labels[i]).length / X.length > 0.95);
  for (const m of [a, b, loaded]) m.free();

  const plain = await SvmClassifier.train(X, labels, { probability: false, classWeights: { Q2: 2 } });
  assert.throws(() => plain.predictProbabilities(X), /without probability/);
  assert.equal(plain.predict([[2, 2, 0.5]])[0], 'Q1');
  plain.free();
  await assert.rejects(SvmClassifier.train(X, labels.map(() => 'Q1')), /at least two classes/);
  await assert.rejects(SvmClassifier.train(X, labels, { classWeights: { Q9: 1 } }), /unknown class 'Q9'/);
});

test('loads model texts larger than the emscripten stack (SVM.load would trap)', async () => {
  const rand = rng(11);
  const d = 1000;
  const X = Array.from({ length: 420 }, () => Array.from({ length: d }, () => rand()));
  const labels = X.map(() => (rand() < 0.5 ? 'a' : 'b')); // noise: nearly every row is a support vector
  const clf = await SvmClassifier.train(X, labels, { probability: false });
  const json = clf.toJSON();
  assert.ok(json.libsvm.length > 5 * 2 ** 20, `model text is ${json.libsvm.length} characters`);
  const loaded = await SvmClassifier.fromJSON(json);
  assert.deepEqual(loaded.predict(X.slice(0, 20)), clf.predict(X.slice(0, 20)));
  clf.free();
  loaded.free();
});
