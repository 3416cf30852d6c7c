/**
 * Time-domain frame features (librosa.feature.zero_crossing_rate, librosa.feature.rms,
 * librosa.util.frame; 0.10 conventions). Results are `[1, frames]` float32 matrices.
 *
 * Note the two padding conventions: with center=true, ZCR pads with EDGE values while
 * RMS pads with ZEROS (pad_mode='constant'), exactly as librosa does.
 */
import type { Matrix } from './matrix.ts';
import type { Signal } from './spectral.ts';

export type PadMode = 'constant' | 'edge' | 'reflect';

/**
 * Slices `y` into overlapping frames without padding (librosa.util.frame on the last
 * axis): a `[frameLength, nFrames]` matrix whose column t holds
 * y[t·hop .. t·hop + frameLength). nFrames = 1 + floor((len − frameLength) / hop).
 * Copies the data (JS has no strided views); the feature functions below avoid it.
 */
export function frame(y: Signal, frameLength: number, hopLength: number): Matrix<Float32Array> {
  checkFraming(frameLength, hopLength);
  if (y.length < frameLength) throw new RangeError(`input is too short (${y.length}) for frameLength=${frameLength}`);
  const n = 1 + Math.floor((y.length - frameLength) / hopLength);
  const data = new Float32Array(frameLength * n);
  for (let t = 0; t < n; t++) {
    const start = t * hopLength;
    for (let i = 0; i < frameLength; i++) data[i * n + t] = y[start + i];
  }
  return { rows: frameLength, cols: n, data };
}

