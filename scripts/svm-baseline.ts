/**
 * Classical baseline on 4Q (seed 003's idea): per-clip mean/std of one or more feature sets → RBF
 * SVM (libsvm), scored by the same artist-grouped 5-fold split as the default model.
 *   node --import tsx scripts/svm-baseline.ts emobase260 1 3     # feature sets joined by +, then C values
 *   node --import tsx scripts/svm-baseline.ts emobase260 1 --seed=2   # the folds of `"seed": 2`
 */
import { fileURLToPath } from 'node:url';
import { load4Q } from '../src/data/fourq.ts';
import { cachedFeatures } from '../src/data/feature-cache.ts';
import { getFeatureSet } from '../src/features/index.ts';
import { groupKFold } from '../src/data/splits.ts';
import { summarizeFrames } from '../src/features/summary.ts';
import { SvmClassifier } from '../src/models/svr.ts';
import { quadrantReport } from '../src/eval/metrics.ts';
import { meanStd } from '../src/eval/aggregate.ts';
const songs = load4Q(fileURLToPath(new URL('../../shared/datasets/4q', import.meta.url)));
const args = process.argv.slice(2);
const seedArg = args.find((a) => a.startsWith('--seed='));
const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : 1;
const positional = args.filter((a) => !a.startsWith('--'));
const folds = groupKFold(songs.map(s => s.artist!), 5, seed, songs.map(s => s.quadrant!));
const sets = positional[0].split('+');
const X: number[][] = [];
for (const s of songs) {
  const parts: number[] = [];
  for (const name of sets) { const m = await cachedFeatures(s.audioPath!, getFeatureSet(name)); parts.push(...summarizeFrames(m).values); }
  X.push(parts);
}
for (const C of positional.slice(1).map(Number)) {
  const pred: string[] = new Array(songs.length);
  for (const f of folds) {
    const clf = await SvmClassifier.train(f.train.map(i => X[i]), f.train.map(i => songs[i].quadrant!), { C, probability: false });
    const p = clf.predict(f.test.map(i => X[i]));
    f.test.forEach((i, k) => (pred[i] = p[k]));
    clf.free();
  }
  const r = quadrantReport(pred as never, songs.map(s => s.quadrant!));
  const perFold = folds.map((f) => quadrantReport(f.test.map((i) => pred[i]) as never, f.test.map((i) => songs[i].quadrant!)).macroF1);
  const { mean: foldMean } = meanStd(perFold);
  console.log(sets.join('+'), 'seed', seed, 'C', C, 'F1 pooled', r.macroF1.toFixed(3), 'fold mean', foldMean.toFixed(3), `(${perFold.map((v) => v.toFixed(3)).join(' ')})`, 'acc', r.accuracy.toFixed(3), 'A-half', r.arousalHalfAccuracy.toFixed(3), 'V-half', r.valenceHalfAccuracy.toFixed(3));
}
