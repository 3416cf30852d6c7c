/**
 * Speed-perturbation augmentation in the window recipe: the copies are real speed changes of
 * the songs (shorter/longer, brighter/darker), they enter training, and evaluation ignores them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { getFeatureSet } from '../../src/features/index.ts';
import type { IndexedFrames } from '../../src/features/window-input.ts';
import { extractFeaturesFromFile } from '../../src/features/extract-file.ts';
import { crossValidate, predictSongs, prepareData, trainEnsemble, type PreparedData, type WindowModelConfig } from '../../src/train/window-model.ts';
import { balancedFourQ, FOURQ_DIR, tinyRecipe, writeManifest } from '../helpers/fourq-subset.ts';
import { skipUnless } from '../helpers/shared.ts';

const skip = skipUnless(FOURQ_DIR);
let dir: string;
let recipe: WindowModelConfig;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentio-augment-'));
  if (skip) return;
  recipe = { ...tinyRecipe('augment', await writeManifest(dir, balancedFourQ(1))), epochs: 2, windowsPerClip: 4, batchSize: 8 };
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mean = (m: IndexedFrames, col: number) => {
  let s = 0;
  for (let t = 0; t < m.frames.rows; t++) s += m.frames.data[t * m.frames.cols + col];
  return s / m.frames.rows;
};

test('augment.speeds: each song gets its speed-changed copies, as long and as bright as the factor says', { skip }, async () => {
  const plain = await prepareData(recipe);
  assert.ok(plain.variants.every((v) => v.length === 0));
  const data = await prepareData({ ...recipe, augment: { speeds: [16 / 15, 15 / 16] } });
  const centroid = getFeatureSet('sentio-frames').columns.indexOf('centroid_khz');
  assert.ok(centroid >= 0);
  data.clips.forEach((clip, i) => {
    const [fast, slow] = data.variants[i];
    assert.ok(Math.abs(fast.frames.rows - (clip.frames.rows * 15) / 16) <= 2, `fast copy: ${fast.frames.rows} frames for ${clip.frames.rows}`);
    assert.ok(Math.abs(slow.frames.rows - (clip.frames.rows * 16) / 15) <= 2, `slow copy: ${slow.frames.rows} frames for ${clip.frames.rows}`);
    // Every frequency scales with the speed, so the spectral centroid does too.
    assert.ok(mean(fast, centroid) > mean(clip, centroid) && mean(clip, centroid) > mean(slow, centroid), `song ${data.songs[i].id}`);
  });
  // The originals are untouched: after the copies were cached, the plain recipe still reads the
  // song itself (a copy stored under the original's cache entry would show up here).
  const reread = await prepareData(recipe);
  const { features } = await extractFeaturesFromFile(data.songs[0].audioPath!, getFeatureSet(recipe.featureSet));
  assert.deepEqual(Array.from(reread.clips[0].frames.data.subarray(0, 500)), Array.from(features.frames.data.subarray(0, 500)));
});

test('augment.speeds: the copies are what training sees (other weights than without), and bad factors are refused', { skip }, async () => {
  const train = async (config: WindowModelConfig, change: (d: PreparedData) => PreparedData = (d) => d) => {
    const data = change(await prepareData(config));
    const ens = await trainEnsemble(config, data, data.songs.map((_, i) => i));
    const w = ens.members[0].getWeights().map((t) => Array.from(t.dataSync()));
    ens.members.forEach((m) => m.dispose());
    return w.flat();
  };
  const plain = await train(recipe);
  const again = await train(recipe);
  assert.deepEqual(again, plain, 'training is not deterministic, so the comparison below would mean nothing');
  // Same random draws (a copy is picked per window either way), but the original standing in
  // for its copy: the weights differ only if training reads the copies' frames.
  const augmentation = { ...recipe, augment: { speeds: [16 / 15] } };
  const augmented = await train(augmentation);
  const originalsAsCopies = await train(augmentation, (d) => ({ ...d, variants: d.clips.map((c) => [c]) }));
  assert.ok(augmented.some((v, i) => Math.abs(v - originalsAsCopies[i]) > 1e-4));
  await assert.rejects(prepareData({ ...recipe, augment: { speeds: [1] } }), /augment\.speeds: 1 is not a speed factor/);
  await assert.rejects(prepareData({ ...recipe, augment: { speeds: [3] } }), /augment\.speeds: 3 is not a speed factor/);
});

test('augment.gainsDb: level-shifted copies of each song enter training; bad gains and unknown keys are refused', { skip }, async () => {
  const data = await prepareData({ ...recipe, augment: { speeds: [16 / 15], gainsDb: [-6, 6] } });
  const rms = getFeatureSet('sentio-frames').columns.indexOf('rms_db');
  data.clips.forEach((clip, i) => {
    const [, quiet, loud] = data.variants[i];
    assert.equal(data.variants[i].length, 3);
    assert.equal(quiet.frames.rows, clip.frames.rows);
    assert.ok(Math.abs(mean(quiet, rms) - (mean(clip, rms) - 6)) < 0.05 && Math.abs(mean(loud, rms) - (mean(clip, rms) + 6)) < 0.05, `song ${data.songs[i].id}`);
  });
  await assert.rejects(prepareData({ ...recipe, augment: { gainsDb: [0] } }), /augment\.gainsDb must be a list of non-zero gains/);
  await assert.rejects(prepareData({ ...recipe, augment: { gainsDb: 6 } as never }), /augment\.gainsDb/);
  await assert.rejects(prepareData({ ...recipe, augment: { gain: [6] } as never }), /augment: unknown 'gain' \(known: speeds, mixup, gainsDb\)/);
  await assert.rejects(prepareData({ ...recipe, featureSet: 'pyaa68', augment: { gainsDb: [6] } }), /augment\.gainsDb needs the sentio-frames or sentio-voice feature set, not 'pyaa68'/);
});

test('crossValidate: onFoldEnsemble gets each fold\'s ensemble with its held-out songs, which it predicts as the out-of-fold predictions', { skip }, async () => {
  const config = { ...recipe, folds: 2 };
  const data = await prepareData(config);
  const folds: number[] = [];
  const fromHook = new Map<number, [number, number]>();
  const cv = await crossValidate(config, data, undefined, {
    onFoldEnsemble(ensemble, test, fold) {
      folds.push(fold);
      for (const [i, p] of predictSongs(ensemble, data, test)) fromHook.set(i, p);
    },
  });
  assert.deepEqual(folds, [1, 2]);
  assert.equal(fromHook.size, data.songs.length);
  for (const [i, p] of fromHook) assert.deepEqual(p, cv.predictions[i], `song ${i}`);
});
