/** Node-only: features of an audio file on disk, streamed. */
import { changeSpeed } from '../audio/augment.ts';
import { loadAudioFile, streamAudioFile } from '../audio/file.ts';
import { streamAudioFileThreaded } from '../audio/threaded.ts';
import { extractFromChunks, type ExtractionResult } from './extract.ts';
import { decodeRateFor, type FeatureSet } from './types.ts';

export interface FileExtractionOptions {
  /**
   * Decode on a worker thread while this thread computes the features (`audio/threaded.ts`):
   * faster for one file when a core is free, the same numbers. Default false.
   */
  decodeOnThread?: boolean;
}

/** Features of an audio file, streamed (the decoded signal is not kept unless the set needs it). */
export function extractFeaturesFromFile(path: string, set: FeatureSet, options: FileExtractionOptions = {}): Promise<ExtractionResult> {
  const stream = options.decodeOnThread ? streamAudioFileThreaded : streamAudioFile;
  return extractFromChunks(path, set, (onInfo) => stream(path, { sampleRate: decodeRateFor(set) }, onInfo));
}

/**
 * Features of an audio file played `speed` times faster (`changeSpeed`: tempo and pitch both
 * scaled), for speed-perturbation augmentation in training. The decoded signal is held whole.
 */
export async function extractSpeedChangedFromFile(path: string, set: FeatureSet, speed: number): Promise<ExtractionResult> {
  const audio = await loadAudioFile(path, { sampleRate: decodeRateFor(set) });
  const samples = changeSpeed(audio.samples, speed);
  return extractFromChunks(path, set, (onInfo) =>
    (async function* () {
      onInfo(audio);
      yield samples;
    })(),
  );
}
