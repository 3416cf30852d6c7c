/**
 * Sentio in the browser: `loadModel(url)` fetches a model folder over HTTP and `analyze(input)`
 * runs the same path as Node (`analyze/analyze.ts`: decode → frame features → model →
 * timeline and summary), so a file gives the same numbers in both.
 *
 * `npm run build:web` bundles this entry into `dist/web/sentio.js` with the files it loads
 * at run time beside it: the tfjs wasm backend's `.wasm` files, PFFFT's `pffft.wasm` (found
 * from `import.meta.url`) and the default model under `models/default/`. Serve that folder
 * over HTTP (with `application/wasm` for `.wasm`) and import the module:
 *
 *     import { analyze } from './sentio.js';
 *     const result = await analyze(fileInput.files[0]);   // a File, Blob, bytes or samples
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { analyzeFeatures, extractAudio, type AnalyzeOptions } from './analyze/analyze.ts';
import { parseModelCardText, type EmotionModel } from './analyze/emotion-model.ts';
import type { AnalysisResult } from './analyze/types.ts';
import { tf, useBackend, type BackendName } from './models/backend.ts';
// Importing the architectures registers their custom layer classes for deserialisation.
import './models/layers.ts';

export { analyzeAudio, analyzeChunks, type AnalyzeOptions } from './analyze/analyze.ts';
export type { AnalysisResult, AnalysisFailure, EmotionPoint, SongSummary, TimeRange } from './analyze/types.ts';
export { SILENCE_GATE_DB, MIN_SILENCE_SECONDS, SILENT_POINT, silentPoints } from './analyze/silence.ts';
export type { EmotionModel, ModelCard } from './analyze/emotion-model.ts';
export { emotionToHex, emotionToRgb, moodWord } from './light/color.ts';
export { AudioInputError } from './audio/errors.ts';
// What the web app (web/) builds on: the live analyser, the lamp, the CLI's output formats and the lights bridge.
export { HOP_SECONDS } from './analyze/emotion-model.ts';
export { quadrantOf, type Quadrant } from './data/types.ts';
export { EmotionStream, liveRateProblem, LIVE_RATE_RANGE_HZ, type EmotionStreamOptions, type LivePoint, type StartupMode } from './analyze/stream.ts';
export { pointIndexAt, playbackLightStates, playbackPoints, type PlaybackPoint } from './analyze/playback.ts';
export { SILENCE_COLOR, SILENT_MOOD } from './analyze/silence.ts';
export { CSV_HEADER, JSON_ARRAY_OPEN, jsonArrayClose, jsonArrayElement, livePointLine, toCsvRows, toJsonLine } from './analyze/records.ts';
export { hexToRgb, rgbToHex, type Rgb } from './light/color.ts';
export { DEFAULT_COLOUR_OPTIONS } from './light/palette.ts';
export { DEFAULT_SMOOTHING_OPTIONS, LightMapper, SILENCE_MOOD, type LightInputPoint } from './light/smoothing.ts';
export { frameRgb } from './light/sinks/sink.ts';
export type { LightState } from './light/types.ts';
export {
  BRIDGE_CLOSE,
  BRIDGE_INFO_PATH,
  BRIDGE_MAX_MESSAGE_BYTES,
  BRIDGE_PATH,
  bridgeSocketUrl,
  parseBridgeInfo,
  pointMessage,
  validatePoint,
  type BridgePoint,
  type PointValidation,
} from './light/bridge-protocol.ts';

/** The folder this module was loaded from: the bundle's `.wasm` files and `models/` sit there. */
const HERE = new URL('./', import.meta.url);

/** The model bundled beside `sentio.js`. */
export const DEFAULT_MODEL_URL = new URL('models/default/', HERE).href;

// The tfjs wasm backend fetches its binaries at initialisation; without this it would look
// for them next to the page, not next to the bundle.
setWasmPaths(HERE.href);

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`${url}: cannot fetch (${(e as Error).message})`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/** Reads `<url>/sentio.json` and its ensemble members over HTTP (the folder `sentio train` writes). */
export async function loadModel(url: string | URL = DEFAULT_MODEL_URL, backend: BackendName = 'wasm'): Promise<EmotionModel> {
  await useBackend(backend);
  const base = new URL(url, globalThis.location?.href ?? HERE.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const cardUrl = new URL('sentio.json', base).href;
  const text = await (await fetchOk(cardUrl)).text();
  const card = parseModelCardText(text, cardUrl);
  const members: tf.LayersModel[] = [];
  for (const m of card.members) members.push(await tf.loadLayersModel(new URL(`${m}/model.json`, base).href));
  return { card, members };
}

/** The tfjs backend in use: 'wasm' normally, 'cpu' where WebAssembly could not start. */
export function activeBackend(): string {
  return tf.getBackend();
}

let defaultModel: Promise<EmotionModel> | undefined;

/** `model` defaults to the bundled model (loaded on first use), `name` to the File's name, else 'buffer'. */
export interface BrowserAnalyzeOptions extends Partial<AnalyzeOptions> {}

/** Analyses a File/Blob or encoded bytes (WAV, MP3, FLAC, OGG, Opus), or raw mono samples. */
export async function analyze(input: Blob | ArrayBuffer | Uint8Array | Float32Array, options: BrowserAnalyzeOptions = {}): Promise<AnalysisResult> {
  return (await analyzeWithLevels(input, options)).result;
}

/** A file's analysis and the RMS level of each of its 0.5 s segments, dBFS (what the page's lamp gate reads). */
export interface AnalysisWithLevels {
  result: AnalysisResult;
  segmentLevelsDb: number[];
}

/** {@link analyze}, also giving the segment levels the analysis metered on the same pass. */
export async function analyzeWithLevels(input: Blob | ArrayBuffer | Uint8Array | Float32Array, options: BrowserAnalyzeOptions = {}): Promise<AnalysisWithLevels> {
  const model = options.model ?? (await (defaultModel ??= loadModel()));
  const name = options.name ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'buffer');
  const source = input instanceof Blob ? new Uint8Array(await input.arrayBuffer()) : input;
  const extraction = await extractAudio(source, { ...options, model, name });
  return { result: analyzeFeatures(name, extraction, model), segmentLevelsDb: extraction.segmentLevelsDb };
}
