/**
 * Classical baselines on libsvm (libsvm-js 0.2.1: libsvm 3.22 compiled to WebAssembly).
 *
 * - {@link SvrModel}: seed 003's baseline. One RBF epsilon-SVR per dimension (valence,
 *   arousal) on per-fragment `[means..., stds...]` vectors (see features/summary.ts),
 *   standardised with statistics fitted on the training rows. Defaults:
 *   - `C = 0.1`: the seed's choice by validation RMSE. Small C bounds every dual
 *     coefficient by C, so predictions are pulled towards the bias (≈ the target median):
 *     on the compressed, noisy targets of music emotion data, that shrinkage is what
 *     keeps the SVR from fitting annotation noise.
 *   - `gamma = 1 / nFeatures`: libsvm's default. On standardised inputs (unit variance per
 *     column) it equals scikit-learn's `gamma='scale'` (1 / (nFeatures · Var X)), which the
 *     seed's scikit-learn SVR most likely used.
 *   - `epsilon = 0.1`: libsvm's and scikit-learn's default tube half-width, i.e. 5 % of
 *     the [-1, 1] range; errors inside the tube cost nothing.
 *   - `tolerance = 1e-3`, shrinking on, 100 MB kernel cache: libsvm's defaults.
 * - {@link SvmClassifier}: C-SVC with the same kernel and inputs, for Russell quadrants;
 *   with Platt-scaled probability estimates (libsvm `-b 1`, pairwise coupling). It is the
 *   classical bar a network must clear on 4Q. Default C = 1 (libsvm's); tune it.
 *
 * No solver is written here: training, prediction and the model text format are libsvm's.
 *
 * WASM memory and who owns it. libsvm's models live in an emscripten heap that the
 * garbage collector cannot see, so:
 * - Training runs in a fresh, private libsvm instance per call. Its training copy of the
 *   data and its kernel cache die with the instance (no `free` can be forgotten, even when
 *   training throws), and libsvm's C `rand()` — used by the internal cross-validation
 *   behind probability estimates, and not seedable through libsvm-js — starts from the
 *   same state every time, so training is deterministic whatever ran before in the process.
 * - The trained model is then serialised (libsvm's text format) and parsed into one
 *   instance shared by all loaded models. Trained and reloaded models are therefore the
 *   same bytes, and `fromJSON(toJSON())` predicts bit-identically (libsvm's text format
 *   rounds support vectors to 8 and rho to 6 significant digits: a model that kept its
 *   training-time doubles would differ from its saved copy by ~1e-8).
 * - Each `SvrModel` / `SvmClassifier` owns its models in the shared instance. Call
 *   `free()` when done (idempotent; predicting afterwards throws). A FinalizationRegistry
 *   frees models whose wrapper was garbage-collected, as a safety net only: finalizers may
 *   run late or never.
 *
 * libsvm-js quirks handled here (read node_modules/libsvm-js/src/loadSVM.js):
 * - `SVM.load(text)` copies the text onto the 5 MiB emscripten stack (4 bytes reserved per
 *   character, no bounds check). Models of more than ~1 MB of text (e.g. 1000 support
 *   vectors × 700 features ≈ 9 MB) trap with "memory access out of bounds" and leave that
 *   instance unusable. We copy the text to the heap and call libsvm's `deserialize_model`
 *   ourselves, then wrap the pointer exactly as `SVM.load` does.
 * - The emscripten glue installs a process-wide `unhandledRejection` handler that calls
 *   `process.exit(1)` silently; we remove it, restoring Node's default behaviour.
 * - The glue tries `fetch(path)` on Node ≥ 18, fails and warns before falling back to
 *   reading the file; we hide `fetch` from it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type { LibsvmModule, SVM, SVMClass, SVMOptions } from 'libsvm-js';
import loadSVM from 'libsvm-js/src/loadSVM.js';
import { fitStandardization, parseStandardization, standardizeRow, type Standardization } from '../features/summary.ts';
import { checkTargets, type VaPredictions, type VaTargets } from './mean.ts';

export type { VaPredictions, VaTargets } from './mean.ts';

/** Feature rows: one array (plain or typed) per example, all of the same length. */
export type Rows = readonly ArrayLike<number>[];

