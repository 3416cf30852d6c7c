/**
 * The networks learn a task with known answers (see test/helpers/synthetic-emotion.ts):
 * arousal from loudness and tempo, valence from major/minor mode under random pitch and
 * timbre. `crnn` (per-0.5 s sequence output, on `malik-logmel`, its paper's raw feature)
 * and `sentio-crnn` (one output per window, on `logmel`, its design feature) are trained
 * with the project's trainer on synthetic clips and scored on held-out clips against the
 * `mean` baseline fitted on the same training targets.
 *
 * Criterion: held-out RMSE ≤ 0.6 × the mean baseline's, on valence and on arousal
 * separately (R² ≥ 0.64, so most of each dimension's variance is explained; a model that
 * learnt only one cue fails on the other dimension). Measured (valence, arousal): crnn
 * ×0.40 and ×0.37, sentio-crnn ×0.20 and ×0.38; two other data seeds gave ×0.25–0.45. A
 * negative control trains `crnn` on the same clips with their labels permuted across clips:
 * it must stay near the baseline (> 0.85 × on both; measured ×1.2 and ×1.3), so the
 * criterion is not met by a model that merely fits its training set.
 *
 * `crnn` keeps its default size with ElasticNet and dropout off; `sentio-crnn` is a small
 * version (16 units instead of 64–128, as in trainer.test.ts). The file takes about a
 * minute of one core (55 s CPU measured; twice that in wall time on the shared machine).
 *
 * Both have batch norm with tfjs's default momentum 0.99, and predictions use its moving
 * statistics, which move 1 % of the way per optimiser step: after only tens of steps they
 * are still near their initial values and the model predicts badly at inference though its
 * training loss is low. So each model gets 360–480 steps (small batches), not fewer, larger ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom, shuffle } from '../../src/data/splits.ts';
import { rmse } from '../../src/eval/metrics.ts';
import { getFeatureSet } from '../../src/features/index.ts';
import { standardizeInPlace, type Standardization } from '../../src/features/summary.ts';
import { computeFeatures, type FeatureMatrix } from '../../src/features/types.ts';
import { useBackend } from '../../src/models/backend.ts';
import { MeanRegressor } from '../../src/models/mean.ts';
import { getArchitecture, resolveOptions } from '../../src/models/registry.ts';
import { fitClipStandardization } from '../../src/train/clip-model.ts';
import { predictExamples, train, type Examples, type TrainOptions } from '../../src/train/trainer.ts';
import { SEGMENT_SECONDS, syntheticEmotionClips, type SyntheticClip } from '../helpers/synthetic-emotion.ts';

const TRAIN_CLIPS = 96;
const HELD_OUT_CLIPS = 32;
/** Held-out RMSE must be at most this fraction of the mean baseline's, per dimension. */
const CRITERION = 0.6;
/** The shuffled-label control must stay above this fraction on both dimensions. */
const CONTROL_FLOOR = 0.85;

const trainClips = syntheticEmotionClips(TRAIN_CLIPS, 101);
const heldOutClips = syntheticEmotionClips(HELD_OUT_CLIPS, 202);

/** Features of every clip, computed once per set and shared by the tests that use it. */
const featureCache = new Map<string, { train: FeatureMatrix[]; heldOut: FeatureMatrix[]; norm: Standardization }>();
function featuresOf(setName: string) {
  let entry = featureCache.get(setName);
  if (!entry) {
    const set = getFeatureSet(setName);
    const train = trainClips.map((c) => computeFeatures(set, c.samples));
    const heldOut = heldOutClips.map((c) => computeFeatures(set, c.samples));
    // Fitted on every training frame (held-out clips are not seen).
    entry = { train, heldOut, norm: fitClipStandardization(train.map((f) => f.frames), train.map((_, i) => i)) };
    featureCache.set(setName, entry);
  }
  return entry;
}

/** Segment (0.5 s chord) that a frame at time `t` belongs to. */
const segmentAt = (clip: SyntheticClip, t: number) => Math.min(clip.segmentValence.length - 1, Math.floor(t / SEGMENT_SECONDS + 1e-9));

