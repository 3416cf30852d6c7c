/**
 * Tempo estimation and beat tracking (librosa.feature.tempogram, librosa.feature.tempo
 * (= librosa.beat.tempo), librosa.beat.beat_track; 0.10.2 conventions).
 *
 * beat_track follows Ellis (2007): onset envelope (median over mel bands) → global
 * tempo from an autocorrelation tempogram with a log-normal prior → dynamic programming
 * over beat positions → trimming of weak leading/trailing beats.
 */
import { realFft } from './fft.ts';
import { onsetStrength, type OnsetStrengthOptions } from './onset.ts';
import { getWindow } from './window.ts';
import { roundHalfEven, type Signal } from './spectral.ts';
import type { Matrix } from './matrix.ts';

/** Tempo in BPM of each autocorrelation lag (librosa.tempo_frequencies); lag 0 is Infinity. */
export function tempoFrequencies(nBins: number, sampleRate = 22050, hopLength = 512): Float64Array {
  const out = new Float64Array(nBins);
  if (nBins > 0) out[0] = Infinity;
  for (let k = 1; k < nBins; k++) out[k] = (60.0 * sampleRate) / (hopLength * k);
  return out;
}

export interface TempogramOptions {
  /** Frames of onset envelope per autocorrelation window. Default 384. */
  winLength?: number;
  /** Centre windows on frames (linear-ramp padding to 0 at both ends). Default true. */
  center?: boolean;
  /** Per-frame normalisation of the autocorrelation: Infinity (max), 1, 2, or null. Default Infinity. */
  norm?: number | null;
  /**
   * Compute every `frameStep`-th frame only (frames 0, step, 2·step, …). Not in librosa:
   * a global tempo needs only the time average, which a quarter of the frames estimates
   * well at a quarter of the cost. Default 1 (every frame, librosa's output).
   */
  frameStep?: number;
}

/**
 * Autocorrelation tempogram `[winLength, frames]` of an onset envelope
 * (librosa.feature.tempogram): each frame's Hann-windowed envelope segment is
 * autocorrelated and normalised (lag 0 becomes 1 with the default max norm).
 */
export function tempogram(onsetEnvelope: Float32Array | Float64Array, options: TempogramOptions = {}): Matrix<Float64Array> {
  const winLength = options.winLength ?? 384;
  const center = options.center ?? true;
  const norm = options.norm === undefined ? Infinity : options.norm;
  if (!Number.isInteger(winLength) || winLength < 1) throw new RangeError('winLength must be a positive integer');
  const n = onsetEnvelope.length;
  const pad = center ? Math.floor(winLength / 2) : 0;
  // np.pad(mode='linear_ramp', end_values=0): ramps from 0 up to the edge value.
  const padded = new Float64Array(n + 2 * pad);
  padded.set(onsetEnvelope, pad);
  if (n > 0) {
    const first = onsetEnvelope[0];
    const last = onsetEnvelope[n - 1];
    for (let i = 0; i < pad; i++) {
      padded[i] = (first * i) / pad;
      padded[pad + n + i] = last - (last * (i + 1)) / pad;
    }
  }
  if (padded.length < winLength) throw new RangeError(`onset envelope too short (${n}) for winLength=${winLength}`);
  const allFrames = center ? n : 1 + padded.length - winLength;
  const frameStep = options.frameStep ?? 1;
  if (!Number.isInteger(frameStep) || frameStep < 1) throw new RangeError('frameStep must be a positive integer');
  const frames = Math.ceil(allFrames / frameStep);
  const window = getWindow('hann', winLength);
  const out = new Float64Array(winLength * frames);
  // Autocorrelation of each windowed segment through the power spectrum (Wiener–Khinchin,
  // zero-padded to ≥ 2W − 1 so nothing wraps): the direct O(W²) sums were ~3× slower at the
  // analyze path's W = 172.
  const fftSize = 1 << Math.ceil(Math.log2(Math.max(4, 2 * winLength - 1)));
  const fft = realFft(fftSize);
  const half = fftSize >> 1;
  const seg = new Float64Array(fftSize);
  const power = new Float64Array(fftSize);
  for (let t = 0; t < frames; t++) {
    const first = t * frameStep;
    for (let i = 0; i < winLength; i++) seg[i] = padded[first + i] * window[i];
    const spec = fft.forwardView(seg);
    for (let k = 0; k <= half; k++) power[k] = spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
    for (let k = 1; k < half; k++) power[fftSize - k] = power[k];
    // The spectrum of a real, even sequence is real: bin j of it is fftSize · acf[j].
    const acf = fft.forwardView(power);
    let maxAbs = 0;
    let sum1 = 0;
    let sum2 = 0;
    for (let lag = 0; lag < winLength; lag++) {
      const acc = acf[2 * lag] / fftSize;
      out[lag * frames + t] = acc;
      maxAbs = Math.max(maxAbs, Math.abs(acc));
      sum1 += Math.abs(acc);
      sum2 += acc * acc;
    }
    if (norm === null) continue;
    const len = norm === Infinity ? maxAbs : norm === 1 ? sum1 : norm === 2 ? Math.sqrt(sum2) : NaN;
    if (Number.isNaN(len)) throw new RangeError(`unsupported tempogram norm ${norm}`);
    if (len < 2.2250738585072014e-308) continue; // silent frames stay 0
    for (let lag = 0; lag < winLength; lag++) out[lag * frames + t] /= len;
  }
  return { rows: winLength, cols: frames, data: out };
}