function checkFraming(frameLength: number, hopLength: number): void {
  if (!Number.isInteger(frameLength) || frameLength < 1) throw new RangeError(`frameLength must be a positive integer, got ${frameLength}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new RangeError(`hopLength must be a positive integer, got ${hopLength}`);
}

/** Maps index j of the padded signal (pad samples before y) back into y, or -1 for a zero. */
function padIndex(j: number, len: number, mode: PadMode): number {
  if (j >= 0 && j < len) return j;
  if (mode === 'constant') return -1;
  if (mode === 'edge' || len === 1) return j < 0 ? 0 : len - 1;
  // numpy 'reflect' (mirror without repeating the edge), folded until inside.
  const period = 2 * (len - 1);
  let k = ((j % period) + period) % period;
  if (k >= len) k = period - k;
  return k;
}

/** Number of frames after optional centre padding of frameLength/2 per side. */
function framesFor(len: number, frameLength: number, hopLength: number, center: boolean): number {
  const padded = len + (center ? 2 * Math.floor(frameLength / 2) : 0);
  if (padded < frameLength) throw new RangeError(`input is too short (${len}) for frameLength=${frameLength}`);
  return 1 + Math.floor((padded - frameLength) / hopLength);
}

export interface ZeroCrossingRateOptions {
  /** Samples per frame. Default 2048. */
  frameLength?: number;
  /** Samples between frame starts. Default 512. */
  hopLength?: number;
  /** Pad frameLength/2 EDGE values on both sides so frame t is centred on t·hop. Default true. */
  center?: boolean;
  /** Values with |y| ≤ threshold (× refMagnitude, if given) count as 0. Default 1e-10. */
  threshold?: number;
  /** Scale for threshold; null uses threshold as an absolute level. Default null. */
  refMagnitude?: number | null;
  /** Count the first sample of each frame as a crossing. Default false. */
  pad?: boolean;
  /** Treat 0 as positive (sign bit) instead of as its own sign. Default true. */
  zeroPos?: boolean;
}

/**
 * Zero-crossing rate `[1, frames]` (librosa.feature.zero_crossing_rate): per frame the
 * number of sign changes between consecutive samples divided by frameLength (not
 * frameLength − 1). Defaults: frameLength 2048, hopLength 512, center=true with edge
 * padding, threshold 1e-10, pad false, zeroPos true (0 counts as positive).
 */
export function zeroCrossingRate(y: Signal, options: ZeroCrossingRateOptions = {}): Matrix<Float32Array> {
  const frameLength = options.frameLength ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const center = options.center ?? true;
  const zeroPos = options.zeroPos ?? true;
  const pad = options.pad ?? false;
  checkFraming(frameLength, hopLength);
  let threshold = options.threshold ?? 1e-10;
  if (options.refMagnitude != null) threshold *= options.refMagnitude;
  // numpy compares a float32 array against the threshold cast to float32.
  if (y instanceof Float32Array) threshold = Math.fround(threshold);
  const len = y.length;
  const offset = center ? Math.floor(frameLength / 2) : 0;
  const frames = framesFor(len, frameLength, hopLength, center);
  const paddedLen = len + 2 * offset;
  // Sign class of every padded sample, then crossing flags between neighbours.
  const sign = new Int8Array(paddedLen);
  for (let j = 0; j < paddedLen; j++) {
    let v = y[padIndex(j - offset, len, 'edge')];
    if (threshold > 0 && Math.abs(v) <= threshold) v = 0;
    sign[j] = zeroPos ? (v < 0 || Object.is(v, -0) ? 1 : 0) : v > 0 ? 1 : v < 0 ? -1 : 0;
  }
  // prefix[j] = number of crossings between samples (i-1, i) for 1 ≤ i ≤ j.
  const prefix = new Int32Array(paddedLen);
  for (let j = 1; j < paddedLen; j++) prefix[j] = prefix[j - 1] + (sign[j] !== sign[j - 1] ? 1 : 0);
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    const count = prefix[start + frameLength - 1] - prefix[start] + (pad ? 1 : 0);
    out[t] = count / frameLength;
  }
  return { rows: 1, cols: frames, data: out };
}

export interface RmsOptions {
  /** Samples per frame (with S: the FFT size behind it). Default 2048. */
  frameLength?: number;
  /** Samples between frame starts. Default 512. */
  hopLength?: number;
  /** Pad frameLength/2 samples on both sides so frame t is centred on t·hop. Default true. */
  center?: boolean;
  /** Padding used when centred. Default 'constant' (zeros). */
  padMode?: PadMode;
  /**
   * Magnitude spectrogram `[frameLength/2 + 1, frames]` to use instead of y: the RMS
   * is then estimated from the spectrum via Parseval, with DC and Nyquist halved.
   */
  S?: Matrix;
}

/**
 * Root-mean-square energy `[1, frames]` (librosa.feature.rms): sqrt(mean(frame²)) of
 * the raw samples (no window). Defaults: frameLength 2048, hopLength 512, center=true
 * with ZERO padding.
 */
export function rms(y: Signal | null | undefined, options: RmsOptions = {}): Matrix<Float32Array> {
  const frameLength = options.frameLength ?? 2048;
  const hopLength = options.hopLength ?? 512;
  checkFraming(frameLength, hopLength);
  if (options.S) return rmsFromSpectrogram(options.S, frameLength);
  if (!y) throw new TypeError('either y or options.S must be given');
  const center = options.center ?? true;
  const mode = options.padMode ?? 'constant';
  const len = y.length;
  const offset = center ? Math.floor(frameLength / 2) : 0;
  const frames = framesFor(len, frameLength, hopLength, center);
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength - offset;
    let acc = 0;
    if (start >= 0 && start + frameLength <= len) {
      for (let i = start; i < start + frameLength; i++) acc += y[i] * y[i];
    } else {
      for (let i = 0; i < frameLength; i++) {
        const j = padIndex(start + i, len, mode);
        if (j >= 0) acc += y[j] * y[j];
      }
    }
    out[t] = Math.sqrt(acc / frameLength);
  }
  return { rows: 1, cols: frames, data: out };
}

function rmsFromSpectrogram(S: Matrix, frameLength: number): Matrix<Float32Array> {
  const bins = Math.floor(frameLength / 2) + 1;
  if (S.rows !== bins) throw new RangeError(`S has ${S.rows} rows; frameLength=${frameLength} needs ${bins}`);
  const { cols, data } = S;
  const out = new Float32Array(cols);
  for (let t = 0; t < cols; t++) {
    let acc = 0;
    for (let k = 0; k < bins; k++) {
      let p = data[k * cols + t] * data[k * cols + t];
      // DC (and Nyquist for even frames) appear once in the full spectrum, not twice.
      if (k === 0 || (k === bins - 1 && frameLength % 2 === 0)) p *= 0.5;
      acc += p;
    }
    out[t] = Math.sqrt((2 * acc) / (frameLength * frameLength));
  }
  return { rows: 1, cols, data: out };
}
