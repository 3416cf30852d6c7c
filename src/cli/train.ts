/**
 * `sentio train --config recipe.json`: artist-grouped cross-validation of a window-model
 * recipe (report per fold and mean ± std), then the final ensemble trained on all songs and
 * written as a model folder whose `sentio.json` holds the recipe, metrics and calibration.
 * A `"recipe": "sequence"` file instead trains one sequence network per seed, scores it on
 * the test songs and writes a model folder of kind 'sequence' (src/train/sequence-recipe.ts).
 *
 * Both kinds keep their state in a work folder (src/train/work-dir.ts) and show the same
 * progress: Ctrl-C stops the running network at the next batch, keeps its last finished
 * epoch and exits with 130; `--resume` skips what is finished (folds, members, seeds) and
 * continues the interrupted network from its checkpoint, to the same result as an
 * uninterrupted run. The folder is deleted when the run completes.
 */
import { LOSSES } from '../train/losses.ts';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluationToCsv, evaluationToJson, evaluationToMarkdown, type EvaluationResult } from '../eval/report.ts';
import { LR_SCHEDULES, type EpochLog } from '../train/trainer.ts';
import {
  crossValidate,
  prepareData,
  augmentProblem,
  stageLabel,
  trainAndSave,
  TrainingInterrupted,
  type CrossValidation,
  type NetworkDone,
  type NetworkId,
  type RunOptions,
  type WindowModelConfig,
} from '../train/window-model.ts';
import { WorkDir, WorkDirError } from '../train/work-dir.ts';
import { readSequenceRecipe, recipeKind, saveSequenceModel, SequenceRecipeError, trainSequenceRecipe, type SequenceTrainConfig, type SequenceTrainResult } from '../train/sequence-recipe.ts';
import type { Console } from './features.ts';
import { printAbove, progressBar, type Bar } from './progress.ts';
import { EXIT, UsageError } from './report.ts';
import { LIBRARY_ID } from '../version.ts';

