/**
 * Training and cross-validating window models on songs with static labels (4Q and any
 * dataset/manifest with song-level valence/arousal): every epoch draws random context
 * windows from each training clip, summarises them with `window-stats`, and fits an
 * ensemble of `sentio-mlp` networks; songs are scored by averaging window predictions.
 * This is the recipe of the default model (`models/default/train.json`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { speedFactorProblem } from '../audio/augment.ts';
import { cachedFeatures, DEFAULT_CACHE_DIR } from '../data/feature-cache.ts';
import { loadDataset, type DatasetName } from '../data/index.ts';
import { groupKFold, seededRandom, shuffle, type Fold } from '../data/splits.ts';
import { quadrantOf, type Quadrant, type Song } from '../data/types.ts';
import { HOP_SECONDS, type ModelCard } from '../analyze/emotion-model.ts';
import { aggregateRuns } from '../eval/aggregate.ts';
import { quadrantReportFromVA, regressionReport, type QuadrantReport, type RegressionReport } from '../eval/metrics.ts';
import { getFeatureSet } from '../features/index.ts';
import { LEVEL_SHIFT_SETS, shiftLevel } from '../features/sentio-frames.ts';
import { fitStandardization, standardizeInPlace, type Standardization } from '../features/summary.ts';
import { indexFrames, windowInputDims, windowInputProblem, writeWindowInput, type IndexedFrames, type WindowInputKind } from '../features/window-input.ts';
import { useBackend, type BackendName, type tf } from '../models/backend.ts';
import { saveLayersModel } from '../models/io.ts';
import { getArchitecture, resolveOptions } from '../models/registry.ts';
import type { LossName } from './losses.ts';
import { predictExamples, train, type EpochLog, type Examples, type LrSchedule, type TrainOptions, type TrainResult } from './trainer.ts';

export interface WindowModelConfig {
  name: string;
  dataset: { name: DatasetName; path: string };
  featureSet: string;
  windowSeconds: number;
  windowsPerClip: number;
  architecture: string;
  options: Record<string, number | string | boolean>;
  members: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  folds: number;
  /**
   * `quadrant-anchored`: 0.5·(quadrant sign) + 0.5·(continuous value / 0.6, clipped) — the
   * 4Q word-norm targets are compressed (most within ±0.6), so anchoring them on the
   * quadrant makes the model use the range and agree with the primary label;
   * `continuous`: the dataset's values as they are.
   */
  targets: 'quadrant-anchored' | 'continuous';
  /** What the network reads per window (default `window-stats`). */
  input?: WindowInputKind;
  /** Training loss (default `mse`; see `losses.ts`). */
  loss?: LossName;
  /** Learning-rate schedule over the epochs (default `constant`; see `TrainOptions.lrSchedule`). */
  lrSchedule?: LrSchedule;
  /**
   * Training-time augmentation. `speeds`: speed-perturbed copies of every training song
   * (`changeSpeed`: e.g. 1.0667 plays it 6.7 % faster and 1.1 semitones higher); each training
   * window is drawn from the original or one of the copies at random. Evaluation and
   * prediction always read the original.
   * `mixup`: α of mixup (Zhang et al. 2018) on the window inputs: every training window is
   * replaced by λ·itself + (1 − λ)·another window of the same epoch, its targets alike, with
   * λ ~ Beta(α, α) folded onto [0.5, 1] so the window stays closer to its own song.
   * `gainsDb`: copies of every training song played that many dB louder (negative: quieter),
   * made from its frames by `shiftLevel` (no extraction; `sentio-frames` / `sentio-voice`
   * only), drawn like the speed copies: the level at which a file was mastered or a
   * microphone hears the music then moves the output less.
   */
  augment?: { speeds?: number[]; mixup?: number; gainsDb?: number[] };
  backend?: BackendName;
}

export interface PreparedData {
  songs: Song[];
  input: WindowInputKind;
  clips: IndexedFrames[];
  /** Per song, its augmented copies (`config.augment`); empty lists without augmentation. */
  variants: IndexedFrames[][];
  frameHop: number;
  dims: number;
  windowFrames: number;
  targets: Float32Array;
}

const SIGNS: Record<Quadrant, [number, number]> = { Q1: [1, 1], Q2: [-1, 1], Q3: [-1, -1], Q4: [1, -1] };

