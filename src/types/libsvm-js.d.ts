/**
 * Types for libsvm-js 0.2.1 (libsvm 3.22 compiled with emscripten), as used by
 * src/models/svr.ts. The package ships no declarations. Only what we call is declared.
 */
declare module 'libsvm-js' {
  /** Constructor options; each maps to a libsvm `svm-train` flag. */
  export interface SVMOptions {
    /** One of `SVM_TYPES` (`-s`). */
    type?: string;
    /** One of `KERNEL_TYPES` (`-t`). */
    kernel?: string;
    degree?: number;
    /** RBF width (`-g`); the library substitutes 1/nFeatures when absent or 0. */
    gamma?: number;
    coef0?: number;
    /** C (`-c`). */
    cost?: number;
    nu?: number;
    /** Epsilon-SVR tube half-width (`-p`). */
    epsilon?: number;
    /** Kernel cache in MB (`-m`). */
    cacheSize?: number;
    /** Stopping tolerance (`-e`). */
    tolerance?: number;
    shrinking?: boolean;
    /** Train Platt-scaling / Laplace models for probabilities (`-b 1`). */
    probabilityEstimates?: boolean;
    /** Per-label C multipliers (`-wLABEL w`). */
    weight?: Record<string, number>;
    quiet?: boolean;
  }

  export interface ProbabilityPrediction {
    prediction: number;
    /** One entry per class, in the model's label order (see `getLabels`). */
    estimates: { label: number; probability: number }[];
  }

  /** A libsvm model living in the WASM heap: call `free()` when done. */
  export interface SVM {
    train(samples: readonly ArrayLike<number>[], labels: ArrayLike<number>): void;
    predictOne(sample: ArrayLike<number>): number;
    predict(samples: readonly ArrayLike<number>[]): number[];
    predictOneProbability(sample: ArrayLike<number>): ProbabilityPrediction;
    getLabels(): number[];
    getSVIndices(): number[];
    serializeModel(): string;
    free(): void;
    /** Internal: pointer to the `svm_model` in the WASM heap, or null once freed. */
    model: number | null;
    /** Internal: set by `SVM.load`; such instances cannot be trained. */
    _deserialized?: boolean;
  }

  export interface SVMClass {
    new (options?: SVMOptions): SVM;
    load(serializedModel: string): SVM;
    readonly SVM_TYPES: { C_SVC: string; NU_SVC: string; ONE_CLASS: string; EPSILON_SVR: string; NU_SVR: string };
    readonly KERNEL_TYPES: { LINEAR: string; POLYNOMIAL: string; RBF: string; SIGMOID: string; PRECOMPUTED: string };
  }

  /**
   * The emscripten module object (out/wasm/libsvm.js). It is a thenable whose `then`
   * resolves to itself: never `await` it or return it from an async function.
   */
  export interface LibsvmModule {
    /** Resolves once the WASM instance is ready. */
    load(): Promise<void>;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** Parses a NUL-terminated model text at `ptr`; returns an `svm_model*` (0 on failure). */
    _deserialize_model(ptr: number): number;
    /** View of the WASM memory; replaced when memory grows, so re-read it after `_malloc`. */
    HEAPU8: Uint8Array;
  }

  /** The package's main export: resolves to the SVM class once the WASM build is loaded. */
  const ready: Promise<SVMClass>;
  export default ready;
}

declare module 'libsvm-js/src/loadSVM.js' {
  import type { LibsvmModule, SVMClass } from 'libsvm-js';
  /** Wraps an initialised emscripten module into the SVM class. */
  const loadSVM: (module: LibsvmModule) => SVMClass;
  export default loadSVM;
}
