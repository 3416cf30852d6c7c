/**
 * 5-fold artist-grouped cross-validation on 4Q of every architecture that accepts static
 * targets, on the default model's folds (same `groupKFold` call, seed 1), written as one
 * comparison table: docs/architectures-4q-cv.{md,csv,json}.
 *
 *   nice -n 10 node --import tsx scripts/cv-architectures.ts                       # every row
 *   nice -n 10 node --import tsx scripts/cv-architectures.ts --only crnn,svr --epochs 20
 *
 * `--only` reruns the named rows and keeps the others from the existing JSON; `--epochs`
 * overrides the epochs of the rows being run. Each network row gets a fixed number of
 * epochs chosen so that its 5 folds take about 5–8 minutes on one core of the project's
 * machine: the table compares architectures at roughly equal effort, not at their best.
 * Every model fits the default model's quadrant-anchored targets (`songTargets`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readRecipe } from '../src/cli/train.ts';
import { cachedFeatures } from '../src/data/feature-cache.ts';
import { load4Q } from '../src/data/fourq.ts';
import type { Fold } from '../src/data/splits.ts';
import type { Song } from '../src/data/types.ts';
import type { Matrix } from '../src/dsp/matrix.ts';
import { formatMeanStd, formatNumber, meanStd, type MeanStd } from '../src/eval/aggregate.ts';
import { tableToCsv, tableToMarkdown, toJson, type Table } from '../src/eval/report.ts';
import { getFeatureSet } from '../src/features/index.ts';
import { summarizeFrames } from '../src/features/summary.ts';
import { MeanRegressor } from '../src/models/mean.ts';
import { getArchitecture } from '../src/models/registry.ts';
import { SvrModel } from '../src/models/svr.ts';
import { predictClips, scoreCrossValidation, staticFolds, trainClipModel, type ClipData, type StaticScores } from '../src/train/clip-model.ts';
import { crossValidate, flatMetrics, prepareData, songTargets } from '../src/train/window-model.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FOLDS = 5;
const SEED = 1;

/** A network trained by the clip recipe (src/train/clip-model.ts). */
interface ClipRow {
  kind: 'clip';
  name: string;
  architecture: string;
  featureSet: string;
  frames: number;
  cropsPerClip: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  options: Record<string, number | string | boolean>;
}
/** The default model's window recipe (models/default/train.json). */
interface WindowRow { kind: 'window'; name: string; recipe: string }
/** seed 003's SVR (RBF, C = 0.1) on per-clip mean/std of a feature set. */
interface SvrRow { kind: 'svr'; name: string; featureSet: string; C: number }
/** The training mean: what a model must beat to have learnt anything. */
interface MeanRow { kind: 'mean'; name: string }
type RowSpec = ClipRow | WindowRow | SvrRow | MeanRow;

/**
 * Every row, in table order. Epochs were first set from a throughput probe (ms per training
 * crop on wasm, one thread), then corrected after a first run so each network spends about
 * 5–7 CPU-minutes on its 5 folds; crops are the architectures' `defaultFrames`.
 */
const ROWS: RowSpec[] = [
  { kind: 'window', name: 'sentio-mlp', recipe: 'models/default/train.json' },
  clipRow('sentio-cnn', 5),
  clipRow('sentio-crnn', 4),
  clipRow('crnn', 20),
  clipRow('crnn-nb', 20),
  // Malik et al.'s other input: 40 log-mel bands per 0.5 s. Their ElasticNet penalty sums over
  // the conv activations, so it weighs 6.5× less on 40 columns than on emobase260's 260.
  clipRow('crnn', 50, 'malik-logmel'),
  clipRow('crnn-nb', 70, 'malik-logmel'),
  clipRow('gru-parallel', 15),
  clipRow('gru-forked', 32),
  { kind: 'svr', name: 'svr', featureSet: 'pyaa68', C: 0.1 },
  { kind: 'svr', name: 'svr-emobase260', featureSet: 'emobase260', C: 0.1 },
  // C = 0.1 is seed 003's choice by RMSE; C = 1 shows how much of the SVR's quadrant score that costs.
  { kind: 'svr', name: 'svr-emobase260-c1', featureSet: 'emobase260', C: 1 },
  { kind: 'mean', name: 'mean' },
];

