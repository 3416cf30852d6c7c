/** `sentio train` with a `"recipe": "sequence"` file: a crnn-nb on a synthetic DEAM. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseModelCard } from '../../src/analyze/emotion-model.ts';
import { tf } from '../../src/models/backend.ts';
import { loadLayersModel } from '../../src/models/io.ts';
import { readSequenceRecipe } from '../../src/train/sequence-recipe.ts';
import { runCli } from '../helpers/cli.ts';
import { writeSyntheticDeam } from '../helpers/synthetic-datasets.ts';

let dir: string;

const RECIPE = {
  recipe: 'sequence',
  name: 'tiny-crnn-nb',
  dataset: { name: 'deam', path: 'DEAM' },
  featureSet: 'deam-csv',
  architecture: 'crnn-nb',
  options: { dropout: 0.25 },
  sequenceLength: 10,
  epochs: 2,
  batchSize: 8,
  learningRate: 0.003,
  seed: 1,
  split: 'official',
  loss: 'mse',
  patience: 5,
};

async function writeRecipe(name: string, recipe: object): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(recipe));
  return file;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentio-train-seq-'));
  writeSyntheticDeam(path.join(dir, 'DEAM'), { audio: false });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('sentio train: a crnn-nb sequence recipe writes the model folder, sentio.json and the report', async () => {
  const recipe = await writeRecipe('crnn-nb.json', RECIPE);
  const out = path.join(dir, 'model');
  const report = path.join(dir, 'report.json');
  const r = await runCli('train', '--config', recipe, '--out', out, '--report', report);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| seed 1 \|/);
  assert.match(r.stdout, /valence\.rmse/);

  const card = JSON.parse(await readFile(path.join(out, 'sentio.json'), 'utf8'));
  assert.equal(card.format, 'sentio-model');
  assert.equal(card.kind, 'sequence');
  assert.equal(card.architecture, 'crnn-nb');
  assert.equal(card.output, 'sequence');
  assert.equal(card.options.dropout, 0.25);
  assert.equal(typeof card.options.gruUnits, 'number', 'resolved options, defaults included');
  assert.deepEqual(card.featureSet, { name: 'deam-csv', hopSeconds: 0.5, columns: 260, source: 'deam-csv' });
  assert.equal(card.sequenceLength, 10);
  assert.equal(card.input.dims, 260);
  assert.equal(card.normalization.mean.length, 260);
  assert.equal(card.normalization.std.length, 260);
  assert.deepEqual(card.labels, { scale: '[-1, 1]', order: ['valence', 'arousal'], hopSeconds: 0.5 });
  assert.equal(card.dataset.name, 'deam');
  assert.equal(card.dataset.split.kind, 'official');
  assert.deepEqual(card.dataset.split.testIds.sort(), ['2001', '2002']);
  assert.match(card.library, /^sentio@/);
  assert.match(card.command, /^sentio train --config /);
  for (const dim of ['valence', 'arousal']) {
    assert.ok(Number.isFinite(card.metrics.test[dim].rmse), `${dim}.rmse`);
    for (const m of ['pearson', 'ccc']) assert.equal(typeof card.metrics.test[dim][m], 'number', `${dim}.${m}`);
  }
  assert.deepEqual(card.members, ['seed-1']);

  const written = JSON.parse(await readFile(report, 'utf8'));
  assert.equal(written.folds[0].label, 'seed 1');
  assert.ok(Number.isFinite(written.folds[0].metrics['valence.rmse']));

  // The member loads with the tfjs loader and predicts (valence, arousal) per frame.
  const model = await loadLayersModel(path.join(out, card.members[0]));
  const y = tf.tidy(() => (model.predict(tf.zeros([3, card.sequenceLength, card.input.dims])) as tf.Tensor).shape);
  assert.deepEqual(y, [3, 10, 2]);
  model.dispose();

  // The window-model loader of analyze refuses it clearly.
  assert.throws(() => parseModelCard(card, 'sentio.json'), /sentio\.json: a 'sequence' model .*window models only/);
});

test('sentio train: a random artist-grouped split, two seeds averaged, --cv-only writes no model', async () => {
  const recipe = await writeRecipe('random.json', { ...RECIPE, architecture: 'crnn', epochs: 1, seed: undefined, seeds: [1, 2], split: { kind: 'random', fractions: [0.5, 0.25, 0.25] } });
  const report = path.join(dir, 'random.csv');
  const r = await runCli('train', '--config', recipe, '--cv-only', '--report', report);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| seed 2 \|/);
  assert.match(r.stdout, /\| ensemble \|/);
  assert.match(await readFile(report, 'utf8'), /^fold,/);
  assert.match(r.stderr, /\(random split\)/);
});

test('sentio train: a bad sequence recipe exits 2 naming the file and the key', async () => {
  const unknownArch = await writeRecipe('bad-arch.json', { ...RECIPE, architecture: 'lstm-9000' });
  let r = await runCli('train', '--config', unknownArch, '--out', path.join(dir, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-arch\.json: "architecture": unknown architecture 'lstm-9000'/);

  const { sequenceLength: _, ...missing } = RECIPE;
  const missingKey = await writeRecipe('missing.json', missing);
  r = await runCli('train', '--config', missingKey, '--out', path.join(dir, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.json: missing "sequenceLength"/);

  const badKind = await writeRecipe('bad-kind.json', { ...RECIPE, recipe: 'sequences' });
  r = await runCli('train', '--config', badKind, '--out', path.join(dir, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-kind\.json: "recipe" must be "window" or "sequence"/);

  const badSplit = await writeRecipe('bad-split.json', { ...RECIPE, split: { kind: 'random', fractions: [0.5, 0.5, 0] } });
  r = await runCli('train', '--config', badSplit, '--out', path.join(dir, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-split\.json: "split\.fractions"/);
});

test('models/examples/crnn-deam.json is a valid sequence recipe', async () => {
  const file = path.join(import.meta.dirname, '../../models/examples/crnn-deam.json');
  const c = await readSequenceRecipe(file);
  assert.equal(c.architecture, 'crnn');
  assert.equal(c.dataset.path, path.resolve(path.dirname(file), '../../../DEAM'));
  assert.deepEqual(c.split, { kind: 'official', validationFraction: 0.1 });
});
