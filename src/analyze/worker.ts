/**
 * Worker thread for `sentio analyze` on folders: loads the model once, then analyses the
 * paths the main thread sends, one at a time, posting back each result or error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../cli/report.ts';
import { analyze, loadModel } from './node.ts';
import type { AnalysisFailure, AnalysisResult } from './types.ts';

export type WorkerReply = { id: number; result: AnalysisResult } | { id: number; failure: AnalysisFailure };

const { modelDir } = workerData as { modelDir: string };
const model = await loadModel(modelDir);
parentPort!.on('message', async (job: { id: number; path: string }) => {
  try {
    parentPort!.postMessage({ id: job.id, result: await analyze(job.path, { model }) } satisfies WorkerReply);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, failure: { file: job.path, error: describeError(e, false) } } satisfies WorkerReply);
  }
});
parentPort!.postMessage('ready');
