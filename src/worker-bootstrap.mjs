// Worker threads do not inherit tsx's loader: register it, then load the TypeScript worker
// named by startWorker (src/worker-thread.ts). Used only when running from the sources.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.workerEntry);
