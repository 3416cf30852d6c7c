/**
 * The training loop: seeded shuffling and initialisation, mini-batches, early stopping,
 * best-checkpoint saving, reduce-LR-on-plateau, resume after an interrupt. UI-free: the
 * CLI draws progress from the `onBatch`/`onEpoch` callbacks and wires Ctrl-C to `signal`.
 *
 * Determinism: tfjs draws unseeded randomness (dropout masks, recurrent dropout) from
 * `Math.random`, so for the duration of `train` we swap in a seeded generator; together
 * with seeded initialisers (models/layers.ts) the same seed gives the same weights on the
 * same backend.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom, shuffle } from '../data/splits.ts';
import { tf } from '../models/backend.ts';
import { loadLayersModel, saveLayersModel } from '../models/io.ts';
import { ActivityElasticNet } from '../models/layers.ts';
import { lossFunction, type LossName } from './losses.ts';

/** Examples as flat float32 arrays: x is [count × ...inputShape], y is [count × ...targetShape]. */
export interface Examples {
  x: Float32Array;
  y: Float32Array;
  count: number;
  inputShape: number[];
  targetShape: number[];
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  loss: LossName;
  /** Per-dimension loss weights (valence, arousal) for `weighted-mse`. */
  lossWeights?: [number, number];
  /** Stop after this many epochs without validation improvement (0 = never). */
  patience: number;
  /** Multiply the learning rate by `reduceLrFactor` after this many flat epochs (0 = never). */
  reduceLrPatience: number;
  reduceLrFactor: number;
  minLearningRate: number;
  /**
   * `constant` (default): `learningRate` throughout, changed only by `reduceLrPatience`.
   * `cosine`: epoch e trains at `learningRate`·½(1 + cos(π·e / epochs)), from the full rate
   * down to near 0 in the last epoch (Loshchilov & Hutter 2017, without restarts), so the
   * last epochs settle instead of stopping mid-step; a function of the epoch alone, so a
   * resumed run follows the same schedule.
   */
  lrSchedule: LrSchedule;
  seed: number;
  /** Folder for `best/` and `last/` checkpoints and `state.json`; none = keep best weights in memory. */
  checkpointDir?: string;
  /** Continue from `checkpointDir/last` if it exists. */
  resume?: boolean;
  /** Aborting saves `last/` and returns with `stopped: 'interrupted'`. */
  signal?: AbortSignal;
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (info: EpochLog) => void;
}

export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

/** The learning rate of `epoch` (0-based) of `epochs` under `schedule`, from `base`. */
export function scheduledLearningRate(schedule: LrSchedule, base: number, epoch: number, epochs: number): number {
  switch (schedule) {
    case 'constant':
      return base;
    case 'cosine':
      return base * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs));
    default:
      throw new Error(`unknown learning-rate schedule '${String(schedule)}' (known: ${LR_SCHEDULES.join(', ')})`);
  }
}

export const defaultTrainOptions: TrainOptions = {
  epochs: 30,
  batchSize: 32,
  learningRate: 1e-3,
  loss: 'mse',
  patience: 8,
  reduceLrPatience: 4,
  reduceLrFactor: 0.5,
  minLearningRate: 1e-5,
  lrSchedule: 'constant',
  seed: 1,
};

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  learningRate: number;
  seconds: number;
}

export interface TrainResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValLoss: number;
  stopped: 'completed' | 'early-stopping' | 'interrupted';
}

interface TrainerState {
  epoch: number;
  bestEpoch: number;
  bestValLoss: number;
  learningRate: number;
  sinceBest: number;
  sinceLrChange: number;
  history: EpochLog[];
}

/**
 * tfjs's `Adam.setWeights` sets the bias-correction powers β^(t+1) with `pow()`, while an
 * uninterrupted run reaches them by t float32 multiplications, which round differently
 * (~1e-7): replay the multiplications so a resumed run stays bit-identical. Reads Adam's
 * internal (untyped) fields.
 */
function replayAdamBetaPowers(optimizer: tf.AdamOptimizer): void {
  const adam = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; beta1: number; beta2: number; iterations: number };
  const replay = (beta: number): number => {
    let acc = Math.fround(beta);
    for (let t = 0; t < adam.iterations; t++) acc = Math.fround(acc * Math.fround(beta));
    return acc;
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar(replay(adam.beta1)));
    adam.accBeta2.assign(tf.scalar(replay(adam.beta2)));
  });
}