export interface TrainCommandOptions {
  config: string;
  out?: string;
  cvOnly?: boolean;
  cv?: boolean;
  report?: string;
  /** Work folder for the run's state (default: `defaultWorkDir`). */
  work?: string;
  /** Continue the run kept in the work folder. */
  resume?: boolean;
  /** For programmatic callers and tests: aborting it acts like Ctrl-C. */
  signal?: AbortSignal;
  /** For programmatic callers and tests: called after every training batch. */
  onBatch?: RunOptions['onBatch'];
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/**
 * Where a run keeps its state unless `--work` says otherwise: `<out>/.train-work` when a
 * model folder is written (one folder per model, deleted once the model is there);
 * with `--cv-only`, `.train-work-<recipe name>` next to the recipe file (so the recipes of
 * one folder do not share it).
 */
export function defaultWorkDir(o: Pick<TrainCommandOptions, 'config' | 'cvOnly'>, out: string | undefined): string {
  if (out && !o.cvOnly) return path.join(out, '.train-work');
  return path.join(path.dirname(o.config), `.train-work-${path.basename(o.config, path.extname(o.config))}`);
}

const REQUIRED: (keyof WindowModelConfig)[] = ['name', 'dataset', 'featureSet', 'windowSeconds', 'windowsPerClip', 'architecture', 'members', 'epochs', 'batchSize', 'learningRate', 'seed', 'folds', 'targets'];

/** Reads a recipe; relative dataset paths resolve against the recipe's folder. */
export async function readRecipe(file: string): Promise<WindowModelConfig & { out?: string }> {
  let json: WindowModelConfig & { out?: string };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: cannot read the training recipe: ${(e as Error).message}`);
  }
  for (const k of REQUIRED) if (json[k] === undefined) throw new UsageError(`${file}: missing "${k}"`);
  if (json.loss !== undefined && !LOSSES.includes(json.loss)) throw new UsageError(`${file}: unknown "loss" '${String(json.loss)}' (known: ${LOSSES.join(', ')})`);
  if (json.lrSchedule !== undefined && !LR_SCHEDULES.includes(json.lrSchedule)) {
    throw new UsageError(`${file}: unknown "lrSchedule" '${String(json.lrSchedule)}' (known: ${LR_SCHEDULES.join(', ')})`);
  }
  const augmentWhy = augmentProblem(json.augment);
  if (augmentWhy) throw new UsageError(`${file}: "augment" must be {"speeds": [factors in [0.5, 2], not 1], "mixup": α > 0} with optional "gainsDb": [non-zero dB within ±24], got ${JSON.stringify(json.augment)} (${augmentWhy})`);
  json.options ??= {};
  const base = path.dirname(path.resolve(file));
  json.dataset = { ...json.dataset, path: path.resolve(base, json.dataset.path) };
  if (json.out) json.out = path.resolve(base, json.out);
  return json;
}

export function cvToEvaluation(cv: CrossValidation, title: string): EvaluationResult {
  return { title, folds: cv.folds.map((f) => ({ label: String(f.fold), quadrants: f.quadrants, regression: f.regression })) };
}

/** The recipe as it decides the training (`out` only says where the model goes), for the work folder's check. */
function trainingRecipe<T extends { out?: string }>(recipe: T): Omit<T, 'out'> {
  const { out: _, ...copy } = recipe;
  return copy;
}

/** What a model card records about how it was made. */
function provenance(o: Pick<TrainCommandOptions, 'config'>): { command: string; library: string } {
  return { command: `sentio train --config ${path.relative(process.cwd(), o.config)}`, library: LIBRARY_ID };
}

/** A shell word for `s` (quoted only when needed), for the resume hint. */
function shellWord(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that continues an interrupted run: the same options plus `--resume`. */
export function resumeCommand(o: TrainCommandOptions): string {
  const args = ['sentio', 'train', '--config', o.config];
  if (o.out) args.push('--out', o.out);
  if (o.work) args.push('--work', o.work);
  if (o.cvOnly) args.push('--cv-only');
  if (o.cv === false) args.push('--no-cv');
  if (o.report) args.push('--report', o.report);
  args.push('--resume');
  return args.map(shellWord).join(' ');
}

/** How progress lines name a network: `fold 2/5, member 1/3` (window recipes), `seed 7 (network 1/2)` (sequence). */
type NetworkName = (id: NetworkId) => string;

/**
 * Progress of the networks of a run: on a terminal one bar for the running network (its
 * name, epoch, batches, live train loss and validation loss when there is one); otherwise
 * one line per finished network, so logs stay readable.
 */
class NetworkProgress {
  private bar: Bar | null = null;
  private current: NetworkId | null = null;
  private lossSum = 0;
  private lossCount = 0;
  private valLoss: number | null = null;

  constructor(
    private readonly io: Console,
    private readonly name: NetworkName,
  ) {}

  /** After every batch: (re)draws the bar on a terminal. */
  batch(id: NetworkId, info: { epoch: number; batch: number; batches: number; loss: number }): void {
    if (!this.io.isTTY) return;
    if (info.batch === 0) {
      this.lossSum = 0;
      this.lossCount = 0;
    }
    // Mean of this epoch's batch losses so far: what the epoch's train loss is heading to.
    this.lossSum += info.loss;
    this.lossCount++;
    const payload = {
      network: this.name(id),
      epoch: `${info.epoch + 1}/${id.epochs}`,
      batch: `${info.batch + 1}/${info.batches}`,
      loss: (this.lossSum / this.lossCount).toFixed(4),
      val: this.valLoss === null ? '' : ` | val ${this.valLoss.toFixed(4)}`,
    };
    const value = info.epoch * info.batches + info.batch + 1;
    if (this.current !== id) {
      this.stop();
      this.current = id;
      this.bar = progressBar(this.io, '{network} |{bar}| epoch {epoch} batch {batch} | loss {loss}{val} | ETA {eta_formatted}');
      this.bar.start(id.epochs * info.batches, value, payload);
    } else this.bar?.update(value, payload);
  }

  /** After every epoch: keeps its validation loss for the bar. */
  epoch(_id: NetworkId, log: EpochLog): void {
    this.valLoss = log.valLoss;
  }

  /** When a network is done: removes the bar, or prints its line. */
  network(id: NetworkId, done: NetworkDone): void {
    this.valLoss = null;
    if (this.io.isTTY) {
      this.stop();
      return;
    }
    const name = this.name(id);
    if (done.source === 'stored') {
      this.print(`${name}: finished in an earlier run`);
      return;
    }
    const losses = `train loss ${done.trainLoss?.toFixed(4) ?? '-'}` + (done.valLoss === null ? '' : `, validation loss ${done.valLoss.toFixed(4)}`);
    const resumed = done.resumedAt > 0 ? ` (resumed after epoch ${done.resumedAt})` : '';
    this.print(`${name}: ${losses}, ${done.seconds.toFixed(1)} s${resumed}`);
  }

  /** A line on stderr that does not break the bar. */
  print(line: string): void {
    printAbove(this.io, this.bar, line);
  }

  /** Removes the bar (before the next network's, or on interrupt). */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
    this.current = null;
  }
}

/**
 * Runs `fn` with Ctrl-C (SIGINT) and `external` wired to the signal it gets: the first
 * interrupt aborts (the trainer stops at the next batch and keeps its checkpoint); a second
 * one quits at once, for when saving takes too long.
 */
async function withInterrupt<T>(external: AbortSignal | undefined, onInterrupt: () => void, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT_INTERRUPTED);
    onInterrupt();
    controller.abort();
  };
  const onExternal = () => controller.abort();
  process.on('SIGINT', onSigint);
  if (external?.aborted) controller.abort();
  external?.addEventListener('abort', onExternal, { once: true });
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
    external?.removeEventListener('abort', onExternal);
  }
}

/** What a run gets from `trainCommand`: the work folder, Ctrl-C (`signal`) and the progress hooks. */
type CommandRun = Omit<RunOptions, 'store'> & { store: WorkDir };

/**
 * What `sentio train` runs for one kind of recipe; the work folder, progress and Ctrl-C
 * handling around it are the same for both kinds.
 */
interface TrainJob {
  /** The recipe as it decides the training: the work folder refuses --resume with another. */
  recipe: object;
  /** The model folder (undefined: none given, fine only with --cv-only). */
  out: string | undefined;
  networkName: NetworkName;
  /** What an earlier run left in the work folder, for the "resuming" line. */
  describe(work: WorkDir): Promise<string>;
  /** The run: reports on stdout, the model folder unless --cv-only. */
  run(run: CommandRun, progress: NetworkProgress): Promise<void>;
}

/**
 * `sentio train`: returns 0 when the model (or, with --cv-only, the report) is written,
 * `EXIT_INTERRUPTED` after Ctrl-C; usage errors (bad recipe, work folder in the way,
 * --resume with another recipe) are thrown as `UsageError`.
 */
export async function trainCommand(o: TrainCommandOptions, io: Console): Promise<number> {
  const job = (await peekRecipeKind(o.config)) === 'sequence' ? await sequenceJob(o, io) : await windowJob(o, io);
  if (!o.cvOnly && !job.out) throw new UsageError('give --out DIR (or "out" in the recipe)');
  const workDir = path.resolve(o.work ?? defaultWorkDir(o, job.out));
  let work: WorkDir;
  try {
    work = await WorkDir.open(workDir, job.recipe, { resume: o.resume ?? false });
  } catch (e) {
    throw e instanceof WorkDirError ? new UsageError(e.message) : e;
  }
  if (o.resume) io.stderr.write(work.resumed ? `resuming the run in ${workDir}: ${await job.describe(work)}\n` : `nothing to resume in ${workDir}: starting a new run\n`);
  const progress = new NetworkProgress(io, job.networkName);
  try {
    await withInterrupt(o.signal, () => progress.print('interrupting: saving the running network (Ctrl-C again to quit at once)'), (signal) =>
      job.run(
        {
          store: work,
          signal,
          onBatch: (id, info) => {
            progress.batch(id, info);
            o.onBatch?.(id, info);
          },
          onEpoch: (id, log) => progress.epoch(id, log),
          onNetwork: (id, done) => progress.network(id, done),
        },
        progress,
      ),
    );
  } catch (e) {
    if (!(e instanceof TrainingInterrupted)) throw e;
    progress.stop();
    const where = e.network ? ` during ${job.networkName(e.network)} (kept up to its last finished epoch)` : '';
    io.stderr.write(`interrupted${where}; the run is saved in ${workDir}\ncontinue it with: ${resumeCommand(o)}\n`);
    return EXIT_INTERRUPTED;
  }
  // Everything is in the model folder and report now: the state is no longer needed.
  await work.remove();
  return EXIT.ok;
}

/**
 * The features step's bar (on a terminal), as a per-song callback that also stops the run
 * on interrupt: features are cached per song, so stopping there loses nothing.
 */
function featureProgress(io: Console, signal: AbortSignal | undefined): { onSong: (done: number, total: number) => void; stop: () => void } {
  let bar: Bar | null = null;
  return {
    onSong: (done, total) => {
      if (signal?.aborted) {
        bar?.stop();
        throw new TrainingInterrupted(null);
      }
      if (!bar && io.isTTY) {
        bar = progressBar(io, 'features |{bar}| {value}/{total} songs');
        bar.start(total, 0);
      }
      bar?.setTotal(total);
      bar?.update(done);
    },
    // Idempotent: the sequence run stops it at its first line after the features.
    stop: () => bar?.stop(),
  };
}

// ---------------------------------------------------------------------------------------
// Window-model recipes (src/train/window-model.ts)
// ---------------------------------------------------------------------------------------

async function windowJob(o: TrainCommandOptions, io: Console): Promise<TrainJob> {
  const recipe = await readRecipe(o.config);
  const out = o.out ?? recipe.out;
  return {
    recipe: trainingRecipe(recipe),
    out,
    networkName: (id) => `${stageLabel(id.stage)}, member ${id.member + 1}/${id.members}`,
    describe: (work) => work.describe(),
    run: (run, progress) => trainRun(o, recipe, out, run, io, progress),
  };
}

/** The run itself: features, cross-validation (report), final ensemble (model folder). */
async function trainRun(o: TrainCommandOptions, recipe: WindowModelConfig, out: string | undefined, run: RunOptions, io: Console, progress: NetworkProgress): Promise<void> {
  const features = featureProgress(io, run.signal);
  const data = await prepareData(recipe, features.onSong);
  features.stop();
  io.stderr.write(`${data.songs.length} songs, ${data.dims} inputs, ${recipe.windowSeconds} s windows; ${recipe.members} × ${recipe.architecture}, ${recipe.epochs} epochs\n`);
  let cv: CrossValidation | null = null;
  if (o.cv !== false) {
    cv = await crossValidate(
      recipe,
      data,
      (fold, r) => progress.print(`fold ${fold}/${recipe.folds}: macro-F1 ${r.quadrants.macroF1.toFixed(3)}, arousal-half ${r.quadrants.arousalHalfAccuracy.toFixed(3)}, valence-half ${r.quadrants.valenceHalfAccuracy.toFixed(3)}`),
      run,
    );
    const evaluation = cvToEvaluation(cv, `${recipe.name}: ${recipe.folds}-fold cross-validation grouped by artist`);
    io.stdout.write(evaluationToMarkdown(evaluation) + '\n');
    io.stdout.write(`overall (pooled out-of-fold): macro-F1 ${cv.overall.quadrants.macroF1.toFixed(3)}, accuracy ${cv.overall.quadrants.accuracy.toFixed(3)}, arousal-half ${cv.overall.quadrants.arousalHalfAccuracy.toFixed(3)}, valence-half ${cv.overall.quadrants.valenceHalfAccuracy.toFixed(3)}\n`);
    if (o.report) await writeReport(o.report, evaluation);
  }
  if (o.cvOnly) return;
  const card = await trainAndSave(recipe, data, out!, cv, provenance(o), run);
  io.stderr.write(`wrote ${out} (${card.members.length} members)\n`);
}

// ---------------------------------------------------------------------------------------
// "recipe": "sequence": dynamic-label sequence models (src/train/sequence-recipe.ts)
// ---------------------------------------------------------------------------------------

/** The recipe's `"recipe"` key ('window' when absent); unreadable files go the window way, which reports them. */
async function peekRecipeKind(file: string): Promise<'window' | 'sequence'> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return 'window';
  }
  try {
    return recipeKind(json, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Writes an evaluation report as .md, .csv or .json by the file's extension. */
async function writeReport(file: string, evaluation: EvaluationResult): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  const text = ext === '.csv' ? evaluationToCsv(evaluation) : ext === '.json' ? evaluationToJson(evaluation) : evaluationToMarkdown(evaluation);
  await writeFile(file, text);
}

/**
 * A sequence recipe: one network per seed on the training songs (early stopping on the
 * validation songs), scored on the test songs, written as a model folder of kind
 * 'sequence'. `--cv-only` writes no model.
 */
async function sequenceJob(o: TrainCommandOptions, io: Console): Promise<TrainJob> {
  let config: SequenceTrainConfig;
  try {
    config = await readSequenceRecipe(o.config);
  } catch (e) {
    throw e instanceof SequenceRecipeError ? new UsageError(e.message) : e;
  }
  const out = o.out ?? config.out;
  return {
    recipe: trainingRecipe(config),
    out,
    networkName: (id) => `seed ${config.seeds[id.member]} (network ${id.member + 1}/${id.members})`,
    describe: async (work) => `${await work.finishedMembers({ kind: 'final' })} of ${config.seeds.length} seed network${config.seeds.length === 1 ? '' : 's'} done`,
    run: (run, progress) => trainSequenceRun(o, config, out, run, io, progress),
  };
}

/** The run of a sequence recipe: networks, test report (stdout, --report), model folder. */
async function trainSequenceRun(o: TrainCommandOptions, config: SequenceTrainConfig, out: string | undefined, run: CommandRun, io: Console, progress: NetworkProgress): Promise<void> {
  const features = featureProgress(io, run.signal);
  let result: SequenceTrainResult;
  try {
    result = await trainSequenceRecipe(config, provenance(o), {
      ...run,
      log: (line) => {
        features.stop(); // lines come before the features are read and after, never during
        progress.print(line);
      },
      onSong: features.onSong,
    });
  } catch (e) {
    throw e instanceof SequenceRecipeError ? new UsageError(e.message) : e;
  } finally {
    features.stop();
  }
  try {
    io.stdout.write(evaluationToMarkdown(result.evaluation) + '\n');
    if (o.report) await writeReport(o.report, result.evaluation);
    if (!o.cvOnly) {
      await saveSequenceModel(out!, result);
      progress.print(`wrote ${out} (${result.card.members.length} member${result.card.members.length === 1 ? '' : 's'}, ${config.architecture}, ${config.sequenceLength} frames)`);
    }
  } finally {
    for (const m of result.models) m.dispose();
  }
}
