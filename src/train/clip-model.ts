/**
 * Training sequence and window architectures on clips with one static label each (4Q and
 * any dataset with song-level valence/arousal), and scoring them the way the default
 * model is scored, so every architecture can sit in one comparison table.
 *
 * - Every epoch draws `cropsPerClip` random crops of `frames` consecutive frames from each
 *   training clip's feature matrix. Crops are standardised with per-column statistics of
 *   all training frames of the fold. The target is the clip's static label; for a
 *   `sequence` architecture (one output per frame) it is repeated on every frame, since a
 *   static label says nothing about where in the clip the emotion lies.
 * - A clip is scored by tiling it with crops ({@link tileStarts}), averaging each crop's
 *   output (over its frames for a sequence output) and then the crops; the quadrant is the
 *   sign of the averaged (valence, arousal), as for the default model.
 * - {@link staticFolds} and {@link scoreCrossValidation} give any model (networks, SVR,
 *   baselines) the default model's artist-grouped, quadrant-stratified folds and metrics.
 */
import type { Matrix } from '../dsp/matrix.ts';
import { groupKFold, seededRandom, type Fold } from '../data/splits.ts';
import { quadrantOf, type Quadrant, type Song } from '../data/types.ts';
import { aggregateRuns, type MeanStd } from '../eval/aggregate.ts';
import { quadrantReportFromVA, regressionReport, type QuadrantReport, type RegressionReport } from '../eval/metrics.ts';
import { STD_FLOOR, standardizeInPlace, type Standardization } from '../features/summary.ts';
import { useBackend, type BackendName, type tf } from '../models/backend.ts';
import { getArchitecture, resolveOptions } from '../models/registry.ts';
import type { Architecture } from '../models/types.ts';
import { predictExamples, train, type Examples, type TrainResult } from './trainer.ts';
import { flatMetrics, scoreClips, staticFolds, type FoldResult } from './window-model.ts';

export { staticFolds };

export interface ClipModelConfig {
  /** A registry name (`crnn`, `gru-forked`, `sentio-cnn`, …). */
  architecture: string;
  /** Overrides of the architecture's default hyper-parameters. */
  options: Record<string, number | string | boolean>;
  /** Frames per crop (normally the architecture's `defaultFrames`). */
  frames: number;
  /** Random crops drawn from each training clip per epoch. */
  cropsPerClip: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  backend?: BackendName;
}

/** Frame features and training targets of every clip, indexed like the dataset's songs. */
export interface ClipData {
  /** `[frames × dims]` per clip; all of one feature set. */
  clips: readonly Matrix<Float32Array>[];
  /** (valence, arousal) training target of clip i at `2i`, `2i + 1`. */
  targets: Float32Array;
}

/** A trained network with the standardisation its inputs need. */
export interface TrainedClipModel {
  model: tf.LayersModel;
  normalization: Standardization;
  /** Whether the network emits one prediction per frame or per crop. */
  output: Architecture['output'];
  frames: number;
  history: TrainResult['history'];
}

/**
 * Starts of crops of `frames` frames that tile `[0, rows)`: every `frames` frames, with the
 * last crop flush with the clip's end, so every frame is seen at least once and no crop
 * runs past the clip. A clip shorter than one crop gets a single crop at 0 (its missing
 * frames are repeats of the last one, see {@link cropInto}).
 */
export function tileStarts(rows: number, frames: number): number[] {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`crop length must be a positive integer, got ${frames}`);
  if (rows <= frames) return [0];
  const starts: number[] = [];
  for (let s = 0; s + frames < rows; s += frames) starts.push(s);
  starts.push(rows - frames);
  return starts;
}

/**
 * Per-column mean and population std over every frame of the given clips (float64, two
 * passes against cancellation), std floored like `fitStandardization`. Fitted on the
 * training clips only: test statistics would leak into the model.
 */
export function fitClipStandardization(clips: readonly Matrix[], indices: readonly number[], floor = STD_FLOOR): Standardization {
  if (indices.length === 0) throw new RangeError('cannot fit a standardization on zero clips');
  const cols = clips[indices[0]].cols;
  const sum = new Float64Array(cols);
  let n = 0;
  for (const i of indices) {
    const { rows, cols: c, data } = clips[i];
    if (c !== cols) throw new RangeError(`clip ${i} has ${c} columns, clip ${indices[0]} ${cols}`);
    for (let k = 0; k < rows * cols; k++) {
      if (!Number.isFinite(data[k])) throw new RangeError(`clip ${i}: non-finite value at frame ${Math.floor(k / cols)}, column ${k % cols}`);
      sum[k % cols] += data[k];
    }
    n += rows;
  }
  if (n === 0) throw new RangeError('cannot fit a standardization on zero frames');
  const mean = Array.from(sum, (s) => s / n);
  const ss = new Float64Array(cols);
  for (const i of indices) {
    const { rows, data } = clips[i];
    for (let k = 0; k < rows * cols; k++) ss[k % cols] += (data[k] - mean[k % cols]) ** 2;
  }
  return { mean, std: Array.from(ss, (s) => Math.max(Math.sqrt(s / n), floor)) };
}

/**
 * Copies frames `[start, start + frames)` of `clip` into `out` at `offset`, standardised.
 * Frames past the clip's end repeat its last frame: only clips shorter than a crop need it,
 * and a repeated frame is closer to the clip's content than zeros would be.
 */
export function cropInto(clip: Matrix, start: number, frames: number, norm: Standardization, out: Float32Array, offset: number): void {
  const { rows, cols, data } = clip;
  for (let r = 0; r < frames; r++) {
    const src = Math.min(rows - 1, start + r) * cols;
    out.set(data.subarray(src, src + cols), offset + r * cols);
  }
  standardizeInPlace(out.subarray(offset, offset + frames * cols), norm);
}

