/**
 * Hyper-parameter search over a window-model recipe: grid (the Cartesian product of value
 * lists) or random (seeded draws from lists and ranges), one artist-grouped cross-validation
 * per trial (`crossValidate`), one CSV row per trial appended as soon as it finishes (an
 * interrupted search keeps its finished rows, and `resume` skips them), then the best recipe
 * as `best.json` and, optionally, the final model trained with it (`trainAndSave`).
 * `plan.json` records every trial's full recipe, so a resume with a changed recipe file or
 * --folds is refused instead of mixing incomparable rows.
 *
 * A search space maps recipe keys (`learningRate`, `windowSeconds`, ...) or architecture
 * options (`options.dropout`) to a list of values, or, in random mode only, to a range
 * `{ "min", "max", "log"?, "int"? }`.
 */
import { appendFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { OBJECTIVES, TRIAL_METRICS, type TrialMetric } from './objectives.ts';
import { seededRandom } from '../data/splits.ts';
import type { ModelCard } from '../analyze/emotion-model.ts';
import { csvField, type Table } from '../eval/report.ts';
import { getFeatureSet } from '../features/index.ts';
import { getArchitecture, resolveOptions } from '../models/registry.ts';
import { crossValidate, prepareData, trainAndSave, type CrossValidation, type FoldResult, type PreparedData, type WindowModelConfig } from './window-model.ts';

export type SearchValue = number | string | boolean;
/** A continuous (or integer) range for random search; `log` draws uniformly in log space. */
export interface RangeSpec {
  min: number;
  max: number;
  log?: boolean;
  int?: boolean;
}
export type SpaceEntry = readonly SearchValue[] | RangeSpec;
/** Key → values, keys in the order the user wrote them (that order is also the CSV's). */
export type SearchSpace = Record<string, SpaceEntry>;
export type SearchMode = 'grid' | 'random';
/** One trial's value for every key of the space. */
export type Assignment = Record<string, SearchValue>;

/** Bad search input (space, plan, existing trials file): the CLI reports it as a usage error. */
export class SearchInputError extends Error {}

/**
 * Recipe keys a search may vary, with the kind of value each takes. `name`, `dataset` and
 * `out` are not searchable: trials on different data are not comparable, and the others
 * only name things.
 */
const RECIPE_KEYS: Record<string, 'string' | 'number' | 'integer'> = {
  featureSet: 'string',
  windowSeconds: 'number',
  windowsPerClip: 'integer',
  architecture: 'string',
  members: 'integer',
  epochs: 'integer',
  batchSize: 'integer',
  learningRate: 'number',
  seed: 'integer',
  folds: 'integer',
  targets: 'string',
  backend: 'string',
};

const isRange = (e: SpaceEntry): e is RangeSpec => !Array.isArray(e);

/** Checks one range object, naming the key and the problem. */
function checkRange(key: string, raw: Record<string, unknown>, fail: (why: string) => never): RangeSpec {
  for (const k of Object.keys(raw)) if (!['min', 'max', 'log', 'int'].includes(k)) fail(`"${key}": unknown range field "${k}" (use min, max, log, int)`);
  const { min, max, log, int } = raw;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) fail(`"${key}": a range needs finite numbers "min" and "max"`);
  if (min > max) fail(`"${key}": min ${min} is greater than max ${max}`);
  if (log !== undefined && typeof log !== 'boolean') fail(`"${key}": "log" must be true or false`);
  if (int !== undefined && typeof int !== 'boolean') fail(`"${key}": "int" must be true or false`);
  if (log && min <= 0) fail(`"${key}": a log range needs min > 0, got ${min}`);
  if (int && (!Number.isInteger(min) || !Number.isInteger(max))) fail(`"${key}": an integer range needs integer min and max`);
  return { min, max, ...(log ? { log } : {}), ...(int ? { int } : {}) };
}

