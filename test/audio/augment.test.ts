import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeSpeed, rationalApproximation } from '../../src/audio/augment.ts';

test('rationalApproximation: exact small fractions, else the last convergent within the denominator bound', () => {
  assert.deepEqual(rationalApproximation(16 / 15), [16, 15]);
  assert.deepEqual(rationalApproximation(1.05), [21, 20]);
  assert.deepEqual(rationalApproximation(0.9375), [15, 16]);
  assert.deepEqual(rationalApproximation(2), [2, 1]);
  assert.deepEqual(rationalApproximation(Math.PI, 64), [22, 7]);
  assert.deepEqual(rationalApproximation(Math.PI, 200), [355, 113]);
  assert.throws(() => rationalApproximation(0), RangeError);
});

/** Frequency of a pure tone from its mean upward zero-crossing period. */
function toneFrequency(y: Float32Array, sampleRate: number): number {
  const ups: number[] = [];
  for (let i = 1; i < y.length; i++) if (y[i - 1] < 0 && y[i] >= 0) ups.push(i - y[i] / (y[i] - y[i - 1]));
  return sampleRate / ((ups[ups.length - 1] - ups[0]) / (ups.length - 1));
}

test('changeSpeed: 16/15 faster is 15/16 as long and 16/15 higher in pitch; slower the other way', () => {
  const rate = 22050;
  const n = rate * 2;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate);
  const fast = changeSpeed(y, 16 / 15);
  assert.equal(fast.length, Math.ceil((n * 15) / 16));
  // Away from the filter's edge transients.
  assert.ok(Math.abs(toneFrequency(fast.subarray(2000, fast.length - 2000), rate) - (440 * 16) / 15) < 0.05);
  const slow = changeSpeed(y, 15 / 16);
  assert.equal(slow.length, Math.ceil((n * 16) / 15));
  assert.ok(Math.abs(toneFrequency(slow.subarray(2000, slow.length - 2000), rate) - (440 * 15) / 16) < 0.05);
  assert.equal(changeSpeed(y, 1), y);
  assert.throws(() => changeSpeed(y, 3), /speed factor must be in \[0\.5, 2\]/);
});