export function songTargets(song: Song, mode: WindowModelConfig['targets']): [number, number] {
  const v = song.static?.valence;
  const a = song.static?.arousal;
  if (v === undefined || a === undefined) throw new Error(`song ${song.id}: no static valence/arousal label`);
  if (mode === 'continuous') return [v, a];
  const q = SIGNS[song.quadrant ?? quadrantOf(v, a)];
  const c = (x: number) => Math.max(-1, Math.min(1, x / 0.6));
  return [0.5 * q[0] + 0.5 * c(v), 0.5 * q[1] + 0.5 * c(a)];
}

/** Loads the dataset and (cached) frame features of every song. */
export async function prepareData(config: WindowModelConfig, onSong?: (done: number, total: number) => void): Promise<PreparedData> {
  const songs = (await loadDataset(config.dataset.name, config.dataset.path)).filter((s) => s.audioPath && s.static);
  if (songs.length === 0) throw new Error(`${config.dataset.path}: no songs with audio and static labels`);
  const set = getFeatureSet(config.featureSet);
  const input = config.input ?? 'window-stats';
  const problem = windowInputProblem(input, set.columns);
  if (problem) throw new Error(`${problem}, not '${config.featureSet}'`);
  const augmentWhy = augmentProblem(config.augment);
  if (augmentWhy) throw new Error(augmentWhy);
  const speeds = config.augment?.speeds ?? [];
  const gains = config.augment?.gainsDb ?? [];
  if (gains.length && !LEVEL_SHIFT_SETS.includes(set.name)) {
    throw new Error(`augment.gainsDb needs the ${LEVEL_SHIFT_SETS.join(' or ')} feature set, not '${set.name}'`);
  }
  const clips: IndexedFrames[] = [];
  const variants: IndexedFrames[][] = [];
  for (const [k, s] of songs.entries()) {
    const frames = await cachedFeatures(s.audioPath!, set);
    clips.push(indexFrames(frames));
    const copies: IndexedFrames[] = [];
    for (const v of speeds) copies.push(indexFrames(await cachedFeatures(s.audioPath!, set, DEFAULT_CACHE_DIR, v)));
    for (const g of gains) copies.push(indexFrames(shiftLevel(frames, g)));
    variants.push(copies);
    onSong?.(k + 1, songs.length);
  }
  const targets = new Float32Array(songs.length * 2);
  songs.forEach((s, i) => targets.set(songTargets(s, config.targets), 2 * i));
  return { songs, input, clips, variants, frameHop: set.hopSeconds, dims: windowInputDims(input, clips[0].frames.cols), windowFrames: Math.round(config.windowSeconds / set.hopSeconds), targets };
}

/** Why `augment` (a recipe's `augment` value, as read from JSON) cannot be used, or null. */
export function augmentProblem(augment: unknown): string | null {
  if (augment === undefined) return null;
  if (!augment || typeof augment !== 'object' || Array.isArray(augment)) return `augment must be an object, got ${JSON.stringify(augment)}`;
  const { speeds, mixup, gainsDb } = augment as { speeds?: unknown; mixup?: unknown; gainsDb?: unknown };
  const unknown = Object.keys(augment).filter((k) => !['speeds', 'mixup', 'gainsDb'].includes(k));
  if (unknown.length) return `augment: unknown ${unknown.map((k) => `'${k}'`).join(', ')} (known: speeds, mixup, gainsDb)`;
  if (gainsDb !== undefined) {
    if (!Array.isArray(gainsDb) || gainsDb.some((g) => typeof g !== 'number' || !Number.isFinite(g) || g === 0 || Math.abs(g) > 24)) {
      return `augment.gainsDb must be a list of non-zero gains in dB within ±24, got ${JSON.stringify(gainsDb)}`;
    }
  }
  if (speeds !== undefined) {
    if (!Array.isArray(speeds)) return `augment.speeds must be a list of speed factors, got ${JSON.stringify(speeds)}`;
    for (const v of speeds) {
      const why = speedFactorProblem(v);
      if (why) return `augment.speeds: ${why}`;
    }
  }
  if (mixup !== undefined && !(typeof mixup === 'number' && mixup > 0)) return `augment.mixup: α must be a number > 0, got ${JSON.stringify(mixup)}`;
  return null;
}