/** Checks that a recipe key's value has the right kind (string, number, integer). */
function checkKind(key: string, value: SearchValue, fail: (why: string) => never): void {
  const kind = RECIPE_KEYS[key];
  if (!kind) return; // options.<key>: resolveOptions checks them per trial
  if (kind === 'string' && typeof value !== 'string') fail(`"${key}" takes strings, got ${JSON.stringify(value)}`);
  if (kind !== 'string' && (typeof value !== 'number' || !Number.isFinite(value))) fail(`"${key}" takes numbers, got ${JSON.stringify(value)}`);
  if (kind === 'integer' && !Number.isInteger(value)) fail(`"${key}" takes integers, got ${JSON.stringify(value)}`);
}

/**
 * Validates a parsed space file. Keys must be searchable recipe keys or `options.<name>`;
 * values non-empty lists of strings, numbers or booleans, or (random mode) range objects.
 */
export function parseSpace(json: unknown, source: string, mode: SearchMode): SearchSpace {
  const fail = (why: string): never => {
    throw new SearchInputError(`${source}: ${why}`);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail('the search space must be a JSON object of key → values');
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 0) fail('the search space is empty');
  const space: SearchSpace = {};
  for (const [key, raw] of entries) {
    const isOption = /^options\.[A-Za-z0-9_]+$/.test(key);
    if (!isOption && !(key in RECIPE_KEYS)) fail(`"${key}" is not a searchable key (use options.<name> or one of ${Object.keys(RECIPE_KEYS).join(', ')})`);
    if (Array.isArray(raw)) {
      if (raw.length === 0) fail(`"${key}": the list of values is empty`);
      for (const v of raw) {
        if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') fail(`"${key}": values must be strings, numbers or booleans, got ${JSON.stringify(v)}`);
        checkKind(key, v, fail);
      }
      space[key] = raw as SearchValue[];
    } else if (raw && typeof raw === 'object') {
      if (mode === 'grid') fail(`"${key}": grid search needs a list of values, not a range (use --mode random for ranges)`);
      const range = checkRange(key, raw as Record<string, unknown>, fail);
      if (RECIPE_KEYS[key] === 'string') fail(`"${key}" takes strings: give a list, not a range`);
      if (RECIPE_KEYS[key] === 'integer' && !range.int) fail(`"${key}" takes integers: add "int": true to its range`);
      space[key] = range;
    } else {
      fail(`"${key}": expected a list of values${mode === 'random' ? ' or a {"min", "max"} range' : ''}, got ${JSON.stringify(raw)}`);
    }
  }
  return space;
}

/** Every combination of the lists, the first key varying slowest (as itertools.product). */
export function gridTrials(space: SearchSpace): Assignment[] {
  let out: Assignment[] = [{}];
  for (const [key, entry] of Object.entries(space)) {
    if (isRange(entry)) throw new SearchInputError(`"${key}": grid search needs a list of values, not a range`);
    out = out.flatMap((a) => entry.map((v) => ({ ...a, [key]: v })));
  }
  return out;
}

/** One draw from a range: uniform (or log-uniform), integers uniform over [min, max]. */
function drawRange(r: RangeSpec, u: number): number {
  if (r.int && !r.log) return Math.min(r.max, Math.floor(r.min + u * (r.max - r.min + 1)));
  const x = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
  // Four significant digits keep the CSV and recipe readable; the clamp keeps the rounding inside the range.
  const rounded = r.int ? Math.round(x) : Number(x.toPrecision(4));
  return Math.max(r.min, Math.min(r.max, rounded));
}

/** `n` seeded random assignments: the same seed and space always give the same trials. */
export function randomTrials(space: SearchSpace, n: number, seed: number): Assignment[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const a: Assignment = {};
    for (const [key, entry] of Object.entries(space)) {
      const u = rand();
      a[key] = isRange(entry) ? drawRange(entry, u) : entry[Math.min(entry.length - 1, Math.floor(u * entry.length))];
    }
    return a;
  });
}