/**
 * A clip-recipe row with the architecture's crop length and default options, on its own
 * feature set unless `featureSet` is given (the row is then named `<architecture>-<set>`).
 */
function clipRow(architecture: string, epochs: number, featureSet?: string): ClipRow {
  const arch = getArchitecture(architecture);
  const name = featureSet ? `${architecture}-${featureSet}` : architecture;
  return { kind: 'clip', name, architecture, featureSet: featureSet ?? arch.featureSet, frames: arch.defaultFrames, cropsPerClip: 1, epochs, batchSize: 32, learningRate: 1e-3, options: {} };
}

/** What the table says about one row, plus everything measured. */
interface RowResult {
  name: string;
  model: string;
  featureSet: string;
  input: string;
  training: string;
  epochs: number | null;
  metrics: Record<string, MeanStd>;
  perFold: Record<string, number>[];
  pooled: { macroF1: number; accuracy: number; arousalHalf: number; valenceHalf: number; confusion: number[][] };
  /** Wall and process CPU seconds to fit and score one fold (features already cached). */
  foldSeconds: { wall: MeanStd; cpu: MeanStd };
  details: Record<string, unknown>;
  command: string;
  /** `git rev-parse --short HEAD` when the row started, `+dirty` if src/ or models/ had uncommitted changes. */
  code?: string;
  finishedAt: string;
  loadAverageAtStart: number[];
}

interface Context {
  songs: Song[];
  folds: Fold[];
  /** Quadrant-anchored training targets, 2 per song. */
  targets: Float32Array;
  dataPath: string;
  epochs?: number;
}

/** Runs `fitFold` on every fold, timing each, and returns the out-of-fold predictions. */
async function runFolds(ctx: Context, name: string, fitFold: (fold: Fold) => Promise<Map<number, [number, number]>>) {
  const predictions: [number, number][] = new Array(ctx.songs.length);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const [k, fold] of ctx.folds.entries()) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const pred = await fitFold(fold);
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
    for (const i of fold.test) {
      const p = pred.get(i);
      if (!p) throw new Error(`${name}: fold ${k + 1} gave no prediction for song ${ctx.songs[i].id}`);
      predictions[i] = p;
    }
    log(`${name}: fold ${k + 1}/${ctx.folds.length} done in ${wall[k].toFixed(1)} s (cpu ${cpu[k].toFixed(1)} s)`);
  }
  return { predictions, wall, cpu };
}

/** Frame features of every song under `featureSet` (from the cache). */
async function loadFrames(ctx: Context, featureSet: string): Promise<Matrix<Float32Array>[]> {
  const set = getFeatureSet(featureSet);
  const out: Matrix<Float32Array>[] = [];
  for (const s of ctx.songs) out.push((await cachedFeatures(s.audioPath!, set)) as Matrix<Float32Array>);
  return out;
}

async function runClipRow(ctx: Context, row: ClipRow) {
  const epochs = ctx.epochs ?? row.epochs;
  const data: ClipData = { clips: await loadFrames(ctx, row.featureSet), targets: ctx.targets };
  const config = { ...row, epochs, seed: SEED };
  const hop = getFeatureSet(row.featureSet).hopSeconds;
  const losses: number[][] = [];
  const run = await runFolds(ctx, row.name, async (fold) => {
    const trained = await trainClipModel(config, data, fold.train);
    losses.push(trained.history.map((h) => h.trainLoss));
    const pred = predictClips(trained, data, fold.test);
    trained.model.dispose();
    return pred;
  });
  return {
    run,
    featureSet: row.featureSet,
    input: `${row.frames} × ${data.clips[0].cols} frames (${(row.frames * hop).toFixed(2)} s)`,
    training: `${epochs} epochs × ${row.cropsPerClip} random crop/clip, batch ${row.batchSize}, Adam ${row.learningRate}`,
    epochs,
    details: { recipe: 'src/train/clip-model.ts', ...config, trainLossPerEpoch: losses },
  };
}

