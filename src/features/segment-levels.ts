/**
 * RMS level of consecutive 0.5 s segments of the input, as the analyser's silence gate and the
 * live level display read it. Universal (no Node imports). One definition for offline
 * (`extractFromChunks`) and live (`EmotionStream`): both meter the samples as they arrive, before
 * any resampling, and sum the squares in the same order, so a segment gets bit-identical levels
 * on either path whatever the chunk sizes.
 *
 * Level: 10·log10(mean of x²) dB re full scale 1, i.e. dBFS without the AES17 +3 dB sine
 * correction (a full-scale sine reads −3 dB), floored at {@link LEVEL_FLOOR_DB}.
 */

/** Segment length, s: the analyser's timeline hop (`HOP_SECONDS` is defined as this), so level k is point k's. */
export const LEVEL_SEGMENT_SECONDS = 0.5;

/** Floor of the levels in dB (digital silence). */
export const LEVEL_FLOOR_DB = -120;

/** Level in dB (floored) of a segment's sum of squares over `samples` samples. */
export function levelDb(sumOfSquares: number, samples: number): number {
  if (!(samples > 0)) return LEVEL_FLOOR_DB;
  return Math.max(LEVEL_FLOOR_DB, 10 * Math.log10(sumOfSquares / samples + 1e-30));
}

/**
 * Meters segment k = samples [⌊k·T·rate⌋, ⌊(k+1)·T·rate⌋), T = `segmentSeconds`: whole samples at
 * any rate (also where T·rate is not an integer), and ⌈N / (T·rate)⌉ segments for N samples, the
 * count of the analyser's timeline. `onSegment` gets each segment once it is complete, and the
 * last, partial one at {@link finish}.
 */
export class SegmentLevelMeter {
  /** Segments reported so far. */
  completed = 0;
  /** Largest absolute sample value pushed so far (0 means digital silence). */
  peak = 0;
  private position = 0;
  private boundary: number;
  private sum = 0;
  private count = 0;

  constructor(
    readonly sampleRate: number,
    readonly segmentSeconds: number,
    private readonly onSegment: (index: number, levelDb: number, samples: number) => void,
  ) {
    if (!(sampleRate * segmentSeconds >= 1)) throw new RangeError(`a segment must hold at least one sample, got ${segmentSeconds} s at ${sampleRate} Hz`);
    this.boundary = this.boundaryAfter(0);
  }

  private boundaryAfter(segment: number): number {
    return Math.floor((segment + 1) * this.segmentSeconds * this.sampleRate);
  }

  /** Samples pushed so far. */
  get samples(): number {
    return this.position;
  }

  push(samples: Float32Array): void {
    let i = 0;
    let peak = this.peak;
    while (i < samples.length) {
      // Runs up to the next boundary: no per-sample boundary test in the inner loop. The peak
      // rides on the same walk over the samples (one running maximum of |v|).
      const end = Math.min(samples.length, i + (this.boundary - this.position));
      let sum = this.sum;
      for (let j = i; j < end; j++) {
        const v = samples[j];
        sum += v * v;
        const a = Math.abs(v);
        if (a > peak) peak = a;
      }
      this.sum = sum;
      this.count += end - i;
      this.position += end - i;
      i = end;
      if (this.position === this.boundary) this.emit();
    }
    this.peak = peak;
  }

  /** Reports the partial last segment, if any. */
  finish(): void {
    if (this.count > 0) this.emit();
  }

  private emit(): void {
    this.onSegment(this.completed, levelDb(this.sum, this.count), this.count);
    this.completed++;
    this.boundary = this.boundaryAfter(this.completed);
    this.sum = 0;
    this.count = 0;
  }
}