/** A copy of the recipe with the assignment applied (`options.x` goes into `options`). */
export function applyAssignment(recipe: WindowModelConfig, a: Assignment): WindowModelConfig {
  const out: WindowModelConfig = structuredClone(recipe);
  out.options = { ...out.options };
  for (const [key, value] of Object.entries(a)) {
    if (key.startsWith('options.')) out.options[key.slice('options.'.length)] = value;
    else (out as unknown as Record<string, SearchValue>)[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Metrics and objectives

export { OBJECTIVES, TRIAL_METRICS, type TrialMetric } from './objectives.ts';

export interface Objective {
  metric: string;
  direction: 'max' | 'min';
}

/** One finished trial: its number (1-based), values and cross-validated mean/std per metric. */
export interface TrialRecord {
  trial: number;
  values: Assignment;
  mean: Record<TrialMetric, number>;
  std: Record<TrialMetric, number>;
  seconds: number;
}

/** The trial's objective value; NaN (e.g. r of a constant predictor) ranks below everything. */
export function objectiveValue(t: TrialRecord, o: Objective): number {
  const spec = OBJECTIVES[o.metric];
  if (!spec) throw new SearchInputError(`unknown metric '${o.metric}' (use ${Object.keys(OBJECTIVES).join(', ')})`);
  return spec.value(t.mean);
}

/** The objective as "higher is better", NaN ranked last. */
function objectiveScore(t: TrialRecord, o: Objective): number {
  const v = objectiveValue(t, o);
  return Number.isNaN(v) ? -Infinity : o.direction === 'max' ? v : -v;
}

/** The best trial by the objective; ties go to the earlier trial. */
export function bestTrial(trials: readonly TrialRecord[], o: Objective): TrialRecord {
  if (trials.length === 0) throw new RangeError('bestTrial: no trials');
  const score = (t: TrialRecord) => objectiveScore(t, o);
  return trials.reduce((best, t) => (score(t) > score(best) || (score(t) === score(best) && t.trial < best.trial) ? t : best));
}

/** A trial record from a cross-validation's per-fold mean ± std. */
export function trialRecord(trial: number, values: Assignment, cv: CrossValidation, seconds: number): TrialRecord {
  const mean = {} as Record<TrialMetric, number>;
  const std = {} as Record<TrialMetric, number>;
  for (const k of TRIAL_METRICS) {
    mean[k] = cv.meanStd[k].mean;
    std[k] = cv.meanStd[k].std;
  }
  return { trial, values, mean, std, seconds };
}

// ---------------------------------------------------------------------------
// trials.csv

/** Header of trials.csv for a space. */
export function trialsHeader(keys: readonly string[]): string[] {
  return ['trial', ...keys, ...TRIAL_METRICS.flatMap((m) => [`${m}.mean`, `${m}.std`]), 'seconds'];
}

/** A searched value as its CSV cell; numbers in shortest round-trip form so resume can compare them. */
const valueCell = (v: SearchValue): string => String(v);
const metricCell = (x: number): string => (Number.isFinite(x) ? String(Number(x.toFixed(6))) : String(x));

/** One CSV record (with its line end) for a trial. */
export function trialRow(t: TrialRecord, keys: readonly string[]): string {
  const cells = [String(t.trial), ...keys.map((k) => valueCell(t.values[k])), ...TRIAL_METRICS.flatMap((m) => [metricCell(t.mean[m]), metricCell(t.std[m])]), t.seconds.toFixed(1)];
  return cells.map(csvField).join(',') + '\n';
}

/**
 * The finished trials in an existing trials.csv, checked against the plan: the header must
 * be this search's, and each row's values those the plan gives its trial number (otherwise
 * the file belongs to another search). A last line without its line end was cut off by an
 * interruption: it is removed from the file, and that trial runs again.
 */
export async function readTrials(file: string, keys: readonly string[], plan: readonly Assignment[]): Promise<TrialRecord[]> {
  let text = await readFile(file, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) {
    const keep = text.lastIndexOf('\n') + 1;
    await truncate(file, Buffer.byteLength(text.slice(0, keep)));
    text = text.slice(0, keep);
  }
  const rows = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  const header = trialsHeader(keys);
  if (rows.length === 0) throw new SearchInputError(`${file}: empty (no header)`);
  if (rows[0].join(',') !== header.join(',')) throw new SearchInputError(`${file}: its columns (${rows[0].join(',')}) are not this search's (${header.join(',')}); use another --out`);
  const out: TrialRecord[] = [];
  for (const [i, row] of rows.slice(1).entries()) {
    const line = i + 2;
    if (row.length !== header.length) throw new SearchInputError(`${file}: row ${line} has ${row.length} cells for ${header.length} columns`);
    const trial = Number(row[0]);
    if (!Number.isInteger(trial) || trial < 1 || trial > plan.length) throw new SearchInputError(`${file}: row ${line}: trial '${row[0]}' is not one of this search's trials 1–${plan.length}`);
    const planned = plan[trial - 1];
    keys.forEach((k, j) => {
      if (row[1 + j] !== valueCell(planned[k])) throw new SearchInputError(`${file}: row ${line}: trial ${trial} ran with ${k}=${row[1 + j]}, but this search plans ${k}=${valueCell(planned[k])} (another --space, --mode, --seed or --trials?); use another --out`);
    });
    const mean = {} as Record<TrialMetric, number>;
    const std = {} as Record<TrialMetric, number>;
    TRIAL_METRICS.forEach((m, j) => {
      mean[m] = Number(row[1 + keys.length + 2 * j]);
      std[m] = Number(row[2 + keys.length + 2 * j]);
    });
    if (out.some((t) => t.trial === trial)) throw new SearchInputError(`${file}: row ${line}: trial ${trial} appears twice`);
    out.push({ trial, values: planned, mean, std, seconds: Number(row[row.length - 1]) });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The search

/** The planned trials: their assignments and the recipes they run (validated up front). */
export interface SearchPlan {
  keys: string[];
  assignments: Assignment[];
  recipes: WindowModelConfig[];
}

export interface PlanOptions {
  mode: SearchMode;
  /** Random: number of draws (default 10). Grid: at most this many combinations, in order. */
  trials?: number;
  /** Random: the seed of the draws (default: the recipe's seed). */
  seed?: number;
  /** Cross-validation folds per trial, overriding the recipe's (to keep a search cheap). */
  folds?: number;
}

/** Checks that a trial's recipe can run: known feature set and architecture, valid options and numbers. */
function checkRecipe(r: WindowModelConfig, trial: number): void {
  try {
    getFeatureSet(r.featureSet);
    resolveOptions(getArchitecture(r.architecture), r.options);
    if (r.targets !== 'quadrant-anchored' && r.targets !== 'continuous') throw new Error(`targets must be 'quadrant-anchored' or 'continuous', got '${r.targets}'`);
    for (const k of ['windowSeconds', 'windowsPerClip', 'members', 'epochs', 'batchSize', 'learningRate'] as const) if (!(r[k] > 0)) throw new Error(`${k} must be positive, got ${r[k]}`);
    if (!Number.isInteger(r.folds) || r.folds < 2) throw new Error(`folds must be an integer ≥ 2, got ${r.folds}`);
  } catch (e) {
    throw new SearchInputError(`trial ${trial}: ${(e as Error).message}`);
  }
}

/** Enumerates (grid) or draws (random) the trials and checks every trial's recipe before any runs. */
export function planSearch(recipe: WindowModelConfig, space: SearchSpace, o: PlanOptions): SearchPlan {
  if (o.folds !== undefined && 'folds' in space) throw new SearchInputError('"folds" is searched in the space, so --folds cannot override it');
  const assignments = o.mode === 'grid' ? gridTrials(space).slice(0, o.trials ?? Infinity) : randomTrials(space, o.trials ?? 10, o.seed ?? recipe.seed);
  const recipes = assignments.map((a, i) => {
    const r = applyAssignment(recipe, a);
    if (o.folds !== undefined) r.folds = o.folds;
    checkRecipe(r, i + 1);
    return r;
  });
  return { keys: Object.keys(space), assignments, recipes };
}

export interface SearchOptions {
  outDir: string;
  objective: Objective;
  /** Continue a search whose trials.csv exists, skipping its finished trials. */
  resume?: boolean;
  /** Train the final model with the best recipe into outDir (default true). */
  train?: boolean;
  /** Recorded in the model card. */
  provenance: { command: string; library: string };
  /** Progress lines (trial started/finished, folds). */
  log?: (line: string) => void;
  /** Feature extraction progress of a data preparation. */
  onSong?: (done: number, total: number) => void;
}

export interface SearchResult {
  /** Every finished trial (resumed and new), by trial number. */
  trials: TrialRecord[];
  best: TrialRecord;
  bestRecipe: WindowModelConfig;
  /** Trials run now (the others came from trials.csv). */
  ran: number;
  card?: ModelCard;
}

/** Key of what `prepareData` depends on: trials that agree on it share the prepared data. */
const dataKey = (r: WindowModelConfig): string => JSON.stringify([r.dataset, r.featureSet, r.windowSeconds, r.targets]);

/** Names the first recipe field (or option) where `a` and `b` differ, or null when they agree. */
export function recipeDifference(a: WindowModelConfig, b: WindowModelConfig): string | null {
  const flat = (r: WindowModelConfig): Map<string, string> => {
    const m = new Map<string, string>();
    for (const [k, v] of Object.entries(r)) if (k !== 'options' && k !== 'out') m.set(k, JSON.stringify(v));
    for (const [k, v] of Object.entries(r.options ?? {})) m.set(`options.${k}`, JSON.stringify(v));
    return m;
  };
  const fa = flat(a);
  const fb = flat(b);
  for (const k of new Set([...fa.keys(), ...fb.keys()])) if (fa.get(k) !== fb.get(k)) return `${k} was ${fa.get(k) ?? '(unset)'}, now ${fb.get(k) ?? '(unset)'}`;
  return null;
}

/**
 * On resume: every finished trial must have run with the recipe the plan now gives it (a
 * changed recipe file or --folds would otherwise mix incomparable rows in one table).
 * `plan.json` holds the recipes of the previous run.
 */
async function checkResumedRecipes(file: string, done: readonly TrialRecord[], plan: SearchPlan, log: (line: string) => void): Promise<void> {
  let previous: WindowModelConfig[];
  try {
    previous = (JSON.parse(await readFile(file, 'utf8')) as { recipes: WindowModelConfig[] }).recipes;
  } catch {
    log(`warning: ${file} is missing or unreadable, so the finished trials' recipes cannot be checked`);
    return;
  }
  for (const t of done) {
    const before = previous[t.trial - 1];
    const diff = before ? recipeDifference(before, plan.recipes[t.trial - 1]) : 'it is not in the file';
    if (diff) throw new SearchInputError(`${file}: trial ${t.trial} ran with another recipe (${diff}); resume with the same recipe and options, or use another --out`);
  }
}

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/** A short "k=v k=v" description of an assignment. */
export const describeAssignment = (a: Assignment): string =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** Runs the plan (see the module comment) and returns every trial and the best. */
export async function runSearch(plan: SearchPlan, o: SearchOptions): Promise<SearchResult> {
  const log = o.log ?? (() => {});
  const csv = join(o.outDir, 'trials.csv');
  const planFile = join(o.outDir, 'plan.json');
  await mkdir(o.outDir, { recursive: true });
  let done: TrialRecord[] = [];
  if (await exists(csv)) {
    if (!o.resume) throw new SearchInputError(`${csv} already exists: pass --resume to continue that search, or choose another --out`);
    done = await readTrials(csv, plan.keys, plan.assignments);
    await checkResumedRecipes(planFile, done, plan, log);
    log(`resuming: ${done.length} of ${plan.assignments.length} trials already in ${csv}`);
  } else {
    await writeFile(csv, trialsHeader(plan.keys).map(csvField).join(',') + '\n');
  }
  await writeFile(planFile, JSON.stringify({ keys: plan.keys, assignments: plan.assignments, recipes: plan.recipes }, null, 1) + '\n');

  // Prepared data is reused while consecutive trials agree on what it depends on; only the
  // latest is kept, since a full dataset's frame index is large.
  let prepared: { key: string; data: PreparedData } | null = null;
  const dataFor = async (r: WindowModelConfig): Promise<PreparedData> => {
    if (prepared?.key !== dataKey(r)) prepared = { key: dataKey(r), data: await prepareData(r, o.onSong) };
    return prepared.data;
  };

  const trials = [...done];
  // The best trial's cross-validation, when it ran now: kept for the final model's calibration.
  let bestCv: { trial: number; cv: CrossValidation } | undefined;
  let ran = 0;
  for (const [i, recipe] of plan.recipes.entries()) {
    const number = i + 1;
    if (done.some((t) => t.trial === number)) continue;
    const values = plan.assignments[i];
    log(`trial ${number}/${plan.recipes.length}: ${describeAssignment(values)}`);
    // A trial's seconds include preparing data when it needs other data than the trial before.
    const started = performance.now();
    const data = await dataFor(recipe);
    const cv = await crossValidate(recipe, data, (fold: number, r: FoldResult) => log(`  fold ${fold}/${recipe.folds}: macro-F1 ${r.quadrants.macroF1.toFixed(3)}`));
    const record = trialRecord(number, values, cv, (performance.now() - started) / 1000);
    await appendFile(csv, trialRow(record, plan.keys));
    trials.push(record);
    ran++;
    const best = bestTrial(trials, o.objective);
    if (best.trial === number) bestCv = { trial: number, cv };
    log(`trial ${number}: ${o.objective.metric} ${objectiveValue(record, o.objective).toFixed(4)} (best so far: trial ${best.trial}, ${objectiveValue(best, o.objective).toFixed(4)})`);
  }
  trials.sort((a, b) => a.trial - b.trial);

  const best = bestTrial(trials, o.objective);
  const bestRecipe = plan.recipes[best.trial - 1];
  // `out: "."` makes `sentio train --config DIR/best.json` rebuild the model in DIR.
  await writeFile(join(o.outDir, 'best.json'), JSON.stringify({ ...bestRecipe, out: '.' }, null, 2) + '\n');

  let card: ModelCard | undefined;
  if (o.train !== false) {
    const data = await dataFor(bestRecipe);
    let cv = bestCv?.trial === best.trial ? bestCv.cv : undefined;
    if (!cv) {
      // The best trial ran in an earlier session: its out-of-fold predictions (needed to
      // calibrate the card) were not kept, so its cross-validation runs again (seeded).
      log(`cross-validating the best trial (${best.trial}) again for the model card`);
      cv = await crossValidate(bestRecipe, data);
    }
    log(`training the final model (trial ${best.trial}) into ${o.outDir}`);
    card = await trainAndSave(bestRecipe, data, o.outDir, cv, o.provenance);
  }
  return { trials, best, bestRecipe, ran, card };
}

// ---------------------------------------------------------------------------
// Reports

/**
 * The trials best-first by the objective: trial, searched values, the objective, then the
 * mean of every metric (and macro-F1's std across folds) and the trial's run time. Searched
 * values stay text, so a learning rate of 0.0001 is not rounded to the table's decimals.
 */
export function trialsTable(trials: readonly TrialRecord[], keys: readonly string[], o: Objective): Table {
  const sorted = [...trials].sort((a, b) => objectiveScore(b, o) - objectiveScore(a, o) || a.trial - b.trial);
  return {
    columns: ['trial', ...keys, `objective (${o.metric}, ${o.direction})`, ...TRIAL_METRICS.flatMap((m) => (m === 'macroF1' ? ['macroF1', 'macroF1.std'] : [m])), 'seconds'],
    rows: sorted.map((t) => [t.trial, ...keys.map((k) => String(t.values[k])), objectiveValue(t, o), ...TRIAL_METRICS.flatMap((m) => (m === 'macroF1' ? [t.mean.macroF1, t.std.macroF1] : [t.mean[m]])), t.seconds]),
    columnDigits: [0, ...keys.map(() => undefined), 4, ...TRIAL_METRICS.flatMap((m) => (m === 'macroF1' ? [3, 3] : [3])), 1],
  };
}
