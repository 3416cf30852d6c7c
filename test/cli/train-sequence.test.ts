/** `sentio train` with a `"recipe": "sequence"` file: a crnn-nb on a synthetic DEAM. */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseModelCard } from '../../src/analyze/emotion-model.ts';
import { trainCommand, type TrainCommandOptions } from '../../src/cli/train.ts';
import { tf } from '../../src/models/backend.ts';
import { loadLayersModel } from '../../src/models/io.ts';
import { readSequenceRecipe } from '../../src/train/sequence-recipe.ts';
import { captureConsole, runCli, type CliResult } from '../helpers/cli.ts';
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

// ---------------------------------------------------------------------------------------
// Work folder, Ctrl-C and --resume, as for window recipes (test/cli/train.test.ts)
// ---------------------------------------------------------------------------------------

// Two seeds of 3 epochs of 4 batches, so a run can stop mid-epoch in the second seed (late
// enough that Adam's state after 8 steps must be restored exactly: see replayAdamBetaPowers).
const RESUME_RECIPE = { ...RECIPE, name: 'tiny-resume', seed: undefined, seeds: [1, 2], epochs: 3 };

/** `trainCommand` in-process with captured output (non-TTY), for the hooks the CLI does not expose. */
const runTrain = (o: TrainCommandOptions): Promise<CliResult> => captureConsole((io) => trainCommand(o, io));

const exists = (p: string) => access(p).then(() => true, () => false);

/** Every weight of every member of a model folder, flattened. */
async function memberWeights(modelDir: string, members: string[]): Promise<number[][]> {
  const all: number[][] = [];
  for (const m of members) {
    const model = await loadLayersModel(path.join(modelDir, m));
    all.push(...model.getWeights().map((t) => Array.from(t.dataSync())));
    model.dispose();
  }
  return all;
}

let straight: CliResult;
const straightOut = () => path.join(dir, 'resume-a');
const work = () => path.join(dir, 'work-b');
const resumedOut = () => path.join(dir, 'resume-b');

test('sentio train (sequence): an uninterrupted run prints one line per finished network and deletes its work folder', async () => {
  const recipe = await writeRecipe('resume.json', RESUME_RECIPE);
  straight = await runCli('train', '--config', recipe, '--out', straightOut());
  assert.equal(straight.code, 0, straight.stderr);
  for (const [i, seed] of [1, 2].entries()) {
    assert.match(straight.stderr, new RegExp(`^seed ${seed} \\(network ${i + 1}/2\\): train loss \\d+\\.\\d{4}, validation loss \\d+\\.\\d{4}, \\d+\\.\\d s$`, 'm'));
  }
  assert.match(straight.stdout, /\| ensemble \|/);
  assert.equal(await exists(path.join(straightOut(), '.train-work')), false, 'the work folder is deleted when the run completes');
});

test('sentio train (sequence): Ctrl-C keeps the finished seed and the running checkpoint, exits 130; --resume with a changed recipe exits 2', async () => {
  const recipe = path.join(dir, 'resume.json');
  // Stop seed 2 during its third epoch, by the command's own SIGINT handler (emitting the
  // event runs it without a real signal): seed 1 is finished, seed 2 has a checkpoint after epoch 2.
  const listeners = process.listenerCount('SIGINT');
  const r = await runTrain({ config: recipe, out: resumedOut(), work: work(), onBatch: (id, info) => id.member === 1 && info.epoch === 2 && info.batch === 1 && process.emit('SIGINT') });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupting: saving the running network/);
  assert.match(r.stderr, /interrupted during seed 2 \(network 2\/2\) \(kept up to its last finished epoch\); the run is saved in /);
  assert.match(r.stderr, /continue it with: sentio train --config .* --resume$/m);
  assert.equal(process.listenerCount('SIGINT'), listeners, 'the handler is removed');
  assert.ok(await exists(path.join(work(), 'final', 'member-0', 'model.json')));
  assert.ok(await exists(path.join(work(), 'final', 'member-0', 'training.json')));
  assert.ok(await exists(path.join(work(), 'final', 'member-1.checkpoint', 'state.json')));
  assert.equal(await exists(path.join(resumedOut(), 'sentio.json')), false);

  const again = await runCli('train', '--config', recipe, '--out', resumedOut(), '--work', work());
  assert.equal(again.code, 2);
  assert.match(again.stderr, /holds an unfinished run .*: add --resume to continue it/);

  const changed = await writeRecipe('resume-changed.json', { ...RESUME_RECIPE, epochs: 4 });
  const refused = await runCli('train', '--config', changed, '--out', resumedOut(), '--work', work(), '--resume');
  assert.equal(refused.code, 2);
  assert.ok(refused.stderr.includes(path.join(work(), 'run.json')), refused.stderr);
  assert.match(refused.stderr, /epochs: 3 → 4/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
});

test('sentio train (sequence): --resume gives the same model, metrics and report as the uninterrupted run', async () => {
  const r = await runTrain({ config: path.join(dir, 'resume.json'), out: resumedOut(), work: work(), resume: true });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^resuming the run in .*: 1 of 2 seed networks done$/m);
  assert.match(r.stderr, /^seed 1 \(network 1\/2\): finished in an earlier run$/m);
  assert.match(r.stderr, /^seed 2 \(network 2\/2\): train loss .* \(resumed after epoch 2\)$/m);
  assert.equal(await exists(work()), false, 'the work folder is deleted when the run completes');

  // Same test report (stdout), same card (metrics, epochs trained, normalisation), same weights.
  assert.equal(r.stdout, straight.stdout);
  const card = (d: string) => readFile(path.join(d, 'sentio.json'), 'utf8').then((s) => JSON.parse(s) as { members: string[] });
  const a = await card(straightOut());
  assert.deepEqual(await card(resumedOut()), a);
  assert.deepEqual(await memberWeights(resumedOut(), a.members), await memberWeights(straightOut(), a.members));
});
