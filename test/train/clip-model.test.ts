import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Matrix } from '../../src/dsp/matrix.ts';
import { seededRandom } from '../../src/data/splits.ts';
import { rmse } from '../../src/eval/metrics.ts';
import { fitStandardization } from '../../src/features/summary.ts';
import { MeanRegressor } from '../../src/models/mean.ts';
import { fitClipStandardization, predictClips, sampleCrops, tileStarts, trainClipModel, type ClipData } from '../../src/train/clip-model.ts';

test('crop tiling covers every frame of the clip and stays inside it', () => {
  for (let frames = 1; frames <= 12; frames++) {
    for (let rows = 1; rows <= 50; rows++) {
      const starts = tileStarts(rows, frames);
      const seen = new Uint8Array(rows);
      for (const s of starts) {
        assert.ok(s >= 0 && s <= Math.max(0, rows - frames), `rows ${rows}, frames ${frames}: start ${s} out of range`);
        for (let t = s; t < Math.min(rows, s + frames); t++) seen[t] = 1;
      }
      assert.ok(seen.every((v) => v === 1), `rows ${rows}, frames ${frames}: a frame is not covered by ${starts}`);
      assert.equal(starts.length, Math.max(1, Math.ceil(rows / frames)), `rows ${rows}, frames ${frames}: ${starts}`);
    }
  }
  assert.throws(() => tileStarts(10, 0), RangeError);
});

test('training statistics pool every frame of the training clips', () => {
  const r = seededRandom(2);
  const clips: Matrix<Float32Array>[] = [3, 7, 5].map((rows) => ({ rows, cols: 3, data: Float32Array.from({ length: rows * 3 }, () => r() * 10 - 3) }));
  const pooled = { rows: 8, cols: 3, data: new Float32Array([...clips[0].data, ...clips[2].data]) };
  const ours = fitClipStandardization(clips, [0, 2]);
  const reference = fitStandardization(pooled);
  ours.mean.forEach((m, j) => assert.ok(Math.abs(m - reference.mean[j]) < 1e-9));
  ours.std.forEach((s, j) => assert.ok(Math.abs(s - reference.std[j]) < 1e-9));
});

test('sequence crops carry the clip label on every frame; short clips repeat their last frame', () => {
  const clips: Matrix<Float32Array>[] = [
    { rows: 2, cols: 1, data: new Float32Array([1, 3]) },
    { rows: 9, cols: 1, data: new Float32Array(9).fill(2) },
  ];
  const data: ClipData = { clips, targets: new Float32Array([0.5, -0.5, -0.25, 0.75]) };
  const norm = { mean: [0], std: [1] };
  const ex = sampleCrops(data, [0, 1], { frames: 4, cropsPerClip: 2 }, norm, 'sequence', 1);
  assert.deepEqual(ex.inputShape, [4, 1]);
  assert.deepEqual(ex.targetShape, [4, 2]);
  assert.equal(ex.count, 4);
  assert.deepEqual(Array.from(ex.x.subarray(0, 4)), [1, 3, 3, 3]);
  for (let k = 0; k < 4; k++) {
    const clip = k < 2 ? 0 : 1;
    for (let t = 0; t < 4; t++) assert.deepEqual(Array.from(ex.y.subarray((k * 4 + t) * 2, (k * 4 + t) * 2 + 2)), [data.targets[2 * clip], data.targets[2 * clip + 1]]);
  }
  const windowed = sampleCrops(data, [1], { frames: 4, cropsPerClip: 3 }, norm, 'window', 1);
  assert.deepEqual(windowed.targetShape, [2]);
  assert.deepEqual(Array.from(windowed.y), [-0.25, 0.75, -0.25, 0.75, -0.25, 0.75]);
});

/**
 * Clips whose frames are noise around a mean that encodes the clip's (valence, arousal):
 * a single frame is a poor guess (noise σ 1 against a signal of at most 0.9), a crop's
 * average a good one, so learning shows as beating the training mean on unseen clips.
 */
function syntheticTask(count: number, seed: number): ClipData {
  const r = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const clips: Matrix<Float32Array>[] = [];
  const targets = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const v = (r() < 0.5 ? -1 : 1) * (0.3 + 0.6 * r());
    const a = (r() < 0.5 ? -1 : 1) * (0.3 + 0.6 * r());
    targets.set([v, a], 2 * i);
    const rows = 12 + Math.floor(r() * 20);
    const data = new Float32Array(rows * 4);
    for (let t = 0; t < rows; t++) data.set([v + gauss(), a + gauss(), gauss(), 5 + gauss()], t * 4);
    clips.push({ rows, cols: 4, data });
  }
  return { clips, targets };
}

const learners: [string, Record<string, number>][] = [
  ['crnn-nb', { l1: 0, l2: 0, dropout: 0 }], // sequence output: the label repeated per frame
  ['gru-forked', { hidden: 8, fc1: 16, fc2: 8, dropout: 0, weightDecay: 0 }], // window output
];
for (const [architecture, options] of learners) {
  test(`${architecture} learns a static task from random crops better than the training mean`, async () => {
    const data = syntheticTask(60, 7);
    const trainClips = Array.from({ length: 40 }, (_, i) => i);
    const testClips = Array.from({ length: 20 }, (_, i) => 40 + i);
    const config = { architecture, options, frames: 8, cropsPerClip: 4, epochs: 12, batchSize: 16, learningRate: 0.01, seed: 3 };
    const trained = await trainClipModel(config, data, trainClips);
    const pred = predictClips(trained, data, testClips, 7);
    trained.model.dispose();
    assert.deepEqual([...pred.keys()].sort((x, y) => x - y), testClips);
    const truth = (d: 0 | 1) => testClips.map((i) => data.targets[2 * i + d]);
    const ours = (d: 0 | 1) => testClips.map((i) => pred.get(i)![d]);
    const baseline = MeanRegressor.train({ valence: trainClips.map((i) => data.targets[2 * i]), arousal: trainClips.map((i) => data.targets[2 * i + 1]) });
    for (const d of [0, 1] as const) {
      const mean = rmse(testClips.map(() => (d === 0 ? baseline.valence : baseline.arousal)), truth(d));
      const model = rmse(ours(d), truth(d));
      assert.ok(model < 0.7 * mean, `${architecture}, dimension ${d}: RMSE ${model.toFixed(3)} vs mean baseline ${mean.toFixed(3)}`);
      const signs = testClips.filter((_, k) => Math.sign(ours(d)[k]) === Math.sign(truth(d)[k])).length;
      assert.ok(signs >= 16, `${architecture}, dimension ${d}: sign right on ${signs}/20 clips`);
    }
  });
}
