/**
 * `sentio worker`: takes files from the analysis queue (`sentio queue add`) and analyses them as
 * `sentio analyze` does, on `--jobs` worker threads, until stopped. Run any number, on any
 * machines that see the files (`--path-map` when they see them elsewhere).
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_MODEL_DIR, readModelCard } from '../analyze/node.ts';
import { parsePathMap, STALL_DEFAULTS, type PathMap } from '../queue/jobs.ts';
import { AnalysisThreads } from '../queue/threads.ts';
import { startQueueWorker } from '../queue/worker.ts';
import type { Console } from './features.ts';
import { reach, seconds, target, type QueueOptions } from './queue.ts';
import { EXIT, SIGNAL_EXIT, UsageError } from './report.ts';

export interface WorkerCommandOptions extends QueueOptions {
  jobs?: string;
  model?: string;
  pathMap?: string[];
  lockDuration?: string;
  stalledInterval?: string;
  untilDone?: boolean;
}

type StopSignal = keyof typeof SIGNAL_EXIT;

/** Subscribes `handler` to SIGINT and SIGTERM; returns the unsubscribe. */
function onSignals(handler: (s: StopSignal) => void): () => void {
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

export async function workerCommand(o: WorkerCommandOptions, io: Console): Promise<number> {
  const t = target(o);
  const jobs = o.jobs === undefined ? availableParallelism() : Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got '${o.jobs}'`);
  let pathMaps: PathMap[];
  try {
    pathMaps = (o.pathMap ?? []).map(parsePathMap);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const lockDurationMs = seconds(o.lockDuration, '--lock-duration', STALL_DEFAULTS.lockDurationMs);
  const stalledIntervalMs = seconds(o.stalledInterval, '--stalled-interval', STALL_DEFAULTS.stalledIntervalMs);
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  await readModelCard(modelDir);
  const log = (line: string) => void io.stderr.write(line + '\n');

  // A signal during start-up: nothing is taken from the queue yet, so just stop.
  let early: StopSignal | null = null;
  let unsubscribe = onSignals((s) => (early ??= s));
  let threads: AnalysisThreads | null = null;
  try {
    await reach(t);
    threads = await AnalysisThreads.start(modelDir, jobs);
    if (early) return SIGNAL_EXIT[early];
    const analysis = threads;
    const started = performance.now();
    // Threads that cannot be replaced any more: stop taking files (the job in hand is retried elsewhere).
    let fatal: Error | null = null;
    const worker = startQueueWorker({
      address: t.address,
      queue: t.queueName,
      jobs,
      analyze: (p) =>
        analysis.analyze(p).catch((e: Error) => {
          if (analysis.broken && !fatal) {
            fatal = analysis.broken;
            log(`sentio worker: cannot analyse any more: ${fatal.message}; stopping`);
            worker.stop(false);
          }
          throw e;
        }),
      pathMaps,
      lockDurationMs,
      stalledIntervalMs,
      connectTimeoutMs: t.timeoutMs,
      untilDone: o.untilDone,
      log,
    });
    let signal: StopSignal | null = null;
    let signals = 0;
    unsubscribe();
    unsubscribe = onSignals((s) => {
      signals++;
      if (signals === 1) {
        signal = s;
        log(`sentio worker: ${s}: finishing the files in hand, taking no more (${s === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again hands them back to the queue now)`);
        worker.stop(false);
      } else if (signals === 2) {
        log('sentio worker: handing the files in hand back to the queue');
        worker.stop(true);
      } else {
        // Still here (Redis unreachable, say): leave now; the jobs in hand stall and other workers take them.
        process.exit(SIGNAL_EXIT[s]);
      }
    });
    log(`sentio worker: queue '${t.queueName}' at ${t.address.display}, ${jobs} analysis thread${jobs === 1 ? '' : 's'}; Ctrl-C or SIGTERM stops after the files in hand`);
    const summary = await worker.done;
    const took = ((performance.now() - started) / 1000).toFixed(1);
    const how = summary.end === 'done' ? 'the queue is empty' : summary.end === 'handed-back' ? 'jobs in hand handed back' : 'stopped';
    log(`sentio worker: analysed ${summary.analysed} file${summary.analysed === 1 ? '' : 's'}${summary.errors ? ` (${summary.errors} could not be)` : ''} in ${took} s; ${how}`);
    // Set in the signal handler: TypeScript cannot see that, hence the cast.
    const stoppedBy = signal as StopSignal | null;
    if (fatal) return EXIT.inputFailed;
    return stoppedBy ? SIGNAL_EXIT[stoppedBy] : EXIT.ok;
  } finally {
    unsubscribe();
    await threads?.close();
  }
}
