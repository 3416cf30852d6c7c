/** The `sentio` command line. */
import { Command, CommanderError, Option } from 'commander';
// Only light modules are imported here, so `sentio --help` starts fast; each command loads its
// own code (tfjs, decoders, plotting, training) when it runs.
import { featureSets } from '../features/index.ts';
import { FEATURE_FORMATS } from '../io/features-writer.ts';
import { ANALYZE_FORMATS, OUTPUT_FORMATS } from '../analyze/format.ts';
import { PCM_ENCODINGS } from '../audio/pcm.ts';
import { FINAL_STATES } from '../light/types.ts';
import { DATASET_NAMES } from '../data/index.ts';
import { SPLIT_CHOICES } from '../data/types.ts';
import { OBJECTIVES } from '../train/objectives.ts';
import { DEFAULT_QUEUE, STALL_DEFAULTS } from '../queue/jobs.ts';
import { VERSION } from '../version.ts';
import type { analyzeCommand } from './analyze.ts';
import type { Console } from './features.ts';
import type { trainCommand } from './train.ts';
import type { evalCommand } from './eval.ts';
import type { searchCommand } from './search.ts';
import type { liveCommand, LiveIo } from './live.ts';
import type { lightsTestCommand } from './lights.ts';
import type { queueAddCommand, queueResultsCommand, queueStatusCommand } from './queue.ts';
import type { workerCommand } from './worker.ts';
import type { serveCommand } from './serve.ts';
import { registerReproduceCommand } from './reproduce.ts';
import { describeError, EXIT, UsageError } from './report.ts';

/** What `sentio live` needs beyond a Console; taken from the process unless a caller (a test) gives it. */
function liveIo(io: Console & Partial<LiveIo>): LiveIo & { release(): void } {
  if (io.stdin && io.stopSignal) return { ...io, stdin: io.stdin, stopSignal: io.stopSignal, stdoutIsTTY: io.stdoutIsTTY ?? false, release: () => {} };
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    onSignal = (s) => {
      // A second Ctrl-C while the lights are being left in their final state: stop now.
      process.once('SIGINT', () => process.exit(130));
      resolve(s as 'SIGINT' | 'SIGTERM');
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  return {
    ...io,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stopSignal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A read blocked on stdin would keep the process alive after the run.
      process.stdin.destroy();
    },
  };
}

