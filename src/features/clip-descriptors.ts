/**
 * Musical descriptors of a stretch of `sentio-frames` (a context window or a whole clip) that
 * per-column mean/std cannot express: mode and key clarity (Krumhansl–Kessler profiles on the
 * averaged chroma, the strongest valence cue in the MER literature), rhythmic periodicity of
 * the spectral flux (pulse clarity and the dominant beat period), and the shape of the loudness
 * distribution. They need no second pass over the audio: everything is read off the frames
 * the default model already has. Pure; works in the browser.
 */
import type { Matrix } from '../dsp/matrix.ts';
import { sentioFrameColumns } from './sentio-frames.ts';

const MEL0 = 0;
const MEL_BANDS = 64;
const FLUX = sentioFrameColumns.indexOf('flux');
const RMS_DB = sentioFrameColumns.indexOf('rms_db');
const CHROMA0 = sentioFrameColumns.indexOf('chroma_C');

/** Krumhansl & Kessler (1982) probe-tone profiles, tonic first. */
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

/** Mel band groups (of 64) for the contrast descriptors: low, low-mid, mid, high-mid, high. */
export const BAND_GROUPS: readonly (readonly [number, number])[] = [[0, 8], [8, 20], [20, 34], [34, 48], [48, 64]];

/** Lags of the flux autocorrelation, in frames of 46.4 ms: 0.28–2.0 s (30–215 BPM). */
const MIN_LAG = 6;
const MAX_LAG = 43;

export const clipDescriptorNames: readonly string[] = [
  'key_major_r', 'key_minor_r', 'key_mode', 'key_clarity',
  'flux_pulse_clarity', 'flux_period_s', 'onset_rate_hz',
  'rms_p10_db', 'rms_p50_db', 'rms_p90_db', 'rms_range_db', 'low_energy_ratio',
  ...BAND_GROUPS.map((_, g) => `band_contrast_${g}`),
  ...BAND_GROUPS.map((_, g) => `band_level_var_${g}`),
];

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, shift: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < 12; i++) {
    ma += a[i];
    mb += b[(i - shift + 12) % 12];
  }
  ma /= 12;
  mb /= 12;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < 12; i++) {
    const x = a[i] - ma;
    const y = b[(i - shift + 12) % 12] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Per frame and band group, (max − min) and mean of its mel bands, computed once per frame
 * matrix: a song's timeline has a window every 0.5 s over 8 s, so each frame is in 16 windows.
 */
const bandGroupCache = new WeakMap<Matrix, Float64Array>();
/**
 * Per frame r and band group g of {@link BAND_GROUPS}: (max − min) of its mel bands at
 * [(r·G + g)·2] and their mean level at [(r·G + g)·2 + 1]; cached per frame matrix.
 */
export function bandGroupFrames(frames: Matrix): Float64Array {
  let cached = bandGroupCache.get(frames);
  if (cached) return cached;
  const { rows, cols, data } = frames;
  const G = BAND_GROUPS.length;
  cached = new Float64Array(rows * G * 2);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < G; g++) {
      const [b0, b1] = BAND_GROUPS[g];
      let lo = Infinity;
      let hi = -Infinity;
      let level = 0;
      for (let b = MEL0 + b0; b < MEL0 + b1 && b < MEL_BANDS; b++) {
        const v = data[r * cols + b];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        level += v;
      }
      cached[(r * G + g) * 2] = hi - lo;
      cached[(r * G + g) * 2 + 1] = level / (b1 - b0);
    }
  }
  bandGroupCache.set(frames, cached);
  return cached;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The descriptors of frames [start, end) of a `sentio-frames` matrix, in `clipDescriptorNames` order. */