async function runWindowRow(ctx: Context, row: WindowRow) {
  const recipe = await readRecipe(path.join(ROOT, row.recipe));
  recipe.dataset = { name: '4q', path: ctx.dataPath };
  if (ctx.epochs !== undefined) recipe.epochs = ctx.epochs;
  const data = await prepareData(recipe);
  // crossValidate makes its own folds: check they are this table's before trusting the row.
  if (recipe.folds !== FOLDS || recipe.seed !== SEED || data.songs.some((s, i) => s.id !== ctx.songs[i].id)) throw new Error(`${row.recipe}: not the table's songs, folds or seed`);
  const wall: number[] = [];
  const cpu: number[] = [];
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const cv = await crossValidate(recipe, data, (fold) => {
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
    log(`${row.name}: fold ${fold}/${FOLDS} done in ${wall.at(-1)!.toFixed(1)} s (cpu ${cpu.at(-1)!.toFixed(1)} s)`);
    t0 = performance.now();
    c0 = process.cpuUsage();
  });
  return {
    run: { predictions: cv.predictions, wall, cpu },
    featureSet: recipe.featureSet,
    input: `${recipe.windowSeconds} s windows, ${recipe.input ?? 'window-stats'} (${data.dims})`,
    training: `${recipe.members} members × ${recipe.epochs} epochs × ${recipe.windowsPerClip} random windows/clip, batch ${recipe.batchSize}, Adam ${recipe.learningRate}`,
    epochs: recipe.epochs,
    details: { recipe: row.recipe, config: { ...recipe, dataset: { name: '4q' } }, windowModelMeanStd: cv.meanStd },
  };
}

async function runSvrRow(ctx: Context, row: SvrRow) {
  const frames = await loadFrames(ctx, row.featureSet);
  const X = frames.map((m) => summarizeFrames(m).values);
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  const run = await runFolds(ctx, row.name, async (fold) => {
    const model = await SvrModel.train(fold.train.map((i) => X[i]), { valence: fold.train.map((i) => ctx.targets[2 * i]), arousal: fold.train.map((i) => ctx.targets[2 * i + 1]) }, { C: row.C });
    const p = model.predict(fold.test.map((i) => X[i]));
    model.free();
    return new Map(fold.test.map((i, k) => [i, [clamp(p.valence[k]), clamp(p.arousal[k])] as [number, number]]));
  });
  return { run, featureSet: row.featureSet, input: `whole clip: mean, std (${X[0].length})`, training: `RBF ε-SVR per dimension, C ${row.C}, γ 1/d, ε 0.1`, epochs: null, details: { C: row.C } };
}

async function runMeanRow(ctx: Context, row: MeanRow) {
  const run = await runFolds(ctx, row.name, async (fold) => {
    const model = MeanRegressor.train({ valence: fold.train.map((i) => ctx.targets[2 * i]), arousal: fold.train.map((i) => ctx.targets[2 * i + 1]) });
    return new Map(fold.test.map((i) => [i, [model.valence, model.arousal] as [number, number]]));
  });
  return { run, featureSet: '—', input: '—', training: 'training-fold mean of the targets', epochs: null, details: {} };
}

/**
 * The commit the code is at, `+dirty` when src/ or models/ have uncommitted changes: the
 * project moves while long runs go on, and rows from different code are not comparable.
 */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'src', 'models') ? '+dirty' : '');
  } catch {
    return 'unknown';
  }
}