/**
 * Runs `fn(reseed)` with `Math.random` under our control: `reseed(seed)` installs a seeded
 * generator (the trainer calls it at every epoch start, so a run resumed at epoch k draws
 * what an uninterrupted one would); the original is restored afterwards.
 */
export async function withSeededMathRandom<T>(fn: (reseed: (seed: number) => void) => Promise<T>): Promise<T> {
  const original = Math.random;
  try {
    return await fn((seed) => {
      Math.random = seededRandom(seed ^ 0x5eed);
    });
  } finally {
    Math.random = original;
  }
}

function batchTensors(data: Examples, indices: number[]): { x: tf.Tensor; y: tf.Tensor } {
  const xSize = data.inputShape.reduce((a, b) => a * b, 1);
  const ySize = data.targetShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * xSize);
  const y = new Float32Array(indices.length * ySize);
  indices.forEach((i, k) => {
    x.set(data.x.subarray(i * xSize, (i + 1) * xSize), k * xSize);
    y.set(data.y.subarray(i * ySize, (i + 1) * ySize), k * ySize);
  });
  return { x: tf.tensor(x, [indices.length, ...data.inputShape]), y: tf.tensor(y, [indices.length, ...data.targetShape]) };
}

/** Model outputs for every example, in batches (inference mode). */
export function predictExamples(model: tf.LayersModel, data: Pick<Examples, 'x' | 'count' | 'inputShape'>, batchSize = 64): Float32Array {
  const xSize = data.inputShape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const out = tf.tidy(() => {
      const x = tf.tensor(data.x.subarray(start * xSize, (start + n) * xSize), [n, ...data.inputShape]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
    parts.push(out.slice());
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const result = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    result.set(p, o);
    o += p.length;
  }
  return result;
}

function regularisation(model: tf.LayersModel): tf.Scalar | null {
  const terms: tf.Scalar[] = model.losses.map((l) => (typeof l === 'function' ? (l as () => tf.Scalar)() : (l as tf.Scalar)));
  for (const layer of model.layers) if (layer instanceof ActivityElasticNet && layer.penalty) terms.push(layer.penalty);
  return terms.length ? (tf.addN(terms) as tf.Scalar) : null;
}

function validationLoss(model: tf.LayersModel, data: Examples, loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar, batchSize: number): number {
  let sum = 0;
  const all = Array.from({ length: data.count }, (_, i) => i);
  for (let start = 0; start < data.count; start += batchSize) {
    const idx = all.slice(start, start + batchSize);
    sum += tf.tidy(() => {
      const { x, y } = batchTensors(data, idx);
      return loss(y, model.predict(x) as tf.Tensor).dataSync()[0] * idx.length;
    });
  }
  return sum / data.count;
}

/**
 * Trains `model` in place. `trainData` is called once per epoch (so callers can draw
 * fresh random crops or augmentations with the epoch number as seed). On return the
 * model holds the best validation weights (or the last ones without validation data).
 */
export async function train(
  model: tf.LayersModel,
  trainData: (epoch: number) => Examples,
  validation: Examples | null,
  options: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  const o: TrainOptions = { ...defaultTrainOptions, ...options };
  const loss = lossFunction(o.loss, o.lossWeights);
  const dir = o.checkpointDir;
  let state: TrainerState = { epoch: 0, bestEpoch: -1, bestValLoss: Infinity, learningRate: o.learningRate, sinceBest: 0, sinceLrChange: 0, history: [] };
  if (dir && o.resume) {
    try {
      state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as TrainerState;
      const last = await loadLayersModel(join(dir, 'last'));
      model.setWeights(last.getWeights());
      last.dispose();
    } catch {
      // Nothing to resume from: start fresh.
    }
  }
  let bestWeights: tf.Tensor[] | null = null;
  const optimizer = tf.train.adam(state.learningRate);
  if (dir && o.resume && state.epoch > 0) {
    try {
      const saved = JSON.parse(await readFile(join(dir, 'last', 'optimizer.json'), 'utf8')) as { name: string; shape: number[]; values: number[] }[];
      await optimizer.setWeights(saved.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) })));
      replayAdamBetaPowers(optimizer);
    } catch {
      // A checkpoint without optimizer state: continue with fresh moments.
    }
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let stopped = 'completed' as TrainResult['stopped'];

  const saveState = async (which: 'best' | 'last') => {
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    await saveLayersModel(model, join(dir, which));
    if (which === 'last') {
      // Adam's moment estimates too, so a resumed run continues exactly where it stopped.
      const named = await optimizer.getWeights();
      const saved = named.map((w) => ({ name: w.name, shape: w.tensor.shape, values: Array.from(w.tensor.dataSync()) }));
      await writeFile(join(dir, 'last', 'optimizer.json'), JSON.stringify(saved));
      await writeFile(join(dir, 'state.json'), JSON.stringify(state, null, 1));
    }
  };

  await withSeededMathRandom(async (reseed) => {
    for (let epoch = state.epoch; epoch < o.epochs; epoch++) {
      reseed(o.seed * 7919 + epoch * 104729);
      if (o.lrSchedule !== 'constant') {
        state.learningRate = scheduledLearningRate(o.lrSchedule, o.learningRate, epoch, o.epochs);
        (optimizer as unknown as { learningRate: number }).learningRate = state.learningRate;
      }
      const started = performance.now();
      const data = trainData(epoch);
      const order = shuffle(
        Array.from({ length: data.count }, (_, i) => i),
        o.seed * 100003 + epoch,
      );
      const batches = Math.ceil(data.count / o.batchSize);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) {
          stopped = 'interrupted';
          break;
        }
        const idx = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        const value = tf.tidy(() => {
          const { x, y } = batchTensors(data, idx);
          const cost = optimizer.minimize(
            () => {
              const pred = model.apply(x, { training: true }) as tf.Tensor;
              const main = loss(y, pred);
              const reg = regularisation(model);
              return reg ? main.add(reg) : main;
            },
            true,
            variables,
          );
          for (const layer of model.layers) if (layer instanceof ActivityElasticNet) layer.releasePenalty();
          return cost!.dataSync()[0];
        });
        lossSum += value * idx.length;
        o.onBatch?.({ epoch, batch: b, batches, loss: value });
        // Yield so a Ctrl-C handler can run between batches.
        if (b % 8 === 7) await new Promise((r) => setImmediate(r));
      }
      if (stopped === 'interrupted') break;
      const trainLoss = lossSum / data.count;
      const valLoss = validation ? validationLoss(model, validation, loss, 64) : null;
      const log: EpochLog = { epoch, trainLoss, valLoss, learningRate: state.learningRate, seconds: (performance.now() - started) / 1000 };
      state.history.push(log);
      state.epoch = epoch + 1;
      const current = valLoss ?? trainLoss;
      if (current < state.bestValLoss - 1e-6) {
        state.bestValLoss = current;
        state.bestEpoch = epoch;
        state.sinceBest = 0;
        state.sinceLrChange = 0;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((t) => t.clone());
        await saveState('best');
      } else {
        state.sinceBest++;
        state.sinceLrChange++;
      }
      if (o.reduceLrPatience > 0 && state.sinceLrChange >= o.reduceLrPatience && state.learningRate > o.minLearningRate) {
        state.learningRate = Math.max(o.minLearningRate, state.learningRate * o.reduceLrFactor);
        (optimizer as unknown as { learningRate: number }).learningRate = state.learningRate;
        state.sinceLrChange = 0;
      }
      await saveState('last');
      o.onEpoch?.(log);
      if (o.patience > 0 && state.sinceBest >= o.patience) {
        stopped = 'early-stopping';
        break;
      }
    }
  });
  // On interrupt, `last/` already holds the end of the last complete epoch (saved every
  // epoch); the partial epoch is dropped so a resumed run replays it exactly.
  if (stopped === 'interrupted') {
    /* nothing more to save */
  } else if (bestWeights) model.setWeights(bestWeights);
  else if (dir && state.bestEpoch >= 0) {
    // Resumed run whose best epoch came before the interrupt: the best weights are on disk.
    const best = await loadLayersModel(join(dir, 'best'));
    model.setWeights(best.getWeights());
    best.dispose();
  }
  (bestWeights as tf.Tensor[] | null)?.forEach((t) => t.dispose());
  optimizer.dispose();
  return { history: state.history, bestEpoch: state.bestEpoch, bestValLoss: state.bestValLoss, stopped };
}
