/**
 * pyAudioAnalysis short-term features (ShortTermFeatures.feature_extraction, reference
 * commit ae00ebd446d4), ported behaviour-for-behaviour in float64.
 *
 * Output is `[34 or 68, frames]` in the library's row order (see {@link PYAA_FEATURE_NAMES}):
 * zcr, energy, energy_entropy, spectral_centroid, spectral_spread, spectral_entropy,
 * spectral_flux, spectral_rolloff, mfcc_1..13, chroma_1..12 (A, A#, ..., G#), chroma_std,
 * then (with deltas) the same 34 as differences from the previous frame (0 in frame 0).
 *
 * Conventions reproduced from the library (all deliberate, all verified against goldens):
 * - Global normalisation: subtract the mean of the *whole* signal, divide by its
 *   max|x| + 1e-10 (`dc_normalize`). The features therefore depend on the whole signal.
 * - Window i covers samples `[i*step, i*step + W)`: rectangular, no padding;
 *   frames = `floor((len - W) / step) + 1` (0 if the signal is shorter than W).
 * - `X = |fft(frame)|[0 : W//2] / (W//2)` (Nyquist bin dropped, FFT size = W).
 * - Centroid/spread use 1-based bin frequencies `(k+1)·fs/(2·(W//2))`, weights X/max(X),
 *   both divided by fs/2. Rolloff uses energy X², threshold 0.90, strict `>`, index/(W//2).
 * - MFCC: `dct_ortho(log10(fbank @ X + eps))[:13]` with the talkbox 13 linear + 27 log
 *   filterbank, whose bin k sits at `k·fs/(W//2)` Hz (twice its true frequency: a library
 *   quirk, kept).
 * - Chroma: the library's literal index arithmetic (last bin wins, negative semitone
 *   indices wrap like Python indices, counts indexed by bin), see {@link chromaVector}.
 *
 * Input scaling: the library is fed int16-scale samples and divides them by 2**15.
 * This port takes float audio in [-1, 1] (that is, the library's input already divided by
 * 32768); `inputScale` multiplies the input first, so int16-scale values can be passed with
 * `inputScale: 2 ** -15` to reproduce the library bit for bit. Because of the global
 * normalisation the scale cancels except inside the 1e-10 epsilon of `dc_normalize`.
 *
 * Silence: with the reference version's eps guards (centroid `Xt/eps`, chroma `/eps`
 * when ΣX² = 0) a silent frame or an all-zero signal gives finite values in the library
 * (zeros, and mfcc_1 = log10(eps)·√40 ≈ -98.98), and this port gives the same values.
 * (Older pyAudioAnalysis versions without the chroma guard produced NaN chroma there.)
 *
 * Divergences, only where the library itself fails: a signal shorter than one window
 * gives 0 frames (the library raises in np.concatenate); very short windows, where
 * the library indexes out of range (W//2 ≤ the highest chroma semitone, about 104 at
 * 22.05 kHz, i.e. W < ~210 samples; or MFCC filters reaching past the last bin), use the
 * evident intent instead (see {@link chromaVector} and {@link pyaaMfccFilterbank}).
 */
import { realFft } from './fft.ts';
import type { Matrix } from './matrix.ts';

/** `sys.float_info.epsilon`, the library's `eps`. */
const EPS = 2.220446049250313e-16;

/** The 34 base feature names, in row order. */
export const PYAA_FEATURE_NAMES: readonly string[] = Object.freeze([
  'zcr',
  'energy',
  'energy_entropy',
  'spectral_centroid',
  'spectral_spread',
  'spectral_entropy',
  'spectral_flux',
  'spectral_rolloff',
  ...Array.from({ length: 13 }, (_, i) => `mfcc_${i + 1}`),
  ...Array.from({ length: 12 }, (_, i) => `chroma_${i + 1}`),
  'chroma_std',
]);

/** Row names of {@link pyAudioAnalysisFeatures}: 34, or 68 with the `delta ...` rows. */
export function pyaaFeatureNames(deltas = true): string[] {
  const base = [...PYAA_FEATURE_NAMES];
  return deltas ? [...base, ...base.map((n) => `delta ${n}`)] : base;
}