/** Runs one row and gathers its scores. */
async function runRow(ctx: Context, row: RowSpec, command: string): Promise<RowResult> {
  const load = loadavg().map((v) => Number(v.toFixed(2)));
  const code = codeVersion();
  const r = row.kind === 'clip' ? await runClipRow(ctx, row) : row.kind === 'window' ? await runWindowRow(ctx, row) : row.kind === 'svr' ? await runSvrRow(ctx, row) : await runMeanRow(ctx, row);
  const scores: StaticScores = scoreCrossValidation(ctx.songs, ctx.folds, r.run.predictions);
  const q = scores.overall.quadrants;
  return {
    name: row.name,
    model: row.kind === 'clip' ? row.architecture : row.kind === 'window' ? 'sentio-mlp' : row.kind,
    featureSet: r.featureSet,
    input: r.input,
    training: r.training,
    epochs: r.epochs,
    metrics: scores.meanStd,
    perFold: scores.folds.map(flatMetrics),
    pooled: { macroF1: q.macroF1, accuracy: q.accuracy, arousalHalf: q.arousalHalfAccuracy, valenceHalf: q.valenceHalfAccuracy, confusion: q.confusion.matrix },
    foldSeconds: { wall: meanStd(r.run.wall), cpu: meanStd(r.run.cpu) },
    details: r.details,
    command,
    code,
    finishedAt: new Date().toISOString(),
    loadAverageAtStart: load,
  };
}

// ---------------------------------------------------------------------------------------
// Writing

/** A number for the table, "—" where undefined (Pearson r of a constant prediction). */
const cell = (x: number, digits = 3) => (Number.isFinite(x) ? formatNumber(x, digits) : '—');

/** Seconds with one decimal below 10 (the baselines), whole seconds above. */
const seconds = (x: number) => x.toFixed(x < 10 ? 1 : 0);

/** The quadrant predicted most often over all folds and its share: flags collapsed models. */
function mostPredicted(r: RowResult): string {
  const columns = [0, 1, 2, 3].map((j) => r.pooled.confusion.reduce((a, row) => a + row[j], 0));
  const top = columns.indexOf(Math.max(...columns));
  return `Q${top + 1} (${Math.round((100 * columns[top]) / columns.reduce((a, b) => a + b, 0))} %)`;
}

function markdownTable(rows: RowResult[]): Table {
  return {
    columns: ['model', 'feature set', 'input', 'training', 'macro-F1', 'arousal-half', 'valence-half', 'V RMSE', 'A RMSE', 'V r', 'A r', 's/fold wall (cpu)'],
    rows: rows.map((r) => [
      r.name,
      r.featureSet,
      r.input,
      r.training,
      formatMeanStd(r.metrics.macroF1.mean, r.metrics.macroF1.std),
      cell(r.metrics.arousalHalf.mean),
      cell(r.metrics.valenceHalf.mean),
      cell(r.metrics.valenceRmse.mean),
      cell(r.metrics.arousalRmse.mean),
      cell(r.metrics.valenceR.mean),
      cell(r.metrics.arousalR.mean),
      `${seconds(r.foldSeconds.wall.mean)} (${seconds(r.foldSeconds.cpu.mean)})`,
    ]),
  };
}

function foldTable(rows: RowResult[]): Table {
  return {
    columns: ['model', ...Array.from({ length: FOLDS }, (_, k) => `fold ${k + 1}`), 'pooled macro-F1', 'pooled accuracy', 'most predicted'],
    rows: rows.map((r) => [r.name, ...r.perFold.map((f) => cell(f.macroF1)), cell(r.pooled.macroF1), cell(r.pooled.accuracy), mostPredicted(r)]),
  };
}

/**
 * Mean training loss over folds at the first and last epoch of each clip-recipe row: shows
 * which networks were still improving when their budget ran out. The loss includes weight
 * (and for crnn, activity) penalties, so it is only comparable within a row.
 */
function lossTable(rows: RowResult[], zeroLoss: number): Table {
  const withLoss = rows.filter((r) => Array.isArray(r.details.trainLossPerEpoch));
  return {
    columns: ['model', 'epochs', 'loss, epoch 1', 'loss, last epoch', 'MSE of predicting 0'],
    rows: withLoss.map((r) => {
      const curves = r.details.trainLossPerEpoch as number[][];
      const at = (e: number) => curves.reduce((a, c) => a + c[e], 0) / curves.length;
      return [r.name, String(curves[0].length), at(0), at(curves[0].length - 1), zeroLoss];
    }),
  };
}

