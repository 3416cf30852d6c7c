/**
 * `"recipe": "sequence"` for `sentio train`: a dynamic-label model (the seed papers'
 * `crnn`, `crnn-nb`, `gru-*`, or any other registered architecture) trained on songs
 * annotated every 0.5 s, with the pieces of sequence-model.ts:
 *
 * songs → feature rows aligned to the labels → examples of `sequenceLength` frames →
 * one network per seed (early stopping on the validation songs) → per-label predictions
 * of the test songs → RMSE, r, CCC per dimension → model folder (one tfjs model per seed,
 * averaged) with a `sentio.json` of kind 'sequence'.
 *
 * The split is the dataset's official one (`"split": "official"`: training on the
 * development songs, a seeded artist-grouped share of them held out for early stopping,
 * test on the evaluation songs), or a seeded train/validation/test split grouped by artist
 * (`"split": {"kind": "random", ...}`).
 *
 * With a store (the CLI's work folder) every finished seed's network is kept and the running
 * one checkpoints every epoch, so an interrupted run continues to the same model: each
 * network is seeded by its seed alone, never by what ran before it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveDeamLayout } from '../data/deam.ts';
import { DATASET_NAMES, isDatasetName, loadDataset, type DatasetName } from '../data/index.ts';
import { trainValTestSplit } from '../data/splits.ts';
import type { Song } from '../data/types.ts';
import type { RegressionReport } from '../eval/metrics.ts';
import type { EvaluationResult } from '../eval/report.ts';
import { getFeatureSet } from '../features/index.ts';
import type { Standardization } from '../features/summary.ts';
import { useBackend, type BackendName, type tf } from '../models/backend.ts';
import { saveLayersModel } from '../models/io.ts';
import { getArchitecture, resolveOptions } from '../models/registry.ts';
import type { Options } from '../models/types.ts';
import { LOSSES, type LossName } from './losses.ts';
import {
  averagePredictions,
  defaultRepresentation,
  describeSource,
  exampleBuilder,
  fitStandardizationOnSongs,
  LABEL_HOP_SECONDS,
  loadSeries,
  scoreSongs,
  songPredictor,
  trainNetwork,
  type FeatureSource,
  type InputRepresentation,
  type SeriesSong,
  type SongPrediction,
} from './sequence-model.ts';
import { trainRunNetwork, TrainingInterrupted, type NetworkId, type RunOptions } from './window-model.ts';

/** `featureSet` value naming DEAM's published per-0.5 s features (`features/<id>.csv`). */
export const DEAM_CSV_FEATURES = 'deam-csv';

/** Columns of DEAM's published feature CSVs. */
const DEAM_CSV_HOP_SECONDS = 0.5;

export type SequenceSplit = { kind: 'official'; validationFraction: number } | { kind: 'random'; fractions: [number, number, number] };

/** A validated `"recipe": "sequence"` file, paths resolved against its folder. */
export interface SequenceTrainConfig {
  recipe: 'sequence';
  name: string;
  dataset: { name: DatasetName; path: string };
  /** A Sentio feature set computed from the audio, or {@link DEAM_CSV_FEATURES}. */
  featureSet: string;
  /** Feature cache for audio feature sets (default `.cache/features`). */
  cacheDir?: string;
  architecture: string;
  options: Record<string, number | string | boolean>;
  /** Frames per example: 0.5 s label frames for `sequence` architectures, feature rows for `window` ones. */
  sequenceLength: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** One network per seed; their outputs are averaged. */
  seeds: number[];
  /** Seed of the song split (default: the first seed). */
  splitSeed: number;
  split: SequenceSplit;
  loss: LossName;
  /** Epochs without validation improvement before stopping (0 = never). */
  patience: number;
  backend?: BackendName;
  out?: string;
}

