import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadModel } from '../../src/analyze/node.ts';
import { runCli } from '../helpers/cli.ts';
import { balancedFourQ, FOURQ_DIR, tinyRecipe, writeManifest } from '../helpers/fourq-subset.ts';
import { skipUnless } from '../helpers/shared.ts';

let dir: string;
let recipe: string;
let space: string;

const skip = skipUnless(FOURQ_DIR);

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentio-search-'));
  // 24 real 4Q clips, 6 per quadrant, every artist different; a deliberately tiny network.
  if (!skip) await writeManifest(dir, balancedFourQ(6));
  recipe = path.join(dir, 'recipe.json');
  await writeFile(recipe, JSON.stringify(tinyRecipe('tiny-search', 'manifest.csv')));
  space = path.join(dir, 'space.json');
  await writeFile(space, JSON.stringify({ 'options.hidden1': [8, 16] }));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (file: string) => readFile(file, 'utf8');
const csvRows = async (file: string) => parse(await read(file), { columns: true }) as Record<string, string>[];

test('a tiny grid search writes one row per trial, best.json and the model trained with the best recipe', { skip }, async () => {
  const out = path.join(dir, 'grid');
  const report = path.join(dir, 'grid-report.json');
  const r = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '2', '--report', report);
  assert.equal(r.code, 0, r.stderr);
  const rows = await csvRows(path.join(out, 'trials.csv'));
  assert.deepEqual(rows.map((x) => [x.trial, x['options.hidden1']]), [['1', '8'], ['2', '16']]);
  for (const row of rows) {
    for (const k of ['macroF1.mean', 'macroF1.std', 'arousalHalf.mean', 'valenceHalf.mean', 'valenceRmse.mean', 'arousalRmse.mean', 'valenceR.mean', 'arousalR.mean']) {
      assert.ok(Number.isFinite(Number(row[k])), `${k} = ${row[k]}`);
    }
    assert.ok(Number(row['macroF1.mean']) >= 0 && Number(row['macroF1.mean']) <= 1);
  }
  const bestRow = rows.reduce((a, b) => (Number(b['macroF1.mean']) > Number(a['macroF1.mean']) ? b : a));
  const best = JSON.parse(await read(path.join(out, 'best.json'))) as { options: Record<string, number>; folds: number; out: string; dataset: { path: string } };
  assert.equal(best.options.hidden1, Number(bestRow['options.hidden1']));
  assert.equal(best.options.hidden2, 8);
  assert.equal(best.folds, 2);
  assert.equal(best.dataset.path, path.join(dir, 'manifest.csv'));
  assert.match(r.stdout, new RegExp(`best: trial ${bestRow.trial} \\(options.hidden1=${bestRow['options.hidden1']}\\)`));
  // The model folder: its card carries the best configuration and the search's cross-validation.
  const model = await loadModel(out);
  assert.equal(model.card.options.hidden1, best.options.hidden1);
  assert.equal((model.card.training as { options: Record<string, number> }).options.hidden1, best.options.hidden1);
  assert.match(String(model.card.training.command), /^sentio search /);
  assert.ok(Math.abs((model.card.metrics as { meanStd: { macroF1: { mean: number } } }).meanStd.macroF1.mean - Number(bestRow['macroF1.mean'])) < 1e-6);
  model.members.forEach((m) => m.dispose());
  const table = JSON.parse(await read(report)) as Record<string, number | string>[];
  assert.equal(table.length, 2);
  assert.equal(table[0].trial, Number(bestRow.trial), 'the report lists the best trial first');

  // An existing search is not overwritten by accident.
  const again = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '2');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /trials\.csv already exists: pass --resume/);
});

test('--resume skips finished trials, re-runs a trial cut off mid-write, and refuses a changed recipe', { skip }, async () => {
  const out = path.join(dir, 'resume');
  const first = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '2', '--no-train');
  assert.equal(first.code, 0, first.stderr);
  await assert.rejects(stat(path.join(out, 'sentio.json')), '--no-train writes no model');
  const csv = path.join(out, 'trials.csv');
  const full = await read(csv);
  const lines = full.trimEnd().split('\n');
  assert.equal(lines.length, 3);

  // Everything done: nothing runs.
  const noop = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '2', '--resume', '--no-train');
  assert.equal(noop.code, 0, noop.stderr);
  assert.match(noop.stderr, /resuming: 2 of 2 trials already/);
  assert.doesNotMatch(noop.stderr, /trial \d\/2:/);
  assert.equal(await read(csv), full);

  // Killed while writing trial 2's row: only trial 2 runs again, and (seeded) gives the same numbers.
  await writeFile(csv, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 12)}`);
  const resumed = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '2', '--resume', '--no-train');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming: 1 of 2 trials already/);
  assert.doesNotMatch(resumed.stderr, /trial 1\/2:/);
  assert.match(resumed.stderr, /trial 2\/2: options.hidden1=16/);
  const after = (await read(csv)).trimEnd().split('\n');
  assert.equal(after.length, 3);
  const withoutSeconds = (l: string) => l.split(',').slice(0, -1).join(',');
  assert.equal(withoutSeconds(after[2]), withoutSeconds(lines[2]));

  // Other folds would make the rows incomparable.
  const changed = await runCli('search', '--config', recipe, '--space', space, '--out', out, '--folds', '3', '--resume', '--no-train');
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, /plan\.json: trial 1 ran with another recipe \(folds was 2, now 3\)/);
});

test('random mode and bad input on the command line', { skip }, async () => {
  const randomSpace = path.join(dir, 'random.json');
  await writeFile(randomSpace, JSON.stringify({ learningRate: { min: 0.0005, max: 0.005, log: true } }));
  const out = path.join(dir, 'random');
  const r = await runCli('search', '--config', recipe, '--space', randomSpace, '--out', out, '--mode', 'random', '--trials', '1', '--seed', '3', '--folds', '2', '--metric', 'rmse', '--no-train');
  assert.equal(r.code, 0, r.stderr);
  const rows = await csvRows(path.join(out, 'trials.csv'));
  assert.equal(rows.length, 1);
  const lr = Number(rows[0].learningRate);
  assert.ok(lr >= 0.0005 && lr <= 0.005, `learningRate ${lr}`);
  assert.match(r.stdout, /by rmse \(min\)/);

  const grid = await runCli('search', '--config', recipe, '--space', randomSpace, '--out', path.join(dir, 'x'));
  assert.equal(grid.code, 2);
  assert.match(grid.stderr, /random\.json: "learningRate": grid search needs a list of values/);
  const badJson = path.join(dir, 'bad.json');
  await writeFile(badJson, '{ not json');
  const broken = await runCli('search', '--config', recipe, '--space', badJson, '--out', path.join(dir, 'y'));
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /bad\.json: cannot read the search space/);
  const metric = await runCli('search', '--config', recipe, '--space', space, '--out', path.join(dir, 'z'), '--metric', 'loss');
  assert.equal(metric.code, 2);
});
