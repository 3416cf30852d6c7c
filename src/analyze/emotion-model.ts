/**
 * A trained emotion model as used by `analyze`: the `sentio.json` card, the ensemble
 * members (tfjs layers models) and the input normalisation. Universal: no Node imports,
 * so the browser bundle uses it too (loading from disk is in `load-model.ts`).
 *
 * Frames → per-0.5 s timeline: for every 0.5 s segment, the window of `windowSeconds`
 * centred on it (shifted inwards at the song's edges) is summarised by `window-stats`,
 * standardised, and passed through every member; outputs are averaged and clipped to [-1, 1].
 */
import type { Quadrant } from '../data/types.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { getFeatureSet } from '../features/index.ts';
import { LEVEL_SEGMENT_SECONDS } from '../features/segment-levels.ts';
import { standardizeInPlace } from '../features/summary.ts';
import type { FeatureSet } from '../features/types.ts';
import { indexFrames, isWindowInputKind, windowInputProblem, windowInputDims, writeWindowInput, type WindowInputKind } from '../features/window-input.ts';
import { tf } from '../models/backend.ts';

/** The timeline's step, s; the silence gate's levels are metered on the same segments. */
export const HOP_SECONDS = LEVEL_SEGMENT_SECONDS;

/** `sentio.json`: everything needed to use a model folder again. */
export interface ModelCard {
  format: 'sentio-model';
  formatVersion: 1;
  library: string;
  name: string;
  architecture: string;
  options: Record<string, number | string | boolean>;
  /** `revision`: the feature set's definition the model was trained on (absent: 1). */
  featureSet: { name: string; hopSeconds: number; columns: number; revision?: number };
  /** Context the network sees per prediction. */
  windowSeconds: number;
  input: { frames: number; dims: number; summary: WindowInputKind };
  normalization: { mean: number[]; std: number[] };
  /** Subfolders holding one tfjs model each; their outputs are averaged. */
  members: string[];
  labels: { scale: '[-1, 1]'; order: ['valence', 'arousal']; targets: string };
  /**
   * Logistic slopes turning song-level valence/arousal into P(positive valence) and
   * P(high arousal): p = 1 / (1 + e^(−k·x)), fitted on out-of-fold predictions.
   */
  calibration: { valenceSlope: number; arousalSlope: number };
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface EmotionModel {
  card: ModelCard;
  members: tf.LayersModel[];
}

export interface Timeline {
  times: number[];
  valence: number[];
  arousal: number[];
}

/** Frame range of the context window for the segment starting at `segmentStart` seconds. */
export function contextWindow(segmentStart: number, frameHop: number, windowFrames: number, totalFrames: number): [number, number] {
  const centre = (segmentStart + HOP_SECONDS / 2) / frameHop;
  let start = Math.round(centre - windowFrames / 2);
  start = Math.max(0, Math.min(start, totalFrames - windowFrames));
  return [start, Math.min(totalFrames, start + windowFrames)];
}

/** Standardised window-statistics rows, one per 0.5 s segment of a song `duration` seconds long. */
export function timelineInputs(card: ModelCard, frames: Matrix, frameHop: number, duration: number): { times: number[]; x: Float32Array } {
  const indexed = indexFrames(frames);
  const dims = card.input.dims;
  if (windowInputDims(card.input.summary, frames.cols) !== dims) throw new Error(`model expects ${dims} ${card.input.summary} inputs, ${frames.cols} feature columns give ${windowInputDims(card.input.summary, frames.cols)}`);
  const windowFrames = Math.max(1, Math.round(card.windowSeconds / frameHop));
  const segments = Math.max(1, Math.ceil(duration / HOP_SECONDS - 1e-9));
  const times = Array.from({ length: segments }, (_, i) => i * HOP_SECONDS);
  const x = new Float32Array(segments * dims);
  times.forEach((t, k) => {
    const [s, e] = contextWindow(t, frameHop, windowFrames, frames.rows);
    writeWindowInput(card.input.summary, indexed, s, e, x, k * dims);
  });
  return { times, x: standardizeInPlace(x, card.normalization) };
}

/** Mean output of the ensemble for standardised rows `x` ([n × dims]). */
export function predictRows(model: EmotionModel, x: Float32Array, count: number, batchSize = 1024): Float32Array {
  const dims = model.card.input.dims;
  const sum = new Float32Array(count * 2);
  for (const member of model.members) {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const out = tf.tidy(() => (member.predict(tf.tensor3d(x.subarray(start * dims, (start + n) * dims), [n, 1, dims])) as tf.Tensor).dataSync());
      for (let i = 0; i < n * 2; i++) sum[start * 2 + i] += out[i];
    }
  }
  for (let i = 0; i < sum.length; i++) sum[i] = Math.max(-1, Math.min(1, sum[i] / model.members.length));
  return sum;
}