/** `sentio.json` of a sequence model folder. */
export interface SequenceModelCard {
  format: 'sentio-model';
  formatVersion: 1;
  kind: 'sequence';
  library: string;
  name: string;
  command: string;
  architecture: string;
  /** The architecture's output: one (valence, arousal) per frame (`sequence`) or per window (`window`). */
  output: 'sequence' | 'window';
  options: Options;
  featureSet: { name: string; hopSeconds: number; columns: number; source: string };
  /** Frames per model input. */
  sequenceLength: number;
  input: { frames: number; dims: number; representation: InputRepresentation; labelHopSeconds: number };
  normalization: { mean: number[]; std: number[] };
  /** Subfolders holding one tfjs model each (one per seed); their outputs are averaged. */
  members: string[];
  labels: { scale: '[-1, 1]'; order: ['valence', 'arousal']; hopSeconds: number };
  dataset: { name: string; path: string; split: Record<string, unknown> };
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export class SequenceRecipeError extends Error {}

const KNOWN_KEYS = new Set(['recipe', 'name', 'dataset', 'featureSet', 'cacheDir', 'architecture', 'options', 'sequenceLength', 'epochs', 'batchSize', 'learningRate', 'seed', 'seeds', 'splitSeed', 'split', 'loss', 'patience', 'backend', 'out', 'description']);

/** The `recipe` key of a parsed recipe: 'window' (default) or 'sequence'; throws on anything else. */
export function recipeKind(json: unknown, file: string): 'window' | 'sequence' {
  const kind = json && typeof json === 'object' ? (json as { recipe?: unknown }).recipe : undefined;
  if (kind === undefined || kind === 'window') return 'window';
  if (kind === 'sequence') return 'sequence';
  throw new SequenceRecipeError(`${file}: "recipe" must be "window" or "sequence", got ${JSON.stringify(kind)}`);
}

/** Validates a parsed sequence recipe; every error names `file` and the key. */
export function parseSequenceRecipe(json: unknown, file: string): SequenceTrainConfig {
  const fail = (key: string, why: string): never => {
    throw new SequenceRecipeError(`${file}: "${key}": ${why}`);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new SequenceRecipeError(`${file}: not a JSON object`);
  const j = json as Record<string, unknown>;
  for (const k of Object.keys(j)) if (!KNOWN_KEYS.has(k)) fail(k, `unknown key (known: ${[...KNOWN_KEYS].join(', ')})`);
  for (const k of ['name', 'dataset', 'featureSet', 'architecture', 'sequenceLength', 'epochs', 'batchSize', 'learningRate', 'split', 'loss']) {
    if (j[k] === undefined) throw new SequenceRecipeError(`${file}: missing "${k}"`);
  }
  if (j.seed === undefined && j.seeds === undefined) throw new SequenceRecipeError(`${file}: missing "seed" (or "seeds")`);
  const base = path.dirname(path.resolve(file));
  const str = (k: string): string => (typeof j[k] === 'string' && (j[k] as string).length > 0 ? (j[k] as string) : fail(k, 'must be a non-empty string'));
  const int = (k: string, min: number): number => (Number.isInteger(j[k]) && (j[k] as number) >= min ? (j[k] as number) : fail(k, `must be an integer ≥ ${min}, got ${JSON.stringify(j[k])}`));
  const positive = (k: string): number => (typeof j[k] === 'number' && (j[k] as number) > 0 && Number.isFinite(j[k]) ? (j[k] as number) : fail(k, `must be a positive number, got ${JSON.stringify(j[k])}`));

  const ds = j.dataset as { name?: unknown; path?: unknown };
  if (!ds || typeof ds !== 'object') fail('dataset', 'must be {"name": ..., "path": ...}');
  if (typeof ds.name !== 'string' || !isDatasetName(ds.name)) fail('dataset.name', `must be one of ${DATASET_NAMES.join(', ')}, got ${JSON.stringify(ds.name)}`);
  if (typeof ds.path !== 'string' || ds.path === '') fail('dataset.path', 'must be a path (relative to the recipe)');
  const dataset = { name: ds.name as DatasetName, path: path.resolve(base, ds.path as string) };

  const featureSet = str('featureSet');
  if (featureSet === DEAM_CSV_FEATURES) {
    if (dataset.name !== 'deam') fail('featureSet', `'${DEAM_CSV_FEATURES}' (DEAM's published features) needs dataset "deam"`);
  } else {
    try {
      getFeatureSet(featureSet);
    } catch (e) {
      fail('featureSet', `${(e as Error).message} (or '${DEAM_CSV_FEATURES}' for DEAM's published features)`);
    }
  }

  const architecture = str('architecture');
  const options = (j.options ?? {}) as Record<string, number | string | boolean>;
  if (typeof options !== 'object' || Array.isArray(options)) fail('options', 'must be an object');
  try {
    resolveOptions(getArchitecture(architecture), options);
  } catch (e) {
    fail((e as Error).message.startsWith('unknown architecture') ? 'architecture' : 'options', (e as Error).message);
  }

  let seeds: number[];
  if (j.seeds !== undefined) {
    if (!Array.isArray(j.seeds) || j.seeds.length === 0 || !j.seeds.every((s) => Number.isInteger(s))) fail('seeds', 'must be a non-empty list of integers');
    seeds = j.seeds as number[];
  } else seeds = [int('seed', 0)];
  const splitSeed = j.splitSeed === undefined ? seeds[0] : int('splitSeed', 0);

  let split: SequenceSplit;
  const sp = j.split as Record<string, unknown> | string;
  const kind = typeof sp === 'string' ? sp : sp && typeof sp === 'object' ? sp.kind : undefined;
  if (kind === 'official') {
    const v = typeof sp === 'object' && sp.validationFraction !== undefined ? sp.validationFraction : 0.2;
    if (typeof v !== 'number' || v < 0 || v >= 1) fail('split.validationFraction', `must be in [0, 1), got ${JSON.stringify(v)}`);
    split = { kind: 'official', validationFraction: v as number };
  } else if (kind === 'random') {
    const f = typeof sp === 'object' && sp.fractions !== undefined ? sp.fractions : [0.7, 0.15, 0.15];
    if (!Array.isArray(f) || f.length !== 3 || !f.every((x) => typeof x === 'number' && x >= 0) || Math.abs(f[0] + f[1] + f[2] - 1) > 1e-6 || f[0] <= 0 || f[2] <= 0) {
      fail('split.fractions', `must be [train, validation, test] fractions summing to 1 with train and test > 0, got ${JSON.stringify(f)}`);
    }
    split = { kind: 'random', fractions: f as [number, number, number] };
  } else fail('split', `must be "official", "random", or {"kind": "official" | "random", ...}; got ${JSON.stringify(sp)}`);

  const loss = str('loss');
  if (!(LOSSES as readonly string[]).includes(loss)) fail('loss', `must be one of ${LOSSES.join(', ')}, got '${loss}'`);
  const backend = j.backend === undefined ? undefined : (str('backend') as BackendName);

  return {
    recipe: 'sequence',
    name: str('name'),
    dataset,
    featureSet,
    cacheDir: j.cacheDir === undefined ? undefined : path.resolve(base, str('cacheDir')),
    architecture,
    options,
    sequenceLength: int('sequenceLength', 1),
    epochs: int('epochs', 1),
    batchSize: int('batchSize', 1),
    learningRate: positive('learningRate'),
    seeds,
    splitSeed,
    split: split!,
    loss: loss as LossName,
    patience: j.patience === undefined ? 10 : int('patience', 0),
    backend,
    out: j.out === undefined ? undefined : path.resolve(base, str('out')),
  };
}

/** Reads and validates a sequence recipe file. */
export async function readSequenceRecipe(file: string): Promise<SequenceTrainConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new SequenceRecipeError(`${file}: cannot read the training recipe: ${(e as Error).message}`);
  }
  return parseSequenceRecipe(json, file);
}

