import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { applyAssignment, bestTrial, gridTrials, parseSpace, planSearch, randomTrials, readTrials, recipeDifference, SearchInputError, trialRow, trialsHeader, TRIAL_METRICS, type Assignment, type RangeSpec, type TrialRecord } from '../../src/train/search.ts';
import { tinyRecipe } from '../helpers/fourq-subset.ts';

const RECIPE = tinyRecipe('unit', '/nowhere/manifest.csv');

test('grid enumerates exactly the Cartesian product, first key slowest', () => {
  const space = parseSpace({ learningRate: [0.001, 0.01, 0.1], 'options.dropout': [0.2, 0.5], targets: ['continuous'] }, 'space.json', 'grid');
  const trials = gridTrials(space);
  assert.equal(trials.length, 3 * 2 * 1);
  assert.deepEqual(trials[0], { learningRate: 0.001, 'options.dropout': 0.2, targets: 'continuous' });
  assert.deepEqual(trials[1], { learningRate: 0.001, 'options.dropout': 0.5, targets: 'continuous' });
  const seen = new Set(trials.map((t) => JSON.stringify(t)));
  assert.equal(seen.size, 6, 'no combination twice');
  for (const lr of [0.001, 0.01, 0.1]) for (const d of [0.2, 0.5]) assert.ok(seen.has(JSON.stringify({ learningRate: lr, 'options.dropout': d, targets: 'continuous' })));
});

test('random search is seeded, reproducible and respects lists and ranges', () => {
  const space = parseSpace(
    { learningRate: { min: 1e-4, max: 1e-2, log: true }, 'options.dropout': { min: 0.1, max: 0.6 }, epochs: { min: 2, max: 5, int: true }, 'options.hidden1': [16, 32, 64] },
    'space.json',
    'random',
  );
  const a = randomTrials(space, 300, 7);
  assert.deepEqual(randomTrials(space, 300, 7), a, 'same seed, same trials');
  assert.notDeepEqual(randomTrials(space, 300, 8), a, 'another seed, other trials');
  assert.deepEqual(randomTrials(space, 10, 7), a.slice(0, 10), 'more trials extend the same sequence (resume with a larger --trials)');
  const lr = a.map((t) => t.learningRate as number);
  assert.ok(lr.every((x) => x >= 1e-4 && x <= 1e-2));
  // Log-uniform: about half the draws below the geometric midpoint 1e-3 (a linear draw would put ~9 % there).
  const below = lr.filter((x) => x < 1e-3).length / lr.length;
  assert.ok(below > 0.4 && below < 0.6, `share below 1e-3: ${below}`);
  const dropout = a.map((t) => t['options.dropout'] as number);
  assert.ok(dropout.every((x) => x >= 0.1 && x <= 0.6));
  assert.ok(Math.max(...dropout) - Math.min(...dropout) > 0.4, 'covers the range');
  const epochs = a.map((t) => t.epochs as number);
  assert.ok(epochs.every((x) => Number.isInteger(x) && x >= 2 && x <= 5));
  assert.deepEqual([...new Set(epochs)].sort(), [2, 3, 4, 5], 'both ends of an integer range are drawn');
  assert.deepEqual([...new Set(a.map((t) => t['options.hidden1']))].sort((x, y) => Number(x) - Number(y)), [16, 32, 64]);
});

test('parseSpace names the file and the problem', () => {
  const bad: [unknown, 'grid' | 'random', RegExp][] = [
    [[1, 2], 'grid', /must be a JSON object/],
    [{}, 'grid', /empty/],
    [{ dataset: [{ name: 'x' }] }, 'grid', /"dataset" is not a searchable key/],
    [{ learningRate: [] }, 'grid', /list of values is empty/],
    [{ learningRate: { min: 0.1, max: 1 } }, 'grid', /grid search needs a list/],
    [{ learningRate: ['fast'] }, 'grid', /"learningRate" takes numbers/],
    [{ epochs: [1.5] }, 'grid', /takes integers/],
    [{ architecture: [3] }, 'grid', /takes strings/],
    [{ learningRate: { min: 1, max: 0.1 } }, 'random', /min 1 is greater than max 0.1/],
    [{ learningRate: { min: 0, max: 1, log: true } }, 'random', /log range needs min > 0/],
    [{ epochs: { min: 1, max: 4 } }, 'random', /add "int": true/],
    [{ 'options.dropout': { min: 0, max: 1, step: 0.1 } }, 'random', /unknown range field "step"/],
    [{ 'options.dropout': [[0.1]] }, 'grid', /strings, numbers or booleans/],
  ];
  for (const [json, mode, re] of bad) {
    assert.throws(
      () => parseSpace(json, 'space.json', mode),
      (e: Error) => e instanceof SearchInputError && e.message.startsWith('space.json: ') && re.test(e.message),
      JSON.stringify(json),
    );
  }
});

