/**
 * A pool of worker threads analysing files for `sentio analyze` on folders. Each worker
 * loads the model once and analyses the files it is sent one after another.
 *
 * Throughput comes from never letting a worker wait: each holds `queueDepth` files (the one
 * it is analysing and the next), so it starts the next file while the main thread writes the
 * last result. Files go out longest first, so a long file does not start last and leave the
 * other workers idle at the end. A worker that dies (out of memory, a crash in a decoder)
 * fails only the file it was analysing: its queued files go back to the pool and a fresh
 * worker takes its place.
 */
import { stat } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../worker-thread.ts';
import type { AnalysisRecord } from './format.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

export interface PoolOptions {
  /** Model folder each worker loads. */
  modelDir: string;
  /** Worker threads. */
  jobs: number;
  /** Files held by each worker at once (analysing + waiting). Default 2. */
  queueDepth?: number;
  /** Called with each result or failure in completion order; calls never overlap. */
  onRecord: (record: AnalysisRecord) => Promise<void>;
  /** The worker script (default: the analysis worker, `worker.ts`); any script speaking its messages works. */
  workerUrl?: URL;
}

const WORKER_URL = siblingModule(import.meta.url, 'worker');

/** The record of a file whose worker thread died while analysing it. */
export function crashedRecord(path: string, reason: string): AnalysisRecord {
  return { file: path, error: `${path}: analysis crashed its worker thread (${reason})` };
}

/** Thrown when a worker cannot start (e.g. the model does not load): nothing can be analysed. */
export class PoolStartError extends Error {}

/** Orders `paths` longest first by file size (unreadable files keep their place at the end). */
export async function longestFirst(paths: readonly string[]): Promise<string[]> {
  const sizes = await Promise.all(paths.map((p) => stat(p).then((s) => s.size, () => -1)));
  return paths.map((p, i) => ({ p, size: sizes[i], i })).sort((a, b) => b.size - a.size || a.i - b.i).map((x) => x.p);
}

/** Analyses `paths` on worker threads; resolves when every file has a record. */
export async function analyzeOnPool(paths: readonly string[], o: PoolOptions): Promise<void> {
  const queueDepth = o.queueDepth ?? 2;
  const todo = await longestFirst(paths);
  let nextFile = 0;
  const retry: string[] = [];
  let remaining = todo.length;
  let writes = Promise.resolve();
  let failed: Error | null = null;

  const takeFile = (): string | undefined => retry.shift() ?? (nextFile < todo.length ? todo[nextFile++] : undefined);

  return new Promise<void>((resolve, reject) => {
    const finishIfDone = () => {
      if (remaining === 0) void writes.then(resolve, reject);
    };
    const record = (r: AnalysisRecord) => {
      remaining--;
      writes = writes.then(() => o.onRecord(r));
      writes.catch((e: Error) => fail(e));
    };
    const live = new Set<Worker>();
    const fail = (e: Error) => {
      if (failed) return;
      failed = e;
      for (const w of live) void w.terminate();
      reject(e);
    };

    const start = () => {
      const worker = startWorker(o.workerUrl ?? WORKER_URL, { modelDir: o.modelDir });
      live.add(worker);
      /** Files sent to this worker and not answered yet, in the order it analyses them. */
      const inFlight: { id: number; path: string }[] = [];
      let ready = false;
      let nextId = 0;
      const top = () => {
        while (!failed && inFlight.length < queueDepth) {
          const path = takeFile();
          if (path === undefined) break;
          const job = { id: nextId++, path };
          inFlight.push(job);
          worker.postMessage(job satisfies WorkerRequest);
        }
        if (inFlight.length === 0) {
          live.delete(worker);
          void worker.terminate();
        }
      };
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') {
          ready = true;
          return top();
        }
        if (m.kind === 'fatal') return fail(new PoolStartError(m.error));
        const i = inFlight.findIndex((j) => j.id === m.id);
        if (i >= 0) inFlight.splice(i, 1);
        // Send the next file before the result is written: the worker never waits on the output.
        top();
        record(m.kind === 'result' ? m.result : m.failure);
        finishIfDone();
      });
      let lost = false;
      const onLost = (reason: string) => {
        if (lost) return;
        lost = true;
        live.delete(worker);
        if (!ready) return fail(new PoolStartError(`worker thread failed to start: ${reason}`));
        // The worker analyses in order: the first file in flight is the one it died on.
        const [dead, ...queued] = inFlight.splice(0);
        retry.push(...queued.map((j) => j.path));
        if (dead) record(crashedRecord(dead.path, reason));
        finishIfDone();
        if (remaining > 0 && !failed && live.size < o.jobs) start();
      };
      worker.on('error', (e) => onLost(e.message));
      worker.on('exit', (code) => {
        // Exits we asked for happen with nothing in flight; any other is a loss.
        if (inFlight.length > 0 || !ready) onLost(`exit code ${code}`);
      });
    };

    if (todo.length === 0) return resolve();
    for (let i = 0; i < Math.min(o.jobs, todo.length); i++) start();
  });
}