/**
 * `crnn` examples: one per clip, every 0.5 s frame with its own target (that segment's
 * valence, the clip's arousal). `labelsOf[i]` says whose labels clip i carries (the control
 * permutes it).
 */
function sequenceExamples(clips: SyntheticClip[], features: FeatureMatrix[], norm: Standardization, labelsOf: number[]): Examples {
  const frames = clips[0].segmentValence.length;
  const dims = features[0].frames.cols;
  const x = new Float32Array(clips.length * frames * dims);
  const y = new Float32Array(clips.length * frames * 2);
  clips.forEach((_, i) => {
    const f = features[i];
    const owner = clips[labelsOf[i]];
    x.set(f.frames.data.subarray(0, frames * dims), i * frames * dims);
    for (let k = 0; k < frames; k++) {
      y[(i * frames + k) * 2] = owner.segmentValence[segmentAt(owner, f.times[k])];
      y[(i * frames + k) * 2 + 1] = owner.arousal;
    }
  });
  return { x: standardizeInPlace(x, norm), y, count: clips.length, inputShape: [frames, dims], targetShape: [frames, 2] };
}

/**
 * `sentio-crnn` examples: windows of `frames` log-mel frames starting at `starts[i]` of each
 * clip; the valence target is the mean over the window's frames of their segments' valence.
 */
function windowExamples(clips: SyntheticClip[], features: FeatureMatrix[], norm: Standardization, frames: number, starts: number[][]): Examples {
  const dims = features[0].frames.cols;
  const count = starts.reduce((a, s) => a + s.length, 0);
  const x = new Float32Array(count * frames * dims);
  const y = new Float32Array(count * 2);
  let k = 0;
  clips.forEach((clip, i) => {
    const f = features[i];
    for (const s of starts[i]) {
      x.set(f.frames.data.subarray(s * dims, (s + frames) * dims), k * frames * dims);
      let v = 0;
      for (let t = s; t < s + frames; t++) v += clip.segmentValence[segmentAt(clip, f.times[t])];
      y[2 * k] = v / frames;
      y[2 * k + 1] = clip.arousal;
      k++;
    }
  });
  return { x: standardizeInPlace(x, norm), y, count, inputShape: [frames, dims], targetShape: [2] };
}

/** Every other value of interleaved (valence, arousal) pairs: dimension 0 or 1. */
const dimension = (pairs: Float32Array, d: 0 | 1) => pairs.filter((_, i) => i % 2 === d);

interface Score {
  model: [number, number];
  baseline: [number, number];
  /** model / baseline, per dimension (valence, arousal). */
  ratio: [number, number];
}

/** Held-out RMSE of `model` and of the mean baseline fitted on the training targets. */
function score(model: Parameters<typeof predictExamples>[0], trainSet: Examples, heldOut: Examples): Score {
  const baseline = MeanRegressor.train({ valence: dimension(trainSet.y, 0), arousal: dimension(trainSet.y, 1) });
  const truth = [dimension(heldOut.y, 0), dimension(heldOut.y, 1)] as const;
  const constant = baseline.predict(truth[0]);
  const predicted = predictExamples(model, heldOut);
  const m: [number, number] = [rmse(dimension(predicted, 0), truth[0]), rmse(dimension(predicted, 1), truth[1])];
  const b: [number, number] = [rmse(constant.valence, truth[0]), rmse(constant.arousal, truth[1])];
  return { model: m, baseline: b, ratio: [m[0] / b[0], m[1] / b[1]] };
}

const describe = (s: Score) =>
  `valence RMSE ${s.model[0].toFixed(3)} vs mean ${s.baseline[0].toFixed(3)} (×${s.ratio[0].toFixed(2)}), ` +
  `arousal ${s.model[1].toFixed(3)} vs ${s.baseline[1].toFixed(3)} (×${s.ratio[1].toFixed(2)})`;

const fixedSchedule: Partial<TrainOptions> = { patience: 0, reduceLrPatience: 0, seed: 1 };