/** The recipe's songs split three ways (validation may be empty), with how it was made. */
export interface SongSplit {
  train: SeriesSong[];
  validation: SeriesSong[];
  test: SeriesSong[];
  description: Record<string, unknown>;
}

/** Seeded split of `songs` grouped by artist (by song where the artist is unknown). */
function groupedSplit(songs: readonly SeriesSong[], byId: ReadonlyMap<string, Song>, seed: number, fractions: [number, number, number]) {
  const groups = songs.map((s) => byId.get(s.id)?.artist?.trim().toLowerCase() || `song:${s.id}`);
  const idx = trainValTestSplit(songs.length, seed, { fractions, groups });
  const pick = (is: number[]) => is.map((i) => songs[i]);
  return { train: pick(idx.train), validation: pick(idx.validation), test: pick(idx.test), groupedBy: groups.some((g) => !g.startsWith('song:')) ? 'artist' : 'song' };
}

/** Splits the loaded songs as the recipe says; throws when a side is empty. */
export function splitSongs(config: SequenceTrainConfig, songs: readonly SeriesSong[], byId: ReadonlyMap<string, Song>): SongSplit {
  if (config.split.kind === 'official') {
    const dev = songs.filter((s) => byId.get(s.id)?.split === 'development');
    const test = songs.filter((s) => byId.get(s.id)?.split === 'evaluation');
    if (dev.length === 0 || test.length === 0) {
      throw new SequenceRecipeError(`${config.dataset.path}: dataset '${config.dataset.name}' has ${dev.length} development and ${test.length} evaluation songs with labels and features; "split": "official" needs both (use "random")`);
    }
    const v = config.split.validationFraction;
    const inner = v > 0 && dev.length > 1 ? groupedSplit(dev, byId, config.splitSeed, [1 - v, v, 0]) : { train: dev, validation: [], test: [], groupedBy: 'song' };
    // With few artists the grouped split can leave training empty: fall back to all of them.
    const train = inner.train.length > 0 ? inner.train : dev;
    const validation = inner.train.length > 0 ? inner.validation : [];
    return { train, validation, test, description: { kind: 'official', validationFraction: v, seed: config.splitSeed, validationGroupedBy: inner.groupedBy, testIds: test.map((s) => s.id), validationIds: validation.map((s) => s.id) } };
  }
  const s = groupedSplit(songs, byId, config.splitSeed, config.split.fractions);
  if (s.train.length === 0 || s.test.length === 0) throw new SequenceRecipeError(`${config.dataset.path}: the random split of ${songs.length} songs left ${s.train.length} training and ${s.test.length} test songs; more songs (or artists) are needed`);
  return { ...s, description: { kind: 'random', fractions: config.split.fractions, seed: config.splitSeed, groupedBy: s.groupedBy, testIds: s.test.map((x) => x.id), validationIds: s.validation.map((x) => x.id) } };
}

