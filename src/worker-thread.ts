/**
 * Starting a worker thread on one of Sentio's own modules, from the sources or the build.
 * Built (dist/*.js), the compiled module is the worker. From the TypeScript sources under tsx,
 * a bootstrap registers tsx in the worker first (worker threads do not inherit the loader)
 * and then imports the module.
 */
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** `module`: the worker's URL as seen from the caller's own file, e.g. `new URL('./worker.ts', import.meta.url)`. */
export function startWorker(module: URL, workerData: Record<string, unknown>): Worker {
  if (module.pathname.endsWith('.ts')) {
    // Only under tsx: the compiled tree has .js files, and its import.meta.url says so.
    return new Worker(BOOTSTRAP, { workerData: { ...workerData, workerEntry: module.href } });
  }
  return new Worker(module, { workerData });
}

/** The URL of a sibling module `name` ('worker' → worker.ts or worker.js, as the caller runs). */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}