export function clipDescriptors<T extends Float32Array>(frames: Matrix, start: number, end: number, out: T, offset = 0): T {
  const { cols, data } = frames;
  const s = Math.max(0, Math.min(start, frames.rows - 1));
  const e = Math.max(s + 1, Math.min(end, frames.rows));
  const n = e - s;
  let k = offset;

  // Key and mode from the window's mean chroma.
  const chroma = new Float64Array(12);
  for (let r = s; r < e; r++) for (let p = 0; p < 12; p++) chroma[p] += data[r * cols + CHROMA0 + p];
  const scores: number[] = [];
  let bestMajor = -1;
  let bestMinor = -1;
  for (let t = 0; t < 12; t++) {
    const ma = pearson(chroma, MAJOR, t);
    const mi = pearson(chroma, MINOR, t);
    bestMajor = Math.max(bestMajor, ma);
    bestMinor = Math.max(bestMinor, mi);
    scores.push(ma, mi);
  }
  scores.sort((a, b) => b - a);
  out[k++] = bestMajor;
  out[k++] = bestMinor;
  out[k++] = bestMajor - bestMinor;
  out[k++] = scores[0] - scores[1];

  // Rhythm: normalised autocorrelation of the mean-removed flux.
  let mean = 0;
  for (let r = s; r < e; r++) mean += data[r * cols + FLUX];
  mean /= n;
  let energy = 0;
  for (let r = s; r < e; r++) energy += (data[r * cols + FLUX] - mean) ** 2;
  // The period is the shortest lag within 90 % of the strongest peak: a pulse train also
  // correlates at every multiple of its period, and those ties must not pick the multiple.
  const rhos = new Float64Array(MAX_LAG + 1);
  let bestR = 0;
  for (let lag = MIN_LAG; lag <= Math.min(MAX_LAG, n - 2); lag++) {
    let acc = 0;
    for (let r = s + lag; r < e; r++) acc += (data[r * cols + FLUX] - mean) * (data[(r - lag) * cols + FLUX] - mean);
    rhos[lag] = energy > 0 ? acc / (n - lag) / (energy / n) : 0;
    bestR = Math.max(bestR, rhos[lag]);
  }
  let bestLag = 0;
  if (bestR > 0) for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) if (rhos[lag] >= 0.9 * bestR) {
    bestLag = lag;
    break;
  }
  out[k++] = bestR;
  out[k++] = (bestLag * 1024) / 22050;
  // Onsets: local flux maxima above the window's mean + 1 std.
  const threshold = mean + Math.sqrt(energy / n);
  let onsets = 0;
  for (let r = s + 1; r < e - 1; r++) {
    const v = data[r * cols + FLUX];
    if (v > threshold && v >= data[(r - 1) * cols + FLUX] && v > data[(r + 1) * cols + FLUX]) onsets++;
  }
  out[k++] = onsets / ((n * 1024) / 22050);

  // Loudness distribution.
  const rms = new Float64Array(n);
  let rmsMean = 0;
  for (let r = s; r < e; r++) {
    rms[r - s] = data[r * cols + RMS_DB];
    rmsMean += rms[r - s] / n;
  }
  let low = 0;
  for (const v of rms) if (v < rmsMean) low++;
  rms.sort();
  const p10 = quantile(rms, 0.1);
  const p90 = quantile(rms, 0.9);
  out[k++] = p10;
  out[k++] = quantile(rms, 0.5);
  out[k++] = p90;
  out[k++] = p90 - p10;
  out[k++] = low / n;

  // Per band group: mean (max − min) over its mel bands (a cheap spectral contrast) and the
  // variance over time of its mean level.
  const bands = bandGroupFrames(frames);
  const G = BAND_GROUPS.length;
  for (let g = 0; g < G; g++) {
    let contrast = 0;
    let sum = 0;
    let sumSq = 0;
    for (let r = s; r < e; r++) {
      contrast += bands[(r * G + g) * 2];
      const level = bands[(r * G + g) * 2 + 1];
      sum += level;
      sumSq += level * level;
    }
    out[k] = contrast / n;
    out[k + G] = Math.max(0, sumSq / n - (sum / n) ** 2);
    k++;
  }
  return out;
}
