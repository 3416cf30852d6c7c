/**
 * Does the model's 0.5 s timeline follow the music within each song? Scores a model folder on
 * a dataset with per-0.5 s labels, as `sentio eval` does, and prints per clip the r and CCC of
 * the timeline against the listeners' dynamic annotation and the std of both sides, then the
 * means over clips beside the pooled (all frames of all songs) figures.
 *   node --import tsx scripts/timeline-metrics.ts [--model DIR] [--data DIR] [--dataset NAME]
 * Defaults: models/default, ../shared/datasets/emomusic, emomusic.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/analyze/node.ts';
import { isDatasetName, loadDataset } from '../src/data/index.ts';
import { evaluateModel, selectSongs } from '../src/eval/evaluate-model.ts';
import { formatNumber } from '../src/eval/aggregate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(ROOT, 'models/default') },
    data: { type: 'string', default: path.resolve(ROOT, '../shared/datasets/emomusic') },
    dataset: { type: 'string', default: 'emomusic' },
  },
});
if (!isDatasetName(values.dataset)) throw new Error(`unknown dataset '${values.dataset}'`);

const model = await loadModel(values.model);
const songs = selectSongs(loadDataset(values.dataset, values.data)).filter((s) => s.dynamic);
if (songs.length === 0) throw new Error(`${values.data}: no songs with audio and per-0.5 s labels`);
const e = await evaluateModel(model, songs);
model.members.forEach((m) => m.dispose());
for (const f of e.failures) console.error(`failed: ${f.file}: ${f.reason}`);
if (!e.timeline) throw new Error('no song could be paired with its labels');

const f = (x: number): string => formatNumber(x, 3).padStart(7);
console.log(`${model.card.name} (${values.model}) on ${values.dataset} (${values.data}): ${e.timeline.songs} clips, ${e.timeline.regression.n} labelled 0.5 s frames`);
console.log('');
console.log(`${'clip'.padEnd(10)} ${'n'.padStart(3)} | valence:     r     CCC  std(model) std(labels) | arousal:     r     CCC  std(model) std(labels)`);
for (const c of e.timeline.withinSong.perClip) {
  const dim = (d: typeof c.valence): string => `${d.skipped ? '   skip' : f(d.pearson)} ${d.skipped ? '   skip' : f(d.ccc)}     ${f(d.predStd)}      ${f(d.truthStd)}`;
  console.log(`${c.id.padEnd(10)} ${String(c.n).padStart(3)} |        ${dim(c.valence)} |        ${dim(c.arousal)}`);
}
console.log('');
const w = e.timeline.withinSong;
const p = e.timeline.regression;
for (const d of ['valence', 'arousal'] as const) {
  console.log(
    `${d.padEnd(8)} mean per-clip r ${f(w[d].pearson)}, CCC ${f(w[d].ccc)} (over ${w.clips - w[d].skipped} clips, ${w[d].skipped} skipped: constant series);` +
      ` std within a song: model ${f(w[d].predStd)}, labels ${f(w[d].truthStd)}; pooled r ${f(p[d].pearson)}, CCC ${f(p[d].ccc)}, RMSE ${f(p[d].rmse)}`,
  );
}
