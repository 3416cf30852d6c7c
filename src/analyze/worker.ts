/**
 * Worker thread of the analysis pool (`pool.ts`): loads the model once, then analyses the
 * files it is sent strictly one after another (a file queued while another is analysed
 * waits, so two analyses never interleave and memory stays that of one file).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../cli/report.ts';
import { analyze, loadModel } from './node.ts';
import type { EmotionModel } from './emotion-model.ts';
import type { AnalysisFailure, AnalysisResult } from './types.ts';

export interface WorkerRequest {
  id: number;
  path: string;
}

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'fatal'; error: string }
  | { kind: 'result'; id: number; result: AnalysisResult }
  | { kind: 'failure'; id: number; failure: AnalysisFailure };

const port = parentPort!;
const { modelDir } = workerData as { modelDir: string };
let model: EmotionModel;
/** The analyses so far, chained: each file starts when the one before it has been answered. */
let done = Promise.resolve();

async function run(job: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    reply = { kind: 'result', id: job.id, result: await analyze(job.path, { model }) };
  } catch (e) {
    reply = { kind: 'failure', id: job.id, failure: { file: job.path, error: describeError(e, false) } };
  }
  port.postMessage(reply);
}

try {
  model = await loadModel(modelDir);
} catch (e) {
  port.postMessage({ kind: 'fatal', error: describeError(e, false) } satisfies WorkerReply);
  process.exit(1);
}
port.on('message', (job: WorkerRequest) => {
  done = done.then(() => run(job));
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
