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

test('the live API from the entry point: a stream of PCM bytes to points and light states', async () => {
  const model = await sentio.loadModel();
  const stream = new sentio.EmotionStream(model, { sampleRate: 22050 });
  const pcm = new sentio.PcmDecoder({ encoding: 's16le', channels: 1 });
  const bytes = new Uint8Array(22050 * 2 * 6);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 22050 * 6; i++) view.setInt16(2 * i, Math.round(8000 * Math.sin((2 * Math.PI * 330 * i) / 22050)), true);
  const mapper = new sentio.LightMapper();
  const points = [...stream.push(pcm.push(bytes)), ...stream.finish()];
  assert.equal(points.length, 12);
  const light = mapper.push(points[0]);
  assert.ok(light.brightness > 0 && light.brightness <= 1 && !light.silent);
});