/** What a finished seed network leaves besides its weights: what the model card records of its training. */
export interface SeedTraining {
  epochsTrained: number;
}

/**
 * Keeps a sequence run's finished networks and the running one's checkpoint (the CLI's work
 * folder, src/train/work-dir.ts). The network of the i-th seed is member i of the `final` stage.
 */
export interface SequenceStore {
  loadMember(id: NetworkId): Promise<tf.LayersModel | null>;
  loadMemberInfo(id: NetworkId): Promise<SeedTraining | null>;
  saveMember(id: NetworkId, model: tf.LayersModel, info: SeedTraining): Promise<void>;
  /** The trainer's checkpoint folder for the network; training resumes from it when it holds one. */
  checkpointDir(id: NetworkId): string;
}

/**
 * Persistence, interruption and progress, as window recipes' `RunOptions` (aborting `signal`
 * stops the running network at the next batch and throws `TrainingInterrupted`), plus log lines.
 */
export interface SequenceRunOptions extends Omit<RunOptions, 'store'> {
  store?: SequenceStore;
  log?: (line: string) => void;
  /** Called before each song's features are read. */
  onSong?: (done: number, total: number) => void;
}

/** The network of the `index`-th of the recipe's seeds, as stores and progress know it. */
function seedNetworkId(config: Pick<SequenceTrainConfig, 'seeds' | 'epochs'>, index: number): NetworkId {
  return { stage: { kind: 'final' }, member: index, members: config.seeds.length, epochs: config.epochs };
}