/** The architecture's target shape for one crop: per frame for sequence outputs. */
function targetShape(output: Architecture['output'], frames: number): number[] {
  return output === 'sequence' ? [frames, 2] : [2];
}

/**
 * One epoch of training examples: `cropsPerClip` crops per clip at uniformly random starts
 * (seeded), each with its clip's target (repeated per frame for sequence outputs).
 */
export function sampleCrops(data: ClipData, clips: readonly number[], config: Pick<ClipModelConfig, 'frames' | 'cropsPerClip'>, norm: Standardization, output: Architecture['output'], seed: number): Examples {
  const rand = seededRandom(seed);
  const { frames, cropsPerClip } = config;
  const dims = norm.mean.length;
  const count = clips.length * cropsPerClip;
  const perY = output === 'sequence' ? frames : 1;
  const x = new Float32Array(count * frames * dims);
  const y = new Float32Array(count * perY * 2);
  let k = 0;
  for (const i of clips) {
    const clip = data.clips[i];
    for (let c = 0; c < cropsPerClip; c++, k++) {
      const start = Math.floor(rand() * (Math.max(0, clip.rows - frames) + 1));
      cropInto(clip, start, frames, norm, x, k * frames * dims);
      for (let t = 0; t < perY; t++) {
        y[(k * perY + t) * 2] = data.targets[2 * i];
        y[(k * perY + t) * 2 + 1] = data.targets[2 * i + 1];
      }
    }
  }
  return { x, y, count, inputShape: [frames, dims], targetShape: targetShape(output, frames) };
}

/**
 * Trains one network of `config.architecture` on random crops of the `trainClips` for a
 * fixed number of epochs (no validation split: the cross-validation's test fold stays
 * unseen, and fixed epochs keep the effort per architecture explicit).
 */
export async function trainClipModel(config: ClipModelConfig, data: ClipData, trainClips: readonly number[], onEpoch?: (epoch: number, loss: number, seconds: number) => void): Promise<TrainedClipModel> {
  await useBackend(config.backend ?? 'wasm');
  const arch = getArchitecture(config.architecture);
  const normalization = fitClipStandardization(data.clips, trainClips);
  const model = arch.build(resolveOptions(arch, config.options), { frames: config.frames, dims: normalization.mean.length }, config.seed * 100);
  const result = await train(model, (epoch) => sampleCrops(data, trainClips, config, normalization, arch.output, config.seed * 1_000_003 + epoch), null, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    patience: 0,
    reduceLrPatience: 0,
    seed: config.seed * 100,
    onEpoch: (log) => onEpoch?.(log.epoch, log.trainLoss, log.seconds),
  });
  return { model, normalization, output: arch.output, frames: config.frames, history: result.history };
}

/**
 * Clip-level (valence, arousal) for each of `clips`: the mean over the crops tiling the
 * clip of each crop's output (averaged over its frames for sequence outputs), every value
 * clipped to [-1, 1] first as the default model does. Crops are predicted in chunks of
 * about `chunk` so long clips of wide features do not need one huge input buffer.
 */
export function predictClips(trained: TrainedClipModel, data: ClipData, clips: readonly number[], chunk = 256): Map<number, [number, number]> {
  const { frames, normalization } = trained;
  const dims = normalization.mean.length;
  const perCrop = trained.output === 'sequence' ? frames : 1;
  const out = new Map<number, [number, number]>();
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  for (let from = 0; from < clips.length; ) {
    // Take whole clips until the chunk is full, so each clip's crops are scored together.
    const owners: number[] = [];
    const starts: number[] = [];
    let to = from;
    for (; to < clips.length; to++) {
      const tiles = tileStarts(data.clips[clips[to]].rows, frames);
      if (owners.length > 0 && owners.length + tiles.length > chunk) break;
      for (const s of tiles) {
        owners.push(clips[to]);
        starts.push(s);
      }
    }
    const x = new Float32Array(owners.length * frames * dims);
    owners.forEach((i, k) => cropInto(data.clips[i], starts[k], frames, normalization, x, k * frames * dims));
    const p = predictExamples(trained.model, { x, count: owners.length, inputShape: [frames, dims] });
    const sums = new Map<number, [number, number, number]>();
    owners.forEach((i, k) => {
      let v = 0;
      let a = 0;
      for (let t = 0; t < perCrop; t++) {
        v += clamp(p[(k * perCrop + t) * 2]);
        a += clamp(p[(k * perCrop + t) * 2 + 1]);
      }
      const s = sums.get(i) ?? [0, 0, 0];
      s[0] += v / perCrop;
      s[1] += a / perCrop;
      s[2]++;
      sums.set(i, s);
    });
    for (const [i, s] of sums) out.set(i, [s[0] / s[2], s[1] / s[2]]);
    from = to;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Folds and scores shared by every row of a comparison

export interface StaticScores {
  folds: FoldResult[];
  /** Per-metric mean ± std over folds (keys of window-model's `flatMetrics`). */
  meanStd: Record<string, MeanStd>;
  /** All out-of-fold predictions pooled. */
  overall: { quadrants: QuadrantReport; regression: RegressionReport };
}

/** Per-fold and pooled scores of out-of-fold predictions (one per song). */
export function scoreCrossValidation(songs: readonly Song[], folds: readonly Fold[], predictions: readonly [number, number][]): StaticScores {
  const results = folds.map((f, k) => scoreClips(songs, f.test, predictions, k + 1));
  const all = scoreClips(songs, songs.map((_, i) => i), predictions, 0);
  return { folds: results, meanStd: aggregateRuns(results.map(flatMetrics)), overall: { quadrants: all.quadrants, regression: all.regression } };
}
