/** Registry of named feature sets. */
import { logmel, malikLogmel } from './melbands.ts';
import { pyaa68 } from './pyaa68.ts';
import { emobase260 } from './emobase260.ts';
import { sentioFrames, sentioVoice } from './sentio-frames.ts';
import type { FeatureSet } from './types.ts';

export { computeFeatures, type FeatureSet, type FeatureMatrix, type FeatureExtractor } from './types.ts';

export const featureSets: Readonly<Record<string, FeatureSet>> = Object.freeze({
  [logmel.name]: logmel,
  [malikLogmel.name]: malikLogmel,
  [pyaa68.name]: pyaa68,
  [emobase260.name]: emobase260,
  [sentioFrames.name]: sentioFrames,
  [sentioVoice.name]: sentioVoice,
});

/** The feature set called `name`; throws with the list of known names otherwise. */
export function getFeatureSet(name: string): FeatureSet {
  const set = featureSets[name];
  if (!set) throw new RangeError(`unknown feature set '${name}' (known: ${Object.keys(featureSets).join(', ')})`);
  return set;
}