test('planSearch applies values and --folds, and rejects a trial that cannot run before any runs', () => {
  const plan = planSearch(RECIPE, parseSpace({ 'options.dropout': [0.1, 0.3], batchSize: [8] }, 's', 'grid'), { mode: 'grid', folds: 2 });
  assert.equal(plan.recipes.length, 2);
  assert.equal(plan.recipes[1].options.dropout, 0.3);
  assert.equal(plan.recipes[1].options.hidden1, 16, 'other options are kept');
  assert.equal(plan.recipes[0].batchSize, 8);
  assert.ok(plan.recipes.every((r) => r.folds === 2));
  assert.equal(RECIPE.options.dropout, undefined, 'the base recipe is not modified');
  assert.deepEqual(applyAssignment(RECIPE, { seed: 9 }).seed, 9);
  assert.equal(planSearch(RECIPE, parseSpace({ seed: [1, 2, 3, 4] }, 's', 'grid'), { mode: 'grid', trials: 3 }).recipes.length, 3, '--trials caps a grid');
  assert.throws(() => planSearch(RECIPE, parseSpace({ 'options.dropuot': [0.1] }, 's', 'grid'), { mode: 'grid' }), /trial 1: sentio-mlp: unknown option 'dropuot'/);
  assert.throws(() => planSearch(RECIPE, parseSpace({ architecture: ['sentio-mlp', 'nope'] }, 's', 'grid'), { mode: 'grid' }), /trial 2: unknown architecture 'nope'/);
  assert.throws(() => planSearch(RECIPE, parseSpace({ folds: [2, 3] }, 's', 'grid'), { mode: 'grid', folds: 2 }), /--folds cannot override/);
  assert.throws(() => planSearch(RECIPE, parseSpace({ folds: [1] }, 's', 'grid'), { mode: 'grid' }), /folds must be an integer ≥ 2/);
  assert.equal(recipeDifference(plan.recipes[0], plan.recipes[0]), null);
  assert.equal(recipeDifference(plan.recipes[0], plan.recipes[1]), 'options.dropout was 0.1, now 0.3');
});

/** A trial record: macro-F1 `f1`, both RMSEs `rmse`, every other mean 0.5 and every std 0.01. */
function record(trial: number, values: Assignment, f1: number, rmse: number): TrialRecord {
  const mean = Object.fromEntries(TRIAL_METRICS.map((k) => [k, 0.5])) as TrialRecord['mean'];
  const std = Object.fromEntries(TRIAL_METRICS.map((k) => [k, 0.01])) as TrialRecord['std'];
  mean.macroF1 = f1;
  mean.valenceRmse = rmse;
  mean.arousalRmse = rmse;
  return { trial, values, mean, std, seconds: 1.5 };
}

test('bestTrial follows the objective direction; NaN ranks last; ties go to the earlier trial', () => {
  const trials = [record(1, {}, 0.5, 0.3), record(2, {}, 0.7, 0.4), record(3, {}, NaN, 0.2), record(4, {}, 0.7, 0.5)];
  assert.equal(bestTrial(trials, { metric: 'macroF1', direction: 'max' }).trial, 2);
  assert.equal(bestTrial(trials, { metric: 'rmse', direction: 'min' }).trial, 3);
  assert.equal(bestTrial(trials, { metric: 'macroF1', direction: 'min' }).trial, 1);
});

test('trials.csv round-trips; resume rejects rows of another search and drops a cut-off last line', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sentio-search-unit-'));
  try {
    const space = parseSpace({ learningRate: { min: 1e-4, max: 1e-2, log: true }, targets: ['continuous', 'quadrant-anchored'] }, 's', 'random');
    const plan = randomTrials(space, 3, 5);
    const keys = Object.keys(space);
    const file = path.join(dir, 'trials.csv');
    const rows = [record(1, plan[0], 0.4, 0.3), record(2, plan[1], 0.6, 0.2)];
    const header = trialsHeader(keys).join(',') + '\n';
    await writeFile(file, header + rows.map((r) => trialRow(r, keys)).join('') + '3,0.00');
    const back = await readTrials(file, keys, plan);
    assert.deepEqual(back.map((t) => t.trial), [1, 2], 'the cut-off trial 3 is not counted');
    assert.deepEqual(back[1].values, plan[1]);
    assert.equal(back[1].mean.macroF1, 0.6);
    assert.equal(back[0].std.valenceR, 0.01);
    assert.equal((await readTrials(file, keys, plan)).length, 2, 'the cut-off line was removed from the file');
    // Another seed plans other values for trial 1: refuse to mix them.
    await assert.rejects(readTrials(file, keys, randomTrials(space, 3, 6)), /trial 1 ran with learningRate=.*but this search plans learningRate=/);
    await assert.rejects(readTrials(file, ['learningRate'], plan.map((p) => ({ learningRate: p.learningRate }))), /are not this search's/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an integer log range stays within bounds', () => {
  const r: RangeSpec = { min: 8, max: 512, log: true, int: true };
  const draws = randomTrials({ 'options.hidden1': r }, 200, 3).map((t) => t['options.hidden1'] as number);
  assert.ok(draws.every((x) => Number.isInteger(x) && x >= 8 && x <= 512));
  assert.ok(draws.filter((x) => x < 64).length > 60, 'log-uniform: many small widths');
});