export async function main(argv: string[], io: Console & Partial<LiveIo> = { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) }): Promise<number> {
  const program = new Command();
  let exitCode: number = EXIT.ok;
  program
    .name('sentio')
    .description('Music emotion recognition: valence and arousal over time, and the features behind them.')
    .version(VERSION)
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
      exitCode = await (await import('./features.ts')).featuresCommand(inputs, opts, io);
    });

  program
    .command('analyze')
    .description('how the music feels: valence/arousal every 0.5 s and per song, quadrant, mood, tempo and colour')
    .argument('<inputs...>', 'audio files and/or folders (searched recursively); your shell expands globs')
    .option('-m, --model <dir>', 'model folder (default: the bundled model, models/default)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...ANALYZE_FORMATS]).default('table'))
    .option('-o, --out <path>', 'output file (default: stdout)')
    .option('-p, --plot <png>', 'draw the circumplex trajectory and timelines as PNG (a folder when there are several inputs)')
    .option('--resume', 'skip files already in --out (jsonl, json or csv) and append the rest')
    .option('-j, --jobs <n>', 'worker threads for several files (default: number of cores)')
    .option('--no-progress', 'no progress bar')
    .option('-v, --verbose', 'stack traces on errors')
    .addHelpText('after', `\nOutput: table (for people), jsonl (one JSON object per file), json (an array of them), csv (one row per 0.5 s).\nEach JSON object: {"file", "duration", "hopSeconds": 0.5, "timeline": [{"time", "valence", "arousal"}],\n"silence": [{"start", "end"}], "summary": {"valence", "arousal", "quadrant", "quadrantProbabilities", "tempo", "color"}};\na failed file is {"file", "error"}. Stretches of 4 s or more below -60 dBFS are silence: valence 0, arousal -1,\nlisted in "silence", left out of the summary (all silent: quadrant and tempo null).\n\nExit codes: 0 all files analysed, 1 some inputs failed (the rest were written), 2 usage error,\n130 Ctrl-C (SIGINT), 143 SIGTERM: the output so far is closed and valid; continue with --resume.`)
    .action(async (inputs: string[], opts: Parameters<typeof analyzeCommand>[1]) => {
      exitCode = await (await import('./analyze.ts')).analyzeCommand(inputs, opts, io);
    });

  program
    .command('train')
    .description('train from a JSON recipe: a window model with cross-validation (e.g. models/default/train.json) or, with "recipe": "sequence", a sequence model on per-0.5 s labels (e.g. models/examples/crnn-deam.json)')
    .requiredOption('-c, --config <file>', 'training recipe (JSON)')
    .option('-o, --out <dir>', 'model folder to write (default: the recipe\'s "out")')
    .option('--cv-only', 'only cross-validate, write no model')
    .option('--no-cv', 'skip cross-validation (no metrics or calibration in the card)')
    .option('--report <file>', 'also write the cross-validation report (.md, .csv or .json)')
    .option('--work <dir>', 'folder for the run\'s state (default: <out>/.train-work; with --cv-only, .train-work-<recipe> next to the recipe)')
    .option('--resume', 'continue the interrupted run in the work folder (same recipe required)')
    .addHelpText('after', `\nThe work folder keeps each finished fold's out-of-fold predictions, each finished network and the running\nnetwork's checkpoint (saved every epoch). Ctrl-C stops at the next batch, keeps the last finished epoch and\nexits with 130; the same command with --resume skips what is finished and continues the interrupted network,\nto the same model and metrics as an uninterrupted run. The folder is deleted when the run completes.\n\nExit codes: 0 done, 1 error, 2 usage error (also: --resume with a different recipe), 130 interrupted.`)
    .action(async (opts: Parameters<typeof trainCommand>[0]) => {
      exitCode = await (await import('./train.ts')).trainCommand(opts, io);
    });

  program
    .command('eval')
    .description('score a model folder on a labelled dataset: song level (regression + quadrants) and the 0.5 s timeline')
    .option('-m, --model <dir>', 'model folder (default: the bundled model, models/default)')
    .requiredOption('-d, --data <path>', 'dataset folder (or manifest CSV for --dataset manifest)')
    .addOption(new Option('--dataset <name>', 'dataset loader').choices([...DATASET_NAMES]).makeOptionMandatory())
    .addOption(new Option('--split <split>', "songs of the dataset's official split").choices([...SPLIT_CHOICES]).default('all'))
    .option('--limit <n>', 'only the first n songs (in dataset order), for a quick check')
    .option('--report <file>', 'also write the report (.md, .csv or .json)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', `\nSong level: the mean of the model's timeline against the static labels (RMSE, MAE, R², r, CCC,\nemotion accuracy; quadrant accuracy, macro-F1 and confusion). Timeline: with per-0.5 s labels, each label\npaired with the 0.5 s segment containing its time, all frames pooled.\n\nExit codes: 0 all songs evaluated, 1 some audio failed (reported and skipped), 2 usage error.`)
    .action(async (opts: Parameters<typeof evalCommand>[0]) => {
      exitCode = await (await import('./eval.ts')).evalCommand(opts, io);
    });

  program
    .command('search')
    .description('grid or random hyper-parameter search over a training recipe, one cross-validation per trial')
    .requiredOption('-c, --config <file>', 'training recipe (JSON), as for sentio train')
    .requiredOption('-s, --space <file>', 'search space (JSON): {"key": [values], "options.name": [values] | {"min", "max", "log"?, "int"?}}')
    .requiredOption('-o, --out <dir>', 'folder for trials.csv, best.json and the final model')
    .addOption(new Option('--mode <mode>', 'grid: every combination; random: seeded draws').choices(['grid', 'random']).default('grid'))
    .option('--trials <n>', 'random: number of trials (default 10); grid: at most the first n combinations')
    .option('--seed <s>', "random: seed of the draws (default: the recipe's seed)")
    .option('--folds <k>', "cross-validation folds per trial (default: the recipe's)")
    .addOption(new Option('--metric <name>', 'objective').choices(Object.keys(OBJECTIVES)).default('macroF1'))
    .addOption(new Option('--direction <dir>', "max or min (default: the metric's own: min for RMSE, max otherwise)").choices(['max', 'min']))
    .option('--resume', 'continue the search in --out, skipping trials already in trials.csv')
    .option('--no-train', 'write best.json but train no final model')
    .option('--report <file>', 'also write the trials table (.md, .csv or .json)')
    .addHelpText('after', `\nEach finished trial is appended to DIR/trials.csv at once (trial, searched values, mean and std over folds\nof macroF1, accuracy, arousalHalf, valenceHalf, valenceRmse, arousalRmse, valenceR, arousalR, seconds), so an\ninterrupted search keeps its finished trials and --resume runs only the rest.`)
    .action(async (opts: Parameters<typeof searchCommand>[0]) => {
      exitCode = await (await import('./search.ts')).searchCommand(opts, io);
    });

  program
    .command('live')
    .description('live: music in (raw PCM on stdin, or a file), emotion and light out every 0.5 s — terminal view, JSON Lines, WLED, MQTT / Home Assistant, Hue, WebSocket')
    .argument('[input]', "audio file to play through; '-' or nothing: raw PCM on stdin")
    .option('-m, --model <dir>', 'model folder (default: the bundled model, models/default)')
    .option('--rate <hz>', 'stdin: sample rate (default 44100)')
    .option('--channels <n>', 'stdin: interleaved channels, averaged (default 2)')
    .addOption(new Option('--encoding <enc>', 'stdin: sample encoding (default s16le)').choices([...PCM_ENCODINGS]))
    .option('--realtime', 'a file: play it at real-time pace (default: as fast as possible)')
    .option('--jsonl', 'one JSON object per 0.5 s point on stdout (the view then goes to stderr)')
    .option('--no-view', 'no terminal view')
    .option('-c, --config <file>', 'light configuration (JSON): colour, smoothing, final, delayMs, sinks — see README "Live"')
    .option('--wled <host[:port]>', 'drive a WLED strip over DDP (port 4048)')
    .option('--pixels <n>', 'pixels of the --wled strip (default 30)')
    .option('--home-assistant <url>', 'publish valence, arousal, quadrant, mood and colour to Home Assistant (MQTT discovery), e.g. mqtt://127.0.0.1:1883')
    .option('--mqtt-light <url>', 'drive an MQTT light speaking the Home Assistant JSON schema (with --mqtt-topic)')
    .option('--mqtt-topic <topic>', 'command topic of the --mqtt-light, e.g. zigbee2mqtt/living-lamp/set')
    .option('--websocket <[host:]port>', 'broadcast every frame as JSON to WebSocket clients (host 127.0.0.1 unless given)')
    .addOption(new Option('--final <state>', "what the lights are left showing: keep the last colour, restore the device's own state, or off (default: the config's, else restore)").choices([...FINAL_STATES]))
    .addOption(new Option('--startup <mode>', 'first 4 s: short-window (on time, from the audio so far) or full-window (wait for 8 s, as offline)').choices(['short-window', 'full-window']).default('short-window'))
    .option('-v, --verbose', 'stack traces on errors')
    .addHelpText('after', `
Examples:
  arecord -f S16_LE -r 44100 -c 2 | sentio live --rate 44100 --channels 2
  parec --format=s16le --rate=44100 --channels=2 | sentio live
  sox -d -t raw -e signed -b 16 -r 48000 -c 2 - | sentio live --rate 48000
  ffmpeg -i song.flac -f s16le -ac 2 -ar 44100 - | sentio live --jsonl > moods.jsonl
  sentio live song.mp3 --realtime --wled 192.168.1.40 --pixels 60
  arecord -f S16_LE -r 48000 -c 2 | sentio live --rate 48000 --config lights.json   (all sink types: docs/lights.example.json)

Each point (JSON Lines): {"time", "valence", "arousal", "quadrant", "color", "levelDb", "latestLevelDb",
"emittedAt", "windowSeconds", "silent"} (silent: in a stretch of 4 s or more below -60 dBFS, as sentio analyze). A point describes the 8 s around its 0.5 s segment and is emitted 4.25 s after
the segment starts; the first 4 s come from shorter windows unless --startup full-window.

Exit codes: 0 end of input, 1 bad audio, 2 usage or config error, 130 Ctrl-C (SIGINT), 143 SIGTERM.`)
    .action(async (input: string | undefined, opts: Parameters<typeof liveCommand>[1]) => {
      const live = liveIo(io);
      try {
        exitCode = await (await import('./live.ts')).liveCommand(input, opts, live);
      } finally {
        live.release();
      }
    });

  program
    .command('serve')
    .description('serve the web page on this machine; with a light config, the live points of the page drive the lights (WLED, MQTT / Home Assistant, Hue, WebSocket)')
    .option('-p, --port <port>', 'port (0: any free one)', '8080')
    .option('--host <address>', 'address to listen on: 127.0.0.1 is this machine only; 0.0.0.0 (or an address of this machine) opens it to the network', '127.0.0.1')
    .option('--allow-host <name>', 'one more name the page is opened at (a DNS name, a reverse proxy); repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--root <dir>', "folder to serve (default: the package's own dist/web)")
    .option('-c, --config <file>', 'light configuration (JSON), as for sentio live: colour, smoothing, final, delayMs, sinks')
    .option('--wled <host[:port]>', 'drive a WLED strip over DDP (port 4048)')
    .option('--pixels <n>', 'pixels of the --wled strip (default 30)')
    .option('--home-assistant <url>', 'publish to Home Assistant (MQTT discovery), e.g. mqtt://127.0.0.1:1883')
    .option('--mqtt-light <url>', 'drive an MQTT light speaking the Home Assistant JSON schema (with --mqtt-topic)')
    .option('--mqtt-topic <topic>', 'command topic of the --mqtt-light')
    .option('--websocket <[host:]port>', 'broadcast every frame as JSON to WebSocket clients')
    .addOption(new Option('--final <state>', "what the lights are left showing at the end (default: the config's, else restore)").choices([...FINAL_STATES]))
    .option('-v, --verbose', 'stack traces on errors')
    .addHelpText('after', `
Examples:
  sentio serve                                  # http://127.0.0.1:8080/: the page, analysis in the browser
  sentio serve --config lights.json             # and the page's live points drive these lights
  sentio serve --wled 192.168.1.40 --pixels 60 --final off
  sentio serve --host 0.0.0.0 --port 8080       # reachable from the network (a warning says so)

The page finds the bridge at GET /sentio-serve.json ({"bridge": true, "token"} with lights, {"bridge": false}
without) and sends one point per 0.5 s over the WebSocket /bridge?token=... Only this server's own page may
connect (its Origin, the per-run token); the newest connection drives the lights.

Exit codes: 1 the page is not built or the port cannot be used, 2 usage or config error,
130 Ctrl-C (SIGINT), 143 SIGTERM: the lights were left in their final state.`)
    .action(async (opts: Parameters<typeof serveCommand>[0]) => {
      exitCode = await (await import('./serve.ts')).serveCommand(opts, io);
    });

  const lights = program.command('lights').description('check the lights that sentio live drives');
  lights
    .command('test')
    .description('flash every configured light white once, then leave it in its final state; report which are reachable')
    .option('-c, --config <file>', 'light configuration (JSON), as for sentio live')
    .option('--wled <host[:port]>', 'a WLED strip over DDP')
    .option('--pixels <n>', 'pixels of the --wled strip (default 30)')
    .option('--home-assistant <url>', 'the Home Assistant publisher at this MQTT broker')
    .option('--mqtt-light <url>', 'an MQTT light (with --mqtt-topic)')
    .option('--mqtt-topic <topic>', 'command topic of the --mqtt-light')
    .option('--websocket <[host:]port>', 'the WebSocket server')
    .option('--seconds <s>', 'how long the flash lasts', '1')
    .addHelpText('after', '\nExit codes: 0 every light reachable, 1 some offline (listed), 2 usage or config error.')
    .action(async (opts: Parameters<typeof lightsTestCommand>[0]) => {
      exitCode = await (await import('./lights.ts')).lightsTestCommand(opts, io);
    });

  /** --redis, --queue and --connect-timeout, which every queue command and the worker take. */
  const redisOptions = (command: Command) =>
    command
      .addOption(new Option('--redis <url>', 'the Redis server: redis://[user:password@]host[:port][/db] (rediss:// for TLS)').makeOptionMandatory())
      .addOption(new Option('--queue <name>', 'queue name').default(DEFAULT_QUEUE))
      .addOption(new Option('--connect-timeout <s>', 'give up on an unreachable Redis after this many seconds').default('5'));
  const queue = program
    .command('queue')
    .description('analyse a large library on many machines: a job queue on Redis that any number of `sentio worker`s take files from')
    .addHelpText('after', `\nStart Redis with its append-only file on (redis-server --appendonly yes), then:\n  sentio queue add music/ --redis redis://host:6379        one job per audio file (again: only new files)\n  sentio worker --redis redis://host:6379 --jobs 4           on every machine that sees the files\n  sentio queue status --redis redis://host:6379\n  sentio queue results --redis redis://host:6379 --out moods.jsonl`);
  redisOptions(queue.command('add'))
    .description('add one job per audio file; files already queued or done are not added again')
    .argument('<inputs...>', 'audio files, folders (searched recursively) and manifests (.txt: one path per line, relative to the manifest)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', '\nJobs are named by the absolute path of their file. Exit codes: 0 added, 2 usage error or Redis unreachable.')
    .action(async (inputs: string[], opts: Parameters<typeof queueAddCommand>[1]) => {
      exitCode = await (await import('./queue.ts')).queueAddCommand(inputs, opts, io);
    });
  redisOptions(queue.command('status'))
    .description('files waiting, being analysed, done and failed; workers, throughput and ETA')
    .option('--json', 'one JSON object instead of the table')
    .action(async (opts: Parameters<typeof queueStatusCommand>[0]) => {
      exitCode = await (await import('./queue.ts')).queueStatusCommand(opts, io);
    });
  redisOptions(queue.command('results'))
    .description('write the result of every analysed file, one record per file, as sentio analyze writes it')
    .option('-o, --out <path>', 'output file (default: stdout)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...OUTPUT_FORMATS]).default('jsonl'))
    .option('--resume', 'keep the results already in --out and add only the others')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', '\nA file the queue gave up on is written as its {"file", "error"}. Exit codes: 0 written, 1 some files could not\nbe analysed (their error records were written), 2 usage error or Redis unreachable.')
    .action(async (opts: Parameters<typeof queueResultsCommand>[0]) => {
      exitCode = await (await import('./queue.ts')).queueResultsCommand(opts, io);
    });

  redisOptions(program.command('worker'))
    .description('analyse files from the queue (sentio queue add) as sentio analyze does, until stopped; run any number on any machines')
    .option('-j, --jobs <n>', 'files analysed at once, one worker thread each (default: number of cores)')
    .option('-m, --model <dir>', 'model folder (default: the bundled model); every worker of a queue should use the same')
    .option('--path-map <from=to>', 'read queued paths under FROM from TO on this machine (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--lock-duration <s>', `seconds a job stays locked without renewal; a dead worker's jobs are taken over within this plus --stalled-interval (default ${STALL_DEFAULTS.lockDurationMs / 1000})`)
    .option('--stalled-interval <s>', `seconds between checks for jobs of dead workers (default ${STALL_DEFAULTS.stalledIntervalMs / 1000})`)
    .option('--until-done', 'exit (code 0) once no file is waiting or being analysed anywhere')
    .addHelpText('after', '\nA file that cannot be analysed is done, with its {"file", "error"} as result (not retried).\nStopping: SIGTERM or Ctrl-C finishes the files in hand and exits with 143 / 130; a second signal hands them back to\nthe queue at once, a third exits at once. A killed worker\'s files go to other workers once its locks expire.\n\nExit codes: 0 --until-done and the queue is empty, 1 the model does not load, 2 usage error or Redis unreachable,\n130 Ctrl-C (SIGINT), 143 SIGTERM.')
    .action(async (opts: Parameters<typeof workerCommand>[0]) => {
      exitCode = await (await import('./worker.ts')).workerCommand(opts, io);
    });

  registerReproduceCommand(program, io, (code) => {
    exitCode = code;
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
