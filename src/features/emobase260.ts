/**
 * `emobase260`: the MediaEval 2015 "Emotion in Music" / DEAM baseline features used by
 * Malik et al. (2017): the 65 INTERSPEECH 2013 ComParE low-level descriptors, smoothed
 * (`_sma`), plus their first-order deltas (`_de`), summarised per 500 ms segment by the
 * standard deviation and the arithmetic mean → 260 values per segment.
 *
 * - Segments are non-overlapping 500 ms windows starting at 0; a trailing partial
 *   segment is dropped, so a clip shorter than 500 ms gives 0 rows. `times` are segment
 *   starts (0, 0.5, 1.0, …), like DEAM's `frameTime` column.
 * - Each segment summarises the 50 LLD frames (60 ms long, 10 ms step) that start inside
 *   it; frames reaching past the end of the audio are zero-padded. Smoothing and deltas
 *   run over the whole clip before segmentation, as openSMILE's are.
 * - Functionals: `stddev` is the population standard deviation (÷N), `amean` the mean,
 *   over all 50 frames (unvoiced frames included, as zeros, for the voice group).
 * - Sample rate 22050 Hz (the pipeline default). DEAM was extracted at 44.1 kHz, but the
 *   auditory bands and MFCCs stop at 8 kHz and pitch/voice quality needs far less, so
 *   22.05 kHz suffices; the full-band spectral shape LLDs (centroid, roll-offs, entropy,
 *   moments, slope, flux, sharpness, harmonicity, ZCR) then cover 0–11.025 kHz instead of
 *   0–22.05 kHz and are not numerically interchangeable with DEAM's. Use
 *   {@link makeEmobase260} with `sampleRate: 44100` to extract at DEAM's rate.
 * - Column names and order are DEAM's (`features/<id>.csv`, without `frameTime`):
 *   `F0final_sma_stddev; F0final_sma_amean; voicingFinalUnclipped_sma_stddev; …;
 *   pcm_fftMag_mfcc_sma[14]_amean; F0final_sma_de_stddev; …; pcm_fftMag_mfcc_sma_de[14]_amean`.
 *
 * How each descriptor is computed, and where it differs from openSMILE, is documented in
 * docs/features/emobase260.md and in src/dsp/compare-lld.ts.
 */
import {
  compareFrameGeometry,
  compareLlds,
  lldName,
  LLD_COUNT,
  smoothAndDelta,
} from '../dsp/compare-lld.ts';
import { bufferedExtractor, type FeatureMatrix, type FeatureSet } from './types.ts';

export const EMOBASE260_SEGMENT_SECONDS = 0.5;
const LLD_HOP_SECONDS = 0.01;
const FRAMES_PER_SEGMENT = Math.round(EMOBASE260_SEGMENT_SECONDS / LLD_HOP_SECONDS); // 50

/** The 260 column names in DEAM's order. */
export function emobase260Columns(): string[] {
  const cols: string[] = [];
  for (const suffix of ['_sma', '_sma_de']) {
    for (let i = 0; i < LLD_COUNT; i++) {
      const name = lldName(i, suffix);
      // Indexed LLDs carry the index before the functional: audSpec_Rfilt_sma[0]_stddev.
      cols.push(`${name}_stddev`, `${name}_amean`);
    }
  }
  return cols;
}

const COLUMNS: readonly string[] = Object.freeze(emobase260Columns());

export interface Emobase260Options {
  /** Analysis sample rate. Default 22050. */
  sampleRate?: number;
}

/** Per-segment std and mean of the smoothed LLDs and their deltas: `[segments × 260]`. */
export function emobase260Features(y: Float32Array | Float64Array, sampleRate: number): FeatureMatrix {
  const segLen = Math.round(EMOBASE260_SEGMENT_SECONDS * sampleRate);
  const nSeg = segLen > 0 ? Math.floor(y.length / segLen) : 0;
  const data = new Float32Array(nSeg * COLUMNS.length);
  const times = new Float64Array(nSeg);
  for (let s = 0; s < nSeg; s++) times[s] = s * EMOBASE260_SEGMENT_SECONDS;
  if (nSeg > 0) {
    const llds = compareLlds(y, sampleRate, { frames: nSeg * FRAMES_PER_SEGMENT, hopSeconds: LLD_HOP_SECONDS });
    const { sma, de } = smoothAndDelta(llds);
    const C = LLD_COUNT;
    const W = COLUMNS.length;
    for (let s = 0; s < nSeg; s++) {
      const t0 = s * FRAMES_PER_SEGMENT;
      for (const [block, m] of [
        [0, sma],
        [1, de],
      ] as const) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let t = t0; t < t0 + FRAMES_PER_SEGMENT; t++) sum += m.data[t * C + c];
          const mean = sum / FRAMES_PER_SEGMENT;
          let v = 0;
          for (let t = t0; t < t0 + FRAMES_PER_SEGMENT; t++) {
            const d = m.data[t * C + c] - mean;
            v += d * d;
          }
          const col = block * 2 * C + 2 * c;
          data[s * W + col] = Math.sqrt(v / FRAMES_PER_SEGMENT);
          data[s * W + col + 1] = mean;
        }
      }
    }
  }
  return {
    set: 'emobase260',
    sampleRate,
    hopSeconds: EMOBASE260_SEGMENT_SECONDS,
    columns: COLUMNS,
    frames: { rows: nSeg, cols: COLUMNS.length, data },
    times,
  };
}

/** An emobase260 feature set at a chosen sample rate (e.g. 44100 to match DEAM's extraction). */
export function makeEmobase260(options: Emobase260Options = {}): FeatureSet {
  const sampleRate = options.sampleRate ?? 22050;
  // Validate the geometry once (throws on nonsense rates).
  const { frameLength } = compareFrameGeometry(sampleRate);
  if (!(frameLength >= 8)) throw new RangeError(`emobase260 needs a sample rate of at least 134 Hz, got ${sampleRate}`);
  return {
    name: 'emobase260',
    description:
      'MediaEval/DEAM baseline: std and mean of 65 ComParE 2013 LLDs (+ deltas) per 500 ms segment, 260 columns in DEAM order',
    sampleRate,
    hopSeconds: EMOBASE260_SEGMENT_SECONDS,
    columns: COLUMNS,
    minSamples: Math.round(EMOBASE260_SEGMENT_SECONDS * sampleRate),
    createExtractor: () => bufferedExtractor((y) => emobase260Features(y, sampleRate)),
  };
}

export const emobase260: FeatureSet = makeEmobase260();
