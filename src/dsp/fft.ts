/**
 * Real-input FFT of any length, in float64.
 *
 * Power-of-two sizes go straight to fft.js (the fastest pure-JS FFT we measured).
 * fft.js only supports powers of two, and the reference recipes need odd and
 * composite sizes (11025 for 500 ms segments, 1102 / 800 for pyAudioAnalysis, 2646
 * for 60 ms emobase frames), so other sizes use Bluestein's chirp-z algorithm on top
 * of an fft.js power-of-two transform: exact in exact arithmetic, ~1e-12 relative
 * error in float64.
 */
import FFT from 'fft.js';

export interface RealFft {
  /** Transform length (samples in one frame). */
  readonly size: number;
  /** Number of non-negative frequency bins: floor(size / 2) + 1. */
  readonly bins: number;
  /**
   * Forward transform of `input` (length `size`). Writes the non-negative half of the
   * spectrum as interleaved [re0, im0, re1, im1, ...] into `out` (length 2 * bins).
   */
  forward(input: Float64Array, out: Float64Array): void;
  /**
   * Like `forward`, but returns an internal buffer whose first 2 * bins values hold the
   * spectrum (valid until the next call): saves a copy on hot paths.
   */
  forwardView(input: Float64Array): Float64Array;
}

const isPowerOfTwo = (n: number): boolean => n >= 4 && (n & (n - 1)) === 0;

class Radix2RealFft implements RealFft {
  readonly bins: number;
  private readonly fft: FFT;
  private readonly full: Float64Array;
  constructor(readonly size: number) {
    this.bins = (size >> 1) + 1;
    this.fft = new FFT(size);
    this.full = new Float64Array(2 * size);
  }
  forward(input: Float64Array, out: Float64Array): void {
    // realTransform fills the first half (plus Nyquist) of the complex output.
    this.fft.realTransform(this.full, input);
    out.set(this.full.subarray(0, 2 * this.bins));
  }
  forwardView(input: Float64Array): Float64Array {
    this.fft.realTransform(this.full, input);
    return this.full;
  }
}

class BluesteinRealFft implements RealFft {
  readonly bins: number;
  private readonly m: number;
  private readonly fft: FFT;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelSpectrum: Float64Array;
  private readonly work: Float64Array;
  private readonly workOut: Float64Array;
  constructor(readonly size: number) {
    const n = size;
    this.bins = (n >> 1) + 1;
    let m = 4;
    while (m < 2 * n - 1) m <<= 1;
    this.m = m;
    this.fft = new FFT(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k^2 mod 2n keeps the angle argument small, so float64 stays exact for large n.
      const angle = (Math.PI * ((k * k) % (2 * n))) / n;
      this.chirpRe[k] = Math.cos(angle);
      this.chirpIm[k] = -Math.sin(angle);
    }
    const kernel = new Float64Array(2 * m);
    for (let k = 0; k < n; k++) {
      kernel[2 * k] = this.chirpRe[k];
      kernel[2 * k + 1] = -this.chirpIm[k];
      if (k > 0) {
        kernel[2 * (m - k)] = this.chirpRe[k];
        kernel[2 * (m - k) + 1] = -this.chirpIm[k];
      }
    }
    this.kernelSpectrum = new Float64Array(2 * m);
    this.fft.transform(this.kernelSpectrum, kernel);
    this.work = new Float64Array(2 * m);
    this.workOut = new Float64Array(2 * m);
  }
  private view?: Float64Array;
  forwardView(input: Float64Array): Float64Array {
    this.view ??= new Float64Array(2 * this.bins);
    this.forward(input, this.view);
    return this.view;
  }
  forward(input: Float64Array, out: Float64Array): void {
    const { size: n, m, work, workOut, chirpRe, chirpIm, kernelSpectrum } = this;
    work.fill(0);
    for (let k = 0; k < n; k++) {
      work[2 * k] = input[k] * chirpRe[k];
      work[2 * k + 1] = input[k] * chirpIm[k];
    }
    this.fft.transform(workOut, work);
    for (let k = 0; k < m; k++) {
      const ar = workOut[2 * k];
      const ai = workOut[2 * k + 1];
      const br = kernelSpectrum[2 * k];
      const bi = kernelSpectrum[2 * k + 1];
      work[2 * k] = ar * br - ai * bi;
      work[2 * k + 1] = ar * bi + ai * br;
    }
    this.fft.inverseTransform(workOut, work);
    for (let k = 0; k < this.bins; k++) {
      const cr = workOut[2 * k];
      const ci = workOut[2 * k + 1];
      out[2 * k] = cr * chirpRe[k] - ci * chirpIm[k];
      out[2 * k + 1] = cr * chirpIm[k] + ci * chirpRe[k];
    }
  }
}

const cache = new Map<number, RealFft>();

/** A (cached) real FFT plan for `size` samples. Plans hold scratch buffers: not re-entrant. */
export function realFft(size: number): RealFft {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
  let plan = cache.get(size);
  if (!plan) {
    plan = isPowerOfTwo(size) ? new Radix2RealFft(size) : new BluesteinRealFft(size);
    cache.set(size, plan);
  }
  return plan;
}
