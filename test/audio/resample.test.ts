import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResampler, resample } from '../../src/audio/resample.ts';
import { sine } from '../helpers/wav.ts';
import { peakFrequencies, rms } from '../helpers/spectrum.ts';

const RATES: [number, number][] = [
  [44100, 22050], // integer decimation (FFT path)
  [48000, 22050], // rational 147/320 (polyphase path)
  [16000, 22050], // upsampling
  [22050, 16000],
];

for (const [from, to] of RATES) {
  test(`${from} → ${to} Hz keeps a 1 kHz sine at 1 kHz with its level and length`, () => {
    const y = resample(sine(1000, from, 2, 0.5), from, to);
    assert.equal(y.length, Math.ceil((2 * from * to) / from));
    const [f] = peakFrequencies(y, to, 1);
    assert.ok(Math.abs(f - 1000) < to / 16384, `peak at ${f} Hz`);
    assert.ok(Math.abs(rms(y, 2000, y.length - 2000) - 0.5 / Math.SQRT2) < 1e-3);
  });
}

for (const [from, to] of [[44100, 22050], [48000, 22050], [22050, 16000]] as const) {
  test(`${from} → ${to} Hz attenuates content above the new Nyquist by at least 60 dB`, () => {
    const nyquist = to / 2;
    for (const f of [nyquist * 1.02, nyquist * 1.3, Math.min(from / 2 - 100, nyquist * 1.9)]) {
      const y = resample(sine(f, from, 1, 0.5), from, to);
      const levelDb = 20 * Math.log10(rms(y, 1000, y.length - 1000) / (0.5 / Math.SQRT2));
      assert.ok(levelDb <= -60, `${f.toFixed(0)} Hz came through at ${levelDb.toFixed(1)} dB`);
    }
  });
}

test('streaming in uneven chunks equals one-shot resampling', () => {
  for (const [from, to] of RATES) {
    const x = sine(3000, from, 1.3, 0.3);
    const whole = resample(x, from, to);
    const r = createResampler(from, to);
    const parts: number[] = [];
    for (let i = 0, step = 1; i < x.length; i += step, step = (step * 7 + 13) % 5003 + 1) parts.push(...r.push(x.subarray(i, Math.min(x.length, i + step))));
    parts.push(...r.flush());
    assert.equal(parts.length, whole.length, `${from}→${to}`);
    assert.deepEqual(Float32Array.from(parts), whole, `${from}→${to}`);
  }
});

test('equal rates pass samples through; invalid rates are refused', () => {
  const x = sine(440, 22050, 0.1);
  assert.deepEqual(resample(x, 22050, 22050), x);
  assert.throws(() => createResampler(0, 22050), /positive integers/);
  assert.throws(() => createResampler(44100.5, 22050), /positive integers/);
});
