/**
 * Short-time Fourier transform with librosa's conventions (librosa.stft, 0.10):
 * periodic Hann window, `center=true` pads n_fft/2 zeros on both sides, no scaling,
 * float64 FFT. Frame count: 1 + floor(len / hop) when centred, else
 * 1 + floor((len - n_fft) / hop).
 */
import { realFft } from './fft.ts';
import { getWindow, padCenter, type WindowName } from './window.ts';
import type { Matrix } from './matrix.ts';

export interface StftOptions {
  /** FFT size in samples. Default 2048. */
  nFft?: number;
  /** Hop between frames in samples. Default nFft / 4. */
  hopLength?: number;
  /** Window length in samples (<= nFft, centred in the frame). Default nFft. */
  winLength?: number;
  /** Window name. Default 'hann' (periodic). */
  window?: WindowName;
  /** Centre frames on their time stamps by padding nFft/2 on both sides. Default true. */
  center?: boolean;
  /** Padding mode when centred: 'constant' (zeros, librosa >= 0.9) or 'reflect'. Default 'constant'. */
  padMode?: 'constant' | 'reflect';
}

export interface ResolvedStft {
  nFft: number;
  hopLength: number;
  winLength: number;
  window: WindowName;
  center: boolean;
  padMode: 'constant' | 'reflect';
}

export function resolveStft(o: StftOptions = {}): ResolvedStft {
  const nFft = o.nFft ?? 2048;
  const r: ResolvedStft = {
    nFft,
    hopLength: o.hopLength ?? Math.floor(nFft / 4),
    winLength: o.winLength ?? nFft,
    window: o.window ?? 'hann',
    center: o.center ?? true,
    padMode: o.padMode ?? 'constant',
  };
  if (!Number.isInteger(r.nFft) || r.nFft < 2) throw new RangeError(`nFft must be an integer >= 2, got ${r.nFft}`);
  if (!Number.isInteger(r.hopLength) || r.hopLength < 1) throw new RangeError(`hopLength must be a positive integer, got ${r.hopLength}`);
  return r;
}

/** Number of STFT frames for a signal of `length` samples. */
export function frameCount(length: number, nFft: number, hopLength: number, center: boolean): number {
  if (center) return 1 + Math.floor(length / hopLength);
  if (length < nFft) return 0;
  return 1 + Math.floor((length - nFft) / hopLength);
}

/**
 * Copies frame `t` of `y` (with centre padding applied virtually) into `out`, multiplied
 * by `window`. Avoids materialising the padded signal.
 */
export function readFrame(
  y: Float32Array | Float64Array,
  t: number,
  hopLength: number,
  window: Float64Array,
  center: boolean,
  padMode: 'constant' | 'reflect',
  out: Float64Array,
): void {
  const n = window.length;
  const start = t * hopLength - (center ? n >> 1 : 0);
  const len = y.length;
  if (start >= 0 && start + n <= len) {
    for (let i = 0; i < n; i++) out[i] = y[start + i] * window[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    let j = start + i;
    if (j < 0 || j >= len) {
      if (padMode === 'constant' || len < 2) {
        out[i] = 0;
        continue;
      }
      // numpy 'reflect' (no edge repeat), folded until inside.
      const period = 2 * (len - 1);
      j = ((j % period) + period) % period;
      if (j >= len) j = period - j;
    }
    out[i] = y[j] * window[i];
  }
}

/**
 * Calls `onFrame(t, spectrum)` for every STFT frame, where `spectrum` holds the
 * interleaved complex bins [re0, im0, ...] (length 2 * (nFft/2 + 1)). The buffer is
 * reused between calls: copy what you keep. This is the building block for fused
 * pipelines that never hold the whole STFT.
 */
export function forEachStftFrame(
  y: Float32Array | Float64Array,
  options: StftOptions,
  onFrame: (t: number, spectrum: Float64Array) => void,
): number {
  const o = resolveStft(options);
  const window = padCenter(getWindow(o.window, o.winLength), o.nFft);
  const fft = realFft(o.nFft);
  const frame = new Float64Array(o.nFft);
  const spectrum = new Float64Array(2 * fft.bins);
  const frames = frameCount(y.length, o.nFft, o.hopLength, o.center);
  for (let t = 0; t < frames; t++) {
    readFrame(y, t, o.hopLength, window, o.center, o.padMode, frame);
    fft.forward(frame, spectrum);
    onFrame(t, spectrum);
  }
  return frames;
}

/**
 * |STFT|^power as a `[1 + nFft/2, frames]` float32 matrix (librosa.stft → np.abs(...)**power).
 * `power` 1 gives the magnitude, 2 the power spectrogram.
 */
export function spectrogram(y: Float32Array | Float64Array, options: StftOptions & { power?: number } = {}): Matrix<Float32Array> {
  const o = resolveStft(options);
  const power = options.power ?? 1;
  const bins = Math.floor(o.nFft / 2) + 1;
  const frames = frameCount(y.length, o.nFft, o.hopLength, o.center);
  const data = new Float32Array(bins * frames);
  forEachStftFrame(y, o, (t, s) => {
    for (let k = 0; k < bins; k++) {
      const p = s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1];
      data[k * frames + t] = power === 2 ? p : power === 1 ? Math.sqrt(p) : Math.pow(p, power / 2);
    }
  });
  return { rows: bins, cols: frames, data };
}

/** FFT bin centre frequencies in Hz (librosa.fft_frequencies): k * sr / nFft. */
export function fftFrequencies(sampleRate: number, nFft: number): Float64Array {
  const bins = Math.floor(nFft / 2) + 1;
  const f = new Float64Array(bins);
  for (let k = 0; k < bins; k++) f[k] = (k * sampleRate) / nFft;
  return f;
}

/** Frame start times in seconds for frames spaced `hopLength` apart (librosa.frames_to_time). */
export function framesToTime(frames: number, sampleRate: number, hopLength: number): Float64Array {
  const t = new Float64Array(frames);
  for (let i = 0; i < frames; i++) t[i] = (i * hopLength) / sampleRate;
  return t;
}
