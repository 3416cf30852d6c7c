import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, useBackend } from '../../src/models/backend.ts';
import { lossFunction } from '../../src/train/losses.ts';

test('tanh-bce: binary cross-entropy of (1 + t)/2 against the soft label (1 + y)/2', async () => {
  await useBackend('cpu');
  const loss = lossFunction('tanh-bce');
  const y = [1, -0.5, 0.25, -1];
  const t = [0.6, -0.2, 0.9, 0.1];
  const got = loss(tf.tensor2d(y, [2, 2]), tf.tensor2d(t, [2, 2])).dataSync()[0];
  const want = -y.reduce((s, yi, i) => {
    const b = (1 + yi) / 2;
    const q = (1 + t[i]) / 2;
    return s + b * Math.log(q) + (1 - b) * Math.log(1 - q);
  }, 0) / y.length;
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
});

test('tanh-bce: minimal at t = y, and its gradient does not vanish on a saturated wrong output', async () => {
  await useBackend('cpu');
  const loss = lossFunction('tanh-bce');
  const at = (t: number) => loss(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[t, t]])).dataSync()[0];
  for (const t of [-0.9, 0, 0.3, 0.7, 0.95]) assert.ok(at(0.5) < at(t), `loss at 0.5 ${at(0.5)} vs at ${t} ${at(t)}`);
  // Through tanh, d loss / d pre-activation: MSE's shrinks with 1 − t², cross-entropy's does not.
  const grad = (name: 'mse' | 'tanh-bce', z: number) =>
    tf.grad((x: tf.Tensor) => lossFunction(name)(tf.tensor2d([[1, 1]]), tf.tanh(x)))(tf.tensor2d([[z, z]])).dataSync()[0];
  assert.ok(Math.abs(grad('mse', -4)) < 0.01, `mse gradient ${grad('mse', -4)}`);
  assert.ok(Math.abs(grad('tanh-bce', -4)) > 0.4, `tanh-bce gradient ${grad('tanh-bce', -4)}`);
});
