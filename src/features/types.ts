/**
 * Named feature sets: each turns mono audio at its own sample rate into a
 * `[frames × dims]` matrix with a time axis.
 */
import type { Matrix } from '../dsp/matrix.ts';

export interface FeatureMatrix {
  /** Feature-set name (e.g. 'logmel'). */
  readonly set: string;
  /** Sample rate the audio was analysed at, Hz. */
  readonly sampleRate: number;
  /** Time between consecutive frames, seconds. */
  readonly hopSeconds: number;
  /** One name per dimension, in column order. */
  readonly columns: readonly string[];
  /** `[frames, dims]`, row-major float32. */
  readonly frames: Matrix<Float32Array>;
  /** Time of each frame in seconds (frame centre for centred STFT sets, segment start otherwise). */
  readonly times: Float64Array;
}

/**
 * A stateful extractor fed in chunks (madmom-style processor). Sets whose definition
 * needs the whole signal (e.g. pyAudioAnalysis' global normalisation) buffer it and
 * compute in `finish`; the others keep only the state they need.
 */
export interface FeatureExtractor {
  /** Feed the next chunk of mono samples at the set's sample rate. */
  push(samples: Float32Array): void;
  /** End of stream: returns all frames. The extractor cannot be reused. */
  finish(): FeatureMatrix;
}

export interface FeatureSet {
  readonly name: string;
  /**
   * Bumped whenever the set's values change for the same audio, so cached features of an
   * earlier definition are not mixed with new ones. Absent: 1.
   */
  readonly revision?: number;
  /** One-line description for --help and docs. */
  readonly description: string;
  /** Sample rate the set is defined at; audio is resampled to it. */
  readonly sampleRate: number;
  /** Frame step in seconds. */
  readonly hopSeconds: number;
  /** Column names. */
  readonly columns: readonly string[];
  /** Minimum number of samples that yields at least one frame. */
  readonly minSamples: number;
  createExtractor(): FeatureExtractor;
  /**
   * Rates the set analyses as they are, on the same time–frequency grid (see
   * `sentio-frames`); audio at any other rate is resampled to `sampleRate`.
   */
  readonly nativeRates?: readonly number[];
  /** Extractor for audio at one of `nativeRates`. */
  createExtractorAt?(sampleRate: number): FeatureExtractor;
  /**
   * Live form of the extractor, for audio at one of `nativeRates`: each frame goes to `onFrame`
   * as soon as its samples are in (the same values, in the same order, as `createExtractorAt`
   * gives at the end); nothing is kept, so memory stays flat on an endless stream. `row` is
   * reused: copy what you keep.
   */
  createFrameStreamAt?(sampleRate: number, onFrame: (row: Float32Array, t: number) => void): FrameStream;
}

/** A feature set's frames computed as the audio arrives (see `FeatureSet.createFrameStreamAt`). */
export interface FrameStream {
  /** Feed the next chunk of mono samples at the stream's sample rate. */
  push(samples: Float32Array): void;
  /** End of stream: emits the last frames (the right edge's padding). */
  finish(): void;
}

/** Rate to decode at for `set`: null (the file's own) when the set has native rates, else `sampleRate`. */
export function decodeRateFor(set: FeatureSet): number | null {
  return set.nativeRates?.length ? null : set.sampleRate;
}

/** Runs a feature set over a whole signal at the set's sample rate. */
export function computeFeatures(set: FeatureSet, y: Float32Array): FeatureMatrix {
  const ex = set.createExtractor();
  ex.push(y);
  return ex.finish();
}

/**
 * Extractor for sets computed on the whole signal: concatenates the chunks and calls
 * `compute` at the end.
 */
export function bufferedExtractor(compute: (y: Float32Array) => FeatureMatrix): FeatureExtractor {
  const chunks: Float32Array[] = [];
  let length = 0;
  return {
    push(samples) {
      chunks.push(samples.slice());
      length += samples.length;
    },
    finish() {
      const y = new Float32Array(length);
      let o = 0;
      for (const c of chunks) {
        y.set(c, o);
        o += c.length;
      }
      chunks.length = 0;
      return compute(y);
    },
  };
}
