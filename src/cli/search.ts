/**
 * `sentio search --config recipe.json --space space.json --out DIR`: grid or random
 * hyper-parameter search over a training recipe. One cross-validation per trial, one row
 * per finished trial in DIR/trials.csv, the best recipe in DIR/best.json, and (unless
 * --no-train) the final model trained with it in DIR.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { tableToCsv, tableToJson, tableToMarkdown } from '../eval/report.ts';
import { describeAssignment, OBJECTIVES, parseSpace, planSearch, runSearch, SearchInputError, trialsTable, type Objective, type SearchMode, type SearchPlan, type SearchSpace } from '../train/search.ts';
import { positiveInt, reportFormat } from './options.ts';
import type { Console } from './features.ts';
import { progressBar } from './progress.ts';
import { EXIT, UsageError } from './report.ts';
import { readRecipe } from './train.ts';
import { LIBRARY_ID } from '../version.ts';

export interface SearchCommandOptions {
  config: string;
  space: string;
  out: string;
  mode?: string;
  trials?: string;
  seed?: string;
  folds?: string;
  metric?: string;
  direction?: string;
  resume?: boolean;
  train?: boolean;
  report?: string;
}

/** Reads and validates the space file; problems are usage errors naming it. */
async function readSpace(file: string, mode: SearchMode): Promise<SearchSpace> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: cannot read the search space: ${(e as Error).message}`);
  }
  try {
    return parseSpace(json, file, mode);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The objective from --metric / --direction (default: the metric's natural direction). */
function objectiveOf(metric: string, direction: string | undefined): Objective {
  const spec = OBJECTIVES[metric];
  if (!spec) throw new UsageError(`unknown --metric '${metric}' (use ${Object.keys(OBJECTIVES).join(', ')})`);
  if (direction !== undefined && direction !== 'max' && direction !== 'min') throw new UsageError(`--direction must be max or min, got '${direction}'`);
  return { metric, direction: (direction as 'max' | 'min' | undefined) ?? spec.direction };
}

/** An integer option that may be 0 or negative (a seed), or a usage error naming it. */
function integer(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be an integer, got '${raw}'`);
  return n;
}

export async function searchCommand(o: SearchCommandOptions, io: Console): Promise<number> {
  const mode = (o.mode ?? 'grid') as SearchMode;
  if (mode !== 'grid' && mode !== 'random') throw new UsageError(`--mode must be grid or random, got '${o.mode}'`);
  const objective = objectiveOf(o.metric ?? 'macroF1', o.direction);
  const format = o.report ? reportFormat(o.report) : undefined;
  const folds = o.folds === undefined ? undefined : positiveInt('--folds', o.folds);
  if (folds !== undefined && folds < 2) throw new UsageError(`--folds must be at least 2, got ${folds}`);
  const recipe = await readRecipe(o.config);
  const space = await readSpace(o.space, mode);
  let plan: SearchPlan;
  try {
    plan = planSearch(recipe, space, {
      mode,
      trials: o.trials === undefined ? undefined : positiveInt('--trials', o.trials),
      seed: o.seed === undefined ? undefined : integer('--seed', o.seed),
      folds,
    });
  } catch (e) {
    if (e instanceof SearchInputError) throw new UsageError(`${o.space}: ${e.message}`);
    throw e;
  }
  io.stderr.write(`${mode} search: ${plan.assignments.length} trial${plan.assignments.length === 1 ? '' : 's'} over ${plan.keys.join(', ')}, ${plan.recipes[0].folds}-fold cross-validation each, optimising ${objective.metric} (${objective.direction})\n`);

  const bar = io.isTTY ? progressBar(io, 'features |{bar}| {value}/{total} songs') : null;
  let barStarted = false;
  const command = `sentio search --config ${path.relative(process.cwd(), o.config)} --space ${path.relative(process.cwd(), o.space)} --mode ${mode}${o.trials ? ` --trials ${o.trials}` : ''}${o.seed ? ` --seed ${o.seed}` : ''}${folds ? ` --folds ${folds}` : ''} --metric ${objective.metric}`;
  let result;
  try {
    result = await runSearch(plan, {
      outDir: o.out,
      objective,
      resume: o.resume,
      train: o.train,
      provenance: { command, library: LIBRARY_ID },
      log: (line) => io.stderr.write(line + '\n'),
      onSong: (done, total) => {
        if (!bar) return;
        if (!barStarted) bar.start(total, 0);
        barStarted = true;
        bar.update(done);
        if (done === total) {
          bar.stop();
          barStarted = false;
        }
      },
    });
  } catch (e) {
    if (e instanceof SearchInputError) throw new UsageError(e.message);
    throw e;
  } finally {
    if (barStarted) bar?.stop();
  }

  const table = trialsTable(result.trials, plan.keys, objective);
  io.stdout.write(`## ${mode} search, ${result.trials.length} trials (${result.ran} run now), by ${objective.metric} (${objective.direction})\n\n${tableToMarkdown(table)}\n`);
  io.stdout.write(`best: trial ${result.best.trial} (${describeAssignment(result.best.values)}); recipe in ${path.join(o.out, 'best.json')}\n`);
  if (result.card) io.stderr.write(`wrote the model with the best recipe to ${o.out} (${result.card.members.length} members)\n`);
  if (o.report && format) {
    await mkdir(path.dirname(path.resolve(o.report)), { recursive: true });
    await writeFile(o.report, format === 'csv' ? tableToCsv(table) : format === 'json' ? tableToJson(table) : tableToMarkdown(table));
  }
  return EXIT.ok;
}