/** What {@link trainSequenceRecipe} produced. */
export interface SequenceTrainResult {
  /** One per seed, then `ensemble` when there are several seeds. */
  evaluation: EvaluationResult;
  /** Metrics of the seeds' averaged output on the test songs. */
  test: RegressionReport;
  card: SequenceModelCard;
  /** The trained networks, one per seed (the caller saves or disposes them). */
  models: tf.LayersModel[];
}

/** Loads the data, trains one network per seed and scores them on the test songs. */
export async function trainSequenceRecipe(config: SequenceTrainConfig, meta: { command: string; library: string }, run: SequenceRunOptions = {}): Promise<SequenceTrainResult> {
  const log = run.log ?? (() => {});
  const arch = getArchitecture(config.architecture);
  const options = resolveOptions(arch, config.options);
  const songs = loadDataset(config.dataset.name, config.dataset.path).filter((s) => s.dynamic);
  if (songs.length === 0) throw new SequenceRecipeError(`${config.dataset.path}: no song of dataset '${config.dataset.name}' has dynamic (per-0.5 s) labels`);
  let source: FeatureSource;
  let hopSeconds: number;
  if (config.featureSet === DEAM_CSV_FEATURES) {
    const dir = resolveDeamLayout(config.dataset.path).featuresDir;
    if (!dir) throw new SequenceRecipeError(`${config.dataset.path}: no features/ folder (DEAM's features.zip) for featureSet '${DEAM_CSV_FEATURES}'`);
    source = { kind: 'deam-csv', featuresDir: dir };
    hopSeconds = DEAM_CSV_HOP_SECONDS;
  } else {
    source = { kind: 'audio', set: config.featureSet, cacheDir: config.cacheDir };
    hopSeconds = getFeatureSet(config.featureSet).hopSeconds;
  }
  const representation = defaultRepresentation(arch.output);
  log(`reading ${describeSource(source)} for ${songs.length} songs`);
  const loaded = await loadSeries(songs, source, [representation], (done, total) => {
    // Features are cached per song (or read from DEAM's CSVs), so stopping here loses nothing.
    if (run.signal?.aborted) throw new TrainingInterrupted(null);
    run.onSong?.(done, total);
  });
  if (loaded.skipped.length > 0) log(`${loaded.skipped.length} song(s) skipped (${loaded.skipped.slice(0, 3).map((s) => `${s.id}: ${s.reason}`).join('; ')}${loaded.skipped.length > 3 ? '; …' : ''})`);
  const byId = new Map(songs.map((s) => [s.id, s]));
  const split = splitSongs(config, loaded.series[0], byId);
  log(`${split.train.length} training, ${split.validation.length} validation, ${split.test.length} test songs (${config.split.kind} split)`);

  await useBackend(config.backend ?? 'wasm');
  const norm: Standardization = fitStandardizationOnSongs(split.train);
  const build = exampleBuilder(arch.output);
  const predict = songPredictor(arch.output);
  const frames = config.sequenceLength;
  const trainEx = build(split.train, frames, norm);
  if (trainEx.count === 0) throw new SequenceRecipeError(`no training examples: every training song is shorter than sequenceLength ${frames}`);
  const held = split.validation.length > 0 ? build(split.validation, frames, norm) : null;
  const valEx = held && held.count > 0 ? held : null;
  const dims = norm.mean.length;

  /** The network of the `index`-th seed: stored by an earlier run, or trained now (from its checkpoint when there is one) and stored. */
  const seedNetwork = async (index: number): Promise<{ model: tf.LayersModel; training: SeedTraining }> => {
    const id = seedNetworkId(config, index);
    const stored = await run.store?.loadMember(id);
    const storedTraining = stored ? await run.store!.loadMemberInfo(id) : null;
    if (stored && storedTraining) {
      run.onNetwork?.(id, { source: 'stored', resumedAt: 0, trainLoss: null, valLoss: null, seconds: 0 });
      return { model: stored, training: storedTraining };
    }
    stored?.dispose();
    const { model, result } = await trainRunNetwork(
      id,
      run,
      (hooks) => trainNetwork(arch, options, config, frames, dims, trainEx, valEx, config.seeds[index] * 1000, hooks),
      async (model, result) => run.store?.saveMember(id, model, { epochsTrained: result.history.length }),
    );
    const training: SeedTraining = { epochsTrained: result.history.length };
    return { model, training };
  };

  const models: tf.LayersModel[] = [];
  const predictions: SongPrediction[][] = [];
  const evaluation: EvaluationResult = { title: `${config.name}: ${config.architecture} on ${config.dataset.name} (${config.split.kind} split), test songs`, folds: [] };
  const epochsTrained: number[] = [];
  let parameters = 0;
  try {
    for (const [index, seed] of config.seeds.entries()) {
      const { model, training } = await seedNetwork(index);
      models.push(model);
      parameters = model.countParams();
      epochsTrained.push(training.epochsTrained);
      const p = split.test.map((s) => predict(model, s, frames, norm));
      predictions.push(p);
      const report = scoreSongs(split.test, p);
      evaluation.folds.push({ label: `seed ${seed}`, regression: report });
      log(`seed ${seed}: ${training.epochsTrained} epochs, test RMSE valence ${report.valence.rmse.toFixed(3)} arousal ${report.arousal.rmse.toFixed(3)}`);
    }
  } catch (e) {
    for (const m of models) m.dispose();
    throw e;
  }
  const test = scoreSongs(split.test, averagePredictions(predictions));
  if (config.seeds.length > 1) evaluation.folds.push({ label: 'ensemble', regression: test });

  const perDim = (r: RegressionReport) => Object.fromEntries((['valence', 'arousal'] as const).map((d) => [d, { rmse: r[d].rmse, pearson: r[d].pearson, ccc: r[d].ccc, mae: r[d].mae, r2: r[d].r2 }]));
  const card: SequenceModelCard = {
    format: 'sentio-model',
    formatVersion: 1,
    kind: 'sequence',
    library: meta.library,
    name: config.name,
    command: meta.command,
    architecture: config.architecture,
    output: arch.output,
    options,
    featureSet: { name: config.featureSet, hopSeconds, columns: representation.kind === 'label-frames' && representation.stats === 'mean-std' ? dims / 2 : dims, source: source.kind },
    sequenceLength: frames,
    input: { frames, dims, representation, labelHopSeconds: LABEL_HOP_SECONDS },
    normalization: { mean: norm.mean, std: norm.std },
    members: config.seeds.map((s) => `seed-${s}`),
    labels: { scale: '[-1, 1]', order: ['valence', 'arousal'], hopSeconds: LABEL_HOP_SECONDS },
    dataset: { name: config.dataset.name, path: config.dataset.path, split: { ...split.description, trainSongs: split.train.length, validationSongs: split.validation.length, testSongs: split.test.length } },
    training: {
      seeds: config.seeds,
      epochs: config.epochs,
      epochsTrained,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      loss: config.loss,
      patience: config.patience,
      examples: trainEx.count,
      validationExamples: valEx?.count ?? 0,
      parameters,
      skippedSongs: loaded.skipped.length,
    },
    metrics: {
      test: { labels: test.n, ...perDim(test) },
      perSeed: evaluation.folds.filter((f) => f.label !== 'ensemble').map((f) => ({ label: f.label, ...perDim(f.regression!) })),
    },
  };
  return { evaluation, test, card, models };
}

/** Writes the model folder: `<seed-N>/model.json + weights.bin` per member and `sentio.json`. */
export async function saveSequenceModel(dir: string, result: SequenceTrainResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, model] of result.models.entries()) await saveLayersModel(model, path.join(dir, result.card.members[i]));
  await writeFile(path.join(dir, 'sentio.json'), JSON.stringify(result.card, null, 2) + '\n');
}
