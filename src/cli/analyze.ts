/**
 * `sentio analyze`: audio files/folders → emotion timeline and song summary per file, as a
 * table, JSON Lines, JSON or CSV, with an optional PNG plot. Folders run on worker threads
 * (one per core); each result is written as soon as its file finishes, so an interrupted run
 * loses nothing, and `--resume` skips files already in the output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ANALYZE_FORMATS, createResultWriter, isFailure, openResultFile, renderTable, type AnalysisRecord, type OutputFormat, type ResultWriter } from '../analyze/format.ts';
import { analyze, DEFAULT_MODEL_DIR, loadModel, readModelCard } from '../analyze/node.ts';
import { silenceWarning } from '../analyze/silence.ts';
import type { AnalysisResult } from '../analyze/types.ts';
import { analyzeOnPool } from '../analyze/pool.ts';
import type { Console } from './features.ts';
import { expandInputs } from './inputs.ts';
import { fileProgress, printAbove } from './progress.ts';
import { positiveInt } from './options.ts';
import { describeError, EXIT, failureSummary, SIGNAL_EXIT, UsageError } from './report.ts';

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

/** `arg` quoted for a POSIX shell when it holds anything but plainly safe characters. */
function shellQuote(arg: string): string {
  return /^[\w./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that continues an interrupted run: the same inputs and options, plus --resume. */
export function resumeCommand(inputs: readonly string[], o: AnalyzeCommandOptions): string {
  const args = ['sentio', 'analyze', ...inputs, '--format', o.format];
  if (o.out) args.push('--out', o.out);
  if (o.model) args.push('--model', o.model);
  if (o.plot) args.push('--plot', o.plot);
  if (o.jobs !== undefined) args.push('--jobs', o.jobs);
  if (o.progress === false) args.push('--no-progress');
  if (o.verbose) args.push('--verbose');
  args.push('--resume');
  return args.map(shellQuote).join(' ');
}

/** What to tell the user after a signal stopped the run with `count` of `total` files in the output. */
function interruptionHint(inputs: readonly string[], o: AnalyzeCommandOptions, count: number, total: number): string {
  const head = `sentio: interrupted after ${count} of ${total} files`;
  if (o.format === 'table') {
    return `${head}; the table above${o.out ? ` (in ${o.out})` : ''} has those. To be able to continue an interrupted run, use --format jsonl, json or csv with --out FILE; then add --resume.`;
  }
  if (!o.out) return `${head}; the output so far went to stdout, which --resume cannot continue (it needs --out FILE). Run with --out FILE to be able to resume.`;
  return `${head}; results so far are in ${o.out}. Continue with: ${resumeCommand(inputs, o)}`;
}

export async function analyzeCommand(inputs: string[], o: AnalyzeCommandOptions, io: Console): Promise<number> {
  if (!(ANALYZE_FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown format '${o.format}' (use ${ANALYZE_FORMATS.join(', ')})`);
  if (inputs.length === 0) throw new UsageError('no input files given');
  if (o.resume && !o.out) throw new UsageError('--resume needs --out (the output to continue)');
  if (o.resume && o.format === 'table') throw new UsageError('--resume needs --format jsonl, json or csv');
  const jobsLimit = o.jobs === undefined ? availableParallelism() : positiveInt('--jobs', o.jobs);
  const { files, fromFolder } = await expandInputs(inputs);
  if (files.length === 0) throw new UsageError(`no audio files found in ${inputs.join(', ')}`);
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  // Fails early (exit 1) with the folder named; the network itself loads where it runs.
  await readModelCard(modelDir);

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
  // Set by SIGINT/SIGTERM: from then on nothing more is written, the output is being closed.
  let interrupted: keyof typeof SIGNAL_EXIT | null = null;
  const onRecord = async (r: AnalysisRecord) => {
    if (interrupted) return;
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
    if (interrupted) return; // the signal came while plotting: the output is closed
    if (writer) await writer.write(r);
    else tableRows.push(r);
    bar?.increment({ file: path.basename(r.file) });
  };

  const renderTableOutput = async () => {
    const table = renderTable(tableRows, { color: io.isTTY && !process.env.NO_COLOR });
    if (o.out) await writeFile(o.out, renderTable(tableRows, { color: false }));
    else await new Promise((resolve) => io.stdout.write(table, resolve));
  };
  // `timeout`, `docker stop` and systemd send SIGTERM, Ctrl-C SIGINT: either way the results so far
  // are already written; close the output (a JSON array gets its "]"), say how to continue, exit.
  let stopping: Promise<never> | null = null;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    const code = SIGNAL_EXIT[interrupted];
    bar?.stop();
    stopping = (async () => {
      try {
        await closeOutput();
        if (format === 'table') await renderTableOutput();
        io.stderr.write(interruptionHint(inputs, o, writer ? writer.count : tableRows.length, files.length) + '\n');
      } finally {
        process.exit(code);
      }
    })();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const jobs = Math.min(jobsLimit, todo.length);
    if (jobs <= 1) {
      const model = await loadModel(modelDir);
      // One file at a time: a spare core decodes while this thread computes.
      const decodeOnThread = availableParallelism() > 1;
      for (const f of todo) {
        if (interrupted) break;
        try {
          await onRecord(await analyze(f.path, { model, decodeOnThread }));
        } catch (e) {
          await onRecord({ file: f.path, error: describeError(e, o.verbose ?? false) });
        }
      }
    } else {
      await analyzeOnPool(
        todo.map((f) => f.path),
        { modelDir, jobs, onRecord },
      );
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    bar?.stop();
    await closeOutput();
  }
  // Interrupted: the signal handler finishes the output and exits with the signal's code.
  if (stopping) await stopping;
  if (format === 'table') await renderTableOutput();
  if (failures.length) {
    if (todo.length > 1) io.stderr.write(failureSummary(failures, todo.length) + '\n');
    return EXIT.inputFailed;
  }
  return EXIT.ok;
}
