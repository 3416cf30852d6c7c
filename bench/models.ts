/**
 * Model benchmark (npm run bench): training and inference speed of every registry
 * architecture at its default size and input (its feature set's dims, its default frames),
 * on the wasm and the cpu tfjs backends in the same process, plus the SVR and mean
 * baselines. Prints seconds per training epoch, inference sequences per second and the
 * wasm/cpu speed ratio; never asserts a timing. One thread (tfjs-wasm has no threads in Node).
 *
 * - Training goes through the project's trainer (`train`: Adam, batch 32, loss + penalties,
 *   its per-batch copying and loss read-back), on fixed synthetic examples: seeded N(0, 1)
 *   inputs — speed does not depend on what the features are — and targets in [-0.7, 0.7].
 *   Epoch 0 is a warm-up of 4 examples (kernel set-up, first allocations); epoch 1 is timed,
 *   and seconds per epoch are reported for an epoch of {@link EPOCH_EXAMPLES} examples,
 *   scaled from the timed one. The cpu backend trained up to ~80× slower in our runs, so its timed epoch is
 *   shorter for the slow models (see {@link cpuTimedExamples}): down to one batch of 4 for
 *   the log-mel convolutional ones, whose cpu cost grows linearly with the batch (per-op
 *   overhead is negligible there: 2.7–2.8 s per example at batch 4 and at batch 32). The
 *   table says how many examples each cpu number was timed on.
 * - Inference is `predictExamples` (the path of evaluation and analysis) on calls of 32
 *   sequences, repeated for at least {@link MIN_INFERENCE_SECONDS} s after one warm-up call.
 *
 *   node --import tsx bench/models.ts                      # everything, a few minutes
 *   node --import tsx bench/models.ts --only crnn,sentio-mlp
 */
import { seededRandom } from '../src/data/splits.ts';
import { getFeatureSet } from '../src/features/index.ts';
import { summaryColumns } from '../src/features/summary.ts';
import { windowStatsColumns } from '../src/features/window-stats.ts';
import { tf, useBackend, type BackendName } from '../src/models/backend.ts';
import { MeanRegressor } from '../src/models/mean.ts';
import { architectures, resolveOptions } from '../src/models/registry.ts';
import { SvrModel } from '../src/models/svr.ts';
import type { Architecture, InputShape } from '../src/models/types.ts';
import { predictExamples, train, type EpochLog, type Examples } from '../src/train/trainer.ts';
import { peakRssMb } from './util.ts';

/** Examples per reported training epoch (a round number: epoch time scales linearly with it). */
const EPOCH_EXAMPLES = 1024;
const BATCH = 32;
/** Examples in the timed epoch on wasm (8 batches), and on cpu for models as cheap as that there. */
const TIMED_EXAMPLES = 256;
const SMALL_BATCH = 4;
/**
 * Examples in the timed cpu epoch, from the 4-example warm-up step: 256 when that took
 * < 0.25 s (one batch of a cheap model is too short to time), one batch of 32 up to 4 s,
 * else one batch of 4 (a batch of 32 would take half a minute or more). Recurrent models'
 * cpu steps cost mostly per-op overhead, not per example, so they stay under 4 s and are
 * timed at batch 32.
 */
function cpuTimedExamples(warmupSeconds: number): number {
  return warmupSeconds < 0.25 ? TIMED_EXAMPLES : warmupSeconds <= 4 ? BATCH : SMALL_BATCH;
}
const INFERENCE_CALL = 32;
const MIN_INFERENCE_SECONDS = 1;
const BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? new Set(process.argv[i + 1]?.split(',')) : null;
})();

/**
 * The input a model sees in use: its feature set's dims at its default frames, except
 * `sentio-mlp`, which reads window statistics (mean, std, mean |Δ| of each column).
 */
function realisticInput(arch: Architecture): InputShape & { what: string } {
  const columns = getFeatureSet(arch.featureSet).columns;
  if (arch.name === 'sentio-mlp') return { frames: 1, dims: windowStatsColumns(columns).length, what: `${arch.featureSet} window stats` };
  return { frames: arch.defaultFrames, dims: columns.length, what: arch.featureSet };
}

