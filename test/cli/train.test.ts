import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { trainCommand, type TrainCommandOptions } from '../../src/cli/train.ts';
import { loadLayersModel } from '../../src/models/io.ts';
import type { NetworkId } from '../../src/train/window-model.ts';
import { captureConsole, runCli, type CliResult } from '../helpers/cli.ts';
import { balancedFourQ, FOURQ_DIR, tinyRecipe, writeManifest } from '../helpers/fourq-subset.ts';
import { skipUnless } from '../helpers/shared.ts';

let dir: string;
let recipe: string;

// 16 real 4Q clips (4 per quadrant, every artist different) and a deliberately tiny recipe:
// 2 folds × 2 members, then 2 final members, 2 epochs each; 4 windows per clip in batches of
// 8 give 4 batches per fold epoch and 8 per final epoch, so a run can stop mid-epoch.
const RECIPE = { ...tinyRecipe('tiny-train', 'manifest.csv'), windowsPerClip: 4, members: 2, epochs: 2, batchSize: 8, seed: 3, folds: 2 };

// The runs need the clips; the recipe checks at the end do not.
const skip = skipUnless(FOURQ_DIR);

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentio-train-'));
  if (!skip) await writeManifest(dir, balancedFourQ(4));
  recipe = path.join(dir, 'recipe.json');
  await writeFile(recipe, JSON.stringify(RECIPE));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `trainCommand` in-process with captured output (non-TTY), for the hooks the CLI does not expose. */
const runTrain = (o: TrainCommandOptions): Promise<CliResult> => captureConsole((io) => trainCommand(o, io));

const exists = (p: string) => access(p).then(() => true, () => false);

/** Every weight of every member of a model folder, flattened. */
async function memberWeights(modelDir: string, members: number): Promise<number[][]> {
  const all: number[][] = [];
  for (let m = 0; m < members; m++) {
    const model = await loadLayersModel(path.join(modelDir, `member-${m}`));
    all.push(...model.getWeights().map((t) => Array.from(t.dataSync())));
    model.dispose();
  }
  return all;
}

/** Whether `id` is member `member` (1-based) of `stage` (`fold k` or `final`). */
const isNetwork = (id: NetworkId, stage: string, member: number) => (id.stage.kind === 'final' ? 'final' : `fold ${id.stage.fold}`) === stage && id.member + 1 === member;

let straight: CliResult;
const straightOut = () => path.join(dir, 'model-a');

test('an uninterrupted run writes the model folder and one line per finished network (non-TTY)', { skip }, async () => {
  straight = await runCli('train', '--config', recipe, '--out', straightOut());
  assert.equal(straight.code, 0, straight.stderr);
  const card = JSON.parse(await readFile(path.join(straightOut(), 'sentio.json'), 'utf8')) as { members: string[]; metrics: { meanStd: Record<string, unknown> } };
  assert.deepEqual(card.members, ['member-0', 'member-1']);
  assert.ok('macroF1' in card.metrics.meanStd);
  for (const stage of ['fold 1/2', 'fold 2/2', 'final']) {
    for (const m of [1, 2]) assert.match(straight.stderr, new RegExp(`^${stage}, member ${m}/2: train loss \\d+\\.\\d{4}, \\d+\\.\\d s$`, 'm'));
  }
  assert.match(straight.stderr, /^fold 1\/2: macro-F1 \d\.\d{3}, arousal-half/m);
  assert.match(straight.stdout, /overall \(pooled out-of-fold\): macro-F1/);
  assert.equal(await exists(path.join(straightOut(), '.train-work')), false, 'the work folder is deleted when the run completes');
});

const work = () => path.join(dir, 'work-b');
const resumedOut = () => path.join(dir, 'model-b');

test('Ctrl-C mid-network saves the run and exits with 130; a second start needs --resume', { skip }, async () => {
  const controller = new AbortController();
  // Stop in fold 2, member 2, during its second epoch: fold 1 and member 1 are finished,
  // member 2 has a checkpoint after epoch 1.
  const r = await runTrain({ config: recipe, out: resumedOut(), work: work(), signal: controller.signal, onBatch: (id, info) => isNetwork(id, 'fold 2', 2) && info.epoch === 1 && info.batch === 1 && controller.abort() });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted during fold 2\/2, member 2\/2 \(kept up to its last finished epoch\); the run is saved in /);
  assert.match(r.stderr, /continue it with: sentio train --config .* --resume$/m);
  assert.ok(await exists(path.join(work(), 'fold-1.json')));
  assert.ok(await exists(path.join(work(), 'fold-2', 'member-0', 'model.json')));
  assert.ok(await exists(path.join(work(), 'fold-2', 'member-1.checkpoint', 'state.json')));
  assert.equal(await exists(path.join(resumedOut(), 'sentio.json')), false);

  const again = await runCli('train', '--config', recipe, '--out', resumedOut(), '--work', work());
  assert.equal(again.code, 2);
  assert.match(again.stderr, /holds an unfinished run .*: add --resume to continue it/);
});

