/**
 * `sentio eval --model DIR --data PATH --dataset NAME`: scores a saved model folder on a
 * labelled dataset (song level and, with dynamic labels, the 0.5 s timeline) and prints a
 * Markdown report; `--report` also writes it as Markdown, CSV or JSON. Broken audio files
 * are reported and skipped (exit code 1), like `sentio analyze`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, loadModel } from '../analyze/node.ts';
import { DATASET_NAMES, isDatasetName, loadDataset } from '../data/index.ts';
import type { Song } from '../data/types.ts';
import { evaluateModel, modelEvaluationToCsv, modelEvaluationToJson, modelEvaluationToMarkdown, selectSongs, SPLIT_CHOICES, type EvaluationContext, type ModelEvaluation, type SplitChoice } from '../eval/evaluate-model.ts';
import type { Console } from './features.ts';
import { fileProgress, printAbove } from './progress.ts';
import { EXIT, UsageError } from './report.ts';
import { positiveInt, reportFormat } from './options.ts';

export interface EvalCommandOptions {
  model?: string;
  data: string;
  dataset: string;
  split?: string;
  limit?: string;
  report?: string;
  progress?: boolean;
}

/** The dataset's songs, with loader errors (missing labels file, bad rows) as usage errors naming the path. */
function loadSongs(name: string, location: string): Song[] {
  if (!isDatasetName(name)) throw new UsageError(`unknown dataset '${name}' (use ${DATASET_NAMES.join(', ')})`);
  try {
    return loadDataset(name, location);
  } catch (e) {
    throw new UsageError(`cannot load dataset '${name}' from ${location}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function renderReport(e: ModelEvaluation, c: EvaluationContext, format: 'md' | 'csv' | 'json'): string {
  if (format === 'csv') return modelEvaluationToCsv(e);
  if (format === 'json') return modelEvaluationToJson(e, c);
  return modelEvaluationToMarkdown(e, c);
}

export async function evalCommand(o: EvalCommandOptions, io: Console): Promise<number> {
  const split = (o.split ?? 'all') as SplitChoice;
  if (!SPLIT_CHOICES.includes(split)) throw new UsageError(`unknown split '${o.split}' (use ${SPLIT_CHOICES.join(', ')})`);
  const limit = o.limit === undefined ? undefined : positiveInt('--limit', o.limit);
  const format = o.report ? reportFormat(o.report) : undefined;
  const all = loadSongs(o.dataset, o.data);
  let songs: Song[];
  try {
    songs = selectSongs(all, split, limit);
  } catch (e) {
    throw new UsageError(`${o.data}: ${(e as Error).message}`);
  }
  if (songs.length === 0) throw new UsageError(`${o.data}: no songs with audio and labels${split === 'all' ? '' : ` in the ${split} split`} (${all.length} songs in the dataset)`);
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  const model = await loadModel(modelDir);
  io.stderr.write(`evaluating ${model.card.name} on ${songs.length} song${songs.length === 1 ? '' : 's'} of ${o.dataset}${all.length > songs.length ? ` (of ${all.length} in the dataset)` : ''}\n`);

  const bar = fileProgress(io, 'eval', (o.progress ?? true) && songs.length > 1);
  bar?.start(songs.length, 0, { file: '' });
  let evaluation: ModelEvaluation;
  try {
    evaluation = await evaluateModel(model, songs, {
      onSong: (_done, _total, song, failure) => {
        if (failure) printAbove(io, bar, `sentio: ${failure.startsWith(song.audioPath ?? '\0') ? failure : `${song.audioPath ?? song.id}: ${failure}`}`);
        bar?.increment({ file: path.basename(song.audioPath ?? song.id) });
      },
    });
  } finally {
    bar?.stop();
    model.members.forEach((m) => m.dispose());
  }

  const context: EvaluationContext = { modelDir, modelName: model.card.name, dataset: o.dataset, dataPath: o.data, split };
  io.stdout.write(modelEvaluationToMarkdown(evaluation, context));
  if (o.report && format) {
    await mkdir(path.dirname(path.resolve(o.report)), { recursive: true });
    await writeFile(o.report, renderReport(evaluation, context, format));
    io.stderr.write(`wrote ${o.report}\n`);
  }
  return evaluation.failures.length > 0 ? EXIT.inputFailed : EXIT.ok;
}
