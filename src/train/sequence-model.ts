/**
 * Dynamic-label recipe: songs annotated every 0.5 s (DEAM, the 1000 Songs database) →
 * feature rows aligned to the label times → examples of a fixed number of frames → a
 * network trained with per-frame (or per-window) targets → per-label predictions of the
 * held-out songs → valence/arousal metrics pooled over every scored label.
 *
 * It serves both reproduced papers:
 * - `sequence` architectures (Malik et al. 2017's `crnn`, `crnn-nb`) read L consecutive
 *   *label frames* (one feature vector per 0.5 s fragment) and predict one (valence,
 *   arousal) per frame;
 * - `window` architectures (Havránek 2021's `gru-parallel`) read the L *feature rows*
 *   (e.g. 60 × 50 ms) that end where a label's fragment ends, and predict that label.
 *
 * Time conventions (shared with the DEAM loader): the label at time t describes the
 * fragment [t, t + 0.5 s), and feature row r covers [start_r, start_r + hop) — true for
 * every set used here (DEAM's CSVs, `malik-logmel`, `pyaa68`, `emobase260`), whose frame
 * length equals their hop. A label whose fragment holds no complete feature row (e.g. the
 * 1000 Songs value at 45.0 s of a 45 s clip) is dropped: there is no audio to predict it from.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readDeamFeatures } from '../data/deam.ts';
import { cachedFeatures, DEFAULT_CACHE_DIR } from '../data/feature-cache.ts';
import { shuffle } from '../data/splits.ts';
import type { Song } from '../data/types.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { regressionReport, type RegressionReport } from '../eval/metrics.ts';
import { getFeatureSet } from '../features/index.ts';
import { lowerBound, STD_FLOOR, type Standardization } from '../features/summary.ts';
import { useBackend, type BackendName, type tf } from '../models/backend.ts';
import { getArchitecture, resolveOptions } from '../models/registry.ts';
import type { Architecture, Options } from '../models/types.ts';
import type { LossName } from './losses.ts';
import { predictExamples, train, type EpochLog, type Examples, type TrainOptions, type TrainResult } from './trainer.ts';

/** Spacing of the dynamic annotations of DEAM and the 1000 Songs database. */
export const LABEL_HOP_SECONDS = 0.5;

/** Slack when comparing times: DEAM's `frameTime` and our hops are exact to well under 1 ms. */
const TIME_TOLERANCE_SECONDS = 1e-3;

// ---------------------------------------------------------------------------------------
// Feature tracks
// ---------------------------------------------------------------------------------------

/** One song's feature rows on a regular grid. */
export interface FeatureTrack {
  /** `[rows × dims]`, row-major float32. */
  frames: Matrix<Float32Array>;
  /** Start of each row, seconds from the start of the audio. */
  startSeconds: Float64Array;
  /** Length of the span each row summarises (= its hop for the non-overlapping sets used here), seconds. */
  spanSeconds: number;
}

/**
 * Where the feature rows come from: DEAM's published `features/<id>.csv` (the MediaEval
 * 2015 baseline set), or a named Sentio feature set computed from each song's audio
 * (through the on-disk feature cache, so a second run decodes nothing).
 */
export type FeatureSource = { kind: 'deam-csv'; featuresDir: string } | { kind: 'audio'; set: string; cacheDir?: string };

/** One line naming the source, for logs and reports. */
export function describeSource(source: FeatureSource): string {
  return source.kind === 'deam-csv' ? `DEAM features (${source.featuresDir})` : `'${source.set}' computed from the audio`;
}

/** Median spacing of ascending times; `fallback` when there are fewer than two. */
function medianStepSeconds(times: ArrayLike<number>, fallback: number): number {
  if (times.length < 2) return fallback;
  const steps = Array.from({ length: times.length - 1 }, (_, i) => times[i + 1] - times[i]).sort((a, b) => a - b);
  return steps[steps.length >> 1];
}