function csvTable(rows: RowResult[]): Table {
  const keys = Object.keys(rows[0].metrics);
  return {
    columns: ['name', 'model', 'featureSet', 'input', 'training', 'epochs', ...keys.flatMap((k) => [`${k}_mean`, `${k}_std`]), 'pooledMacroF1', 'foldSecondsWall', 'foldSecondsCpu'],
    rows: rows.map((r) => [r.name, r.model, r.featureSet, r.input, r.training, r.epochs === null ? '' : String(r.epochs), ...keys.flatMap((k) => [r.metrics[k].mean, r.metrics[k].std]), r.pooled.macroF1, r.foldSeconds.wall.mean, r.foldSeconds.cpu.mean]),
  };
}

function markdown(rows: RowResult[], zeroLoss: number): string {
  return [
    '# Architectures on 4Q: 5-fold cross-validation grouped by artist',
    '',
    `All rows use the same ${FOLDS} folds as the default model (\`groupKFold\` by artist, stratified by quadrant, seed ${SEED}; 720 clips)`,
    "and fit the same targets, the default model's quadrant-anchored valence/arousal (`songTargets(song, 'quadrant-anchored')`).",
    "A clip's quadrant is the sign of its predicted (valence, arousal). The networks other than `sentio-mlp` follow",
    "`src/train/clip-model.ts`: each epoch one random crop of the architecture's `defaultFrames` per training clip, standardised",
    "with the fold's training statistics, the static target repeated on every frame for sequence outputs (`crnn`, `crnn-nb`); a",
    'test clip is scored by the mean over crops tiling the whole clip. Every network keeps its registry defaults (`src/models`).',
    "`sentio-mlp` is the default model's own recipe (`models/default/train.json`), rerun here as it is (when written, its",
    'row reproduced `docs/default-model-cv.md` exactly).',
    '',
    "Epochs were set from a throughput probe, then corrected after a first run, so that each network's five folds cost roughly",
    '5–7 CPU-minutes on one core (`sentio-mlp`, the default recipe run as it is, costs more); the last column shows what each',
    'row actually spent. This compares architectures at roughly equal effort, not at their best.',
    '',
    tableToMarkdown(markdownTable(rows)),
    'macro-F1 is mean ± std over the 5 folds; the other columns are fold means (std in the CSV/JSON). arousal-half / valence-half:',
    "share of clips whose predicted quadrant is on the right side of the arousal / valence axis. RMSE and Pearson r are against the",
    "dataset's continuous valence/arousal (Warriner word norms, mostly within ±0.6), as in `docs/default-model-cv.md`. The models",
    'were trained on the wider quadrant-anchored targets, so RMSE favours outputs shrunk towards 0 (the mean baseline and the',
    'collapsed `crnn-nb` have the lowest arousal RMSE): compare r. r is "—" for the mean baseline (a constant has no correlation).',
    "s/fold: wall and process-CPU seconds to fit and score one fold with features already cached, on this project's 2-core",
    'machine shared with other jobs (load average at the start of each row in the JSON).',
    '',
    'Notes:',
    '',
    "- `crnn`, `crnn-nb`: the registry defaults are Malik et al.'s ElasticNet (l1 0.1, l2 0.001) on the conv weights and on the",
    '  sum of the conv activations. That penalty dominates the training loss (table below: hundreds at epoch 1, and still above',
    '  the MSE of predicting 0 at the last epoch) and pulls the outputs towards a constant, whose sign then decides the quadrant;',
    '  `crnn-nb` on emobase260 gives one quadrant to most clips (see "most predicted"). The `-malik-logmel` rows feed',
    "  Malik et al.'s other input, 40 log-mel bands per 0.5 s, on which the activity penalty weighs 6.5 × less.",
    "- `svr`: C = 0.1 is seed 003's choice by RMSE; it bounds every dual coefficient, so the outputs stay close to the training",
    '  bias and their signs (the quadrant) are easily wrong. `svr-emobase260-c1` is the same model with C = 1.',
    '- `sentio-cnn`, `sentio-crnn`: at this budget they get 4–5 epochs of one crop per clip (72–90 Adam steps) and end barely',
    '  below the MSE of predicting 0: these rows measure what ~6 CPU-minutes buy, not what the architectures can do.',
    '- Most rows get arousal right far more often than valence; the networks on frame features lose mostly on valence.',
    '- Every row with batch norm (`crnn*`, `sentio-cnn`, `sentio-crnn`) ran after its momentum became 0.9 (commit 2a1084d).',
    '  Features come from `.cache/features`, which is keyed by audio file, not by feature code: rows read whatever extraction',
    '  the cache held (see the dates below).',
    '',
    '## Macro-F1 per fold',
    '',
    'most predicted: the quadrant predicted most often over all folds and its share (the four quadrants have 180 clips each).',
    '',
    tableToMarkdown(foldTable(rows)),
    '## Training loss of the clip-recipe networks',
    '',
    "Mean over the 5 folds. The loss adds the architecture's weight penalties (and `crnn`'s activity ElasticNet) to the MSE on",
    'the quadrant-anchored targets, so compare it within a row; "MSE of predicting 0" is the targets\' mean square. A row whose',
    'loss is still falling steeply at its last epoch was stopped by the budget, not by convergence.',
    '',
    tableToMarkdown(lossTable(rows, zeroLoss)),
    '## Regenerate',
    '',
    '```sh',
    'nice -n 10 node --import tsx scripts/cv-architectures.ts                  # every row (about 70 minutes on a warm cache)',
    'nice -n 10 node --import tsx scripts/cv-architectures.ts --only crnn,svr  # rerun some rows, keep the others',
    '```',
    '',
    'Rows were produced by:',
    '',
    ...rows.map((r) => `- \`${r.name}\`: \`${r.command}\` (${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC${r.code ? `, code ${r.code}` : ''})`),
    '',
    'Per-fold values, training losses, options and pooled confusion matrices: `architectures-4q-cv.json`; one line per row:',
    '`architectures-4q-cv.csv`.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      epochs: { type: 'string' },
      data: { type: 'string', default: path.join(ROOT, '../shared/datasets/4q') },
      out: { type: 'string', default: path.join(ROOT, 'docs/architectures-4q-cv') },
    },
  });
  const names = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : ROWS.map((r) => r.name);
  const unknown = names.filter((n) => !ROWS.some((r) => r.name === n));
  if (unknown.length) throw new Error(`unknown row(s) ${unknown.join(', ')} (rows: ${ROWS.map((r) => r.name).join(', ')})`);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) throw new Error(`--epochs must be a positive integer, got ${values.epochs}`);

  const songs = load4Q(values.data!);
  const targets = new Float32Array(songs.length * 2);
  songs.forEach((s, i) => targets.set(songTargets(s, 'quadrant-anchored'), 2 * i));
  const ctx: Context = { songs, folds: staticFolds(songs, FOLDS, SEED), targets, dataPath: path.resolve(values.data!), epochs };
  const command = ['nice -n 10 node --import tsx scripts/cv-architectures.ts', ...process.argv.slice(2)].join(' ');

  const jsonFile = `${values.out}.json`;
  const previous: RowResult[] = existsSync(jsonFile) ? (JSON.parse(await readFile(jsonFile, 'utf8')) as { rows: RowResult[] }).rows : [];
  const results = new Map(previous.map((r) => [r.name, r]));
  const started = performance.now();
  for (const row of ROWS.filter((r) => names.includes(r.name))) {
    log(`${row.name}: starting`);
    const result = await runRow(ctx, row, command);
    results.set(row.name, result);
    log(`${row.name}: macro-F1 ${formatMeanStd(result.metrics.macroF1.mean, result.metrics.macroF1.std)}, ${result.foldSeconds.wall.mean.toFixed(1)} s/fold`);
    // Write after every row, so a long run interrupted later keeps what it finished.
    const ordered = ROWS.map((r) => results.get(r.name)).filter((r): r is RowResult => r !== undefined);
    await mkdir(path.dirname(jsonFile), { recursive: true });
    await writeFile(jsonFile, toJson({ dataset: '4q', songs: songs.length, folds: FOLDS, seed: SEED, targets: 'quadrant-anchored', rows: ordered }));
    await writeFile(`${values.out}.csv`, tableToCsv(csvTable(ordered)));
    await writeFile(`${values.out}.md`, markdown(ordered, targets.reduce((a, t) => a + t * t, 0) / targets.length));
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
