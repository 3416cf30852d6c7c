/** Audio in, features out: decode (streaming) → feature-set extractor. */
import { decodeStream, type AudioInfo, type ByteSource } from '../audio/decode.ts';
import { AudioInputError } from '../audio/errors.ts';
import { createResampler, type Resampler } from '../audio/resample.ts';
import { LEVEL_SEGMENT_SECONDS, SegmentLevelMeter } from './segment-levels.ts';
import { decodeRateFor, type FeatureExtractor, type FeatureMatrix, type FeatureSet } from './types.ts';

export interface ExtractionResult {
  features: FeatureMatrix;
  audio: AudioInfo;
  /** Seconds of audio analysed. */
  duration: number;
  /** Largest absolute sample value (0 means digital silence). */
  peak: number;
  /**
   * RMS level of each 0.5 s segment of the decoded input, dB re full scale (`segment-levels.ts`),
   * metered on the same pass as the features, before any resampling.
   */
  segmentLevelsDb: number[];
}

/**
 * Runs `set` over decoded mono chunks; `chunks` receives the callback that reports the
 * audio format, which must come before the first chunk. Chunks at one of the set's native
 * rates go straight to its extractor; chunks at any other rate than `set.sampleRate` are
 * resampled to it here, so callers may decode at `decodeRateFor(set)`.
 */
export async function extractFromChunks(name: string, set: FeatureSet, chunks: (onInfo: (i: AudioInfo) => void) => AsyncIterable<Float32Array>): Promise<ExtractionResult> {
  let extractor: FeatureExtractor | undefined;
  let resampler: Resampler | undefined;
  let info: AudioInfo | undefined;
  let meter: SegmentLevelMeter | undefined;
  const segmentLevelsDb: number[] = [];
  const start = (i: AudioInfo) => {
    info = i;
    meter = new SegmentLevelMeter(i.sampleRate, LEVEL_SEGMENT_SECONDS, (k, db) => (segmentLevelsDb[k] = db));
    if (set.createExtractorAt && set.nativeRates?.includes(i.sampleRate)) extractor = set.createExtractorAt(i.sampleRate);
    else {
      if (i.sampleRate !== set.sampleRate) resampler = createResampler(i.sampleRate, set.sampleRate);
      extractor = set.createExtractor();
    }
  };
  for await (const c of chunks(start)) {
    if (!extractor) throw new AudioInputError(name, 'decoder reported no audio format');
    // The meter's walk over the samples also keeps the peak and the count.
    meter!.push(c);
    extractor.push(resampler ? resampler.push(c) : c);
  }
  if (!extractor || !info) throw new AudioInputError(name, 'no audio samples decoded');
  if (resampler) extractor.push(resampler.flush());
  meter!.finish();
  const features = extractor.finish();
  const { samples, peak } = meter!;
  const duration = samples / info.sampleRate;
  if (features.frames.rows === 0) {
    throw new AudioInputError(name, `too short: ${duration.toFixed(3)} s of audio, feature set '${set.name}' needs at least ${(set.minSamples / set.sampleRate).toFixed(3)} s`);
  }
  return { features, audio: info, duration, peak, segmentLevelsDb };
}

/** Features of encoded audio bytes (or a byte stream). */
export function extractFeatures(source: ByteSource, set: FeatureSet, name = 'buffer'): Promise<ExtractionResult> {
  return extractFromChunks(name, set, (onInfo) => decodeStream(source, { sampleRate: decodeRateFor(set), name }, onInfo));
}