/** Reads one song's feature rows from `source`; throws naming the missing file or audio. */
export async function loadFeatureTrack(song: Song, source: FeatureSource): Promise<FeatureTrack> {
  if (source.kind === 'deam-csv') {
    const file = path.join(source.featuresDir, `${song.id}.csv`);
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
    const f = readDeamFeatures(file);
    return { frames: f.frames, startSeconds: f.times, spanSeconds: medianStepSeconds(f.times, LABEL_HOP_SECONDS) };
  }
  if (!song.audioPath) throw new Error(`song ${song.id}: no audio file`);
  const set = getFeatureSet(source.set);
  const frames = await cachedFeatures(song.audioPath, set, source.cacheDir ?? DEFAULT_CACHE_DIR);
  // The cache keeps only the matrix; for these non-centred sets row r starts at r · hop.
  const startSeconds = Float64Array.from({ length: frames.rows }, (_, r) => r * set.hopSeconds);
  return { frames, startSeconds, spanSeconds: set.hopSeconds };
}

// ---------------------------------------------------------------------------------------
// Aligning labels and features
// ---------------------------------------------------------------------------------------

/** Per-label valence/arousal, in time order. */
export interface LabelSeries {
  times: number[];
  valence: number[];
  arousal: number[];
}

/** For every label that has features: its index and the rows `[start, end)` inside its fragment. */
export interface Alignment {
  labels: LabelSeries;
  rowStart: Int32Array;
  rowEnd: Int32Array;
  /** Labels dropped because their fragment holds no complete feature row. */
  dropped: number;
}

/**
 * Pairs each label fragment [t, t + 0.5 s) with the feature rows lying wholly inside it
 * (one row for DEAM's CSVs and `malik-logmel`, ten 50 ms rows for `pyaa68`).
 */
export function alignLabels(track: FeatureTrack, dynamic: LabelSeries): Alignment {
  const labels: LabelSeries = { times: [], valence: [], arousal: [] };
  const starts: number[] = [];
  const ends: number[] = [];
  const t0 = track.startSeconds;
  for (let i = 0; i < dynamic.times.length; i++) {
    const t = dynamic.times[i];
    const first = lowerBound(t0, t - TIME_TOLERANCE_SECONDS);
    let end = first;
    while (end < t0.length && t0[end] + track.spanSeconds <= t + LABEL_HOP_SECONDS + TIME_TOLERANCE_SECONDS) end++;
    if (end === first) continue;
    labels.times.push(t);
    labels.valence.push(dynamic.valence[i]);
    labels.arousal.push(dynamic.arousal[i]);
    starts.push(first);
    ends.push(end);
  }
  return { labels, rowStart: Int32Array.from(starts), rowEnd: Int32Array.from(ends), dropped: dynamic.times.length - labels.times.length };
}

// ---------------------------------------------------------------------------------------
// Model inputs
// ---------------------------------------------------------------------------------------

/**
 * What a model reads: `label-frames` — one row per label, the mean (and, with `mean-std`,
 * the population std) of its fragment's feature rows, as the MediaEval features and the
 * classical baselines see a song; `feature-rows` — the feature rows themselves.
 */
export type InputRepresentation = { kind: 'label-frames'; stats: 'mean' | 'mean-std' } | { kind: 'feature-rows' };

/** A song ready for a model: input rows and the labels they predict. */
export interface SeriesSong {
  id: string;
  /** Model input rows: one per label (`label-frames`) or the song's feature rows. */
  rows: Matrix<Float32Array>;
  labels: LabelSeries;
  /** For each label, one past its last input row (label i + 1 for `label-frames`). */
  labelEnd: Int32Array;
}

/** Mean (and population std) of each label's feature rows: one row per label. */
export function labelFrames(track: FeatureTrack, alignment: Alignment, stats: 'mean' | 'mean-std'): Matrix<Float32Array> {
  const { cols, data } = track.frames;
  const width = stats === 'mean' ? cols : 2 * cols;
  const n = alignment.labels.times.length;
  const out = new Float32Array(n * width);
  const mean = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    const r0 = alignment.rowStart[i];
    const r1 = alignment.rowEnd[i];
    mean.fill(0);
    for (let r = r0; r < r1; r++) for (let j = 0; j < cols; j++) mean[j] += data[r * cols + j];
    for (let j = 0; j < cols; j++) {
      mean[j] /= r1 - r0;
      out[i * width + j] = mean[j];
    }
    if (stats === 'mean') continue;
    for (let j = 0; j < cols; j++) {
      let ss = 0;
      for (let r = r0; r < r1; r++) ss += (data[r * cols + j] - mean[j]) ** 2;
      out[i * width + cols + j] = Math.sqrt(ss / (r1 - r0));
    }
  }
  return { rows: n, cols: width, data: out };
}

