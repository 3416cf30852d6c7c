import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../../src/data/splits.ts';
import { tf, useBackend } from '../../src/models/backend.ts';
import { architectures, resolveOptions } from '../../src/models/registry.ts';
import { scheduledLearningRate, train, type Examples, type LrSchedule } from '../../src/train/trainer.ts';

// Small versions of every architecture: the wiring is the same, the test stays quick.
const small: Record<string, Record<string, unknown>> = {
  crnn: { l1: 0, l2: 0, dropout: 0 },
  'crnn-nb': { l1: 0, l2: 0, dropout: 0 },
  'sentio-crnn': { filters1: 8, filters2: 8, lstm1: 8, lstm2: 8, dense1: 16, dense2: 16, dropoutConv1: 0, dropoutConv2: 0, dropoutRnn: 0, dropoutDense: 0, l2: 0, attentionHeads: 2 },
  'sentio-cnn': { filters: '16,16', dropout: 0, denseDropout: 0, l2: 0, dense: 16 },
  'sentio-mlp': { dropout: 0, inputNoise: 0, l2: 0, hidden1: 32, hidden2: 16 },
  'gru-parallel': { dropout: 0, weightDecay: 0, hidden: 8 },
  'gru-forked': { dropout: 0, weightDecay: 0, hidden: 8 },
};

function randomTask(sequence: boolean, frames: number, dims: number, count: number, seed: number): Examples {
  const r = seededRandom(seed);
  const targetShape = sequence ? [frames, 2] : [2];
  return {
    x: Float32Array.from({ length: count * frames * dims }, () => r() * 2 - 1),
    y: Float32Array.from({ length: count * targetShape.reduce((a, b) => a * b) }, () => r() * 1.4 - 0.7),
    count,
    inputShape: [frames, dims],
    targetShape,
  };
}

for (const arch of Object.values(architectures)) {
  test(`${arch.name} overfits a handful of examples (gradients and wiring work)`, async () => {
    await useBackend('wasm');
    const frames = arch.name === 'sentio-mlp' ? 1 : arch.output === 'sequence' ? 6 : 8;
    const data = randomTask(arch.output === 'sequence', frames, 6, 6, 3);
    const model = arch.build(resolveOptions(arch, small[arch.name]), { frames, dims: 6 }, 1);
    const result = await train(model, () => data, null, { epochs: 200, batchSize: 6, learningRate: 0.02, patience: 0, reduceLrPatience: 0 });
    const first = result.history[0].trainLoss;
    const last = result.history.at(-1)!.trainLoss;
    assert.ok(last < first * 0.05, `${arch.name}: loss ${first} → ${last}`);
    model.dispose();
  });
}

test('same seed gives the same weights; another seed does not', async () => {
  await useBackend('wasm');
  const arch = architectures['sentio-mlp'];
  const data = randomTask(false, 1, 10, 40, 4);
  const run = async (seed: number) => {
    const m = arch.build(resolveOptions(arch, { hidden1: 16, hidden2: 8 }), { frames: 1, dims: 10 }, seed);
    await train(m, () => data, null, { epochs: 3, batchSize: 8, seed });
    const w = Array.from(m.getWeights()[0].dataSync());
    m.dispose();
    return w;
  };
  assert.deepEqual(await run(1), await run(1));
  assert.notDeepEqual(await run(1), await run(2));
});

