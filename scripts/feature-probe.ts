/**
 * Experiment: do tonal/rhythm/dynamics descriptors derived from cached sentio-frames help the
 * SVM on 4Q (same folds as the default model)?   node --import tsx scripts/feature-probe.ts
 */
import { fileURLToPath } from 'node:url';
import { load4Q } from '../src/data/fourq.ts';
import { cachedFeatures } from '../src/data/feature-cache.ts';
import { getFeatureSet } from '../src/features/index.ts';
import { groupKFold } from '../src/data/splits.ts';
import { indexWindowStats, windowStats } from '../src/features/window-stats.ts';
import { clipDescriptorNames, clipDescriptors } from '../src/features/clip-descriptors.ts';
import { fitStandardization, standardizeInPlace } from '../src/features/summary.ts';
import { SvmClassifier } from '../src/models/svr.ts';
import { quadrantReport } from '../src/eval/metrics.ts';

const songs = load4Q(fileURLToPath(new URL('../../shared/datasets/4q', import.meta.url)));
const folds = groupKFold(songs.map((s) => s.artist!), 5, 1, songs.map((s) => s.quadrant!));
const set = getFeatureSet('sentio-frames');
const base: number[][] = [];
const extra: number[][] = [];
for (const s of songs) {
  const m = await cachedFeatures(s.audioPath!, set);
  const idx = indexWindowStats(m);
  const out = new Float32Array(m.cols * 3);
  windowStats(idx, 0, m.rows, out);
  base.push([...out]);
  extra.push([...clipDescriptors(m, 0, m.rows, new Float32Array(clipDescriptorNames.length))]);
}
/** Rows standardised with statistics of the training rows only. */
function standardize(X: number[][], train: number[]): number[][] {
  const norm = fitStandardization(train.map((i) => X[i]));
  return X.map((r) => Array.from(standardizeInPlace(Float32Array.from(r), norm)));
}
async function run(name: string, X: number[][], C: number) {
  const pred: string[] = new Array(songs.length);
  for (const f of folds) {
    const Z = standardize(X, f.train);
    const clf = await SvmClassifier.train(f.train.map((i) => Z[i]), f.train.map((i) => songs[i].quadrant!), { C, probability: false });
    const p = clf.predict(f.test.map((i) => Z[i]));
    f.test.forEach((i, k) => (pred[i] = p[k]));
    clf.free();
  }
  const r = quadrantReport(pred as never, songs.map((s) => s.quadrant!));
  console.log(name, 'C', C, 'F1', r.macroF1.toFixed(3), 'A-half', r.arousalHalfAccuracy.toFixed(3), 'V-half', r.valenceHalfAccuracy.toFixed(3));
}
const which = process.argv[2] ?? 'all';
for (const C of [1, 3]) {
  if (which === 'all' || which === 'base') await run('base', base, C);
  if (which === 'all' || which === 'extra') await run('extra', extra, C);
  await run('base+extra', base.map((r, i) => [...r, ...extra[i]]), C);
}
