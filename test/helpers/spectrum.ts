/** Small spectral probes for tests. */
import { realFft } from '../../src/dsp/fft.ts';

/** Magnitude at `freqHz` relative to the strongest bin, in dB, over a Hann-windowed excerpt. */
export function peakFrequencies(y: Float32Array, sampleRate: number, count: number, size = 16384): number[] {
  const n = Math.min(size, y.length);
  const start = Math.max(0, Math.floor((y.length - n) / 2));
  const frame = new Float64Array(n);
  for (let i = 0; i < n; i++) frame[i] = y[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const fft = realFft(n);
  const spec = new Float64Array(2 * fft.bins);
  fft.forward(frame, spec);
  const mag = Array.from({ length: fft.bins }, (_, k) => Math.hypot(spec[2 * k], spec[2 * k + 1]));
  const peaks: { f: number; m: number }[] = [];
  for (let k = 1; k < mag.length - 1; k++) if (mag[k] > mag[k - 1] && mag[k] >= mag[k + 1]) peaks.push({ f: (k * sampleRate) / n, m: mag[k] });
  peaks.sort((a, b) => b.m - a.m);
  return peaks.slice(0, count).map((p) => p.f).sort((a, b) => a - b);
}

export function rms(y: Float32Array, from = 0, to = y.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i] * y[i];
  return Math.sqrt(s / Math.max(1, to - from));
}
