/**
 * Sentio — music emotion recognition in TypeScript.
 *
 * Data flows one way: audio (src/audio) → features (src/dsp, src/features) → models →
 * emotions → colour. This entry point works in Node; `decodeAudio`, `extractFeatures`
 * and everything under `dsp` use no Node-only modules.
 */
export { decodeAudio, decodeStream, downmix, type DecodedAudio, type AudioInfo, type DecodeOptions, type ByteSource } from './audio/decode.ts';
export { loadAudioFile, streamAudioFile } from './audio/file.ts';
export { resample, createResampler, type Resampler, type ResampleOptions } from './audio/resample.ts';
export { AudioInputError } from './audio/errors.ts';
export { featureSets, getFeatureSet, computeFeatures, type FeatureSet, type FeatureMatrix, type FeatureExtractor } from './features/index.ts';
export { extractFeatures, type ExtractionResult } from './features/extract.ts';
export { extractFeaturesFromFile } from './features/extract-file.ts';
export { encodeNpy, decodeNpy } from './io/npy.ts';
export * as dsp from './dsp/index.ts';