export interface TempoOptions extends Omit<OnsetStrengthOptions, 'aggregate'> {
  /** Precomputed onset envelope; y is ignored when given. */
  onsetEnvelope?: Float32Array | Float64Array;
  /** Centre of the log-normal tempo prior, BPM. Default 120. */
  startBpm?: number;
  /** Standard deviation of the prior in octaves. Default 1. */
  stdBpm?: number;
  /** Autocorrelation window length in seconds (344 frames at 22050 Hz / hop 512). Default 8. */
  acSize?: number;
  /** Lags faster than this tempo (BPM) are excluded; null keeps all. Default 320. */
  maxTempo?: number | null;
  /** 'mean' averages the tempogram over time (one global tempo); null gives one per frame. Default 'mean'. */
  aggregate?: 'mean' | null;
  /** Tempogram frame step (see {@link TempogramOptions.frameStep}); only with aggregate 'mean'. Default 1. */
  frameStep?: number;
}

/** Autocorrelation window length in frames for acSize seconds (librosa.time_to_frames). */
function acWindowFrames(acSize: number, sampleRate: number, hopLength: number): number {
  return Math.floor(Math.trunc(acSize * sampleRate) / hopLength);
}

/**
 * Tempo in BPM (librosa.feature.tempo): the lag maximising
 * log1p(1e6 · tempogram) + log-normal prior around startBpm, over a tempogram of
 * acSize seconds, returned as 60·sr/(hop·lag). With aggregate 'mean' the result has one
 * value (librosa returns shape (1,)); with null, one per frame. Defaults: sampleRate
 * 22050, hopLength 512, startBpm 120, stdBpm 1, acSize 8 s, maxTempo 320, aggregate
 * 'mean'; the onset envelope defaults to onsetStrength(y) (mean aggregation).
 */
export function tempo(y: Signal | null | undefined, options: TempoOptions = {}): Float64Array {
  const sampleRate = options.sampleRate ?? 22050;
  const hopLength = options.hopLength ?? 512;
  const startBpm = options.startBpm ?? 120;
  const stdBpm = options.stdBpm ?? 1;
  const acSize = options.acSize ?? 8;
  const maxTempo = options.maxTempo === undefined ? 320 : options.maxTempo;
  const aggregate = options.aggregate === undefined ? 'mean' : options.aggregate;
  if (!(startBpm > 0)) throw new RangeError('startBpm must be strictly positive');
  if (!(stdBpm > 0)) throw new RangeError('stdBpm must be strictly positive');
  // librosa's tempo builds its envelope with onset_strength's defaults (mean over bands).
  const env = options.onsetEnvelope ?? onsetStrength(y, { ...options, sampleRate, hopLength, aggregate: 'mean' });
  const winLength = acWindowFrames(acSize, sampleRate, hopLength);
  if (winLength < 1) throw new RangeError('acSize is shorter than one frame');
  if ((options.frameStep ?? 1) !== 1 && aggregate !== 'mean') throw new RangeError("frameStep needs aggregate 'mean'");
  const tg = tempogram(env, { winLength, frameStep: options.frameStep });
  const bpms = tempoFrequencies(winLength, sampleRate, hopLength);
  const logPrior = new Float64Array(winLength);
  for (let k = 0; k < winLength; k++) logPrior[k] = -0.5 * ((Math.log2(bpms[k]) - Math.log2(startBpm)) / stdBpm) ** 2;
  if (maxTempo !== null) {
    // librosa masks every lag before the first one slower than maxTempo.
    let maxIdx = 0;
    while (maxIdx < winLength && !(bpms[maxIdx] < maxTempo)) maxIdx++;
    if (maxIdx === winLength) maxIdx = 0; // np.argmax of an all-false mask is 0
    for (let k = 0; k < maxIdx; k++) logPrior[k] = -Infinity;
  }
  const T = tg.cols;
  const columns = aggregate === 'mean' ? 1 : T;
  const out = new Float64Array(columns);
  const score = new Float64Array(winLength);
  for (let c = 0; c < columns; c++) {
    for (let k = 0; k < winLength; k++) {
      let v: number;
      if (aggregate === 'mean') {
        let s = 0;
        for (let t = 0; t < T; t++) s += tg.data[k * T + t];
        v = s / T;
      } else v = tg.data[k * T + c];
      score[k] = Math.log1p(1e6 * v) + logPrior[k];
    }
    let best = 0;
    for (let k = 1; k < winLength; k++) if (score[k] > score[best] || Number.isNaN(score[best])) best = k;
    out[c] = bpms[best];
  }
  return out;
}

