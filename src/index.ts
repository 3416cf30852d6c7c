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
export { analyze, loadModel, DEFAULT_MODEL_DIR } from './analyze/node.ts';
export { analyzeAudio, analyzeChunks, type AnalyzeOptions } from './analyze/analyze.ts';
export type { AnalysisResult, AnalysisFailure, EmotionPoint, SongSummary, TimeRange } from './analyze/types.ts';
export { SILENCE_GATE_DB, MIN_SILENCE_SECONDS, SILENT_POINT, silentPoints } from './analyze/silence.ts';
export type { EmotionModel, ModelCard } from './analyze/emotion-model.ts';
export { EmotionStream, liveRateProblem, type LivePoint, type EmotionStreamOptions, type StartupMode } from './analyze/stream.ts';
export { runLive, type LiveOptions, type LiveSummary } from './analyze/live.ts';
export { PcmDecoder, type PcmEncoding, type PcmFormat } from './audio/pcm.ts';
export { emotionToHex, emotionToRgb, moodWord } from './light/color.ts';
export { LightMapper, type SmoothingOptions } from './light/smoothing.ts';
export { lightColour, PALETTES, type ColourOptions, type PaletteName } from './light/palette.ts';
export { parseLightConfig, buildLightSetup, type LightConfig } from './light/config.ts';
export type { LightSink, LightState, FinalState } from './light/types.ts';
export { architectures, getArchitecture } from './models/registry.ts';
export { train, type TrainOptions, type TrainResult } from './train/trainer.ts';
export * as metrics from './eval/metrics.ts';
export { loadDataset } from './data/index.ts';
