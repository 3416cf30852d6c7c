/**
 * `sentio train --config recipe.json`: artist-grouped cross-validation of a window-model
 * recipe (report per fold and mean ± std), then the final ensemble trained on all songs and
 * written as a model folder whose `sentio.json` holds the recipe, metrics and calibration.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluationToCsv, evaluationToJson, evaluationToMarkdown, type EvaluationResult } from '../eval/report.ts';
import { crossValidate, prepareData, trainAndSave, type CrossValidation, type WindowModelConfig } from '../train/window-model.ts';
import type { Console } from './features.ts';
import { progressBar } from './progress.ts';
import { EXIT, UsageError } from './report.ts';
import pkg from '../../package.json' with { type: 'json' };

export interface TrainCommandOptions {
  config: string;
  out?: string;
  cvOnly?: boolean;
  cv?: boolean;
  report?: string;
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
  json.options ??= {};
  const base = path.dirname(path.resolve(file));
  json.dataset = { ...json.dataset, path: path.resolve(base, json.dataset.path) };
  if (json.out) json.out = path.resolve(base, json.out);
  return json;
}

export function cvToEvaluation(cv: CrossValidation, title: string): EvaluationResult {
  return { title, folds: cv.folds.map((f) => ({ label: String(f.fold), quadrants: f.quadrants, regression: f.regression })) };
}

export async function trainCommand(o: TrainCommandOptions, io: Console): Promise<number> {
  const recipe = await readRecipe(o.config);
  const out = o.out ?? recipe.out;
  if (!o.cvOnly && !out) throw new UsageError('give --out DIR (or "out" in the recipe)');
  const bar = io.isTTY ? progressBar(io, '{task} |{bar}| {value}/{total} {unit}') : null;
  bar?.start(1, 0, { task: 'features', unit: 'songs' });
  const data = await prepareData(recipe, (done, total) => {
    bar?.setTotal(total);
    bar?.update(done);
  });
  bar?.stop();
  io.stderr.write(`${data.songs.length} songs, ${data.dims} inputs, ${recipe.windowSeconds} s windows; ${recipe.members} × ${recipe.architecture}, ${recipe.epochs} epochs\n`);
  let cv: CrossValidation | null = null;
  if (o.cv !== false) {
    cv = await crossValidate(recipe, data, (fold, r) =>
      io.stderr.write(`fold ${fold}/${recipe.folds}: macro-F1 ${r.quadrants.macroF1.toFixed(3)}, arousal-half ${r.quadrants.arousalHalfAccuracy.toFixed(3)}, valence-half ${r.quadrants.valenceHalfAccuracy.toFixed(3)}\n`),
    );
    const evaluation = cvToEvaluation(cv, `${recipe.name}: ${recipe.folds}-fold cross-validation grouped by artist`);
    io.stdout.write(evaluationToMarkdown(evaluation) + '\n');
    io.stdout.write(`overall (pooled out-of-fold): macro-F1 ${cv.overall.quadrants.macroF1.toFixed(3)}, accuracy ${cv.overall.quadrants.accuracy.toFixed(3)}, arousal-half ${cv.overall.quadrants.arousalHalfAccuracy.toFixed(3)}, valence-half ${cv.overall.quadrants.valenceHalfAccuracy.toFixed(3)}\n`);
    if (o.report) {
      const ext = path.extname(o.report).toLowerCase();
      const text = ext === '.csv' ? evaluationToCsv(evaluation) : ext === '.json' ? evaluationToJson(evaluation) : evaluationToMarkdown(evaluation);
      await writeFile(o.report, text);
    }
  }
  if (o.cvOnly) return EXIT.ok;
  const card = await trainAndSave(recipe, data, out!, cv, { command: `sentio train --config ${path.relative(process.cwd(), o.config)}`, library: `sentio@${pkg.version}` });
  io.stderr.write(`wrote ${out} (${card.members.length} members)\n`);
  return EXIT.ok;
}
