/**
 * Training-time audio augmentation. Universal (no Node imports): pure functions over samples.
 */
import { resample } from './resample.ts';

/**
 * The last continued-fraction convergent p/q of `x` with q ≤ `maxDenominator`: exact for
 * small fractions such as 16/15, so a speed factor becomes the integer rate ratio the
 * resampler needs.
 */
export function rationalApproximation(x: number, maxDenominator = 64): [number, number] {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`cannot approximate ${x} by a positive fraction`);
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let v = x;
  for (;;) {
    const a = Math.floor(v);
    const [p2, q2] = [a * p1 + p0, a * q1 + q0];
    if (q2 > maxDenominator) break;
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    if (Math.abs(v - a) < 1e-12) break;
    v = 1 / (v - a);
  }
  return [p1, q1];
}

/** Why `speed` is not a usable speed factor (outside [0.5, 2], or 1: no change), or null. */
export function speedFactorProblem(speed: unknown): string | null {
  const usable = typeof speed === 'number' && speed >= 0.5 && speed <= 2 && speed !== 1;
  return usable ? null : `${JSON.stringify(speed)} is not a speed factor in [0.5, 2] other than 1`;
}

/**
 * Speed perturbation, as in speech recognition (Ko et al. 2015): the signal played `speed`
 * times faster, so tempo and pitch both change by that factor (16/15 ≈ +6.7 % tempo and
 * +1.1 semitones) while timbre, dynamics and harmony — what a listener's mood rating rests
 * on — are kept. Band-limited resampling by the rational approximation of `speed`
 * (denominator ≤ 64); the result is `length / speed` samples at the same rate.
 *
 * @param speed playback-speed factor, in [0.5, 2]; 1 returns the input unchanged
 */
export function changeSpeed(samples: Float32Array, speed: number): Float32Array {
  if (speed === 1) return samples;
  if (speedFactorProblem(speed)) throw new RangeError(`speed factor must be in [0.5, 2], got ${speed}`);
  const [from, to] = rationalApproximation(speed);
  return resample(samples, from, to);
}