/** Random training windows for `epoch` (seeded by epoch), raw (not standardised). */
function sampleWindows(data: PreparedData, clips: number[], perClip: number, seed: number): Examples {
  const rand = seededRandom(seed);
  const n = clips.length * perClip;
  const x = new Float32Array(n * data.dims);
  const y = new Float32Array(n * 2);
  let k = 0;
  for (const i of clips) {
    const copies = data.variants[i];
    for (let c = 0; c < perClip; c++) {
      // The random draw for the copy is made only with augmentation, so recipes without it
      // sample exactly the windows they always did.
      const copy = copies.length ? Math.floor(rand() * (copies.length + 1)) : 0;
      const clip = copy === 0 ? data.clips[i] : copies[copy - 1];
      const start = Math.floor(rand() * Math.max(1, clip.frames.rows - data.windowFrames));
      writeWindowInput(data.input, clip, start, start + data.windowFrames, x, k * data.dims);
      y[2 * k] = data.targets[2 * i];
      y[2 * k + 1] = data.targets[2 * i + 1];
      k++;
    }
  }
  return { x, y, count: n, inputShape: [1, data.dims], targetShape: [2] };
}

/**
 * Mixup into new arrays (the originals are left as they are, since partners are read after
 * their own row is mixed): example k becomes λ_k·x_k + (1 − λ_k)·x_π(k) for a seeded permutation π,
 * λ_k ~ Beta(α, α) folded onto [0.5, 1], targets alike. Mixing the raw window inputs is the
 * same as mixing standardised ones (standardisation is affine). The mixed inputs are reads of
 * no real window: mixup is a regulariser that asks for linear behaviour between songs.
 */
export function mixExamples(ex: Examples, alpha: number, seed: number): Examples {
  if (!(alpha > 0)) throw new Error(`mixup α must be > 0, got ${alpha}`);
  const n = ex.count;
  const dims = ex.x.length / n;
  const outDims = ex.y.length / n;
  const partner = shuffle(Array.from({ length: n }, (_, k) => k), seed);
  const lambda = betaSamples(n, alpha, seed);
  const x = new Float32Array(ex.x.length);
  const y = new Float32Array(ex.y.length);
  for (let k = 0; k < n; k++) {
    const l = Math.max(lambda[k], 1 - lambda[k]);
    const p = partner[k];
    for (let d = 0; d < dims; d++) x[k * dims + d] = l * ex.x[k * dims + d] + (1 - l) * ex.x[p * dims + d];
    for (let d = 0; d < outDims; d++) y[k * outDims + d] = l * ex.y[k * outDims + d] + (1 - l) * ex.y[p * outDims + d];
  }
  return { ...ex, x, y };
}

/**
 * `n` seeded Beta(α, α) draws, as G₁ / (G₁ + G₂) of two Gamma(α) draws (Marsaglia & Tsang
 * 2000; for α < 1, G(α) = G(α + 1)·U^(1/α)). Written here rather than taken from tfjs's
 * randomGamma so that it runs on the recipe's own seeded generator without a tfjs backend.
 */
function betaSamples(n: number, alpha: number, seed: number): Float64Array {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(1 - rand(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v <= 0) continue;
      const u = 1 - rand();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const g1 = gamma(alpha);
    const g2 = gamma(alpha);
    out[k] = g1 + g2 > 0 ? g1 / (g1 + g2) : 0.5;
  }
  return out;
}

/** The examples standardised in place with `norm`. */
function normalize(ex: Examples, norm: Standardization): Examples {
  standardizeInPlace(ex.x, norm);
  return ex;
}

/** Windows every windowFrames/4 across each clip (evaluation), standardised. */
function evaluationWindows(data: PreparedData, clips: readonly number[], norm: Standardization): { owners: number[]; ex: Examples } {
  const owners: number[] = [];
  const starts: number[] = [];
  const step = Math.max(1, Math.round(data.windowFrames / 4));
  for (const i of clips) for (let s = 0; s === 0 || s + data.windowFrames <= data.clips[i].frames.rows; s += step) {
    owners.push(i);
    starts.push(s);
  }
  const x = new Float32Array(owners.length * data.dims);
  owners.forEach((i, k) => writeWindowInput(data.input, data.clips[i], starts[k], starts[k] + data.windowFrames, x, k * data.dims));
  return { owners, ex: normalize({ x, y: new Float32Array(owners.length * 2), count: owners.length, inputShape: [1, data.dims], targetShape: [2] }, norm) };
}

