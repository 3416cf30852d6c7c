/**
 * `sentio analyze`: audio files/folders → emotion timeline and song summary per file, as a
 * table, JSON Lines, JSON or CSV, with an optional PNG plot. Folders run on worker threads
 * (one per core); each result is written as soon as its file finishes, so an interrupted run
 * loses nothing, and `--resume` skips files already in the output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ANALYZE_FORMATS, createResultWriter, isFailure, openResultFile, OUTPUT_FORMATS, renderTable, type AnalysisRecord, type OutputFormat, type ResultWriter } from '../analyze/format.ts';
import { analyze, DEFAULT_MODEL_DIR, loadModel } from '../analyze/node.ts';
import { silenceWarning } from '../analyze/silence.ts';
import type { AnalysisResult } from '../analyze/types.ts';
import type { WorkerReply } from '../analyze/worker.ts';
import type { Console } from './features.ts';
import { expandInputs } from './inputs.ts';
import { fileProgress, printAbove } from './progress.ts';
import { describeError, EXIT, failureSummary, UsageError } from './report.ts';

export { ANALYZE_FORMATS } from '../analyze/format.ts';

export interface AnalyzeCommandOptions {
  model?: string;
  format: string;
  out?: string;
  plot?: string;
  resume?: boolean;
  jobs?: string;
  progress?: boolean;
  verbose?: boolean;
}

/** Runs `paths` on `jobs` worker threads, calling `onRecord` as each finishes (in completion order). */
async function analyzeOnWorkers(paths: string[], modelDir: string, jobs: number, onRecord: (r: AnalysisRecord) => Promise<void>): Promise<void> {
  // Built (dist/*.js): the compiled worker. From source under tsx: a bootstrap that registers
  // tsx in the worker first, since worker threads do not inherit the loader.
  const workerUrl = import.meta.url.endsWith('.ts') ? new URL('../analyze/worker-bootstrap.mjs', import.meta.url) : new URL('../analyze/worker.js', import.meta.url);
  let next = 0;
  let pending = Promise.resolve();
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerUrl, { workerData: { modelDir } });
      const send = () => {
        if (next >= paths.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        worker.postMessage({ id, path: paths[id] });
      };
      worker.on('message', (m: 'ready' | WorkerReply) => {
        if (m === 'ready') return send();
        const record: AnalysisRecord = 'result' in m ? m.result : m.failure;
        // Serialise writes so records never interleave.
        pending = pending.then(() => onRecord(record));
        void pending.then(send, reject);
      });
      worker.on('error', reject);
    });
  await Promise.all(Array.from({ length: jobs }, runWorker));
  await pending;
}

export async function analyzeCommand(inputs: string[], o: AnalyzeCommandOptions, io: Console): Promise<number> {
  if (!(ANALYZE_FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown format '${o.format}' (use ${ANALYZE_FORMATS.join(', ')})`);
  if (inputs.length === 0) throw new UsageError('no input files given');
  if (o.resume && !o.out) throw new UsageError('--resume needs --out (the output to continue)');
  if (o.resume && o.format === 'table') throw new UsageError('--resume needs --format jsonl, json or csv');
  const jobsLimit = o.jobs === undefined ? availableParallelism() : Number(o.jobs);
  if (!Number.isInteger(jobsLimit) || jobsLimit < 1) throw new UsageError(`--jobs must be a positive integer, got '${o.jobs}'`);
  const { files, fromFolder } = await expandInputs(inputs);
  if (files.length === 0) throw new UsageError(`no audio files found in ${inputs.join(', ')}`);
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  const model = await loadModel(modelDir); // fails early (exit 1) with the folder named

  // Output: a streaming writer for jsonl/json/csv (file or stdout); the table is printed at the end.
  const format = o.format as OutputFormat | 'table';
  let writer: ResultWriter | null = null;
  let closeOutput = async () => {};
  let done = new Set<string>();
  if (format !== 'table') {
    if (o.out) {
      await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
      const file = await openResultFile(o.out, format, { resume: o.resume });
      writer = file.writer;
      done = file.completed;
      closeOutput = file.close;
    } else {
      writer = createResultWriter(io.stdout, format);
      closeOutput = () => writer!.close();
    }
  }
  const todo = files.filter((f) => !done.has(f.path));
  if (done.size) io.stderr.write(`resuming: ${done.size} file(s) already in ${o.out}, ${todo.length} to go\n`);
  const plotMany = Boolean(o.plot) && (fromFolder || files.length > 1);
  if (plotMany) await mkdir(o.plot!, { recursive: true });

  const bar = fileProgress(io, 'analyze', (o.progress ?? true) && todo.length > 1);
  bar?.start(todo.length, 0, { file: '' });
  const tableRows: AnalysisRecord[] = [];
  const failures: { file: string; reason: string }[] = [];
  const relative = new Map(files.map((f) => [f.path, f.relative]));
  const onRecord = async (r: AnalysisRecord) => {
    if (isFailure(r)) {
      failures.push({ file: r.file, reason: r.error });
      printAbove(io, bar, `sentio: ${r.error}`);
    } else {
      const warning = silenceWarning(r);
      if (warning) printAbove(io, bar, `sentio: ${warning}`);
    }
    if (!isFailure(r) && o.plot) {
      const target = plotMany ? path.join(o.plot, `${relative.get(r.file) ?? path.basename(r.file)}.png`) : o.plot;
      await mkdir(path.dirname(path.resolve(target)), { recursive: true });
      // Plotting loads fonts and an image library: only when asked for.
      const { renderEmotionPlot } = await import('../analyze/plot.ts');
      await writeFile(target, await renderEmotionPlot(r as AnalysisResult));
    }
    if (writer) await writer.write(r);
    else tableRows.push(r);
    bar?.increment({ file: path.basename(r.file) });
  };

  const stopOnSignal = () => {
    // Results so far are already on disk; close the output so a JSON array stays valid.
    void closeOutput().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  try {
    const jobs = Math.min(jobsLimit, todo.length);
    if (jobs <= 1) {
      for (const f of todo) {
        try {
          await onRecord(await analyze(f.path, { model }));
        } catch (e) {
          await onRecord({ file: f.path, error: describeError(e, o.verbose ?? false) });
        }
      }
    } else {
      await analyzeOnWorkers(
        todo.map((f) => f.path),
        modelDir,
        jobs,
        onRecord,
      );
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    bar?.stop();
    await closeOutput();
  }
  if (format === 'table') {
    const table = renderTable(tableRows, { color: io.isTTY && !process.env.NO_COLOR });
    if (o.out) await writeFile(o.out, renderTable(tableRows, { color: false }));
    else io.stdout.write(table);
  }
  if (failures.length) {
    if (todo.length > 1) io.stderr.write(failureSummary(failures, todo.length) + '\n');
    return EXIT.inputFailed;
  }
  return EXIT.ok;
}
