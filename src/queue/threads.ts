/**
 * The analysis threads of a `sentio worker`: the worker threads of `sentio analyze`'s pool
 * (`src/analyze/worker.ts`: loads the model once, analyses the paths it is sent), each given one
 * file at a time as jobs arrive from the queue. The records are what the pool produces for the
 * same file, so a file's result is the one `sentio analyze` writes for it. A thread that dies
 * fails only the file it was on, with the pool's message, and a fresh thread takes its place.
 */
import type { Worker } from 'node:worker_threads';
import type { AnalysisRecord } from '../analyze/format.ts';
import { crashedRecord, PoolStartError } from '../analyze/pool.ts';
import type { WorkerReply, WorkerRequest } from '../analyze/worker.ts';
import { siblingModule, startWorker } from '../worker-thread.ts';

/** The pool's thread script, as TypeScript under tsx or compiled in dist/, as this module runs. */
const WORKER_URL = siblingModule(import.meta.url, '../analyze/worker');

interface Slot {
  worker: Worker;
  /** The file being analysed and how to answer for it; null while idle. */
  job: { id: number; path: string; done: (r: AnalysisRecord) => void } | null;
}

export class AnalysisThreads {
  private readonly idle: Slot[] = [];
  /** Callers waiting for a free thread; given null when none will come (closed or broken). */
  private readonly waiting: ((slot: Slot | null) => void)[] = [];
  private readonly all = new Set<Slot>();
  private nextId = 0;
  private closed = false;
  /** Set when a replacement thread could not start: every later call fails with it. */
  private brokenBy: Error | null = null;

  private constructor(
    private readonly modelDir: string,
    private readonly workerUrl: URL,
  ) {}

  /** Why no more files can be analysed (a thread died and its replacement did not start), or null. */
  get broken(): Error | null {
    return this.brokenBy;
  }

  /**
   * Starts `size` threads and resolves once each has loaded the model; rejects with
   * {@link PoolStartError} if one cannot. `workerUrl`: another script speaking the pool's messages.
   */
  static async start(modelDir: string, size: number, workerUrl: URL = WORKER_URL): Promise<AnalysisThreads> {
    const threads = new AnalysisThreads(modelDir, workerUrl);
    try {
      await Promise.all(Array.from({ length: size }, () => threads.spawn()));
    } catch (e) {
      await threads.close();
      throw e;
    }
    return threads;
  }

  /** A new thread, added to the idle ones once it is ready. */
  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(this.workerUrl, { modelDir: this.modelDir });
      const slot: Slot = { worker, job: null };
      this.all.add(slot);
      let ready = false;
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') {
          ready = true;
          resolve();
          return this.release(slot);
        }
        if (m.kind === 'fatal') return reject(new PoolStartError(m.error));
        const job = slot.job;
        if (!job || job.id !== m.id) return;
        slot.job = null;
        this.release(slot);
        job.done(m.kind === 'result' ? m.result : m.failure);
      });
      let lost = false;
      const onLost = (why: string) => {
        if (lost) return;
        lost = true;
        this.all.delete(slot);
        if (!ready) return reject(new PoolStartError(`worker thread failed to start: ${why}`));
        // Terminated by close(): the file in hand is abandoned, not failed (its job is handed back).
        if (this.closed) return;
        const job = slot.job;
        slot.job = null;
        if (job) job.done(crashedRecord(job.path, why));
        this.spawn().catch((e: Error) => {
          this.brokenBy = e;
          for (const w of this.waiting.splice(0)) w(null);
        });
      };
      worker.on('error', (e) => onLost(e.message));
      worker.on('exit', (code) => {
        if (!this.closed) onLost(`exit code ${code}`);
      });
    });
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  /**
   * Analyses the file at `path` on the next free thread: its result, or its `{file, error}`
   * (also when the thread dies on it). Rejects only when no thread can be started any more.
   */
  async analyze(path: string): Promise<AnalysisRecord> {
    if (this.closed) throw new Error('analysis threads are closed');
    if (this.brokenBy) throw this.brokenBy;
    const slot = this.idle.shift() ?? (await new Promise<Slot | null>((resolve) => this.waiting.push(resolve)));
    if (!slot) throw this.brokenBy ?? new Error('analysis threads are closed');
    return new Promise<AnalysisRecord>((done) => {
      const id = this.nextId++;
      slot.job = { id, path, done };
      slot.worker.postMessage({ id, path } satisfies WorkerRequest);
    });
  }

  /** Terminates every thread (a file still being analysed is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(null);
    await Promise.all([...this.all].map((s) => s.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
