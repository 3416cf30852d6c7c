/**
 * `sentio reproduce <paper> --data PATH`: re-runs a source paper's protocol on its dataset
 * and prints the paper's table with our numbers beside it (Markdown on stdout, progress
 * on stderr, `--report FILE` as .md/.csv/.json). The overrides (`--seeds`, `--epochs`,
 * `--lengths`, `--members`, `--features`) exist for quick checks; the report flags them as
 * leaving the protocol.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Argument, Option, type Command } from 'commander';
import { readIdList } from '../data/deam.ts';
import type { BackendName } from '../models/backend.ts';
import { PAPERS, type MalikFeatures, type PaperName, type ReproduceOptions } from '../reproduce/index.ts';
import type { ReproduceReport } from '../reproduce/table.ts';
import { positiveInt } from './options.ts';
import type { Console } from './features.ts';
import { EXIT, UsageError } from './report.ts';

/** The runner of each paper, loaded only when it runs (training pulls in tfjs). */
const RUNNERS: Record<PaperName, (o: ReproduceOptions) => Promise<ReproduceReport>> = {
  malik2017: async (o) => (await import('../reproduce/malik2017.ts')).runMalik2017(o),
  havranek2021: async (o) => (await import('../reproduce/havranek2021.ts')).runHavranek2021(o),
};

/** Options as commander hands them over (strings until parsed here). */
export interface ReproduceCommandOptions {
  data: string;
  seeds?: string;
  epochs?: string;
  lengths?: string;
  features?: string;
  members?: string;
  audioDir?: string;
  developmentIds?: string;
  report?: string;
  backend?: BackendName;
  cache?: string;
  progress?: boolean;
}

/** `--lengths 10,30` → [10, 30] (positive integers, no repeats). */
function parseLengths(value: string): number[] {
  const lengths = value.split(',').map((v) => positiveInt('--lengths', v.trim()));
  return [...new Set(lengths)];
}

/** `--features baseline,logmel` → the Malik feature sets. */
function parseFeatures(value: string): MalikFeatures[] {
  const out = value.split(',').map((v) => v.trim());
  for (const f of out) if (f !== 'baseline' && f !== 'logmel') throw new UsageError(`--features: unknown feature set '${f}' (expected baseline, logmel)`);
  return [...new Set(out)] as MalikFeatures[];
}

/** The dataset folder must exist: a typo should fail at once, naming the path. */
function checkDataPath(data: string): void {
  if (!existsSync(data)) throw new UsageError(`--data ${data}: no such file or folder`);
  if (!statSync(data).isDirectory()) throw new UsageError(`--data ${data}: not a folder (give the dataset's root folder)`);
}

/** Turns the command-line options into {@link ReproduceOptions}; usage errors for bad values. */
export function parseReproduceOptions(paper: PaperName, o: ReproduceCommandOptions, log: (line: string) => void): ReproduceOptions {
  checkDataPath(o.data);
  if (paper !== 'malik2017' && (o.features || o.developmentIds)) throw new UsageError('--features and --development-ids apply to malik2017 only');
  if (paper !== 'havranek2021' && (o.members || o.audioDir)) throw new UsageError('--members and --audio-dir apply to havranek2021 only');
  if (o.audioDir && !existsSync(o.audioDir)) throw new UsageError(`--audio-dir ${o.audioDir}: no such folder`);
  let developmentIds: string[] | undefined;
  if (o.developmentIds) {
    if (!existsSync(o.developmentIds)) throw new UsageError(`--development-ids ${o.developmentIds}: no such file`);
    developmentIds = readIdList(o.developmentIds);
    if (developmentIds.length === 0) throw new UsageError(`--development-ids ${o.developmentIds}: no song ids in the file`);
  }
  return {
    dataPath: o.data,
    seeds: o.seeds === undefined ? undefined : positiveInt('--seeds', o.seeds),
    epochs: o.epochs === undefined ? undefined : positiveInt('--epochs', o.epochs),
    lengths: o.lengths === undefined ? undefined : parseLengths(o.lengths),
    features: o.features === undefined ? undefined : parseFeatures(o.features),
    members: o.members === undefined ? undefined : positiveInt('--members', o.members),
    audioDir: o.audioDir,
    developmentIds,
    backend: o.backend,
    cacheDir: o.cache,
    log,
  };
}

/** Runs one paper's protocol; the Markdown report goes to stdout, `--report` to a file. */
export async function reproduceCommand(paper: PaperName, o: ReproduceCommandOptions, io: Console): Promise<number> {
  const log = o.progress === false ? () => {} : (line: string) => io.stderr.write(`${line}\n`);
  const options = parseReproduceOptions(paper, o, log);
  const report = await RUNNERS[paper](options);
  const { formatReport, reportToMarkdown } = await import('../reproduce/table.ts');
  io.stdout.write(reportToMarkdown(report));
  if (o.report) {
    await writeFile(o.report, formatReport(report, o.report));
    log(`wrote ${o.report}`);
  }
  return EXIT.ok;
}

/** Adds `sentio reproduce` to the program; `setExit` receives the command's exit code. */
export function registerReproduceCommand(program: Command, io: Console, setExit: (code: number) => void): void {
  program
    .command('reproduce')
    .description("re-run a source paper's protocol on its dataset and print the paper's table beside ours")
    .addArgument(new Argument('<paper>', 'malik2017 (DEAM) or havranek2021 (1000 Songs database)').choices([...PAPERS]))
    .requiredOption('-d, --data <path>', 'dataset root: DEAM for malik2017, the 1000 Songs database for havranek2021')
    .option('--seeds <n>', 'runs with seeds 1..n (default 5, as in both papers)')
    .option('--epochs <n>', 'epochs per network (default: malik2017 up to 100 with early stopping, havranek2021 5)')
    .option('--lengths <list>', 'malik2017: sequence lengths, comma-separated (default 60,30,20,10)')
    .option('--features <list>', 'malik2017: baseline and/or logmel (default both, as far as the DEAM folder has features/ and audio)')
    .option('--development-ids <file>', "malik2017: ids of the MediaEval 2015 development clips (the paper's 431), one per line")
    .option('--members <n>', 'havranek2021: networks per ensemble (default 5)')
    .option('--audio-dir <dir>', 'havranek2021: folder of the <id>.mp3 clips (default <data>/clips)')
    .option('--report <file>', 'also write the report (.md, .csv or .json)')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu']).default('wasm'))
    .option('--cache <dir>', 'feature cache for features computed from audio (default .cache/features)')
    .option('--no-progress', 'no progress lines on stderr')
    .option('-v, --verbose', 'stack traces on errors')
    .addHelpText(
      'after',
      `\nOutput: the paper's tables in Markdown with a "(paper)" and an "(ours)" column per metric (mean ± std over\nthe seeds). Overrides of --seeds/--epochs/--lengths/--members/--features are listed in the report as\nleaving the paper's protocol. See README "Reproducing the papers".\n\nExit codes: 0 done, 1 the run failed (e.g. unreadable dataset), 2 usage error (e.g. --data does not exist).`,
    )
    .action(async (paper: PaperName, opts: ReproduceCommandOptions) => {
      setExit(await reproduceCommand(paper, opts, io));
    });
}