export interface BeatTrackOptions extends TempoOptions {
  /** How strictly beats follow the tempo: weight of the log-interval penalty. Default 100. */
  tightness?: number;
  /** Drop weak leading/trailing beats. Default true. */
  trim?: boolean;
  /** Use this tempo (BPM) instead of estimating it. */
  bpm?: number;
}

export interface BeatTrackResult {
  /** Global tempo in BPM (0 when the onset envelope is all zero). */
  tempoBpm: number;
  /** Beat positions as frame indices (multiply by hopLength / sampleRate for seconds). */
  beatFrames: Int32Array;
}

/**
 * Dynamic-programming beat tracker (librosa.beat.beat_track). Without an explicit
 * onsetEnvelope it uses onsetStrength(y, {aggregate: 'median'}), exactly as librosa
 * does internally. Defaults: sampleRate 22050, hopLength 512, startBpm 120,
 * tightness 100, trim true.
 */
export function beatTrack(y: Signal | null | undefined, options: BeatTrackOptions = {}): BeatTrackResult {
  const sampleRate = options.sampleRate ?? 22050;
  const hopLength = options.hopLength ?? 512;
  const tightness = options.tightness ?? 100;
  const trim = options.trim ?? true;
  if (!(tightness > 0)) throw new RangeError('tightness must be strictly positive');
  const env = options.onsetEnvelope ?? onsetStrength(y, { ...options, sampleRate, hopLength, aggregate: 'median' });
  if (!env.some((v) => v !== 0)) return { tempoBpm: 0, beatFrames: new Int32Array(0) };
  const bpm = options.bpm ?? tempo(null, { ...options, onsetEnvelope: env, sampleRate, hopLength })[0];
  if (!(bpm > 0)) throw new RangeError('bpm must be strictly positive');
  const framesPerBeat = roundHalfEven(((sampleRate / hopLength) * 60) / bpm);
  const localScore = beatLocalScore(normalizeOnsets(env), framesPerBeat);
  const { backlink, cumScore } = beatTrackDp(localScore, framesPerBeat, tightness);
  const beats = new Uint8Array(env.length);
  for (let n = lastBeat(cumScore); n >= 0; n = backlink[n]) beats[n] = 1;
  trimBeats(localScore, beats, trim);
  const frames: number[] = [];
  for (let i = 0; i < beats.length; i++) if (beats[i]) frames.push(i);
  return { tempoBpm: bpm, beatFrames: Int32Array.from(frames) };
}

/** Divide by the sample standard deviation (ddof 1), as float32 like the envelope. */
function normalizeOnsets(env: Float32Array | Float64Array): Float64Array {
  const n = env.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (env[i] - mean) ** 2;
  const r = env instanceof Float32Array ? Math.fround : (x: number) => x;
  const std = r(Math.sqrt(ss / (n - 1)));
  const tiny = env instanceof Float32Array ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const denom = r(std + tiny);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = r(env[i] / denom);
  return out;
}

