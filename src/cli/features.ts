/** `sentio features`: audio files or folders → feature matrices as .npy, CSV or JSON. */
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { getFeatureSet } from '../features/index.ts';
import { extractFeaturesFromFile } from '../features/extract-file.ts';
import { FEATURE_FORMATS, writeFeatures, writeFeaturesFile, type FeatureFormat } from '../io/features-writer.ts';
import { expandInputs } from './inputs.ts';
import { fileProgress, printAbove } from './progress.ts';
import { describeError, EXIT, failureSummary, UsageError, type Failure } from './report.ts';

export interface FeaturesCommandOptions {
  set: string;
  format: string;
  out?: string;
  verbose?: boolean;
  progress?: boolean;
}

export interface Console {
  stdout: Writable;
  stderr: Writable;
  /** Whether stderr is a terminal (progress bar). */
  isTTY: boolean;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function featuresCommand(inputs: string[], o: FeaturesCommandOptions, io: Console): Promise<number> {
  const set = (() => {
    try {
      return getFeatureSet(o.set);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  })();
  if (!FEATURE_FORMATS.includes(o.format as FeatureFormat)) throw new UsageError(`unknown format '${o.format}' (use ${FEATURE_FORMATS.join(', ')})`);
  const format = o.format as FeatureFormat;
  if (inputs.length === 0) throw new UsageError('no input files given');
  const { files, fromFolder } = await expandInputs(inputs);
  if (files.length === 0) throw new UsageError(`no audio files found in ${inputs.join(', ')}`);
  const single = files.length === 1 && !fromFolder;
  // One file may go to stdout (text formats) or to a file; several go into a folder.
  let outDir: string | null = null;
  let outFile: string | null = null;
  if (single) {
    if (o.out && (await isDirectory(o.out))) outDir = o.out;
    else if (o.out) outFile = o.out;
    else if (format === 'npy') throw new UsageError('--format npy writes binary: give --out PATH');
  } else {
    if (!o.out) throw new UsageError(`${files.length} input files: give --out DIR for the output folder`);
    outDir = o.out;
  }
  if (outDir) await mkdir(outDir, { recursive: true });
  if (outFile) await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });

  // Files go one after another: with a second core, each is decoded there while this thread
  // computes the features of what is already decoded.
  const decodeOnThread = availableParallelism() > 1;
  const bar = fileProgress(io, 'features', (o.progress ?? true) && files.length > 1);
  bar?.start(files.length, 0, { file: '' });
  const failures: Failure[] = [];
  for (const f of files) {
    bar?.update({ file: path.basename(f.path) });
    try {
      const r = await extractFeaturesFromFile(f.path, set, { decodeOnThread });
      if (r.peak === 0) printAbove(io, bar, `warning: ${f.path}: audio is digital silence; features are at their floor values`);
      if (outDir) {
        const target = path.join(outDir, `${f.relative}.${set.name}.${format}`);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFeaturesFile(target, r.features, format);
      } else if (outFile) await writeFeaturesFile(outFile, r.features, format);
      else await writeFeatures(io.stdout, r.features, format);
    } catch (e) {
      failures.push({ file: f.path, reason: describeError(e, false) });
      printAbove(io, bar, `sentio: ${describeError(e, o.verbose ?? false)}`);
    }
    bar?.increment();
  }
  bar?.stop();
  if (failures.length) {
    if (files.length > 1) io.stderr.write(failureSummary(failures, files.length) + '\n');
    return EXIT.inputFailed;
  }
  return EXIT.ok;
}