/** Trains the small `crnn` on malik-logmel sequences whose labels come from `labelsOf`. */
async function trainCrnn(labelsOf: number[]): Promise<Score> {
  await useBackend('wasm');
  const { train: trainFeatures, heldOut: heldOutFeatures, norm } = featuresOf('malik-logmel');
  const trainSet = sequenceExamples(trainClips, trainFeatures, norm, labelsOf);
  const heldOut = sequenceExamples(heldOutClips, heldOutFeatures, norm, heldOutClips.map((_, i) => i));
  const arch = getArchitecture('crnn');
  // ElasticNet off, as in trainer.test.ts: its activity term (on 6 × 40 × 8 conv outputs
  // per example) shrinks the conv output ~100× in a few steps, far from the unit variance
  // the batch norm's moving statistics start at, and the paper tuned it for DEAM, not 96 clips.
  const model = arch.build(resolveOptions(arch, { l1: 0, l2: 0, dropout: 0 }), { frames: trainSet.inputShape[0], dims: trainSet.inputShape[1] }, 1);
  await train(model, () => trainSet, null, { ...fixedSchedule, epochs: 30, batchSize: 8, learningRate: 0.01 });
  const s = score(model, trainSet, heldOut);
  model.dispose();
  return s;
}

test(`crnn learns synthetic arousal (loudness, tempo) and valence (mode): held-out RMSE ≤ ${CRITERION} × mean baseline`, async (t) => {
  const s = await trainCrnn(trainClips.map((_, i) => i));
  t.diagnostic(`crnn: ${describe(s)}`);
  assert.ok(s.ratio[0] <= CRITERION && s.ratio[1] <= CRITERION, `crnn: ${describe(s)}`);
});

test('negative control: crnn trained on labels permuted across clips stays near the mean baseline', async (t) => {
  const s = await trainCrnn(shuffle(trainClips.map((_, i) => i), 7));
  t.diagnostic(`crnn, permuted labels: ${describe(s)}`);
  assert.ok(s.ratio[0] > CONTROL_FLOOR && s.ratio[1] > CONTROL_FLOOR, `crnn with permuted labels: ${describe(s)}`);
});

test(`sentio-crnn learns the same task from log-mel windows: held-out RMSE ≤ ${CRITERION} × mean baseline`, async (t) => {
  await useBackend('wasm');
  const { train: trainFeatures, heldOut: heldOutFeatures, norm } = featuresOf('logmel');
  const frames = 64; // 1.49 s: random crops of the 3 s clips give every epoch new windows
  const lastStart = (f: FeatureMatrix) => f.frames.rows - frames;
  const trainWindows = (epoch: number) => {
    const rand = seededRandom(1000 + epoch);
    const starts = trainFeatures.map((f) => [0, 1].map(() => Math.floor(rand() * (lastStart(f) + 1))));
    return windowExamples(trainClips, trainFeatures, norm, frames, starts);
  };
  const heldOut = windowExamples(heldOutClips, heldOutFeatures, norm, frames, heldOutFeatures.map((f) => [0, lastStart(f) >> 1, lastStart(f)]));
  const arch = getArchitecture('sentio-crnn');
  const small = { filters1: 16, filters2: 16, lstm1: 16, lstm2: 16, dense1: 16, dense2: 16, dropoutConv1: 0.1, dropoutConv2: 0.1, dropoutRnn: 0, dropoutDense: 0.1, l2: 0 };
  const model = arch.build(resolveOptions(arch, small), { frames, dims: heldOut.inputShape[1] }, 1);
  await train(model, trainWindows, null, { ...fixedSchedule, epochs: 30, batchSize: 12, learningRate: 0.003 });
  const s = score(model, trainWindows(0), heldOut);
  t.diagnostic(`sentio-crnn: ${describe(s)}`);
  model.dispose();
  assert.ok(s.ratio[0] <= CRITERION && s.ratio[1] <= CRITERION, `sentio-crnn: ${describe(s)}`);
});