/**
 * Same-mode convolution with a Gaussian of ±framesPerBeat frames (σ = fpb/32). Like
 * librosa 0.10.2's loop, the tap that would reach envelope frame 0 is skipped (its
 * upper bound is exclusive); frame 0 of an onset envelope is a padding zero anyway.
 */
function beatLocalScore(env: Float64Array, fpb: number): Float64Array {
  const K = 2 * fpb + 1;
  const half = fpb;
  const window = new Float64Array(K);
  for (let k = 0; k < K; k++) window[k] = Math.exp(-0.5 * (((k - fpb) * 32.0) / fpb) ** 2);
  const N = env.length;
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let k = Math.max(0, i + half - N + 1); k < Math.min(i + half, K); k++) acc += window[k] * env[i + half - k];
    out[i] = acc;
  }
  return out;
}

/** Ellis's DP: best predecessor in [i − 2·fpb, i − round(fpb/2)] under a log-interval penalty. */
function beatTrackDp(localScore: Float64Array, fpb: number, tightness: number): { backlink: Int32Array; cumScore: Float64Array } {
  const N = localScore.length;
  const backlink = new Int32Array(N);
  const cumScore = new Float64Array(N);
  let max = -Infinity;
  for (let i = 0; i < N; i++) max = Math.max(max, localScore[i]);
  const scoreThresh = 0.01 * max;
  const logFpb = Math.log(fpb);
  const nearest = roundHalfEven(fpb / 2);
  let firstBeat = true;
  for (let i = 0; i < N; i++) {
    let best = -Infinity;
    let loc = -1;
    for (let j = i - nearest; j >= i - 2 * fpb; j--) {
      if (j < 0) break;
      const d = Math.log(i - j) - logFpb;
      const score = cumScore[j] - tightness * d * d;
      if (score > best) {
        best = score;
        loc = j;
      }
    }
    cumScore[i] = loc >= 0 ? localScore[i] + best : localScore[i];
    // Until the first real onset, beats do not link back (the path starts there).
    if (firstBeat && localScore[i] < scoreThresh) backlink[i] = -1;
    else {
      backlink[i] = loc;
      firstBeat = false;
    }
  }
  return { backlink, cumScore };
}

/** Last local maximum of the cumulative score that reaches half the median peak score. */
function lastBeat(cumScore: Float64Array): number {
  const n = cumScore.length;
  const isMax = (i: number): boolean =>
    i > 0 && (i === n - 1 ? cumScore[i] > cumScore[i - 1] : cumScore[i] > cumScore[i - 1] && cumScore[i] >= cumScore[i + 1]);
  const peaks: number[] = [];
  for (let i = 0; i < n; i++) if (isMax(i)) peaks.push(cumScore[i]);
  peaks.sort((a, b) => a - b);
  const m = peaks.length;
  const median = m === 0 ? NaN : m % 2 === 1 ? peaks[(m - 1) / 2] : (peaks[m / 2 - 1] + peaks[m / 2]) / 2;
  const threshold = 0.5 * median;
  for (let i = n - 1; i >= 0; i--) if (isMax(i) && cumScore[i] >= threshold) return i;
  return n - 1;
}

/**
 * librosa 0.10.2's trimming: threshold = half the RMS of the beat scores smoothed by
 * Hann(5) (the smoothed sequence keeps 2 tail samples, as librosa's slicing does);
 * then beats are cleared from both ends of the FRAME axis while localScore ≤ threshold.
 */
function trimBeats(localScore: Float64Array, beats: Uint8Array, trim: boolean): void {
  const N = localScore.length;
  let threshold = 0;
  if (trim) {
    const vals: number[] = [];
    for (let i = 0; i < N; i++) if (beats[i]) vals.push(localScore[i]);
    const w = [0, 0.5, 1, 0.5, 0];
    const full = new Float64Array(vals.length + w.length - 1);
    for (let i = 0; i < vals.length; i++) for (let k = 0; k < w.length; k++) full[i + k] += vals[i] * w[k];
    const smooth = full.subarray(2, Math.min(full.length, N + 2));
    let ss = 0;
    for (const v of smooth) ss += v * v;
    threshold = 0.5 * Math.sqrt(ss / smooth.length);
  }
  for (let n = 0; n < N && localScore[n] <= threshold; n++) beats[n] = 0;
  for (let n = N - 1; n >= 0 && localScore[n] <= threshold; n--) beats[n] = 0;
}