test('--resume with a changed recipe is refused, naming the file and the difference', { skip }, async () => {
  const changed = path.join(dir, 'recipe-changed.json');
  await writeFile(changed, JSON.stringify({ ...RECIPE, epochs: 3 }));
  const r = await runCli('train', '--config', changed, '--out', resumedOut(), '--work', work(), '--resume');
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(path.join(work(), 'run.json')), r.stderr);
  assert.match(r.stderr, /epochs: 2 → 3/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

  // A folder that is not a work folder is never written into (nor deleted at the end).
  const foreign = await runCli('train', '--config', recipe, '--out', resumedOut(), '--work', dir);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /is not a sentio train work folder/);
});

test('resuming (interrupted again by SIGINT in the final ensemble) gives the same model and metrics as the uninterrupted run', { skip }, async () => {
  // The SIGINT handler is the command's own; emitting the event runs it without a real signal.
  const listeners = process.listenerCount('SIGINT');
  const second = await runTrain({ config: recipe, out: resumedOut(), work: work(), resume: true, onBatch: (id, info) => isNetwork(id, 'final', 1) && info.epoch === 1 && info.batch === 3 && process.emit('SIGINT') });
  assert.equal(second.code, 130, second.stderr);
  assert.match(second.stderr, /^resuming the run in .*: 1 fold and 0 final members done$/m);
  assert.match(second.stderr, /^fold 2\/2, member 1\/2: finished in an earlier run$/m);
  assert.match(second.stderr, /^fold 2\/2, member 2\/2: train loss .* \(resumed after epoch 1\)$/m);
  assert.match(second.stderr, /interrupting: saving the running network/);
  assert.match(second.stderr, /interrupted during final, member 1\/2/);
  assert.equal(process.listenerCount('SIGINT'), listeners, 'the handler is removed');

  const last = await runTrain({ config: recipe, out: resumedOut(), work: work(), resume: true });
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stderr, /^resuming the run in .*: 2 folds and 0 final members done$/m);
  assert.equal(await exists(work()), false, 'the work folder is deleted when the run completes');

  // Same CV report (stdout), same card (metrics, calibration, normalisation), same weights.
  assert.equal(last.stdout, straight.stdout);
  const card = (d: string) => readFile(path.join(d, 'sentio.json'), 'utf8').then((s) => JSON.parse(s) as unknown);
  assert.deepEqual(await card(resumedOut()), await card(straightOut()));
  const a = await memberWeights(straightOut(), 2);
  const b = await memberWeights(resumedOut(), 2);
  assert.equal(a.length, b.length);
  a.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= 1e-5, `weight ${i}[${j}]: ${v} vs ${b[i][j]}`)));
});

test('a window recipe with an unknown loss exits 2 naming the file and the known losses', async () => {
  const bad = path.join(dir, 'recipe-bad-loss.json');
  await writeFile(bad, JSON.stringify({ ...RECIPE, loss: 'hinge' }));
  const r = await runCli('train', '--config', bad, '--out', path.join(dir, 'never'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /recipe-bad-loss\.json: unknown "loss" 'hinge' \(known: .*tanh-bce/);
});

test('a window recipe with an unknown "lrSchedule" exits 2 naming the file and the known schedules', async () => {
  const bad = path.join(dir, 'recipe-bad-schedule.json');
  await writeFile(bad, JSON.stringify({ ...RECIPE, lrSchedule: 'step' }));
  const r = await runCli('train', '--config', bad, '--out', path.join(dir, 'never'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /recipe-bad-schedule\.json: unknown "lrSchedule" 'step' \(known: constant, cosine\)/);
});

test('a window recipe with a bad "augment" exits 2 naming the file and the expected shape', async () => {
  const bad = path.join(dir, 'recipe-bad-augment.json');
  await writeFile(bad, JSON.stringify({ ...RECIPE, augment: { speeds: [1.1, 'fast'] } }));
  const r = await runCli('train', '--config', bad, '--out', path.join(dir, 'never'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /recipe-bad-augment\.json: "augment" must be \{"speeds": \[factors in \[0\.5, 2\], not 1\], "mixup": α > 0\}/);
  await writeFile(bad, JSON.stringify({ ...RECIPE, augment: { mixup: 0 } }));
  const zero = await runCli('train', '--config', bad, '--out', path.join(dir, 'never'));
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /recipe-bad-augment\.json: "augment" must be .*got \{"mixup":0\}/);
});