export function predictTimeline(model: EmotionModel, frames: Matrix, frameHop: number, duration: number): Timeline {
  const { times, x } = timelineInputs(model.card, frames, frameHop, duration);
  const out = predictRows(model, x, times.length);
  return { times, valence: times.map((_, k) => out[2 * k]), arousal: times.map((_, k) => out[2 * k + 1]) };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Quadrant probabilities from song-level valence/arousal, treating the two calibrated
 * half-plane probabilities as independent. The most likely quadrant is always the one
 * the signs of (valence, arousal) point to.
 */
export function quadrantProbabilities(valence: number, arousal: number, calibration: ModelCard['calibration']): Record<Quadrant, number> {
  const pv = sigmoid(calibration.valenceSlope * valence);
  const pa = sigmoid(calibration.arousalSlope * arousal);
  return { Q1: pv * pa, Q2: (1 - pv) * pa, Q3: (1 - pv) * (1 - pa), Q4: pv * (1 - pa) };
}

/**
 * The frame-level feature set a model reads (`sentio-frames`, `sentio-voice`, …): one of the
 * registered sets that streams audio at its native rates, with the card's column count.
 */
export function modelFeatureSet(card: Pick<ModelCard, 'featureSet' | 'name'>): FeatureSet {
  let set: FeatureSet;
  try {
    set = getFeatureSet(card.featureSet.name);
  } catch (e) {
    throw new Error(`model '${card.name}': ${(e as Error).message}`);
  }
  if (set.columns.length !== card.featureSet.columns) {
    throw new Error(`model '${card.name}': feature set '${set.name}' has ${set.columns.length} columns, the model was trained on ${card.featureSet.columns}`);
  }
  const trainedOn = card.featureSet.revision ?? 1;
  if (trainedOn !== (set.revision ?? 1)) {
    throw new Error(`model '${card.name}': trained on revision ${trainedOn} of feature set '${set.name}', this Sentio computes revision ${set.revision ?? 1}; retrain the model (its train.json) with this version`);
  }
  return set;
}

/** Parses the text of a `sentio.json` (read from disk or over HTTP) into a checked model card. */
export function parseModelCardText(text: string, source: string): ModelCard {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not a Sentio model folder (sentio.json is not JSON)`);
  }
  return parseModelCard(json, source);
}

/** Validates a parsed `sentio.json`, naming the first problem. */
export function parseModelCard(json: unknown, source: string): ModelCard {
  const c = json as Partial<ModelCard>;
  const fail = (why: string): never => {
    throw new Error(`${source}: not a Sentio model card: ${why}`);
  };
  if (!c || typeof c !== 'object') fail('not a JSON object');
  if (c.format !== 'sentio-model') fail(`format is '${String(c.format)}', expected 'sentio-model'`);
  if (c.formatVersion !== 1) fail(`unsupported formatVersion ${String(c.formatVersion)}`);
  const kind = (c as { kind?: unknown }).kind;
  if (kind !== undefined && kind !== 'window') {
    throw new Error(`${source}: a '${String(kind)}' model (${String(c.architecture)}, from a "recipe": "${String(kind)}" training run); analyze and eval load window models only`);
  }
  if (!Array.isArray(c.members) || c.members.length === 0) fail('no members');
  if (!c.input || !c.normalization || c.normalization.mean.length !== c.input.dims) fail('normalisation does not match input.dims');
  if (!c.featureSet?.name) fail('no featureSet');
  if (!isWindowInputKind(c.input?.summary)) fail(`unknown input summary '${String(c.input?.summary)}'`);
  const card = c as ModelCard;
  const problem = windowInputProblem(card.input.summary, modelFeatureSet(card).columns);
  if (problem) fail(`${problem}, but was trained on '${card.featureSet.name}'`);
  return card;
}