/** Seeded standard normal draws (Box–Muller). */
function normals(count: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** `count` synthetic examples shaped for `arch` (targets per frame for sequence models). */
function syntheticExamples(arch: Architecture, shape: InputShape, count: number, seed: number): Examples {
  const targetShape = arch.output === 'sequence' ? [shape.frames, 2] : [2];
  const rand = seededRandom(seed + 1);
  const y = Float32Array.from({ length: count * targetShape.reduce((a, b) => a * b) }, () => rand() * 1.4 - 0.7);
  return { x: normals(count * shape.frames * shape.dims, seed), y, count, inputShape: [shape.frames, shape.dims], targetShape };
}

/** The first `count` examples of `ex`, without copying. */
function head(ex: Examples, count: number): Examples {
  const xSize = ex.inputShape.reduce((a, b) => a * b, 1);
  const ySize = ex.targetShape.reduce((a, b) => a * b, 1);
  return { ...ex, count, x: ex.x.subarray(0, count * xSize), y: ex.y.subarray(0, count * ySize) };
}

interface TrainingTime {
  secondsPerEpoch: number;
  /** Examples in the timed epoch (batches of at most 32). */
  timed: number;
}

/** Seconds per {@link EPOCH_EXAMPLES}-example epoch, from a warm-up epoch and a timed one. */
async function timeTraining(model: tf.LayersModel, data: Examples, backend: BackendName): Promise<TrainingTime> {
  const history: EpochLog[] = [];
  let timed = TIMED_EXAMPLES;
  const epochData = (epoch: number): Examples => {
    if (epoch === 0) return head(data, SMALL_BATCH);
    // Chosen here, after the warm-up epoch: the trainer asks for each epoch's data at its start.
    if (backend === 'cpu') timed = cpuTimedExamples(history[0].seconds);
    return head(data, timed);
  };
  await train(model, epochData, null, { epochs: 2, batchSize: BATCH, patience: 0, reduceLrPatience: 0, onEpoch: (log) => history.push(log) });
  return { secondsPerEpoch: (history[1].seconds * EPOCH_EXAMPLES) / timed, timed };
}

/** Calls `fn` until at least `minSeconds` have passed (once at least); returns calls and seconds. */
function repeatFor(minSeconds: number, fn: () => void): { calls: number; seconds: number } {
  const start = performance.now();
  let calls = 0;
  do {
    fn();
    calls++;
  } while (performance.now() - start < minSeconds * 1000);
  return { calls, seconds: (performance.now() - start) / 1000 };
}

/** Inference sequences per second through `predictExamples`, after one warm-up call. */
function timeInference(model: tf.LayersModel, data: Examples): number {
  const batch = head(data, INFERENCE_CALL);
  predictExamples(model, batch, INFERENCE_CALL);
  const { calls, seconds } = repeatFor(MIN_INFERENCE_SECONDS, () => predictExamples(model, batch, INFERENCE_CALL));
  return (calls * INFERENCE_CALL) / seconds;
}

interface Row {
  name: string;
  input: string;
  params: string;
  train: Partial<Record<BackendName, TrainingTime>>;
  infer: Partial<Record<BackendName, number>>;
}

/** Builds, trains and runs one architecture on one backend (a fresh model each time). */
async function benchArchitecture(arch: Architecture, backend: BackendName, row: Row): Promise<void> {
  await useBackend(backend);
  const shape = realisticInput(arch);
  const data = syntheticExamples(arch, shape, TIMED_EXAMPLES, 7);
  const model = arch.build(resolveOptions(arch), shape, 1);
  row.params = model.countParams().toLocaleString('en-US');
  row.train[backend] = await timeTraining(model, data, backend);
  row.infer[backend] = timeInference(model, data);
  model.dispose();
}

/**
 * SVR (seed 003's baseline) on per-fragment [means, stds] of pyaa68, and the mean baseline:
 * libsvm and plain JS, so they run the same whatever the tfjs backend. Fit time is for one
 * fit on {@link EPOCH_EXAMPLES} rows (they have no epochs); targets depend on the inputs
 * (tanh of a random projection plus noise) so the support-vector count is realistic.
 */
async function benchBaselines(): Promise<string[]> {
  const d = summaryColumns(getFeatureSet('pyaa68').columns).length;
  const n = EPOCH_EXAMPLES;
  const x = normals(n * d, 11);
  const w = normals(2 * d, 12);
  const noise = normals(2 * n, 13);
  const rows = Array.from({ length: n }, (_, i) => x.subarray(i * d, (i + 1) * d));
  const target = (k: 0 | 1) => rows.map((r, i) => 0.7 * Math.tanh(r.reduce((a, v, j) => a + v * w[k * d + j], 0) / Math.sqrt(d)) + 0.1 * noise[2 * i + k]);
  const Y = { valence: target(0), arousal: target(1) };
  const fitStart = performance.now();
  const svr = await SvrModel.train(rows, Y);
  const fit = (performance.now() - fitStart) / 1000;
  svr.predict(rows.slice(0, 32));
  const svrPredict = repeatFor(MIN_INFERENCE_SECONDS, () => svr.predict(rows));
  const sv = svr.supportVectors;
  svr.free();
  const meanFitStart = performance.now();
  const mean = MeanRegressor.train(Y);
  const meanFit = (performance.now() - meanFitStart) / 1000;
  const meanPredict = repeatFor(0.2, () => mean.predict(rows));
  return [
    `svr (libsvm WASM, RBF, C 0.1), ${d} dims (pyaa68 means+stds): fit on ${n} rows ${fit.toFixed(2)} s ` +
      `(${sv.valence}+${sv.arousal} support vectors), predict ${fmtRate((svrPredict.calls * n) / svrPredict.seconds)} rows/s`,
    `mean baseline: fit on ${n} rows ${(meanFit * 1e6).toFixed(0)} µs, predict ${fmtRate((meanPredict.calls * n) / meanPredict.seconds)} rows/s (a constant: for scale only)`,
  ];
}

/** A rate with 3 significant digits and thousands separators. */
function fmtRate(r: number): string {
  return Number(r.toPrecision(3)).toLocaleString('en-US');
}

function fmtSeconds(s: number): string {
  return s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2);
}

