/** The `sentio` command line. */
import { Command, CommanderError, Option } from 'commander';
import { featureSets } from '../features/index.ts';
import { FEATURE_FORMATS } from '../io/features-writer.ts';
import { featuresCommand, type Console } from './features.ts';
import { describeError, EXIT, UsageError } from './report.ts';
import pkg from '../../package.json' with { type: 'json' };

export async function main(argv: string[], io: Console = { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) }): Promise<number> {
  const program = new Command();
  let exitCode: number = EXIT.ok;
  program
    .name('sentio')
    .description('Music emotion recognition: valence and arousal over time, and the features behind them.')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const setList = Object.values(featureSets)
    .map((s) => `  ${s.name.padEnd(14)} ${s.description}`)
    .join('\n');
  program
    .command('features')
    .description('compute a named feature set for audio files or folders')
    .argument('<inputs...>', 'audio files and/or folders (searched recursively)')
    .addOption(new Option('-s, --set <name>', 'feature set').default('logmel'))
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FEATURE_FORMATS]).default('json'))
    .option('-o, --out <path>', 'output file (one input) or folder (several inputs); text formats of one input go to stdout without it')
    .option('--no-progress', 'no progress bar')
    .option('-v, --verbose', 'stack traces on errors')
    .addHelpText('after', `\nFeature sets:\n${setList}\n\nOutput: .npy is float32 [frames, dims]; CSV has a time column then one column per dimension;\nJSON is {"set", "sampleRate", "hopSeconds", "columns", "frames": [[...], ...]}; frame i is at i * hopSeconds.\n\nExit codes: 0 all files processed, 1 some inputs failed (the rest were processed), 2 usage error.`)
    .action(async (inputs: string[], opts: { set: string; format: string; out?: string; progress: boolean; verbose?: boolean }) => {
      exitCode = await featuresCommand(inputs, opts, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help / --version exit with 0; parse errors are usage errors.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`sentio: ${e.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`sentio: ${describeError(e, argv.includes('--verbose') || argv.includes('-v'))}\n`);
    return EXIT.inputFailed;
  }
  return exitCode;
}