export interface TrainedEnsemble {
  members: tf.LayersModel[];
  normalization: Standardization;
}

/** Which part of a run a network belongs to: a cross-validation fold (1-based) or the final ensemble. */
export type Stage = { kind: 'fold'; fold: number; folds: number } | { kind: 'final' };

/** One network of a run: `member` (0-based) of the ensemble of `stage`. */
export interface NetworkId {
  stage: Stage;
  member: number;
  members: number;
  epochs: number;
}

/** `fold 2/5` or `final`, for progress lines. */
export function stageLabel(stage: Stage): string {
  return stage.kind === 'fold' ? `fold ${stage.fold}/${stage.folds}` : 'final';
}

/** A finished fold as kept for resuming: its test songs (ids, in fold order) and their out-of-fold predictions. */
export interface SavedFold {
  fold: number;
  songs: string[];
  predictions: [number, number][];
}

/**
 * Keeps the finished parts of a run so an interrupted one can continue where it stopped
 * (the CLI's work folder, src/train/work-dir.ts). Every network is seeded by its own
 * position (seed, fold, member, epoch), never by what ran before it, which is what makes
 * skipping finished parts give the same result as running them.
 */
export interface RunStore {
  /** The member's weights when an earlier run finished it, else null. */
  loadMember(id: NetworkId): Promise<tf.LayersModel | null>;
  saveMember(id: NetworkId, model: tf.LayersModel): Promise<void>;
  /** The trainer's checkpoint folder for the member; training resumes from it when it holds one. */
  checkpointDir(id: NetworkId): string;
  loadFold(fold: number): Promise<SavedFold | null>;
  saveFold(saved: SavedFold): Promise<void>;
}

/** How a network ended up in the ensemble, for progress lines. */
export interface NetworkDone {
  /** `stored`: finished by an earlier run and loaded; `trained`: trained now (`resumedAt` > 0 when continued from a checkpoint). */
  source: 'trained' | 'stored';
  /** Epochs already done in an earlier run when training continued from a checkpoint. */
  resumedAt: number;
  /** Mean training loss of the last epoch (null for stored members). */
  trainLoss: number | null;
  valLoss: number | null;
  /** Wall time of this run's part of the training. */
  seconds: number;
}

