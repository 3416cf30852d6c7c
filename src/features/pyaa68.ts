/**
 * `pyaa68`: the 68 pyAudioAnalysis short-term features (34 features + 34 deltas) used by
 * the real-time music-emotion lamp paper (seed 003: "68 low-level audio features (window
 * size 50 ms, step 50 ms)" with pyAudioAnalysis, 10 frames per 0.5 s annotation).
 *
 * - Sample rate 22050 Hz; window = step = int(0.05·22050) = 1102 samples (the library
 *   truncates 1102.5), so the frame rate is 22050/1102 ≈ 20.009 frames/s and
 *   hopSeconds = 1102/22050 ≈ 0.04998 s. Rectangular, non-overlapping windows, no padding:
 *   frames = floor((n − 1102)/1102) + 1, none for audio shorter than 1102 samples.
 * - Output `[frames × 68]` float32, columns named exactly as pyAudioAnalysis names them
 *   (`zcr` … `chroma_std`, then `delta zcr` … `delta chroma_std`); times are frame starts.
 * - Normalisation is **global**: the whole signal is mean-subtracted and divided by its
 *   max|x| + 1e-10 before framing, so every frame depends on the entire input. The
 *   extractor therefore buffers all audio and computes in `finish()`; feature values for
 *   a clip differ from those of the same audio inside a longer file.
 * - Input is float audio in [-1, 1] (the library's int16 input divided by 2**15); see
 *   {@link pyAudioAnalysisFeatures} for every convention and the (library-failure-only)
 *   divergences.
 */
import { pyAudioAnalysisFeatures, pyaaFeatureNames, pyaaWindow } from '../dsp/pyaa.ts';
import { transpose } from '../dsp/matrix.ts';
import { bufferedExtractor, type FeatureMatrix, type FeatureSet } from './types.ts';

const SAMPLE_RATE = 22050;
const { window: WINDOW, step: STEP } = pyaaWindow(SAMPLE_RATE, { windowSeconds: 0.05, stepSeconds: 0.05 });
const COLUMNS: readonly string[] = Object.freeze(pyaaFeatureNames(true));

function compute(y: Float32Array): FeatureMatrix {
  const F = pyAudioAnalysisFeatures(y, SAMPLE_RATE, { windowSamples: WINDOW, stepSamples: STEP, deltas: true });
  const t = transpose(F);
  const times = new Float64Array(t.rows);
  for (let i = 0; i < t.rows; i++) times[i] = (i * STEP) / SAMPLE_RATE;
  return {
    set: 'pyaa68',
    sampleRate: SAMPLE_RATE,
    hopSeconds: STEP / SAMPLE_RATE,
    columns: COLUMNS,
    frames: { rows: t.rows, cols: t.cols, data: Float32Array.from(t.data) },
    times,
  };
}

export const pyaa68: FeatureSet = {
  name: 'pyaa68',
  description: 'pyAudioAnalysis 34 short-term features + 34 deltas, 50 ms windows (1102 samples at 22.05 kHz), globally normalised',
  sampleRate: SAMPLE_RATE,
  hopSeconds: STEP / SAMPLE_RATE,
  columns: COLUMNS,
  minSamples: WINDOW,
  createExtractor: () => bufferedExtractor(compute),
};