// ---------------------------------------------------------------------------------------
// Options

/** Options of {@link SvrModel.train}; see the module doc for why each default. */
export interface SvrOptions {
  /** Penalty C > 0. Default 0.1 (seed 003). */
  C?: number;
  /** RBF `exp(−gamma·|x−x'|²)` width > 0. Default 1 / nFeatures. */
  gamma?: number;
  /** Epsilon-insensitive tube half-width ≥ 0. Default 0.1. */
  epsilon?: number;
  /** libsvm stopping tolerance > 0. Default 1e-3. */
  tolerance?: number;
  /** libsvm kernel cache in MB. Default 100. */
  cacheSizeMB?: number;
  /** libsvm shrinking heuristic. Default true. */
  shrinking?: boolean;
  /** Fit and apply a per-column standardisation on the training rows. Default true. */
  standardize?: boolean;
}

/** The resolved options a model was trained with (saved in its JSON). */
export interface SvrParams {
  C: number;
  gamma: number;
  epsilon: number;
  tolerance: number;
  cacheSizeMB: number;
  shrinking: boolean;
  standardize: boolean;
}

/** Options of {@link SvmClassifier.train}. */
export interface SvmClassifierOptions {
  /** Penalty C > 0. Default 1. */
  C?: number;
  /** RBF width > 0. Default 1 / nFeatures. */
  gamma?: number;
  /** Train Platt-scaling models so that {@link SvmClassifier.predictProbabilities} works. Default true. */
  probability?: boolean;
  /** Per-class multipliers of C (e.g. inverse frequencies for unbalanced sets). Default none. */
  classWeights?: Readonly<Record<string, number>>;
  tolerance?: number;
  cacheSizeMB?: number;
  shrinking?: boolean;
  standardize?: boolean;
}

export interface SvmClassifierParams {
  C: number;
  gamma: number;
  probability: boolean;
  classWeights: Record<string, number>;
  tolerance: number;
  cacheSizeMB: number;
  shrinking: boolean;
  standardize: boolean;
}

/** Saved form of an {@link SvrModel}: plain JSON, one libsvm model text per dimension. */
export interface SvrModelJSON {
  format: 'sentio-svr';
  version: 1;
  params: SvrParams;
  nFeatures: number;
  standardization: Standardization | null;
  libsvm: { valence: string; arousal: string };
}

/** Saved form of an {@link SvmClassifier}. libsvm labels are indices into `classes`. */
export interface SvmClassifierJSON {
  format: 'sentio-svm-classifier';
  version: 1;
  params: SvmClassifierParams;
  nFeatures: number;
  classes: string[];
  standardization: Standardization | null;
  libsvm: string;
}

// ---------------------------------------------------------------------------------------
// Models

/** Finalizer safety net: frees libsvm models whose wrapper was collected without `free()`. */
const registry = new FinalizationRegistry<SVM[]>((svms) => {
  for (const svm of svms) svm.free();
});

/** Two RBF epsilon-SVRs (valence, arousal) with their input standardisation. */
export class SvrModel {
  private handles: { valence: SVM; arousal: SVM } | null;

  private constructor(
    readonly params: Readonly<SvrParams>,
    readonly nFeatures: number,
    readonly standardization: Standardization | null,
    private readonly texts: { readonly valence: string; readonly arousal: string },
    handles: { valence: SVM; arousal: SVM },
  ) {
    this.handles = handles;
    registry.register(this, [handles.valence, handles.arousal], this);
  }

