/** Node-only: features of an audio file on disk, streamed. */
import { streamAudioFile } from '../audio/file.ts';
import { extractFromChunks, type ExtractionResult } from './extract.ts';
import { decodeRateFor, type FeatureSet } from './types.ts';

/** Features of an audio file, streamed (the decoded signal is not kept unless the set needs it). */
export function extractFeaturesFromFile(path: string, set: FeatureSet): Promise<ExtractionResult> {
  return extractFromChunks(path, set, (onInfo) => streamAudioFile(path, { sampleRate: decodeRateFor(set) }, onInfo));
}
