/**
 * The work folder of a `sentio train` run: everything an interrupted run needs to continue
 * to exactly the result an uninterrupted one would have reached.
 *
 *   run.json                          marks the folder; the recipe the run was started with (checked on resume)
 *   fold-<k>.json                     a finished fold: its test songs and their out-of-fold predictions
 *   fold-<k>/member-<m>/              a finished member of fold k's ensemble (tfjs layers folder)
 *   fold-<k>/member-<m>.checkpoint/   the running member's trainer checkpoint (best/, last/, state.json)
 *   final/member-<m>/, final/member-<m>.checkpoint/   the same for the final ensemble
 *
 * A sequence recipe (src/train/sequence-recipe.ts) keeps only `final/`: member m is the
 * network of its m-th seed, with a `training.json` (how long it trained) beside its weights.
 *
 * Finished parts are written atomically (temporary file + rename; a member folder counts
 * as finished once its `model.json`, written last, exists), so a run killed at any moment
 * leaves a folder that resumes correctly.
 */
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { tf } from '../models/backend.ts';
import { loadLayersModel, saveLayersModel } from '../models/io.ts';
import type { NetworkId, RunStore, SavedFold, Stage } from './window-model.ts';

/** The run file: marks the folder as a work folder and holds the recipe it was started with. */
const RUN_FILE = 'run.json';
const RUN_FORMAT = 'sentio-train-work';
/** Beside a member's weights: the `info` it was saved with. */
const MEMBER_INFO_FILE = 'training.json';

/** A work folder that cannot be used as asked (the CLI reports it as a usage error). */
export class WorkDirError extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface RunFile {
  format: typeof RUN_FORMAT;
  recipe: Json;
}

function isRunFile(v: Json | null): v is Json & RunFile {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && v.format === RUN_FORMAT && 'recipe' in v;
}

/** `a.b.c → value` for every leaf, so two recipes can be compared key by key. */
function leaves(value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

/** The keys where two recipes differ, as `key: old → new` (empty when they agree). */
export function recipeDifferences(saved: Json, given: Json): string[] {
  const a = leaves(saved);
  const b = leaves(given);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
}

async function readJson(file: string): Promise<Json | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new WorkDirError(`${file}: cannot read: ${(e as Error).message}`);
  }
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value, null, 1) + '\n');
  await rename(`${file}.tmp`, file);
}

async function entries(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function stageDir(stage: Stage): string {
  return stage.kind === 'fold' ? `fold-${stage.fold}` : 'final';
}

export class WorkDir implements RunStore {
  private constructor(
    readonly dir: string,
    /** Whether the folder held an earlier run that this one continues. */
    readonly resumed: boolean,
  ) {}

  /**
   * Opens `dir` for a run of `recipe`. Without `resume` the folder must not exist or be
   * empty: an earlier run's state is never thrown away silently, and a folder that is not
   * ours is never written into. With `resume`, an earlier run of the same recipe is
   * continued (a different recipe is refused, naming the keys that differ); with nothing
   * to continue, a new run starts.
   */
  static async open(dir: string, recipe: object, o: { resume: boolean }): Promise<WorkDir> {
    const file = join(dir, RUN_FILE);
    const given = JSON.parse(JSON.stringify(recipe)) as Json;
    const names = (await entries(dir)) ?? [];
    const run = names.includes(RUN_FILE) ? await readJson(file) : null;
    const ours = isRunFile(run);
    if (names.length > 0 && !ours) throw new WorkDirError(`${dir} exists and is not a sentio train work folder (no ${RUN_FILE}); give another --work folder`);
    // A run stopped before finishing anything (a wrong dataset path, Ctrl-C in the first
    // epoch) leaves only its run file: nothing to lose, so the next run starts over.
    const started = ours && names.some((n) => n !== RUN_FILE);
    if (started && o.resume) {
      const diff = recipeDifferences(run.recipe, given);
      if (diff.length) throw new WorkDirError(`cannot resume: the recipe differs from the one the run in ${dir} was started with (${file}): ${diff.join('; ')}. Use the same recipe, or another --work folder for a new run`);
      return new WorkDir(dir, true);
    }
    if (started) throw new WorkDirError(`${dir} holds an unfinished run (${file}): add --resume to continue it, or delete the folder to start over`);
    await mkdir(dir, { recursive: true });
    const content: RunFile = { format: RUN_FORMAT, recipe: given };
    await writeJsonAtomic(file, content);
    return new WorkDir(dir, false);
  }

  private memberDir(id: NetworkId): string {
    return join(this.dir, stageDir(id.stage), `member-${id.member}`);
  }

  checkpointDir(id: NetworkId): string {
    return `${this.memberDir(id)}.checkpoint`;
  }

  async loadMember(id: NetworkId): Promise<tf.LayersModel | null> {
    const dir = this.memberDir(id);
    try {
      await access(join(dir, 'model.json'));
    } catch {
      return null;
    }
    return loadLayersModel(dir);
  }

  /**
   * Saves the finished member (with `info`, what the run needs to know of its training,
   * written first so a member with a `model.json` always has it), then drops its checkpoint.
   */
  async saveMember(id: NetworkId, model: tf.LayersModel, info?: unknown): Promise<void> {
    const dir = this.memberDir(id);
    if (info !== undefined) {
      await mkdir(dir, { recursive: true });
      await writeJsonAtomic(join(dir, MEMBER_INFO_FILE), info);
    }
    await saveLayersModel(model, dir);
    await rm(this.checkpointDir(id), { recursive: true, force: true });
  }

  /** The `info` a finished member was saved with (null when none). */
  async loadMemberInfo<T>(id: NetworkId): Promise<T | null> {
    return (await readJson(join(this.memberDir(id), MEMBER_INFO_FILE))) as T | null;
  }

  /** How many members of `stage` are finished. */
  async finishedMembers(stage: Stage): Promise<number> {
    return ((await entries(join(this.dir, stageDir(stage)))) ?? []).filter((n) => /^member-\d+$/.test(n)).length;
  }

  async loadFold(fold: number): Promise<SavedFold | null> {
    return (await readJson(join(this.dir, `fold-${fold}.json`))) as SavedFold | null;
  }

  /** Saves the fold's predictions, then drops its members (the predictions are all a fold leaves behind). */
  async saveFold(saved: SavedFold): Promise<void> {
    await writeJsonAtomic(join(this.dir, `fold-${saved.fold}.json`), saved);
    await rm(join(this.dir, `fold-${saved.fold}`), { recursive: true, force: true });
  }

  /** What an earlier run left: finished folds and members, for the "resuming" line. */
  async describe(): Promise<string> {
    const names = (await entries(this.dir)) ?? [];
    const folds = names.filter((n) => /^fold-\d+\.json$/.test(n)).length;
    const finals = await this.finishedMembers({ kind: 'final' });
    return `${folds} fold${folds === 1 ? '' : 's'} and ${finals} final member${finals === 1 ? '' : 's'} done`;
  }

  /** Deletes the folder (after a completed run, whose results are in the model folder and report). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