/** The song's inputs in `representation`. */
export function toSeries(id: string, track: FeatureTrack, alignment: Alignment, representation: InputRepresentation): SeriesSong {
  if (representation.kind === 'label-frames') {
    const rows = labelFrames(track, alignment, representation.stats);
    return { id, rows, labels: alignment.labels, labelEnd: Int32Array.from({ length: rows.rows }, (_, i) => i + 1) };
  }
  return { id, rows: track.frames, labels: alignment.labels, labelEnd: alignment.rowEnd };
}

/** Result of {@link loadSeries}: one list of songs per requested representation. */
export interface LoadedSeries {
  series: SeriesSong[][];
  /** Songs left out, with the reason (no features, no audio, no label with features). */
  skipped: { id: string; reason: string }[];
  /** Labels dropped in total because their fragment had no complete feature row. */
  droppedLabels: number;
}

/**
 * Loads and aligns every song's features once and derives each representation from them.
 * Songs without dynamic labels or whose features cannot be read are skipped (listed in
 * `skipped`), so one broken file does not sink a run over a thousand songs.
 */
export async function loadSeries(
  songs: readonly Song[],
  source: FeatureSource,
  representations: readonly InputRepresentation[],
  onSong?: (done: number, total: number) => void,
): Promise<LoadedSeries> {
  const out: LoadedSeries = { series: representations.map(() => []), skipped: [], droppedLabels: 0 };
  for (const [k, song] of songs.entries()) {
    onSong?.(k + 1, songs.length);
    if (!song.dynamic) {
      out.skipped.push({ id: song.id, reason: 'no dynamic annotations' });
      continue;
    }
    let track: FeatureTrack;
    try {
      track = await loadFeatureTrack(song, source);
    } catch (e) {
      out.skipped.push({ id: song.id, reason: (e as Error).message.split('\n')[0] });
      continue;
    }
    const alignment = alignLabels(track, song.dynamic);
    out.droppedLabels += alignment.dropped;
    if (alignment.labels.times.length === 0) {
      out.skipped.push({ id: song.id, reason: 'no label falls within its features' });
      continue;
    }
    representations.forEach((r, i) => out.series[i].push(toSeries(song.id, track, alignment, r)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Standardisation over many songs
// ---------------------------------------------------------------------------------------

/**
 * Per-column mean and population std over the rows of several songs, two-pass in float64
 * without concatenating them (the 1000 Songs' 50 ms rows are ~30 M values). Fitted on
 * training songs only; stds are floored at {@link STD_FLOOR} so constant columns map to 0.
 */
export function fitStandardizationOnSongs(songs: readonly SeriesSong[]): Standardization {
  if (songs.length === 0) throw new RangeError('cannot fit a standardization on zero songs');
  const cols = songs[0].rows.cols;
  const sum = new Float64Array(cols);
  let n = 0;
  for (const s of songs) {
    const { rows, data } = s.rows;
    for (let i = 0; i < rows * cols; i++) sum[i % cols] += data[i];
    n += rows;
  }
  const mean = Array.from(sum, (v) => v / n);
  const ss = new Float64Array(cols);
  for (const s of songs) {
    const { rows, data } = s.rows;
    for (let i = 0; i < rows * cols; i++) ss[i % cols] += (data[i] - mean[i % cols]) ** 2;
  }
  return { mean, std: Array.from(ss, (v) => Math.max(Math.sqrt(v / n), STD_FLOOR)) };
}

/** Writes row `r` of `m`, standardised, into `out` at `offset`. */
function copyStandardizedRow(m: Matrix<Float32Array>, r: number, norm: Standardization, out: Float32Array, offset: number): void {
  const cols = m.cols;
  for (let j = 0; j < cols; j++) out[offset + j] = (m.data[r * cols + j] - norm.mean[j]) / norm.std[j];
}

// ---------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------

/**
 * Start frames of the length-`frames` chunks that cover `n` frames: back to back from 0,
 * plus one chunk aligned to the end when `frames` does not divide `n` (so every frame is
 * seen once as a target and the tail is not thrown away). Empty when n < frames.
 */
export function chunkStarts(n: number, frames: number): number[] {
  if (n < frames) return [];
  const starts: number[] = [];
  for (let s = 0; s + frames <= n; s += frames) starts.push(s);
  if (n % frames !== 0) starts.push(n - frames);
  return starts;
}

/**
 * Copies rows `[from, from + frames)` of `m`, standardised, into `out` at `offset`; rows
 * outside the song repeat its first or last row (edge padding: a constant context is the
 * least surprising filler for a recurrent network, and the padded frames are never scored).
 */
function copyWindow(m: Matrix<Float32Array>, from: number, frames: number, norm: Standardization, out: Float32Array, offset: number): void {
  for (let k = 0; k < frames; k++) {
    const r = Math.min(m.rows - 1, Math.max(0, from + k));
    copyStandardizedRow(m, r, norm, out, offset + k * m.cols);
  }
}

/**
 * Training examples of a `sequence` architecture: every chunk of `frames` label frames
 * ({@link chunkStarts}) with its per-frame (valence, arousal) targets. Songs shorter than
 * one chunk give none (the published clips give 60 frames, the longest length used).
 */
export function sequenceExamples(songs: readonly SeriesSong[], frames: number, norm: Standardization): Examples {
  const dims = norm.mean.length;
  const owners = songs.flatMap((s) => chunkStarts(s.rows.rows, frames).map((start) => ({ s, start })));
  const x = new Float32Array(owners.length * frames * dims);
  const y = new Float32Array(owners.length * frames * 2);
  owners.forEach(({ s, start }, k) => {
    copyWindow(s.rows, start, frames, norm, x, k * frames * dims);
    for (let f = 0; f < frames; f++) {
      y[(k * frames + f) * 2] = s.labels.valence[start + f];
      y[(k * frames + f) * 2 + 1] = s.labels.arousal[start + f];
    }
  });
  return { x, y, count: owners.length, inputShape: [frames, dims], targetShape: [frames, 2] };
}

/**
 * Training examples of a `window` architecture: for every label with at least `frames`
 * input rows of history, the `frames` rows ending with its fragment, and its target.
 */
export function windowExamples(songs: readonly SeriesSong[], frames: number, norm: Standardization): Examples {
  const dims = norm.mean.length;
  const owners = songs.flatMap((s) => Array.from(s.labelEnd, (end, i) => ({ s, end, i })).filter((o) => o.end >= frames));
  const x = new Float32Array(owners.length * frames * dims);
  const y = new Float32Array(owners.length * 2);
  owners.forEach(({ s, end, i }, k) => {
    copyWindow(s.rows, end - frames, frames, norm, x, k * frames * dims);
    y[2 * k] = s.labels.valence[i];
    y[2 * k + 1] = s.labels.arousal[i];
  });
  return { x, y, count: owners.length, inputShape: [frames, dims], targetShape: [2] };
}

/** Per-label predictions of one song, aligned with its `labels`. */
export interface SongPrediction {
  valence: Float64Array;
  arousal: Float64Array;
}

/**
 * Predicts every label of `song` with a `sequence` model: the song is cut into the chunks
 * of {@link chunkStarts} (one edge-padded chunk if it is shorter than `frames`) and frames
 * covered by two chunks get the mean of both outputs.
 */
export function predictSequenceSong(model: tf.LayersModel, song: SeriesSong, frames: number, norm: Standardization): SongPrediction {
  const n = song.rows.rows;
  const dims = norm.mean.length;
  const starts = n < frames ? [0] : chunkStarts(n, frames);
  const x = new Float32Array(starts.length * frames * dims);
  starts.forEach((start, k) => copyWindow(song.rows, start, frames, norm, x, k * frames * dims));
  const p = predictExamples(model, { x, count: starts.length, inputShape: [frames, dims] });
  const out: SongPrediction = { valence: new Float64Array(n), arousal: new Float64Array(n) };
  const hits = new Float64Array(n);
  starts.forEach((start, k) => {
    for (let f = 0; f < frames && start + f < n; f++) {
      out.valence[start + f] += p[(k * frames + f) * 2];
      out.arousal[start + f] += p[(k * frames + f) * 2 + 1];
      hits[start + f]++;
    }
  });
  for (let i = 0; i < n; i++) {
    out.valence[i] /= hits[i];
    out.arousal[i] /= hits[i];
  }
  return out;
}

/**
 * Predicts every label of `song` with a `window` model. Labels with less than `frames`
 * rows of history get a window edge-padded at the start, so that every model in a
 * comparison is scored on the same labels.
 */
export function predictWindowSong(model: tf.LayersModel, song: SeriesSong, frames: number, norm: Standardization): SongPrediction {
  const dims = norm.mean.length;
  const n = song.labelEnd.length;
  const x = new Float32Array(n * frames * dims);
  song.labelEnd.forEach((end, i) => copyWindow(song.rows, end - frames, frames, norm, x, i * frames * dims));
  const p = predictExamples(model, { x, count: n, inputShape: [frames, dims] });
  const out: SongPrediction = { valence: new Float64Array(n), arousal: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    out.valence[i] = p[2 * i];
    out.arousal[i] = p[2 * i + 1];
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------

/**
 * Metrics over every label of every song pooled (Malik et al.'s Eq. 1: one RMSE over all
 * predicted samples, not a mean of per-song RMSEs).
 */
export function scoreSongs(songs: readonly SeriesSong[], predictions: readonly SongPrediction[]): RegressionReport {
  const cat = (pick: (i: number) => ArrayLike<number>) => songs.flatMap((_, i) => Array.from(pick(i)));
  return regressionReport(
    { valence: cat((i) => predictions[i].valence), arousal: cat((i) => predictions[i].arousal) },
    { valence: cat((i) => songs[i].labels.valence), arousal: cat((i) => songs[i].labels.arousal) },
  );
}

/** The element-wise mean of several members' predictions of the same songs. */
export function averagePredictions(members: readonly (readonly SongPrediction[])[]): SongPrediction[] {
  return members[0].map((first, s) => {
    const out: SongPrediction = { valence: new Float64Array(first.valence.length), arousal: new Float64Array(first.arousal.length) };
    for (const m of members) {
      for (let i = 0; i < out.valence.length; i++) {
        out.valence[i] += m[s].valence[i] / members.length;
        out.arousal[i] += m[s].arousal[i] / members.length;
      }
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------
// The recipe
// ---------------------------------------------------------------------------------------

/** How to train one run. */
export interface SequenceRecipe {
  /** Registry name of a `sequence` or `window` architecture. */
  architecture: string;
  /** Architecture option overrides (see `sentio` registry defaults). */
  options?: Record<string, number | string | boolean>;
  /** Frames per example: label frames for `sequence` models, input rows for `window` models. */
  frames: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  loss: LossName;
  /**
   * Fraction of the training songs held out (seeded, whole songs) to pick the best epoch
   * and stop early; 0 trains every epoch on all songs (the trainer then keeps the epoch
   * with the lowest training loss, in practice the last one).
   */
  validationFraction: number;
  /** Epochs without validation improvement before stopping (0 = never stop early). */
  patience: number;
  /** Networks per run whose outputs are averaged (an ensemble); 1 for a single network. */
  members: number;
  backend?: BackendName;
}

/** What one run (one seed) of a recipe produced. */
export interface RunResult {
  seed: number;
  /** Metrics of the members' mean output, per evaluation set. */
  ensemble: Record<string, RegressionReport>;
  /** Metrics of each member on its own, per evaluation set. */
  members: Record<string, RegressionReport>[];
  /** Epochs each member trained (early stopping may end them before `epochs`). */
  epochsTrained: number[];
  /** Parameters of one member, counted as Keras does (batch-norm statistics included). */
  parameters: number;
  /** Training examples per epoch. */
  examples: number;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/** Hooks for progress output. */
export interface RunHooks {
  onEpoch?: (member: number, log: EpochLog) => void;
}

/** Splits songs into (fit, validation) by a seeded shuffle of whole songs. */
export function holdOutSongs<T>(songs: readonly T[], fraction: number, seed: number): { fit: T[]; validation: T[] } {
  if (fraction <= 0 || songs.length < 2) return { fit: songs.slice(), validation: [] };
  const order = shuffle(songs, seed);
  const n = Math.min(songs.length - 1, Math.max(1, Math.round(fraction * songs.length)));
  return { fit: order.slice(n), validation: order.slice(0, n) };
}

/** How one network is fitted (the fields of {@link SequenceRecipe} the trainer needs). */
export type NetworkTraining = Pick<SequenceRecipe, 'epochs' | 'batchSize' | 'learningRate' | 'loss' | 'patience'>;

/**
 * Builds one network of `arch` seeded with `seed` and trains it on `trainEx` (early stopping
 * on `valEx` when given). Adam at a fixed learning rate, as both papers use. Shared by the
 * reproduce protocols ({@link runRecipe}) and `sentio train`'s sequence recipes (which
 * checkpoint into their work folder and resume from it).
 */
export async function trainNetwork(
  arch: Architecture,
  options: Options,
  settings: NetworkTraining,
  frames: number,
  dims: number,
  trainEx: Examples,
  valEx: Examples | null,
  seed: number,
  hooks: Pick<TrainOptions, 'signal' | 'onEpoch' | 'onBatch' | 'checkpointDir' | 'resume'> = {},
): Promise<{ model: tf.LayersModel; result: TrainResult }> {
  const model = arch.build(options, { frames, dims }, seed);
  const result = await train(model, () => trainEx, valEx, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    loss: settings.loss,
    patience: valEx ? settings.patience : 0,
    reduceLrPatience: 0,
    seed,
    ...hooks,
  });
  return { model, result };
}

/**
 * Trains `recipe.members` networks on `trainSongs` with `seed` and scores them on each
 * evaluation set. Inputs are standardised with statistics of the fitting songs only.
 */
export async function runRecipe(
  recipe: SequenceRecipe,
  trainSongs: readonly SeriesSong[],
  evaluation: Readonly<Record<string, readonly SeriesSong[]>>,
  seed: number,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const started = performance.now();
  await useBackend(recipe.backend ?? 'wasm');
  const arch = getArchitecture(recipe.architecture);
  const options = resolveOptions(arch, recipe.options);
  const { fit, validation } = holdOutSongs(trainSongs, recipe.validationFraction, seed * 7907 + 17);
  const norm = fitStandardizationOnSongs(fit);
  const build = exampleBuilder(arch.output);
  const predict = songPredictor(arch.output);
  const trainEx = build(fit, recipe.frames, norm);
  if (trainEx.count === 0) throw new Error(`no training examples: every training song is shorter than ${recipe.frames} frames`);
  const held = validation.length > 0 ? build(validation, recipe.frames, norm) : null;
  // Held-out songs all shorter than one example: train without validation rather than stop on noise.
  const valEx = held && held.count > 0 ? held : null;
  const dims = norm.mean.length;
  const memberPredictions: Record<string, SongPrediction[]>[] = [];
  const epochsTrained: number[] = [];
  let parameters = 0;
  for (let m = 0; m < recipe.members; m++) {
    const { model, result } = await trainNetwork(arch, options, recipe, recipe.frames, dims, trainEx, valEx, seed * 1000 + m, {
      onEpoch: (log) => hooks.onEpoch?.(m, log),
    });
    parameters = model.countParams();
    epochsTrained.push(result.history.length);
    const byName: Record<string, SongPrediction[]> = {};
    for (const [name, songs] of Object.entries(evaluation)) byName[name] = songs.map((s) => predict(model, s, recipe.frames, norm));
    memberPredictions.push(byName);
    model.dispose();
  }
  const ensemble: Record<string, RegressionReport> = {};
  const members: Record<string, RegressionReport>[] = memberPredictions.map(() => ({}));
  for (const [name, songs] of Object.entries(evaluation)) {
    if (songs.length === 0) continue;
    memberPredictions.forEach((p, m) => (members[m][name] = scoreSongs(songs, p[name])));
    ensemble[name] = scoreSongs(songs, averagePredictions(memberPredictions.map((p) => p[name])));
  }
  return { seed, ensemble, members, epochsTrained, parameters, examples: trainEx.count, seconds: (performance.now() - started) / 1000 };
}

/** RMSE of valence, of arousal, and their mean (the papers' "average" column). */
export function rmseRecord(report: RegressionReport): { valence: number; arousal: number; average: number } {
  return { valence: report.valence.rmse, arousal: report.arousal.rmse, average: (report.valence.rmse + report.arousal.rmse) / 2 };
}

/** The example builder of an architecture's output kind (`sequence`: per-frame targets; `window`: one target per label). */
export function exampleBuilder(output: 'sequence' | 'window'): typeof sequenceExamples {
  return output === 'sequence' ? sequenceExamples : windowExamples;
}

/** The per-song predictor of an architecture's output kind, matching {@link exampleBuilder}. */
export function songPredictor(output: 'sequence' | 'window'): typeof predictSequenceSong {
  return output === 'sequence' ? predictSequenceSong : predictWindowSong;
}

/** The input representation an output kind reads by default: label frames (mean per 0.5 s) for `sequence`, feature rows for `window`. */
export function defaultRepresentation(output: 'sequence' | 'window'): InputRepresentation {
  return output === 'sequence' ? { kind: 'label-frames', stats: 'mean' } : { kind: 'feature-rows' };
}