  /**
   * Trains one SVR per dimension on `X` (rows of equal length, finite values) and the
   * matching targets. Dimensions are trained one after the other, each in a fresh libsvm
   * instance (see the module doc).
   */
  static async train(X: Rows, Y: VaTargets, options: SvrOptions = {}): Promise<SvrModel> {
    const { n, d } = checkRows(X);
    if (checkTargets(Y) !== n) throw new RangeError(`${n} rows but ${Y.valence.length} targets`);
    const params = resolveSvrParams(options, d);
    const standardization = params.standardize ? fitStandardization(X) : null;
    const rows = prepareRows(X, d, standardization);
    const libsvmOptions = (SVM: SVMClass): SVMOptions => ({
      type: SVM.SVM_TYPES.EPSILON_SVR,
      kernel: SVM.KERNEL_TYPES.RBF,
      cost: params.C,
      gamma: params.gamma,
      epsilon: params.epsilon,
      tolerance: params.tolerance,
      cacheSize: params.cacheSizeMB,
      shrinking: params.shrinking,
      probabilityEstimates: false,
      quiet: true,
    });
    const valence = await trainModelText(libsvmOptions, rows, Y.valence);
    const arousal = await trainModelText(libsvmOptions, rows, Y.arousal);
    return SvrModel.fromParts(params, d, standardization, { valence, arousal });
  }

  /** Rebuilds a model saved with {@link toJSON}; throws on a malformed object. */
  static async fromJSON(json: unknown): Promise<SvrModel> {
    const o = json as Partial<SvrModelJSON> | null;
    if (typeof o !== 'object' || o === null || o.format !== 'sentio-svr' || o.version !== 1) {
      throw new TypeError('not a sentio-svr v1 JSON object');
    }
    const nFeatures = parseFeatureCount(o.nFeatures);
    const params = resolveSvrParams((o.params ?? {}) as SvrOptions, nFeatures);
    const standardization = parseOptionalStandardization(o.standardization, nFeatures);
    const texts = o.libsvm;
    if (typeof texts !== 'object' || texts === null || typeof texts.valence !== 'string' || typeof texts.arousal !== 'string') {
      throw new TypeError('sentio-svr: libsvm must hold the valence and arousal model texts');
    }
    return SvrModel.fromParts(params, nFeatures, standardization, { valence: texts.valence, arousal: texts.arousal });
  }

  private static async fromParts(
    params: SvrParams,
    nFeatures: number,
    standardization: Standardization | null,
    texts: { valence: string; arousal: string },
  ): Promise<SvrModel> {
    const rt = await sharedRuntime();
    const valence = loadModelText(rt, texts.valence);
    let arousal: SVM;
    try {
      arousal = loadModelText(rt, texts.arousal);
    } catch (e) {
      valence.free();
      throw e;
    }
    return new SvrModel(Object.freeze({ ...params }), nFeatures, standardization, texts, { valence, arousal });
  }

  /** Predicted valence and arousal for each row (raw SVR outputs, not clipped to [-1, 1]). */
  predict(X: Rows): VaPredictions {
    const h = this.live();
    const rows = prepareRows(X, this.nFeatures, this.standardization);
    return { valence: rows.map((r) => h.valence.predictOne(r)), arousal: rows.map((r) => h.arousal.predictOne(r)) };
  }

  /** Number of support vectors of each regressor (from the model text). */
  get supportVectors(): { valence: number; arousal: number } {
    return { valence: totalSv(this.texts.valence), arousal: totalSv(this.texts.arousal) };
  }

  toJSON(): SvrModelJSON {
    return {
      format: 'sentio-svr',
      version: 1,
      params: { ...this.params },
      nFeatures: this.nFeatures,
      standardization: this.standardization,
      libsvm: { valence: this.texts.valence, arousal: this.texts.arousal },
    };
  }

  /** Releases the WASM memory of both regressors. Idempotent; `toJSON` still works after. */
  free(): void {
    if (!this.handles) return;
    registry.unregister(this);
    this.handles.valence.free();
    this.handles.arousal.free();
    this.handles = null;
  }

  private live(): { valence: SVM; arousal: SVM } {
    if (!this.handles) throw new Error('SvrModel was freed');
    return this.handles;
  }
}

/** RBF C-SVC over string class labels (e.g. quadrants), with optional probabilities. */
export class SvmClassifier {
  private handle: SVM | null;