test('an interrupted run resumes from its checkpoint to the same weights as an uninterrupted one', async () => {
  await useBackend('wasm');
  const arch = architectures['sentio-mlp'];
  const data = randomTask(false, 1, 10, 64, 5);
  const options = resolveOptions(arch, { hidden1: 16, hidden2: 8 });
  const dir = await mkdtemp(join(tmpdir(), 'sentio-resume-'));
  try {
    const straight = arch.build(options, { frames: 1, dims: 10 }, 7);
    await train(straight, () => data, data, { epochs: 6, batchSize: 8, seed: 7, patience: 0, reduceLrPatience: 0 });
    const controller = new AbortController();
    const first = arch.build(options, { frames: 1, dims: 10 }, 7);
    const r1 = await train(first, () => data, data, {
      epochs: 6, batchSize: 8, seed: 7, patience: 0, reduceLrPatience: 0, checkpointDir: dir, signal: controller.signal,
      onBatch: ({ epoch, batch }) => { if (epoch === 3 && batch === 2) controller.abort(); },
    });
    assert.equal(r1.stopped, 'interrupted');
    const resumed = arch.build(options, { frames: 1, dims: 10 }, 99); // different init: the checkpoint must win
    const r2 = await train(resumed, () => data, data, { epochs: 6, batchSize: 8, seed: 7, patience: 0, reduceLrPatience: 0, checkpointDir: dir, resume: true });
    assert.equal(r2.stopped, 'completed');
    assert.equal(r2.history.length, 6);
    const a = straight.getWeights().map((t) => Array.from(t.dataSync()));
    const b = resumed.getWeights().map((t) => Array.from(t.dataSync()));
    a.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-5, `weight ${i}[${j}]: ${v} vs ${b[i][j]}`)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('early stopping stops when validation loss stops improving and restores the best weights', async () => {
  await useBackend('wasm');
  const arch = architectures['sentio-mlp'];
  const trainSet = randomTask(false, 1, 10, 32, 6);
  const unrelated = randomTask(false, 1, 10, 32, 7); // validation targets unrelated to training: it must overfit
  const m = arch.build(resolveOptions(arch, { hidden1: 64, hidden2: 32, dropout: 0, inputNoise: 0 }), { frames: 1, dims: 10 }, 1);
  const r = await train(m, () => trainSet, unrelated, { epochs: 200, batchSize: 8, learningRate: 0.01, patience: 5, reduceLrPatience: 2 });
  assert.equal(r.stopped, 'early-stopping');
  assert.ok(r.history.length < 200);
  assert.equal(r.history.length, r.bestEpoch + 1 + 5);
  assert.ok(r.history.some((h) => h.learningRate < 0.01), 'learning rate was reduced on plateau');
  m.dispose();
  void tf;
});

test('cosine schedule: half-cosine from the full rate, and the optimizer really takes the smaller steps', async () => {
  assert.equal(scheduledLearningRate('cosine', 0.01, 0, 10), 0.01);
  assert.ok(Math.abs(scheduledLearningRate('cosine', 0.01, 5, 10) - 0.005) < 1e-12);
  assert.ok(Math.abs(scheduledLearningRate('cosine', 0.01, 9, 10) - 0.01 * 0.5 * (1 + Math.cos((9 * Math.PI) / 10))) < 1e-12);
  assert.equal(scheduledLearningRate('constant', 0.01, 9, 10), 0.01);

  await useBackend('wasm');
  const arch = architectures['sentio-mlp'];
  const data = randomTask(false, 1, 10, 64, 5);
  // Size of the weight change made by the last of 4 epochs, and the rates the history logs.
  const lastStep = async (lrSchedule: LrSchedule) => {
    const m = arch.build(resolveOptions(arch, { hidden1: 16, hidden2: 8, dropout: 0, inputNoise: 0, l2: 0 }), { frames: 1, dims: 10 }, 1);
    let before: number[] = [];
    const result = await train(m, () => data, null, {
      epochs: 4,
      batchSize: 16,
      learningRate: 0.01,
      lrSchedule,
      patience: 0,
      reduceLrPatience: 0,
      onEpoch: ({ epoch }) => {
        if (epoch === 2) before = Array.from(m.getWeights()[0].dataSync());
      },
    });
    // The last epoch has the lowest training loss here, so `train` returns its weights.
    assert.equal(result.bestEpoch, 3);
    const after = Array.from(m.getWeights()[0].dataSync());
    m.dispose();
    return { step: Math.hypot(...after.map((w, i) => w - before[i])), rates: result.history.map((h) => h.learningRate) };
  };
  const constant = await lastStep('constant');
  const cosine = await lastStep('cosine');
  assert.deepEqual(constant.rates, [0.01, 0.01, 0.01, 0.01]);
  assert.deepEqual(cosine.rates, [0, 1, 2, 3].map((e) => scheduledLearningRate('cosine', 0.01, e, 4)));
  // Epoch 3 runs at 0.146 of the rate: Adam's steps scale with it.
  assert.ok(cosine.step < 0.35 * constant.step, `last-epoch step ${cosine.step} vs ${constant.step} at a constant rate`);
});
