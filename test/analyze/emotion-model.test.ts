import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelFeatureSet } from '../../src/analyze/emotion-model.ts';
import { sentioVoice } from '../../src/features/sentio-frames.ts';

const card = (featureSet: { name: string; columns: number; revision?: number }) => ({
  name: 'm',
  featureSet: { hopSeconds: sentioVoice.hopSeconds, ...featureSet },
});

test('modelFeatureSet: the registered set when name, columns and revision agree', () => {
  assert.equal(modelFeatureSet(card({ name: 'sentio-voice', columns: 107, revision: 2 })), sentioVoice);
});

test('modelFeatureSet: a model trained on another revision of its features is refused, naming both', () => {
  // A card without a revision was trained on revision 1 (band up to 11.025 kHz): its inputs
  // would be computed differently now, so its output would be wrong without any error.
  assert.throws(() => modelFeatureSet(card({ name: 'sentio-voice', columns: 107 })), /model 'm': trained on revision 1 of feature set 'sentio-voice', this Sentio computes revision 2/);
  assert.throws(() => modelFeatureSet(card({ name: 'sentio-voice', columns: 101, revision: 2 })), /has 107 columns, the model was trained on 101/);
  assert.throws(() => modelFeatureSet(card({ name: 'no-such-set', columns: 1 })), /model 'm'/);
});