  private constructor(
    readonly params: Readonly<SvmClassifierParams>,
    readonly nFeatures: number,
    /** Sorted class names: libsvm label `k` is `classes[k]`; probability rows follow this order. */
    readonly classes: readonly string[],
    readonly standardization: Standardization | null,
    private readonly text: string,
    handle: SVM,
  ) {
    this.handle = handle;
    registry.register(this, [handle], this);
  }

  /** Trains on `X` and one label per row; needs at least two distinct labels. */
  static async train(X: Rows, labels: readonly string[], options: SvmClassifierOptions = {}): Promise<SvmClassifier> {
    const { n, d } = checkRows(X);
    if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} labels`);
    const classes = [...new Set(labels)].sort();
    if (classes.length < 2) throw new RangeError(`need at least two classes, got ${classes.length}`);
    const params = resolveClassifierParams(options, d);
    for (const c of Object.keys(params.classWeights)) {
      if (!classes.includes(c)) throw new RangeError(`class weight for unknown class '${c}'`);
    }
    const index = new Map(classes.map((c, k) => [c, k]));
    const y = labels.map((l) => index.get(l) as number);
    const standardization = params.standardize ? fitStandardization(X) : null;
    const rows = prepareRows(X, d, standardization);
    const weight: Record<string, number> = {};
    for (const [c, w] of Object.entries(params.classWeights)) weight[String(index.get(c))] = w;
    const libsvmOptions = (SVM: SVMClass): SVMOptions => ({
      type: SVM.SVM_TYPES.C_SVC,
      kernel: SVM.KERNEL_TYPES.RBF,
      cost: params.C,
      gamma: params.gamma,
      tolerance: params.tolerance,
      cacheSize: params.cacheSizeMB,
      shrinking: params.shrinking,
      probabilityEstimates: params.probability,
      ...(Object.keys(weight).length > 0 ? { weight } : {}),
      quiet: true,
    });
    const text = await trainModelText(libsvmOptions, rows, y);
    return SvmClassifier.fromParts(params, d, classes, standardization, text);
  }

  static async fromJSON(json: unknown): Promise<SvmClassifier> {
    const o = json as Partial<SvmClassifierJSON> | null;
    if (typeof o !== 'object' || o === null || o.format !== 'sentio-svm-classifier' || o.version !== 1) {
      throw new TypeError('not a sentio-svm-classifier v1 JSON object');
    }
    const nFeatures = parseFeatureCount(o.nFeatures);
    const params = resolveClassifierParams((o.params ?? {}) as SvmClassifierOptions, nFeatures);
    const { classes } = o;
    if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) {
      throw new TypeError('sentio-svm-classifier: classes must list at least two names');
    }
    const standardization = parseOptionalStandardization(o.standardization, nFeatures);
    if (typeof o.libsvm !== 'string') throw new TypeError('sentio-svm-classifier: libsvm must be the model text');
    return SvmClassifier.fromParts(params, nFeatures, [...classes], standardization, o.libsvm);
  }

  private static async fromParts(
    params: SvmClassifierParams,
    nFeatures: number,
    classes: string[],
    standardization: Standardization | null,
    text: string,
  ): Promise<SvmClassifier> {
    const rt = await sharedRuntime();
    const handle = loadModelText(rt, text);
    const labels = handle.getLabels();
    if (labels.some((l) => !(Number.isInteger(l) && l >= 0 && l < classes.length))) {
      handle.free();
      throw new RangeError(`libsvm labels ${labels.join(',')} do not index the ${classes.length} classes`);
    }
    return new SvmClassifier(Object.freeze({ ...params }), nFeatures, Object.freeze(classes), standardization, text, handle);
  }

  /**
   * The SVM's class for each row (libsvm's one-vs-one vote). With probabilities enabled,
   * the argmax of {@link predictProbabilities} can differ near class boundaries, because
   * Platt scaling is fitted by internal cross-validation, not on the decision values of
   * the final model.
   */
  predict(X: Rows): string[] {
    const svm = this.live();
    return prepareRows(X, this.nFeatures, this.standardization).map((r) => this.classes[svm.predictOne(r)]);
  }

  /** Class probabilities per row, aligned with {@link classes}, each row summing to 1. */
  predictProbabilities(X: Rows): number[][] {
    const svm = this.live();
    if (!this.params.probability) throw new Error('SvmClassifier was trained without probability estimates');
    return prepareRows(X, this.nFeatures, this.standardization).map((r) => {
      const out = new Array<number>(this.classes.length).fill(0);
      for (const { label, probability } of svm.predictOneProbability(r).estimates) out[label] = probability;
      return out;
    });
  }

  get supportVectors(): number {
    return totalSv(this.text);
  }

  toJSON(): SvmClassifierJSON {
    return {
      format: 'sentio-svm-classifier',
      version: 1,
      params: { ...this.params, classWeights: { ...this.params.classWeights } },
      nFeatures: this.nFeatures,
      classes: [...this.classes],
      standardization: this.standardization,
      libsvm: this.text,
    };
  }

  /** Releases the WASM memory of the model. Idempotent; `toJSON` still works after. */
  free(): void {
    if (!this.handle) return;
    registry.unregister(this);
    this.handle.free();
    this.handle = null;
  }

  private live(): SVM {
    if (!this.handle) throw new Error('SvmClassifier was freed');
    return this.handle;
  }
}

// ---------------------------------------------------------------------------------------
// Parameter and input checks

function resolveSvrParams(o: SvrOptions, nFeatures: number): SvrParams {
  return {
    C: positive('C', o.C ?? 0.1),
    gamma: positive('gamma', o.gamma ?? 1 / nFeatures),
    epsilon: nonNegative('epsilon', o.epsilon ?? 0.1),
    tolerance: positive('tolerance', o.tolerance ?? 1e-3),
    cacheSizeMB: positive('cacheSizeMB', o.cacheSizeMB ?? 100),
    shrinking: bool('shrinking', o.shrinking ?? true),
    standardize: bool('standardize', o.standardize ?? true),
  };
}

function resolveClassifierParams(o: SvmClassifierOptions, nFeatures: number): SvmClassifierParams {
  const classWeights: Record<string, number> = {};
  for (const [c, w] of Object.entries(o.classWeights ?? {})) classWeights[c] = positive(`classWeights.${c}`, w);
  return {
    C: positive('C', o.C ?? 1),
    gamma: positive('gamma', o.gamma ?? 1 / nFeatures),
    probability: bool('probability', o.probability ?? true),
    classWeights,
    tolerance: positive('tolerance', o.tolerance ?? 1e-3),
    cacheSizeMB: positive('cacheSizeMB', o.cacheSizeMB ?? 100),
    shrinking: bool('shrinking', o.shrinking ?? true),
    standardize: bool('standardize', o.standardize ?? true),
  };
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${String(v)}`);
  return v;
}

