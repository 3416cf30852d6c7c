/** Mixup of training windows: convex pairs of real examples, targets mixed with the same weight. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixExamples } from '../../src/train/window-model.ts';
import type { Examples } from '../../src/train/trainer.ts';

/** n examples whose inputs (1, k, k²) and targets encode their index k, so every mix can be decoded. */
function indexed(n: number): Examples {
  const dims = 3;
  const x = new Float32Array(n * dims);
  const y = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) {
    x.set([1, k, k * k], k * dims);
    y.set([k / n, -k / n], 2 * k);
  }
  return { x, y, count: n, inputShape: [1, dims], targetShape: [2] };
}

test('every mixed example is λ·itself + (1 − λ)·one partner with λ in [0.5, 1], targets with the same λ', () => {
  const n = 100;
  const ex = indexed(n);
  const mixed = mixExamples(ex, 0.4, 7);
  const partners = new Set<number>();
  let mixedCount = 0;
  for (let k = 0; k < n; k++) {
    const [one, x1, x2] = mixed.x.subarray(3 * k, 3 * k + 3);
    assert.ok(Math.abs(one - 1) < 1e-6, 'weights sum to 1');
    // The targets must be the same mix as the inputs: y0·n = x1 and y1 = −y0.
    assert.ok(Math.abs(mixed.y[2 * k] * n - x1) < 1e-3, `target of ${k} mixed with another λ`);
    assert.ok(Math.abs(mixed.y[2 * k + 1] + mixed.y[2 * k]) < 1e-6);
    if (Math.abs(x1 - k) < 1e-3) continue; // λ = 1, or mixed with itself
    // x1 − k = (1−λ)(p−k) and x2 − k² = (1−λ)(p² − k²), so p + k = (x2 − k²)/(x1 − k).
    const p = Math.round((x2 - k * k) / (x1 - k) - k);
    const lambda = 1 - (x1 - k) / (p - k);
    assert.ok(p >= 0 && p < n && p !== k, `example ${k}: partner ${p} is not another example`);
    assert.ok(lambda >= 0.5 - 1e-3 && lambda <= 1 + 1e-3, `example ${k}: λ ${lambda} outside [0.5, 1]`);
    assert.ok(Math.abs(lambda * k * k + (1 - lambda) * p * p - x2) < 0.05 * (1 + x2), `example ${k} is not a two-example mix`);
    partners.add(p);
    mixedCount++;
  }
  assert.ok(mixedCount > 0.9 * n && partners.size > n / 2, `mixes ${mixedCount}, distinct partners ${partners.size}`);
  assert.deepEqual(ex.x, indexed(n).x, 'the input examples are left as they were');
});

test('mixup is seeded, and α sets how strongly examples are mixed', () => {
  const ex = indexed(400);
  assert.deepEqual(mixExamples(ex, 0.4, 3).x, mixExamples(ex, 0.4, 3).x);
  assert.notDeepEqual(mixExamples(ex, 0.4, 3).x, mixExamples(ex, 0.4, 4).x);
  // Mean distance of an example from its original, relative to the spread of the data:
  // Beta(0.1, 0.1) puts λ near 0 or 1 (folded: near 1), Beta(8, 8) near 0.5.
  const shift = (alpha: number) => {
    const m = mixExamples(ex, alpha, 5);
    let s = 0;
    for (let k = 0; k < ex.count; k++) s += Math.abs(m.y[2 * k] - ex.y[2 * k]);
    return s / ex.count;
  };
  assert.ok(shift(0.1) < 0.5 * shift(8), `α 0.1 ${shift(0.1)} vs α 8 ${shift(8)}`);
  assert.throws(() => mixExamples(ex, 0, 1), /mixup α must be > 0/);
});
