/**
 * Expected-value baselines: the score any model must beat to have learnt something.
 *
 * - {@link MeanRegressor} predicts the training mean of valence and of arousal for every
 *   input — the RMSE-optimal constant, and the "mean" row of seed 003's results table.
 * - {@link PriorClassifier} predicts the training class frequencies as probabilities and
 *   the most frequent class as label (chance level for a balanced set such as 4Q).
 *
 * Both ignore their inputs' values (only the count matters), but take the same row
 * arrays as the SVR/SVM so that evaluation code can swap models freely. Both are plain
 * JS numbers: no resources to free, JSON is exact.
 */

/** Valence and arousal targets of equal length, in [-1, 1]. */
export interface VaTargets {
  readonly valence: ArrayLike<number>;
  readonly arousal: ArrayLike<number>;
}

/** One valence and one arousal prediction per input row. */
export interface VaPredictions {
  valence: number[];
  arousal: number[];
}

/** Saved form of a {@link MeanRegressor}. */
export interface MeanRegressorJSON {
  format: 'sentio-mean-regressor';
  version: 1;
  valence: number;
  arousal: number;
  /** Number of training examples (for the model card). */
  n: number;
}

/** Saved form of a {@link PriorClassifier}. */
export interface PriorClassifierJSON {
  format: 'sentio-prior-classifier';
  version: 1;
  /** Sorted class names. */
  classes: string[];
  /** Training frequency of each class, aligned with `classes`; sums to 1. */
  prior: number[];
  n: number;
}

/** Predicts the training mean of each dimension. */
export class MeanRegressor {
  private constructor(
    readonly valence: number,
    readonly arousal: number,
    readonly n: number,
  ) {}

  /** Fits the means; throws on no targets, unequal lengths or non-finite values. */
  static train(Y: VaTargets): MeanRegressor {
    const n = checkTargets(Y);
    return new MeanRegressor(mean(Y.valence), mean(Y.arousal), n);
  }

  /** The training means, once per row of `X` (whose values are not read). */
  predict(X: ArrayLike<unknown>): VaPredictions {
    return { valence: new Array<number>(X.length).fill(this.valence), arousal: new Array<number>(X.length).fill(this.arousal) };
  }

  toJSON(): MeanRegressorJSON {
    return { format: 'sentio-mean-regressor', version: 1, valence: this.valence, arousal: this.arousal, n: this.n };
  }

  static fromJSON(json: unknown): MeanRegressor {
    const o = json as Partial<MeanRegressorJSON> | null;
    if (typeof o !== 'object' || o === null || o.format !== 'sentio-mean-regressor' || o.version !== 1) {
      throw new TypeError('not a sentio-mean-regressor v1 JSON object');
    }
    if (!isFiniteNumber(o.valence) || !isFiniteNumber(o.arousal) || !isFiniteNumber(o.n)) {
      throw new TypeError('sentio-mean-regressor: valence, arousal and n must be finite numbers');
    }
    return new MeanRegressor(o.valence, o.arousal, o.n);
  }
}

/** Predicts the training class prior (probabilities) and its mode (label). */
export class PriorClassifier {
  private constructor(
    /** Sorted class names; probability vectors are aligned with it. */
    readonly classes: readonly string[],
    readonly prior: readonly number[],
    readonly n: number,
  ) {}

  /** Counts class frequencies; throws on no labels. */
  static train(labels: readonly string[]): PriorClassifier {
    if (labels.length === 0) throw new RangeError('cannot train on zero labels');
    const classes = [...new Set(labels)].sort();
    const counts = new Map<string, number>(classes.map((c) => [c, 0]));
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    return new PriorClassifier(
      classes,
      classes.map((c) => (counts.get(c) ?? 0) / labels.length),
      labels.length,
    );
  }

  /** The most frequent training class for every row (ties: first in sorted order). */
  predict(X: ArrayLike<unknown>): string[] {
    let best = 0;
    for (let k = 1; k < this.prior.length; k++) if (this.prior[k] > this.prior[best]) best = k;
    return new Array<string>(X.length).fill(this.classes[best]);
  }

  /** The prior for every row, aligned with {@link classes}. */
  predictProbabilities(X: ArrayLike<unknown>): number[][] {
    return Array.from({ length: X.length }, () => [...this.prior]);
  }

  toJSON(): PriorClassifierJSON {
    return { format: 'sentio-prior-classifier', version: 1, classes: [...this.classes], prior: [...this.prior], n: this.n };
  }

  static fromJSON(json: unknown): PriorClassifier {
    const o = json as Partial<PriorClassifierJSON> | null;
    if (typeof o !== 'object' || o === null || o.format !== 'sentio-prior-classifier' || o.version !== 1) {
      throw new TypeError('not a sentio-prior-classifier v1 JSON object');
    }
    const { classes, prior, n } = o;
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string') || classes.length === 0) {
      throw new TypeError('sentio-prior-classifier: classes must be a non-empty string array');
    }
    if (!Array.isArray(prior) || prior.length !== classes.length || !prior.every((p) => isFiniteNumber(p) && p >= 0)) {
      throw new TypeError('sentio-prior-classifier: prior must hold one non-negative number per class');
    }
    if (!isFiniteNumber(n)) throw new TypeError('sentio-prior-classifier: n must be a number');
    return new PriorClassifier([...classes], [...prior], n);
  }
}

/** Number of examples in `Y`, after checking lengths and values. */
export function checkTargets(Y: VaTargets): number {
  const n = Y.valence.length;
  if (n === 0) throw new RangeError('cannot train on zero targets');
  if (Y.arousal.length !== n) throw new RangeError(`${n} valence but ${Y.arousal.length} arousal targets`);
  for (const [name, ys] of [
    ['valence', Y.valence],
    ['arousal', Y.arousal],
  ] as const) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(ys[i])) throw new RangeError(`${name} target ${i} is ${ys[i]}`);
  }
  return n;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
