import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as sentio from '../src/index.ts';

test('the library entry point: file → named feature set, and the dsp namespace', async () => {
  const path = fileURLToPath(new URL('./fixtures/emomusic/17.mp3', import.meta.url));
  const r = await sentio.extractFeaturesFromFile(path, sentio.getFeatureSet('malik-logmel'));
  assert.equal(r.features.frames.rows, 90);
  assert.equal(r.audio.sourceSampleRate, 44100);
  const y = (await sentio.loadAudioFile(path)).samples;
  const direct = sentio.computeFeatures(sentio.featureSets['malik-logmel'], y);
  assert.deepEqual(direct.frames.data, r.features.frames.data);
  assert.equal(sentio.dsp.melFilterbank({ nMels: 40 }).rows, 40);
  assert.throws(() => sentio.getFeatureSet('mfcc-9000'), /unknown feature set 'mfcc-9000' \(known: logmel, malik-logmel, pyaa68/);
});
