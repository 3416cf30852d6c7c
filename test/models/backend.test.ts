import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/data/splits.ts';
import { tf, useBackend, type BackendName } from '../../src/models/backend.ts';

function randomArray(n: number, seed: number, offset = 0): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1 + offset);
}

/** Gradients of sum(f(x, w) · probe) with respect to x and w, on one backend. */
async function grads(
  backend: BackendName,
  f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor,
  xShape: number[],
  wShape: number[],
  xOffset = 0,
): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor(randomArray(xShape.reduce((a, b) => a * b), 1, xOffset), xShape);
    const w = tf.tensor(randomArray(wShape.reduce((a, b) => a * b), 2), wShape);
    const y0 = f(x, w);
    const probe = tf.tensor(randomArray(y0.size, 3), y0.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b).mul(probe).sum());
    const [dx, dw] = g([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function assertNear(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < tol, `${what}: worst relative difference ${worst}`);
}

const convCases: { name: string; f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor; x: number[]; w: number[] }[] = [
  { name: 'conv1d k3 same', f: (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same'), x: [2, 17, 5], w: [3, 5, 4] },
  { name: 'conv1d k5 valid stride 2', f: (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 2, 'valid'), x: [3, 20, 3], w: [5, 3, 6] },
  { name: 'conv2d 3x3 same', f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), x: [2, 9, 7, 3], w: [3, 3, 3, 4] },
  { name: 'conv2d 3x2 valid stride 2x1', f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], 'valid'), x: [1, 11, 8, 2], w: [3, 2, 2, 3] },
  {
    name: 'fused conv2d + bias + relu',
    f: (x, w) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', activation: 'relu', bias: tf.tensor1d([0.1, -0.2, 0.05]) }),
    x: [2, 6, 6, 2],
    w: [3, 3, 2, 3],
  },
];

for (const c of convCases) {
  test(`wasm Conv2DBackpropFilter matches cpu: ${c.name}`, async () => {
    const cpu = await grads('cpu', c.f, c.x, c.w);
    const wasm = await grads('wasm', c.f, c.x, c.w);
    assertNear(wasm.dw, cpu.dw, 1e-4, 'dW');
    assertNear(wasm.dx, cpu.dx, 1e-4, 'dX');
    assert.ok(cpu.dw.some((v) => Math.abs(v) > 1e-3), 'gradient is not trivially zero');
  });
}

test('wasm MaxPoolGrad matches cpu when window maxima are negative', async () => {
  // All inputs in [-3, -1]: the case tfjs-backend-wasm 4.22 gets wrong.
  const f = (x: tf.Tensor, w: tf.Tensor) => tf.maxPool(x.mul(w.sum().add(2)) as tf.Tensor4D, [2, 2], [2, 2], 'valid');
  const cpu = await grads('cpu', f, [2, 6, 6, 3], [1], -2);
  const wasm = await grads('wasm', f, [2, 6, 6, 3], [1], -2);
  assertNear(wasm.dx, cpu.dx, 1e-5, 'dX');
  assertNear(wasm.dw, cpu.dw, 1e-4, 'dW');
  // Exactly one position per 2×2 window receives gradient.
  assert.equal(cpu.dx.filter((v) => v !== 0).length, 2 * 3 * 3 * 3);
});

test('wasm MaxPoolGrad matches cpu for 1-D pooling with same padding', async () => {
  const f = (x: tf.Tensor, w: tf.Tensor) => tf.maxPool(x.mul(w.sum()).reshape([2, 1, 9, 4]) as tf.Tensor4D, [1, 3], [1, 2], 'same');
  const cpu = await grads('cpu', f, [2, 9, 4], [1], 0);
  const wasm = await grads('wasm', f, [2, 9, 4], [1], 0);
  assertNear(wasm.dx, cpu.dx, 1e-5, 'dX');
});
