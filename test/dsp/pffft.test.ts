import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realFft } from '../../src/dsp/fft.ts';
import { powerSpectrum, PowerSpectrum } from '../../src/dsp/pffft.ts';
import { getWindow } from '../../src/dsp/window.ts';

function reference(x: Float64Array): Float64Array {
  const fft = realFft(x.length);
  const out = new Float64Array(2 * fft.bins);
  fft.forward(x, out);
  return Float64Array.from({ length: fft.bins }, (_, k) => out[2 * k] ** 2 + out[2 * k + 1] ** 2);
}

test('PFFFT power spectrum matches the float64 fft.js path (float32 precision), DC and Nyquist included', () => {
  for (const size of [2048, 4096]) {
    const x = Float64Array.from({ length: size }, (_, i) => Math.sin(0.05 * i) + 0.3 * Math.cos(1.7 * i) + 0.1 * ((i * 7919) % 13) / 13 + 0.2 * (i % 2));
    const ps = powerSpectrum(size);
    ps.input().set(x);
    const got = new Float64Array(ps.bins);
    ps.power(got, 0.25);
    const want = reference(x);
    const peak = Math.max(...want);
    for (let k = 0; k < ps.bins; k++) assert.ok(Math.abs(got[k] - 0.25 * want[k]) <= 1e-5 * peak, `size ${size} bin ${k}: ${got[k]} vs ${0.25 * want[k]}`);
  }
});

test('PFFFT power: a bin limit leaves the bins above it untouched; shared per size; bad sizes refused', () => {
  const ps = powerSpectrum(2048);
  assert.equal(powerSpectrum(2048), ps);
  ps.input().fill(1);
  const out = new Float64Array(ps.bins).fill(-1);
  ps.power(out, 1, 100);
  assert.ok(out[0] > 0);
  assert.equal(out[99], 0);
  assert.equal(out[100], -1);
  assert.equal(out[1024], -1);
  assert.throws(() => new PowerSpectrum(1000), /power of two/);
  // A large setup grows WASM memory, which detaches old views: the older transform must
  // still see the frame written through input().
  const before = ps.input();
  new PowerSpectrum(1 << 20);
  assert.equal(before.length, 0, 'memory grew and detached the old view');
  ps.input().fill(0);
  ps.input()[0] = 2;
  ps.power(out);
  assert.ok(Math.abs(out[500] - 4) < 1e-6);
});

test('PFFFT hannPower equals windowing with a periodic Hann window first, at every bin (both ends included)', () => {
  for (const size of [64, 2048, 4096]) {
    const x = Float64Array.from({ length: size }, (_, i) => Math.sin(0.05 * i) + 0.3 * Math.cos(1.7 * i) + 0.1 * ((i * 7919) % 13) / 13 + 0.2 * (i % 2) + 0.5);
    const w = getWindow('hann', size);
    const want = reference(x.map((v, i) => v * w[i]));
    const ps = powerSpectrum(size);
    ps.input().set(x);
    const got = new Float64Array(ps.bins).fill(-1);
    ps.hannPower(got, 0.25);
    const peak = Math.max(...want);
    for (let k = 0; k < ps.bins; k++) assert.ok(Math.abs(got[k] - 0.25 * want[k]) <= 1e-5 * peak, `size ${size} bin ${k}: ${got[k]} vs ${0.25 * want[k]}`);
    // With a bin limit, the bins above it are left alone.
    const part = new Float64Array(ps.bins).fill(-1);
    ps.input().set(x);
    ps.hannPower(part, 0.25, size / 4);
    assert.equal(part[size / 4], -1);
    assert.equal(part[size / 4 - 1], got[size / 4 - 1]);
  }
});
