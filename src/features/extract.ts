/** Audio in, features out: decode (streaming) → feature-set extractor. */
import { decodeStream, type AudioInfo, type ByteSource } from '../audio/decode.ts';
import { AudioInputError } from '../audio/errors.ts';
import type { FeatureMatrix, FeatureSet } from './types.ts';

export interface ExtractionResult {
  features: FeatureMatrix;
  audio: AudioInfo;
  /** Seconds of audio analysed. */
  duration: number;
  /** Largest absolute sample value (0 means digital silence). */
  peak: number;
}

/** Runs `set` over decoded mono chunks; `chunks` receives the callback that reports the audio format. */
export async function extractFromChunks(name: string, set: FeatureSet, chunks: (onInfo: (i: AudioInfo) => void) => AsyncIterable<Float32Array>): Promise<ExtractionResult> {
  const extractor = set.createExtractor();
  let info: AudioInfo | undefined;
  let samples = 0;
  let peak = 0;
  for await (const c of chunks((i) => (info = i))) {
    for (let i = 0; i < c.length; i++) {
      const a = Math.abs(c[i]);
      if (a > peak) peak = a;
    }
    samples += c.length;
    extractor.push(c);
  }
  const features = extractor.finish();
  const duration = samples / set.sampleRate;
  if (features.frames.rows === 0) {
    throw new AudioInputError(name, `too short: ${duration.toFixed(3)} s of audio, feature set '${set.name}' needs at least ${(set.minSamples / set.sampleRate).toFixed(3)} s`);
  }
  return { features, audio: info!, duration, peak };
}

/** Features of encoded audio bytes (or a byte stream). */
export function extractFeatures(source: ByteSource, set: FeatureSet, name = 'buffer'): Promise<ExtractionResult> {
  return extractFromChunks(name, set, (onInfo) => decodeStream(source, { sampleRate: set.sampleRate, name }, onInfo));
}