export interface PyaaOptions {
  /** Window length in seconds; samples = trunc(windowSeconds·sampleRate) like Python's int(). Default 0.05. */
  windowSeconds?: number;
  /** Step in seconds; samples = trunc(stepSeconds·sampleRate). Default 0.05. */
  stepSeconds?: number;
  /** Window length in samples (overrides windowSeconds). */
  windowSamples?: number;
  /** Step in samples (overrides stepSeconds). */
  stepSamples?: number;
  /** Append the 34 delta rows (difference from the previous frame). Default true. */
  deltas?: boolean;
  /**
   * Factor applied to the input before the library's normalisation. Default 1: `y` is
   * float audio in [-1, 1], i.e. the library's int16 input already divided by 2**15.
   * Use `2 ** -15` to pass int16-scale samples exactly as the library receives them.
   */
  inputScale?: number;
}

/** Window and step in samples, as the library derives them (`int(window)`, `int(step)`). */
export function pyaaWindow(sampleRate: number, options: PyaaOptions = {}): { window: number; step: number } {
  const window = options.windowSamples ?? Math.trunc((options.windowSeconds ?? 0.05) * sampleRate);
  const step = options.stepSamples ?? Math.trunc((options.stepSeconds ?? 0.05) * sampleRate);
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`pyAudioAnalysis window must be >= 2 samples, got ${window}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`pyAudioAnalysis step must be >= 1 sample, got ${step}`);
  return { window, step };
}

/** Number of windows the library produces: `while pos + W - 1 < len`. */
export function pyaaFrameCount(length: number, window: number, step: number): number {
  return length < window ? 0 : Math.floor((length - window) / step) + 1;
}

/**
 * numpy's pairwise summation (np.add.reduce on a contiguous float64 array), so that
 * sums feeding threshold comparisons (rolloff) round exactly like the library's.
 */
function npSum(a: Float64Array, start = 0, end = a.length): number {
  const n = end - start;
  if (n < 8) {
    let s = 0;
    for (let i = start; i < end; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    const blockEnd = start + n - (n % 8);
    let i = start + 8;
    for (; i < blockEnd; i += 8) {
      r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
      r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < end; i++) s += a[i];
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return npSum(a, start, start + half) + npSum(a, start + half, end);
}

/** np.round: round half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python-style index wrap for a length-n array (a negative index counts from the end). */
function wrapIndex(i: number, n: number): number {
  return ((i % n) + n) % n;
}

export interface PyaaFilterbankOptions {
  lowFreq?: number;
  linearSpacing?: number;
  logScale?: number;
  numLinear?: number;
  numLog?: number;
}

export interface PyaaFilterbank {
  /** `[numLinear + numLog, numFft]` triangle weights. */
  readonly weights: Matrix<Float64Array>;
  /** The numLinear + numLog + 2 triangle corner frequencies, Hz. */
  readonly frequencies: Float64Array;
  /** Per filter, the half-open range of bins with non-zero weight. */
  readonly ranges: readonly (readonly [number, number])[];
}

/**
 * ShortTermFeatures.mfcc_filter_banks(fs, num_fft): talkbox-style triangles, 13 linearly
 * spaced from 133.33 Hz by 200/3 Hz, then 27 log-spaced (ratio 1.0711703), each with area
 * normalisation `2 / (f[i+2] - f[i])`.
 *
 * Bin k is placed at `k·fs/numFft` Hz. feature_extraction passes numFft = W//2, so this is
 * twice the bin's true frequency; that is the library's behaviour and is kept. (The
 * library's `nlogfil = 5` branch for fs < 8000 assigns an unused variable, so it has no
 * effect, here either.) Bins past numFft - 1, which the library would index out of range
 * for very small numFft, are skipped.
 */
export function pyaaMfccFilterbank(sampleRate: number, numFft: number, options: PyaaFilterbankOptions = {}): PyaaFilterbank {
  const lowFreq = options.lowFreq ?? 133.33;
  const linc = options.linearSpacing ?? 200 / 3;
  const logsc = options.logScale ?? 1.0711703;
  const nLin = options.numLinear ?? 13;
  const nLog = options.numLog ?? 27;
  const nFilt = nLin + nLog;
  const freqs = new Float64Array(nFilt + 2);
  for (let i = 0; i < nLin; i++) freqs[i] = lowFreq + i * linc;
  for (let j = 0; j < nLog + 2; j++) freqs[nLin + j] = freqs[nLin - 1] * Math.pow(logsc, j + 1);
  const weights = new Float64Array(nFilt * numFft);
  const ranges: (readonly [number, number])[] = [];
  const binHz = (k: number): number => (k / numFft) * sampleRate;
  for (let i = 0; i < nFilt; i++) {
    const lo = freqs[i];
    const ce = freqs[i + 1];
    const hi = freqs[i + 2];
    const height = 2 / (hi - lo);
    const lslope = height / (ce - lo);
    const rslope = height / (hi - ce);
    const a = Math.floor((lo * numFft) / sampleRate) + 1;
    const b = Math.floor((ce * numFft) / sampleRate) + 1;
    const c = Math.floor((hi * numFft) / sampleRate) + 1;
    const row = i * numFft;
    for (let k = Math.max(a, 0); k < Math.min(b, numFft); k++) weights[row + k] = lslope * (binHz(k) - lo);
    for (let k = Math.max(b, 0); k < Math.min(c, numFft); k++) weights[row + k] = rslope * (hi - binHz(k));
    ranges.push([Math.min(Math.max(a, 0), numFft), Math.min(Math.max(c, 0), numFft)]);
  }
  return { weights: { rows: nFilt, cols: numFft, data: weights }, frequencies: freqs, ranges };
}

/** Precomputed chroma index tables for one (numFft, fs). */
interface ChromaPlan {
  /** Length of the folding buffer C. */
  readonly length: number;
  /** Position in C written by bin b. */
  readonly target: Int32Array;
  /** Divisor applied to C[i]. */
  readonly divisor: Float64Array;
}

function chromaPlan(numFft: number, sampleRate: number): ChromaPlan {
  const semi = new Int32Array(numFft);
  for (let b = 0; b < numFft; b++) {
    const f = ((b + 1) * sampleRate) / (2 * numFft);
    semi[b] = roundHalfEven(12 * Math.log2(f / 27.5));
  }
  const countOf = new Map<number, number>();
  for (const s of semi) countOf.set(s, (countOf.get(s) ?? 0) + 1);
  let maxSemi = -Infinity;
  for (const s of semi) maxSemi = Math.max(maxSemi, s);
  if (maxSemi < numFft) {
    // The library's branch: C[semi] = X² (last bin wins, negative indices wrap), then
    // C[i] /= cnt[semi[i]] where cnt is indexed by *bin*, with semi[i] again wrapped.
    const cnt = new Float64Array(numFft);
    for (let b = 0; b < numFft; b++) cnt[b] = countOf.get(semi[b]) ?? 1;
    const target = new Int32Array(numFft);
    const divisor = new Float64Array(numFft);
    for (let i = 0; i < numFft; i++) {
      target[i] = wrapIndex(semi[i], numFft);
      divisor[i] = cnt[wrapIndex(semi[i], numFft)];
    }
    return { length: numFft, target, divisor };
  }
  // Tiny windows: the library raises here (shape mismatch). Intended behaviour: one cell
  // per semitone (shifted to be non-negative while keeping the semitone's pitch class),
  // holding the last bin's X² divided by the number of bins on that semitone.
  let minSemi = Infinity;
  for (const s of semi) minSemi = Math.min(minSemi, s);
  const offset = minSemi < 0 ? 12 * Math.ceil(-minSemi / 12) : 0;
  const length = maxSemi + offset + 1;
  const target = new Int32Array(numFft);
  const divisor = new Float64Array(length).fill(1);
  for (let b = 0; b < numFft; b++) {
    target[b] = semi[b] + offset;
    divisor[semi[b] + offset] = countOf.get(semi[b]) ?? 1;
  }
  return { length, target, divisor };
}

/**
 * ShortTermFeatures.chroma_features on one magnitude spectrum: writes the 12 chroma
 * values (A, A#, ..., G#) into `out[0..11]` and returns their population std.
 * `work` is scratch of length `plan.length`.
 */
function chromaVector(X: Float64Array, spec: Float64Array, plan: ChromaPlan, work: Float64Array, out: Float64Array): number {
  const n = X.length;
  for (let b = 0; b < n; b++) spec[b] = X[b] * X[b];
  work.fill(0);
  for (let b = 0; b < n; b++) work[plan.target[b]] = spec[b];
  for (let i = 0; i < plan.length; i++) work[i] /= plan.divisor[i];
  out.fill(0, 0, 12);
  for (let i = 0; i < plan.length; i++) out[i % 12] += work[i];
  const total = npSum(spec);
  const denom = total === 0 ? EPS : total;
  let mean = 0;
  for (let j = 0; j < 12; j++) {
    out[j] /= denom;
    mean += out[j];
  }
  mean /= 12;
  let v = 0;
  for (let j = 0; j < 12; j++) v += (out[j] - mean) ** 2;
  return Math.sqrt(v / 12);
}

/** −Σ e_j·log2(e_j + eps) over 10 contiguous blocks of floor(n/10) values of `sq` (squares). */
function blockEntropy(sq: Float64Array): number {
  const total = npSum(sq);
  const len = Math.floor(sq.length / 10);
  let h = 0;
  for (let j = 0; j < 10; j++) {
    // The library sums a C-ordered (len, 10) copy along axis 0: a plain sequential sum.
    let block = 0;
    for (let i = j * len; i < (j + 1) * len; i++) block += sq[i];
    const e = block / (total + EPS);
    h += e * Math.log2(e + EPS);
  }
  return -h;
}

/**
 * pyAudioAnalysis ShortTermFeatures.feature_extraction(signal, fs, window, step, deltas).
 * Returns `[68, frames]` (or `[34, frames]` without deltas) in float64; row names are
 * {@link pyaaFeatureNames}. A signal shorter than one window yields `[rows, 0]`.
 */
export function pyAudioAnalysisFeatures(
  y: Float32Array | Float64Array,
  sampleRate: number,
  options: PyaaOptions = {},
): Matrix<Float64Array> {
  const { window: W, step } = pyaaWindow(sampleRate, options);
  const deltas = options.deltas ?? true;
  const nBase = PYAA_FEATURE_NAMES.length;
  const nRows = deltas ? 2 * nBase : nBase;
  const frames = pyaaFrameCount(y.length, W, step);
  const out = new Float64Array(nRows * frames);
  if (frames === 0) return { rows: nRows, cols: 0, data: out };

  // dc_normalize(signal / 2**15): here the caller's scale replaces the 2**15.
  const scale = options.inputScale ?? 1;
  const x = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) x[i] = y[i] * scale;
  const mean = npSum(x) / x.length;
  let peak = 0;
  for (let i = 0; i < x.length; i++) {
    x[i] -= mean;
    peak = Math.max(peak, Math.abs(x[i]));
  }
  const norm = peak + 1e-10;
  for (let i = 0; i < x.length; i++) x[i] /= norm;

  const numFft = Math.floor(W / 2);
  const fft = realFft(W);
  const fb = pyaaMfccFilterbank(sampleRate, numFft);
  const nFilt = fb.weights.rows;
  const nMfcc = 13;
  const dct = new Float64Array(nMfcc * nFilt);
  for (let k = 0; k < nMfcc; k++) {
    const s = k === 0 ? Math.sqrt(1 / nFilt) : Math.sqrt(2 / nFilt);
    for (let i = 0; i < nFilt; i++) dct[k * nFilt + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * nFilt));
  }
  const plan = chromaPlan(numFft, sampleRate);
  const binHz = new Float64Array(numFft);
  for (let k = 0; k < numFft; k++) binHz[k] = (k + 1) * (sampleRate / (2 * numFft));

  const frame = new Float64Array(W);
  const sq = new Float64Array(W);
  const spectrum = new Float64Array(2 * fft.bins);
  let X = new Float64Array(numFft);
  let Xprev = new Float64Array(numFft);
  const X2 = new Float64Array(numFft);
  const tmp = new Float64Array(numFft);
  const mspec = new Float64Array(nFilt);
  const chromaWork = new Float64Array(plan.length);
  const chroma = new Float64Array(12);
  const v = new Float64Array(nBase);
  const set = (r: number, t: number, value: number): void => {
    out[r * frames + t] = value;
  };

  for (let t = 0; t < frames; t++) {
    const start = t * step;
    for (let i = 0; i < W; i++) frame[i] = x[start + i];
    fft.forward(frame, spectrum);
    for (let k = 0; k < numFft; k++) X[k] = Math.hypot(spectrum[2 * k], spectrum[2 * k + 1]) / numFft;
    if (t === 0) Xprev.set(X);

    // zcr: Σ|diff(sign(x))| / 2 / (W - 1), with sign(0) = 0.
    let crossings = 0;
    for (let i = 1; i < W; i++) crossings += Math.abs(Math.sign(frame[i]) - Math.sign(frame[i - 1]));
    v[0] = crossings / 2 / (W - 1);

    for (let i = 0; i < W; i++) sq[i] = frame[i] * frame[i];
    v[1] = npSum(sq) / W;
    v[2] = blockEntropy(sq);

    // Centroid and spread, weights X / max(X) (X / eps when the frame is silent).
    let xMax = 0;
    for (let k = 0; k < numFft; k++) xMax = Math.max(xMax, X[k]);
    const wDiv = xMax === 0 ? EPS : xMax;
    for (let k = 0; k < numFft; k++) tmp[k] = binHz[k] * (X[k] / wDiv);
    const num = npSum(tmp);
    for (let k = 0; k < numFft; k++) tmp[k] = X[k] / wDiv;
    const den = npSum(tmp) + EPS;
    const centroid = num / den;
    for (let k = 0; k < numFft; k++) tmp[k] = (binHz[k] - centroid) ** 2 * (X[k] / wDiv);
    const spread = Math.sqrt(npSum(tmp) / den);
    v[3] = centroid / (sampleRate / 2);
    v[4] = spread / (sampleRate / 2);

    for (let k = 0; k < numFft; k++) X2[k] = X[k] * X[k];
    v[5] = blockEntropy(X2);

    // Flux: Σ (X/Σ(X+eps) − Xprev/Σ(Xprev+eps))².
    for (let k = 0; k < numFft; k++) tmp[k] = X[k] + EPS;
    const sumX = npSum(tmp);
    for (let k = 0; k < numFft; k++) tmp[k] = Xprev[k] + EPS;
    const sumPrev = npSum(tmp);
    for (let k = 0; k < numFft; k++) tmp[k] = (X[k] / sumX - Xprev[k] / sumPrev) ** 2;
    v[6] = npSum(tmp);

    // Rolloff: first k with cumsum(X²) + eps > 0.90·ΣX², as k / numFft.
    const threshold = 0.9 * npSum(X2);
    let rolloff = 0;
    let cum = 0;
    for (let k = 0; k < numFft; k++) {
      cum += X2[k];
      if (cum + EPS > threshold) {
        rolloff = k / numFft;
        break;
      }
    }
    v[7] = rolloff;

    // MFCC: orthonormal DCT-II of log10(fbank @ X + eps), first 13.
    for (let f = 0; f < nFilt; f++) {
      const [a, b] = fb.ranges[f];
      const row = f * numFft;
      let acc = 0;
      for (let k = a; k < b; k++) acc += fb.weights.data[row + k] * X[k];
      mspec[f] = Math.log10(acc + EPS);
    }
    for (let c = 0; c < nMfcc; c++) {
      let acc = 0;
      for (let f = 0; f < nFilt; f++) acc += dct[c * nFilt + f] * mspec[f];
      v[8 + c] = acc;
    }

    const chromaStd = chromaVector(X, tmp, plan, chromaWork, chroma);
    for (let j = 0; j < 12; j++) v[21 + j] = chroma[j];
    v[33] = chromaStd;

    for (let r = 0; r < nBase; r++) set(r, t, v[r]);
    if (deltas) {
      for (let r = 0; r < nBase; r++) set(nBase + r, t, t === 0 ? 0 : v[r] - out[r * frames + t - 1]);
    }
    [X, Xprev] = [Xprev, X];
  }
  return { rows: nRows, cols: frames, data: out };
}
