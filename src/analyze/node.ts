/**
 * Node entry of the main job: `loadModel(dir)` reads a model folder from disk, and
 * `analyze(input)` accepts a path, a Buffer/Uint8Array of encoded audio, or raw samples.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAudioPath } from '../audio/file.ts';
import { extractFeaturesFromFile } from '../features/extract-file.ts';
import { useBackend, type BackendName } from '../models/backend.ts';
import { loadLayersModel } from '../models/io.ts';
import { analyzeAudio, analyzeFeatures, type AnalyzeOptions } from './analyze.ts';
import { modelFeatureSet, parseModelCardText, type EmotionModel, type ModelCard } from './emotion-model.ts';
import type { AnalysisResult } from './types.ts';

/** The model shipped with the package. */
export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/default');

/** Reads and checks `<dir>/sentio.json` (cheap: loads no network). */
export async function readModelCard(dir: string = DEFAULT_MODEL_DIR): Promise<ModelCard> {
  const cardPath = join(dir, 'sentio.json');
  let text: string;
  try {
    text = await readFile(cardPath, 'utf8');
  } catch {
    throw new Error(`${dir}: not a Sentio model folder (no readable sentio.json)`);
  }
  return parseModelCardText(text, cardPath);
}

/** Reads `<dir>/sentio.json` and its ensemble members. */
export async function loadModel(dir: string = DEFAULT_MODEL_DIR, backend: BackendName = 'wasm'): Promise<EmotionModel> {
  await useBackend(backend);
  const card = await readModelCard(dir);
  const members = [];
  for (const m of card.members) members.push(await loadLayersModel(join(dir, m)));
  return { card, members };
}

let defaultModel: Promise<EmotionModel> | undefined;

export interface NodeAnalyzeOptions extends Partial<AnalyzeOptions> {
  /** For a path: decode on a worker thread while this one computes (see `extractFeaturesFromFile`). */
  decodeOnThread?: boolean;
}

/** Analyses a file path, encoded bytes, or raw samples with `options.model` (default: the bundled model). */
export async function analyze(input: string | Uint8Array | ArrayBuffer | Float32Array, options: NodeAnalyzeOptions = {}): Promise<AnalysisResult> {
  const model = options.model ?? (await (defaultModel ??= loadModel()));
  if (typeof input === 'string') {
    await checkAudioPath(input);
    return analyzeFeatures(input, await extractFeaturesFromFile(input, modelFeatureSet(model.card), { decodeOnThread: options.decodeOnThread }), model);
  }
  return analyzeAudio(input, { ...options, model });
}