function nonNegative(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be true or false, got ${String(v)}`);
  return v;
}

function parseFeatureCount(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`nFeatures must be a positive integer, got ${String(v)}`);
  return v;
}

function parseOptionalStandardization(v: unknown, nFeatures: number): Standardization | null {
  if (v === null || v === undefined) return null;
  const s = parseStandardization(v);
  if (s.mean.length !== nFeatures) throw new RangeError(`standardization has ${s.mean.length} columns, the model ${nFeatures}`);
  return s;
}

/**
 * Shape of `X` after checking it is non-empty, rectangular and finite. libsvm itself
 * accepts NaN and reads missing trailing features as 0, silently returning garbage.
 */
function checkRows(X: Rows, nFeatures?: number): { n: number; d: number } {
  const n = X.length;
  if (n === 0 && nFeatures === undefined) throw new RangeError('no rows');
  const d = nFeatures ?? X[0].length;
  if (d === 0) throw new RangeError('rows have no features');
  for (let i = 0; i < n; i++) {
    const r = X[i];
    if (r.length !== d) throw new RangeError(`row ${i} has ${r.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(r[j])) throw new RangeError(`row ${i}, feature ${j} is ${r[j]}`);
  }
  return { n, d };
}

/** Checked and, when the model has one, standardised copies of the rows. */
function prepareRows(X: Rows, nFeatures: number, s: Standardization | null): ArrayLike<number>[] {
  checkRows(X, nFeatures);
  return s ? X.map((r) => standardizeRow(r, s)) : [...X];
}