/** Optional persistence, interruption and progress for `trainEnsemble`/`crossValidate`/`trainAndSave`. */
export interface RunOptions {
  store?: RunStore;
  /** Aborting stops the running network at the next batch (its checkpoint keeps the last full epoch) and throws `TrainingInterrupted`. */
  signal?: AbortSignal;
  onBatch?: (id: NetworkId, info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (id: NetworkId, log: EpochLog) => void;
  onNetwork?: (id: NetworkId, done: NetworkDone) => void;
  /**
   * `crossValidate` only: each fold's ensemble with its held-out songs, before it is disposed,
   * for predictions beyond the out-of-fold ones (scripts/level-sensitivity.ts). Folds loaded
   * from `store` have no ensemble and are not reported.
   */
  onFoldEnsemble?: (ensemble: TrainedEnsemble, test: readonly number[], fold: number) => void;
}

/** Thrown when `RunOptions.signal` stopped a run; `network` is the one that was running (null: none yet). */
export class TrainingInterrupted extends Error {
  constructor(readonly network: NetworkId | null) {
    super(network ? `training interrupted (${stageLabel(network.stage)}, member ${network.member + 1}/${network.members})` : 'training interrupted');
    this.name = 'TrainingInterrupted';
  }
}

/** The trainer options through which a run's store, signal and progress reach one network. */
export type NetworkHooks = Pick<TrainOptions, 'checkpointDir' | 'resume' | 'signal' | 'onBatch' | 'onEpoch'>;

/**
 * Trains network `id` with `fit`, wired to the run: it checkpoints into the store (and resumes
 * from it), stops at the signal (disposing the model and throwing `TrainingInterrupted`), is
 * saved with `save` when done, and is reported through `run.onNetwork`. Window ensembles and
 * sequence recipes share it.
 */
export async function trainRunNetwork(
  id: NetworkId,
  run: Omit<RunOptions, 'store'> & { store?: Pick<RunStore, 'checkpointDir'> },
  fit: (hooks: NetworkHooks) => Promise<{ model: tf.LayersModel; result: TrainResult }>,
  save: (model: tf.LayersModel, result: TrainResult) => Promise<void>,
): Promise<{ model: tf.LayersModel; result: TrainResult }> {
  const started = performance.now();
  let epochsNow = 0;
  const { model, result } = await fit({
    // Checkpointing only saves: the weights and the random draws are those of a run without it.
    checkpointDir: run.store?.checkpointDir(id),
    resume: run.store !== undefined,
    signal: run.signal,
    onBatch: run.onBatch && ((info) => run.onBatch!(id, info)),
    onEpoch: (log) => {
      epochsNow++;
      run.onEpoch?.(id, log);
    },
  });
  if (result.stopped === 'interrupted') {
    model.dispose();
    throw new TrainingInterrupted(id);
  }
  await save(model, result);
  const last = result.history.at(-1);
  run.onNetwork?.(id, { source: 'trained', resumedAt: result.history.length - epochsNow, trainLoss: last?.trainLoss ?? null, valLoss: last?.valLoss ?? null, seconds: (performance.now() - started) / 1000 });
  return { model, result };
}

/**
 * Trains `config.members` networks on `clips`. With `run.store`, members finished earlier
 * are loaded instead of trained, and the running one checkpoints every epoch.
 */
export async function trainEnsemble(config: WindowModelConfig, data: PreparedData, clips: number[], run: RunOptions = {}, stage: Stage = { kind: 'final' }): Promise<TrainedEnsemble> {
  await useBackend(config.backend ?? 'wasm');
  const arch = getArchitecture(config.architecture);
  const options = resolveOptions(arch, config.options);
  const first = sampleWindows(data, clips, config.windowsPerClip, config.seed);
  const normalization = fitStandardization({ rows: first.count, cols: data.dims, data: first.x });
  const members: tf.LayersModel[] = [];
  try {
    for (let m = 0; m < config.members; m++) {
      const id: NetworkId = { stage, member: m, members: config.members, epochs: config.epochs };
      const stored = await run.store?.loadMember(id);
      if (stored) {
        members.push(stored);
        run.onNetwork?.(id, { source: 'stored', resumedAt: 0, trainLoss: null, valLoss: null, seconds: 0 });
        continue;
      }
      const { model } = await trainRunNetwork(
        id,
        run,
        async (hooks) => {
          const model = arch.build(options, { frames: 1, dims: data.dims }, config.seed * 100 + m);
          const mixup = config.augment?.mixup;
          const epochExamples = (epoch: number): Examples => {
            const seed = config.seed * 1_000_003 + m * 1009 + epoch;
            const ex = sampleWindows(data, clips, config.windowsPerClip, seed);
            return normalize(mixup ? mixExamples(ex, mixup, seed) : ex, normalization);
          };
          const result = await train(model, epochExamples, null, {
            epochs: config.epochs,
            loss: config.loss ?? 'mse',
            batchSize: config.batchSize,
            learningRate: config.learningRate,
            lrSchedule: config.lrSchedule ?? 'constant',
            patience: 0,
            reduceLrPatience: 0,
            seed: config.seed * 100 + m,
            ...hooks,
          });
          return { model, result };
        },
        async (model) => run.store?.saveMember(id, model),
      );
      members.push(model);
    }
  } catch (e) {
    members.forEach((m) => m.dispose());
    throw e;
  }
  return { members, normalization };
}

/** Song-level (valence, arousal): mean over the song's evaluation windows and the ensemble. */
export function predictSongs(ensemble: TrainedEnsemble, data: PreparedData, clips: readonly number[]): Map<number, [number, number]> {
  const { owners, ex } = evaluationWindows(data, clips, ensemble.normalization);
  const sums = new Map<number, [number, number, number]>();
  for (const member of ensemble.members) {
    const p = predictExamples(member, ex);
    owners.forEach((i, k) => {
      const s = sums.get(i) ?? [0, 0, 0];
      s[0] += Math.max(-1, Math.min(1, p[2 * k]));
      s[1] += Math.max(-1, Math.min(1, p[2 * k + 1]));
      s[2]++;
      sums.set(i, s);
    });
  }
  return new Map([...sums].map(([i, s]) => [i, [s[0] / s[2], s[1] / s[2]]]));
}

export interface FoldResult {
  fold: number;
  quadrants: QuadrantReport;
  regression: RegressionReport;
}

export interface CrossValidation {
  folds: FoldResult[];
  overall: { quadrants: QuadrantReport; regression: RegressionReport };
  meanStd: Record<string, { mean: number; std: number; n: number }>;
  /** Out-of-fold song-level predictions, by song index. */
  predictions: [number, number][];
}

/** Each song's quadrant: its label, or the quadrant of its static valence/arousal. */
export function songQuadrants(songs: readonly Song[]): Quadrant[] {
  return songs.map((s) => s.quadrant ?? quadrantOf(s.static!.valence, s.static!.arousal));
}

/**
 * The default model's folds (what `crossValidate` uses): grouped by artist (a
 * song without one is its own group), stratified by quadrant, seeded. Using this one call
 * for every model is what makes their scores comparable.
 */
export function staticFolds(songs: readonly Song[], k = 5, seed = 1): Fold[] {
  return groupKFold(songs.map((s) => s.artist ?? s.id), k, seed, songQuadrants(songs));
}

/**
 * Scores of song-level predictions on `clips`, as cross-validation reports them: quadrant =
 * sign of (valence, arousal) against the quadrant label; regression metrics against the
 * dataset's continuous valence/arousal.
 */
export function scoreClips(songs: readonly Song[], clips: readonly number[], predictions: readonly [number, number][], fold: number): FoldResult {
  for (const i of clips) if (!predictions[i]) throw new Error(`no prediction for song ${songs[i].id}`);
  const pred = { valence: clips.map((i) => predictions[i][0]), arousal: clips.map((i) => predictions[i][1]) };
  const truth = { valence: clips.map((i) => songs[i].static!.valence), arousal: clips.map((i) => songs[i].static!.arousal) };
  const quadrants = songQuadrants(clips.map((i) => songs[i]));
  return { fold, quadrants: quadrantReportFromVA(pred.valence, pred.arousal, quadrants), regression: regressionReport(pred, truth) };
}

/**
 * Artist-grouped, quadrant-stratified k-fold cross-validation of the recipe. With
 * `run.store`, folds finished earlier contribute their saved predictions instead of being
 * trained again (the metrics are computed from the predictions either way).
 */
export async function crossValidate(config: WindowModelConfig, data: PreparedData, onFold?: (fold: number, result: FoldResult) => void, run: RunOptions = {}): Promise<CrossValidation> {
  const folds = staticFolds(data.songs, config.folds, config.seed);
  const predictions: [number, number][] = new Array(data.songs.length);
  const results: FoldResult[] = [];
  for (const [k, fold] of folds.entries()) {
    const songs = fold.test.map((i) => data.songs[i].id);
    const saved = await run.store?.loadFold(k + 1);
    if (saved) {
      if (saved.songs.length !== songs.length || saved.songs.some((id, j) => id !== songs[j])) {
        throw new Error(`the saved fold ${k + 1} was made with other test songs (has the dataset changed?); start a new run`);
      }
      fold.test.forEach((i, j) => (predictions[i] = saved.predictions[j]));
    } else {
      const ensemble = await trainEnsemble(config, data, fold.train, run, { kind: 'fold', fold: k + 1, folds: config.folds });
      const pred = predictSongs(ensemble, data, fold.test);
      run.onFoldEnsemble?.(ensemble, fold.test, k + 1);
      ensemble.members.forEach((m) => m.dispose());
      for (const [i, p] of pred) predictions[i] = p;
      await run.store?.saveFold({ fold: k + 1, songs, predictions: fold.test.map((i) => predictions[i]) });
    }
    const result = scoreClips(data.songs, fold.test, predictions, k + 1);
    results.push(result);
    onFold?.(k + 1, result);
  }
  const all = data.songs.map((_, i) => i);
  const overall = scoreClips(data.songs, all, predictions, 0);
  const meanStd = aggregateRuns(results.map((r) => flatMetrics(r)));
  return { folds: results, overall: { quadrants: overall.quadrants, regression: overall.regression }, meanStd, predictions };
}

export function flatMetrics(r: FoldResult): Record<string, number> {
  return {
    macroF1: r.quadrants.macroF1,
    accuracy: r.quadrants.accuracy,
    arousalHalf: r.quadrants.arousalHalfAccuracy,
    valenceHalf: r.quadrants.valenceHalfAccuracy,
    valenceRmse: r.regression.valence.rmse,
    arousalRmse: r.regression.arousal.rmse,
    valenceR: r.regression.valence.pearson,
    arousalR: r.regression.arousal.pearson,
  };
}

/** Logistic slope k maximising Σ log σ(k·x·sign) over out-of-fold predictions (grid search). */
export function fitSlope(x: number[], positive: boolean[]): number {
  let best = 1;
  let bestLl = -Infinity;
  for (let k = 0.25; k <= 40; k *= 1.05) {
    let ll = 0;
    x.forEach((v, i) => {
      const z = positive[i] ? k * v : -k * v;
      ll += -Math.log1p(Math.exp(-z));
    });
    if (ll > bestLl) {
      bestLl = ll;
      best = k;
    }
  }
  return Number(best.toFixed(3));
}

/** Trains the final ensemble on every song (`run`: as for `trainEnsemble`) and writes the model folder with its card. */
export async function trainAndSave(config: WindowModelConfig, data: PreparedData, outDir: string, cv: CrossValidation | null, extra: { command: string; library: string }, run: RunOptions = {}): Promise<ModelCard> {
  const ensemble = await trainEnsemble(config, data, data.songs.map((_, i) => i), run, { kind: 'final' });
  await mkdir(outDir, { recursive: true });
  const memberNames: string[] = [];
  for (const [m, model] of ensemble.members.entries()) {
    const name = `member-${m}`;
    await saveLayersModel(model, join(outDir, name));
    memberNames.push(name);
  }
  const quadrants = songQuadrants(data.songs);
  const calibration = cv
    ? {
        valenceSlope: fitSlope(cv.predictions.map((p) => p[0]), quadrants.map((q) => q === 'Q1' || q === 'Q4')),
        arousalSlope: fitSlope(cv.predictions.map((p) => p[1]), quadrants.map((q) => q === 'Q1' || q === 'Q2')),
      }
    : // Without cross-validation there are no out-of-fold predictions to fit on: a fixed,
      // uncalibrated slope (p = 0.88 at ±0.5), and the card's metrics stay empty.
      { valenceSlope: 4, arousalSlope: 4 };
  const set = getFeatureSet(config.featureSet);
  const card: ModelCard = {
    format: 'sentio-model',
    formatVersion: 1,
    library: extra.library,
    name: config.name,
    architecture: config.architecture,
    options: resolveOptions(getArchitecture(config.architecture), config.options),
    featureSet: { name: set.name, hopSeconds: set.hopSeconds, columns: set.columns.length, ...(set.revision ? { revision: set.revision } : {}) },
    windowSeconds: config.windowSeconds,
    input: { frames: 1, dims: data.dims, summary: data.input },
    normalization: { mean: ensemble.normalization.mean.map((v) => Number(v.toPrecision(7))), std: ensemble.normalization.std.map((v) => Number(v.toPrecision(7))) },
    members: memberNames,
    labels: { scale: '[-1, 1]', order: ['valence', 'arousal'], targets: config.targets },
    calibration,
    training: { ...config, songs: data.songs.length, hopSeconds: HOP_SECONDS, command: extra.command },
    metrics: cv ? { crossValidation: `${config.folds}-fold, grouped by artist, stratified by quadrant`, meanStd: cv.meanStd, overall: { macroF1: cv.overall.quadrants.macroF1, accuracy: cv.overall.quadrants.accuracy, arousalHalf: cv.overall.quadrants.arousalHalfAccuracy, valenceHalf: cv.overall.quadrants.valenceHalfAccuracy, confusion: cv.overall.quadrants.confusion } } : {},
  };
  await writeFile(join(outDir, 'sentio.json'), JSON.stringify(card, null, 1) + '\n');
  ensemble.members.forEach((m) => m.dispose());
  return card;
}