/** Fixed-width columns; `│` separates training from inference. */
function printTable(rows: Row[]): void {
  const widths = [12, 36, 7, 1, 12, 11, 9, 6, 1, 12, 11, 6];
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ');
  console.log(line(['architecture', 'input (frames × dims)', 'params', '│', 'train wasm s', 'train cpu s', 'cpu ex.', 'wasm×', '│', 'infer wasm/s', 'infer cpu/s', 'wasm×']));
  console.log('─'.repeat(widths.reduce((a, b) => a + b + 1, -1)));
  for (const r of rows) {
    const tw = r.train.wasm;
    const tc = r.train.cpu;
    const iw = r.infer.wasm;
    const ic = r.infer.cpu;
    console.log(line([
      r.name, r.input, r.params, '│',
      tw ? fmtSeconds(tw.secondsPerEpoch) : '—',
      tc ? fmtSeconds(tc.secondsPerEpoch) : '—',
      tc ? String(tc.timed) : '—',
      tw && tc ? `${(tc.secondsPerEpoch / tw.secondsPerEpoch).toFixed(1)}×` : '—',
      '│',
      iw ? fmtRate(iw) : '—',
      ic ? fmtRate(ic) : '—',
      iw && ic ? `${(iw / ic).toFixed(1)}×` : '—',
    ]));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`Sentio model benchmark — Node ${process.version}, one thread, ${new Date().toISOString()}`);
  console.log(
    `Training: seconds per epoch of ${EPOCH_EXAMPLES} examples (the project's trainer, Adam, batch ${BATCH}), scaled from a timed epoch of ` +
      `${TIMED_EXAMPLES} (wasm; cpu: 256, 32 or 4 as its warm-up allows: "cpu ex.") synthetic examples after a warm-up epoch.\n` +
      `Inference: sequences/s through predictExamples, ${INFERENCE_CALL} per call. Default options of each architecture. wasm× = how many times faster wasm is.\n`,
  );
  const archs = Object.values(architectures).filter((a) => !only || only.has(a.name));
  const rows: Row[] = archs.map((a) => {
    const s = realisticInput(a);
    return { name: a.name, input: `${s.frames} × ${s.dims} (${s.what})`, params: '', train: {}, infer: {} };
  });
  // One backend at a time, so no tensor ever crosses backends.
  for (const backend of BACKENDS) {
    for (const [i, arch] of archs.entries()) {
      const t = performance.now();
      await benchArchitecture(arch, backend, rows[i]);
      process.stderr.write(`  ${backend} ${arch.name}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }
  }
  printTable(rows);
  if (!only || only.has('svr') || only.has('mean')) {
    console.log('\nBaselines (no tfjs: the same on either backend):');
    for (const line of await benchBaselines()) console.log(`  ${line}`);
  }
  console.log(`\nWhole run ${((performance.now() - started) / 1000).toFixed(0)} s; peak RSS ${peakRssMb().toFixed(0)} MB`);
}

await main();