function totalSv(text: string): number {
  const m = /^total_sv (\d+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

// ---------------------------------------------------------------------------------------
// libsvm runtime

/** An initialised libsvm WASM instance and the SVM class bound to it. */
interface Runtime {
  readonly SVM: SVMClass;
  /** Thenable: keep it inside this object, never await or return it alone. */
  readonly module: LibsvmModule;
}

const requireHere = createRequire(import.meta.url);
const GLUE_PATH = requireHere.resolve('libsvm-js/out/wasm/libsvm.js');

type Glue = (
  module: { exports: unknown },
  exports: unknown,
  require: NodeJS.Require,
  __dirname: string,
  __filename: string,
  fetch: undefined,
) => void;
let glue: Glue | undefined;

/**
 * Evaluates the emscripten glue as a fresh CommonJS module: each call yields an
 * independent WASM instance (own heap, own `rand()` state). A `fetch` parameter shadows
 * the global one so that the glue reads the .wasm file instead of trying to fetch a path.
 */
function instantiateGlue(): LibsvmModule {
  glue ??= compileFunction(readFileSync(GLUE_PATH, 'utf8'), ['module', 'exports', 'require', '__dirname', '__filename', 'fetch'], {
    filename: GLUE_PATH,
  }) as unknown as Glue;
  const mod: { exports: unknown } = { exports: {} };
  const before = new Set(process.listeners('unhandledRejection'));
  try {
    glue(mod, mod.exports, createRequire(GLUE_PATH), dirname(GLUE_PATH), GLUE_PATH, undefined);
  } finally {
    for (const l of process.listeners('unhandledRejection')) if (!before.has(l)) process.removeListener('unhandledRejection', l);
  }
  return mod.exports as LibsvmModule;
}

async function createRuntime(): Promise<Runtime> {
  const module = instantiateGlue();
  await module.load();
  return { SVM: loadSVM(module), module };
}

let shared: Promise<Runtime> | undefined;

/** The instance holding every loaded model (created on first use). */
function sharedRuntime(): Promise<Runtime> {
  shared ??= createRuntime().catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/** Trains in a throwaway instance and returns libsvm's model text. */
async function trainModelText(options: (SVM: SVMClass) => SVMOptions, rows: Rows, y: ArrayLike<number>): Promise<string> {
  const rt = await createRuntime();
  const svm = new rt.SVM(options(rt.SVM));
  try {
    svm.train(rows, y);
    return svm.serializeModel();
  } finally {
    svm.free();
  }
}

/**
 * Parses a libsvm model text into `rt` through the heap (see the module doc for why not
 * `SVM.load`) and wraps it as `SVM.load` does.
 */
function loadModelText(rt: Runtime, text: string): SVM {
  if (!text.startsWith('svm_type ')) throw new TypeError('not a libsvm model text');
  const bytes = new TextEncoder().encode(text);
  const ptr = rt.module._malloc(bytes.length + 1);
  if (!ptr) throw new RangeError(`libsvm could not allocate ${bytes.length} bytes`);
  let model: number;
  try {
    const heap = rt.module.HEAPU8; // read after _malloc: growing memory replaces the view
    heap.set(bytes, ptr);
    heap[ptr + bytes.length] = 0;
    model = rt.module._deserialize_model(ptr);
  } finally {
    rt.module._free(ptr);
  }
  if (!model) throw new Error('libsvm could not parse the model text');
  const svm = new rt.SVM();
  svm.model = model;
  svm._deserialized = true;
  return svm;
}
