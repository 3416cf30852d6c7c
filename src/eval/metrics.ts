/**
 * Evaluation metrics for valence/arousal regression and Russell-quadrant classification.
 *
 * Pure functions over plain number arrays (any `ArrayLike<number>`, so Float32Array
 * model outputs work too); no tfjs, so the same code scores a model in training, a
 * saved prediction file, or a baseline.
 *
 * Conventions shared by every function here:
 * - Inputs that cannot be scored throw a `RangeError` naming the function: empty inputs,
 *   inputs of different lengths, and non-finite values (a NaN prediction usually means a
 *   diverged model; silently counting it as "wrong" or letting it poison a mean would hide that).
 * - Statistics that are undefined for the data return `NaN` rather than a made-up number:
 *   Pearson's r when either side has zero variance, R² when the truth has zero variance,
 *   CCC when both sides are the same constant. See each function for details.
 * - Variances are population variances (divide by n), as Lin's CCC is defined.
 */
import { quadrantOf, type Quadrant } from '../data/types.ts';

/** Any indexable list of numbers: `number[]`, `Float32Array`, `Float64Array`, ... */
export type Numbers = ArrayLike<number>;

/** The four Russell quadrants in their conventional order (rows/columns of confusion matrices). */
export const QUADRANTS: readonly Quadrant[] = ['Q1', 'Q2', 'Q3', 'Q4'];

// ---------------------------------------------------------------------------
// Input checks

/** Throws unless `a` is non-empty and every value is finite. */
function checkFinite(fn: string, name: string, a: Numbers): void {
  if (a.length === 0) throw new RangeError(`${fn}: ${name} is empty`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`${fn}: ${name}[${i}] is not a finite number (${a[i]})`);
  }
}

/** Throws unless both arrays are non-empty, of equal length and finite. */
function checkPair(fn: string, pred: Numbers, truth: Numbers): void {
  if (pred.length !== truth.length) {
    throw new RangeError(`${fn}: predictions and truth differ in length (${pred.length} vs ${truth.length})`);
  }
  checkFinite(fn, 'predictions', pred);
  checkFinite(fn, 'truth', truth);
}

/** Throws unless all label lists are non-empty and of equal length. */
function checkLengths(fn: string, lists: Record<string, ArrayLike<unknown>>): number {
  const entries = Object.entries(lists);
  const n = entries[0][1].length;
  for (const [name, list] of entries) {
    if (list.length !== n) {
      const sizes = entries.map(([k, l]) => `${k}=${l.length}`).join(', ');
      throw new RangeError(`${fn}: inputs differ in length (${sizes})`);
    }
    if (list.length === 0) throw new RangeError(`${fn}: ${name} is empty`);
  }
  return n;
}

// ---------------------------------------------------------------------------
// Small numeric helpers

function mean(a: Numbers): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/**
 * True when every value equals the first. Used instead of `variance === 0`: the two-pass
 * variance of e.g. [0.1, 0.1, 0.1] is ~1e-34, not 0, because the mean is not exactly 0.1,
 * and dividing by it would turn "undefined" into a meaningless large number.
 */
function isConstant(a: Numbers): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/** Population moments of a pair: means, variances (÷n) and covariance (÷n), two-pass. */
function moments(x: Numbers, y: Numbers): { mx: number; my: number; vx: number; vy: number; cov: number } {
  const mx = mean(x);
  const my = mean(y);
  let vx = 0;
  let vy = 0;
  let cov = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    vx += dx * dx;
    vy += dy * dy;
    cov += dx * dy;
  }
  const n = x.length;
  return { mx, my, vx: vx / n, vy: vy / n, cov: cov / n };
}

const clampUnit = (r: number): number => Math.max(-1, Math.min(1, r));

// ---------------------------------------------------------------------------
// Per-dimension regression metrics

/** Root mean squared error: the main metric of seed 002 and of the MediaEval/DEAM papers. */
export function rmse(pred: Numbers, truth: Numbers): number {
  checkPair('rmse', pred, truth);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / pred.length);
}

/** Mean absolute error, in label units ([-1, 1] scale), so it reads directly as "how far off". */
export function mae(pred: Numbers, truth: Numbers): number {
  checkPair('mae', pred, truth);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / pred.length;
}

/**
 * Coefficient of determination, R² = 1 − SS_res / SS_tot (as scikit-learn's `r2_score`).
 * 0 for always predicting the truth's mean, negative for worse than that, 1 for perfect.
 * `NaN` when the truth is constant (SS_tot = 0); scikit-learn instead reports 1 or 0 there,
 * which would hide that the score is meaningless.
 */
export function r2(pred: Numbers, truth: Numbers): number {
  checkPair('r2', pred, truth);
  if (isConstant(truth)) return NaN;
  const mt = mean(truth);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < truth.length; i++) {
    ssRes += (truth[i] - pred[i]) ** 2;
    ssTot += (truth[i] - mt) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/**
 * Pearson's correlation coefficient r in [-1, 1]: does the prediction follow the truth's
 * ups and downs, ignoring offset and scale. `NaN` when either side has zero variance
 * (a constant prediction, typical of a collapsed model, has no correlation to speak of).
 */
export function pearson(pred: Numbers, truth: Numbers): number {
  checkPair('pearson', pred, truth);
  if (isConstant(pred) || isConstant(truth)) return NaN;
  return pearsonOf(moments(pred, truth));
}

type Moments = ReturnType<typeof moments>;
const pearsonOf = ({ vx, vy, cov }: Moments): number => clampUnit(cov / Math.sqrt(vx * vy));
const cccOf = ({ mx, my, vx, vy, cov }: Moments): number => clampUnit((2 * cov) / (vx + vy + (mx - my) ** 2));

/**
 * Lin's concordance correlation coefficient,
 * CCC = 2·cov(x, y) / (var(x) + var(y) + (mean(x) − mean(y))²), with population (÷n)
 * variances. Unlike Pearson it also penalises bias and scale errors: |CCC| ≤ |r|, with
 * equality only when both sides have the same mean and the same variance, so CCC = 1 means
 * prediction = truth. The usual metric of the AVEC/DEAM continuous-emotion challenges.
 *
 * Degenerate cases: if exactly one side is constant, cov = 0 and the denominator is
 * positive, so CCC = 0. If both sides are constant and different, CCC = 0 too. If both
 * are the same constant, the formula is 0/0 and the result is `NaN`.
 */
export function ccc(pred: Numbers, truth: Numbers): number {
  checkPair('ccc', pred, truth);
  const constP = isConstant(pred);
  const constT = isConstant(truth);
  if (constP && constT) return pred[0] === truth[0] ? NaN : 0;
  if (constP || constT) return 0;
  return cccOf(moments(pred, truth));
}

/** All per-dimension regression metrics for one dimension (valence or arousal). */
export interface DimensionMetrics {
  rmse: number;
  mae: number;
  r2: number;
  pearson: number;
  ccc: number;
}

/** Every metric of {@link DimensionMetrics} for one dimension. */
export function dimensionMetrics(pred: Numbers, truth: Numbers): DimensionMetrics {
  return { rmse: rmse(pred, truth), mae: mae(pred, truth), r2: r2(pred, truth), pearson: pearson(pred, truth), ccc: ccc(pred, truth) };
}

// ---------------------------------------------------------------------------
// Threshold and sign accuracies on continuous predictions

/**
 * "Emotion accuracy" as defined in the Sentio design guide (shared seed 002,
 * `002_d52b49cd0d887b09.txt`, section "Metrics", `emotion_accuracy`): the share of items
 * whose prediction is within `threshold` of the truth in BOTH valence and arousal
 * (|Δv| ≤ threshold and |Δa| ≤ threshold; the bound is inclusive, as in the guide).
 *
 * @param threshold maximum absolute error per dimension, in label units; default 0.5, the
 *   guide's default (a quarter of the [-1, 1] range).
 */
export function emotionAccuracy(predV: Numbers, predA: Numbers, trueV: Numbers, trueA: Numbers, threshold = 0.5): number {
  checkLengths('emotionAccuracy', { predV, predA, trueV, trueA });
  checkPair('emotionAccuracy', predV, trueV);
  checkPair('emotionAccuracy', predA, trueA);
  if (!(threshold >= 0)) throw new RangeError(`emotionAccuracy: threshold must be a non-negative number, got ${threshold}`);
  let hits = 0;
  for (let i = 0; i < predV.length; i++) {
    if (Math.abs(predV[i] - trueV[i]) <= threshold && Math.abs(predA[i] - trueA[i]) <= threshold) hits++;
  }
  return hits / predV.length;
}

/**
 * Share of items whose prediction lies on the same side of 0 as the truth, with 0 counted
 * as positive (the same tie rule as `quadrantOf`). Applied to arousal it is the
 * "arousal-half" accuracy (high vs low energy), to valence the "valence-half" accuracy.
 */
export function halfAccuracy(pred: Numbers, truth: Numbers): number {
  checkPair('halfAccuracy', pred, truth);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] >= 0 === truth[i] >= 0) hits++;
  return hits / pred.length;
}

// ---------------------------------------------------------------------------
// Classification

/**
 * Counts of (true, predicted) label pairs: `matrix[i][j]` is the number of items whose
 * true label is `classes[i]` and predicted label is `classes[j]` (rows = truth, as
 * scikit-learn's `confusion_matrix`).
 */
export interface ConfusionMatrix<L extends string = string> {
  classes: readonly L[];
  matrix: number[][];
}

/**
 * Confusion matrix over the given `classes` (their order fixes the rows and columns).
 * Listing the classes explicitly keeps matrices from different folds aligned even when a
 * fold lacks a class. A label outside `classes` throws a `RangeError`.
 */
export function confusionMatrix<L extends string>(trueLabels: ArrayLike<L>, predLabels: ArrayLike<L>, classes: readonly L[]): ConfusionMatrix<L> {
  checkLengths('confusionMatrix', { trueLabels, predLabels });
  if (classes.length === 0) throw new RangeError('confusionMatrix: classes is empty');
  const index = new Map<L, number>();
  classes.forEach((c, i) => {
    if (index.has(c)) throw new RangeError(`confusionMatrix: class '${c}' is listed twice`);
    index.set(c, i);
  });
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (let k = 0; k < trueLabels.length; k++) {
    const i = index.get(trueLabels[k]);
    const j = index.get(predLabels[k]);
    if (i === undefined) throw new RangeError(`confusionMatrix: true label '${trueLabels[k]}' at ${k} is not one of ${classes.join(', ')}`);
    if (j === undefined) throw new RangeError(`confusionMatrix: predicted label '${predLabels[k]}' at ${k} is not one of ${classes.join(', ')}`);
    matrix[i][j]++;
  }
  return { classes: classes.slice(), matrix };
}

/**
 * Element-wise sum of confusion matrices over the same classes, e.g. the folds of a
 * cross-validation: the result is the confusion of all out-of-fold predictions together.
 */
export function sumConfusion<L extends string>(matrices: readonly ConfusionMatrix<L>[]): ConfusionMatrix<L> {
  if (matrices.length === 0) throw new RangeError('sumConfusion: no matrices');
  const { classes } = matrices[0];
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (const cm of matrices) {
    if (cm.classes.length !== classes.length || cm.classes.some((c, i) => c !== classes[i])) {
      throw new RangeError(`sumConfusion: classes differ (${classes.join(', ')} vs ${cm.classes.join(', ')})`);
    }
    cm.matrix.forEach((row, i) => row.forEach((v, j) => (matrix[i][j] += v)));
  }
  return { classes: classes.slice(), matrix };
}

/** Share of items whose predicted label equals the true label. */
export function accuracy<L extends string>(trueLabels: ArrayLike<L>, predLabels: ArrayLike<L>): number {
  const n = checkLengths('accuracy', { trueLabels, predLabels });
  let hits = 0;
  for (let i = 0; i < n; i++) if (trueLabels[i] === predLabels[i]) hits++;
  return hits / n;
}

/** Precision, recall and F1 of one class, plus its support (number of true items). */
export interface ClassScores<L extends string = string> {
  label: L;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Per-class precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean.
 * A ratio with a zero denominator (class never predicted, or absent from the truth) is
 * 0, as scikit-learn with `zero_division=0`; this keeps macro averages finite and counts
 * a class the model never outputs as a failure rather than skipping it.
 */
export function perClassPrecisionRecallF1<L extends string>(cm: ConfusionMatrix<L>): ClassScores<L>[] {
  const k = cm.classes.length;
  return cm.classes.map((label, c) => {
    const tp = cm.matrix[c][c];
    let predicted = 0;
    let support = 0;
    for (let i = 0; i < k; i++) {
      predicted += cm.matrix[i][c];
      support += cm.matrix[c][i];
    }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
}

/**
 * Unweighted mean of the per-class F1 over all classes of the matrix (scikit-learn's
 * `f1_score(average='macro', labels=classes, zero_division=0)`). Every quadrant weighs the
 * same regardless of its size, so a model cannot score well by ignoring a rare class.
 */
export function macroF1<L extends string>(cm: ConfusionMatrix<L>): number {
  const scores = perClassPrecisionRecallF1(cm);
  return scores.reduce((s, c) => s + c.f1, 0) / scores.length;
}

// ---------------------------------------------------------------------------
// Reports

/** Valence and arousal series of equal length (predictions or labels), in [-1, 1]. */
export interface VASeries {
  valence: Numbers;
  arousal: Numbers;
}

/** Everything {@link regressionReport} computes. */
export interface RegressionReport {
  /** Number of scored items. */
  n: number;
  valence: DimensionMetrics;
  arousal: DimensionMetrics;
  /** {@link emotionAccuracy} at `threshold`. */
  emotionAccuracy: number;
  /** The threshold used for `emotionAccuracy`. */
  threshold: number;
  /** {@link halfAccuracy} of valence: positive vs negative valence. */
  valenceHalfAccuracy: number;
  /** {@link halfAccuracy} of arousal: high vs low arousal. */
  arousalHalfAccuracy: number;
}

/**
 * All regression metrics for both dimensions of one set of predictions.
 *
 * @param threshold for {@link emotionAccuracy}; default 0.5 as in seed 002.
 */
export function regressionReport(pred: VASeries, truth: VASeries, threshold = 0.5): RegressionReport {
  checkLengths('regressionReport', { 'pred.valence': pred.valence, 'pred.arousal': pred.arousal, 'truth.valence': truth.valence, 'truth.arousal': truth.arousal });
  return {
    n: pred.valence.length,
    valence: dimensionMetrics(pred.valence, truth.valence),
    arousal: dimensionMetrics(pred.arousal, truth.arousal),
    emotionAccuracy: emotionAccuracy(pred.valence, pred.arousal, truth.valence, truth.arousal, threshold),
    threshold,
    valenceHalfAccuracy: halfAccuracy(pred.valence, truth.valence),
    arousalHalfAccuracy: halfAccuracy(pred.arousal, truth.arousal),
  };
}

/** Everything {@link quadrantReport} computes. */
export interface QuadrantReport {
  /** Number of scored items. */
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassScores<Quadrant>[];
  /** Rows = true quadrant, columns = predicted, in {@link QUADRANTS} order. */
  confusion: ConfusionMatrix<Quadrant>;
  /** Share where high (Q1, Q2) vs low (Q3, Q4) arousal is right. */
  arousalHalfAccuracy: number;
  /** Share where positive (Q1, Q4) vs negative (Q2, Q3) valence is right. */
  valenceHalfAccuracy: number;
}

const highArousal = (q: Quadrant): boolean => q === 'Q1' || q === 'Q2';
const positiveValence = (q: Quadrant): boolean => q === 'Q1' || q === 'Q4';

/**
 * Quadrant classification scores from predicted quadrant labels. The half accuracies are
 * read off the quadrants (Q1/Q2 = high arousal, Q1/Q4 = positive valence), so a Q1↔Q2
 * confusion still counts as right for arousal: it shows which axis the errors lie on.
 */
export function quadrantReport(predQuadrants: ArrayLike<Quadrant>, trueQuadrants: ArrayLike<Quadrant>): QuadrantReport {
  const n = checkLengths('quadrantReport', { predQuadrants, trueQuadrants });
  const confusion = confusionMatrix(trueQuadrants, predQuadrants, QUADRANTS);
  let arousalHits = 0;
  let valenceHits = 0;
  for (let i = 0; i < n; i++) {
    if (highArousal(predQuadrants[i]) === highArousal(trueQuadrants[i])) arousalHits++;
    if (positiveValence(predQuadrants[i]) === positiveValence(trueQuadrants[i])) valenceHits++;
  }
  return {
    n,
    accuracy: accuracy(trueQuadrants, predQuadrants),
    macroF1: macroF1(confusion),
    perClass: perClassPrecisionRecallF1(confusion),
    confusion,
    arousalHalfAccuracy: arousalHits / n,
    valenceHalfAccuracy: valenceHits / n,
  };
}

/**
 * {@link quadrantReport} for a regression model: each predicted (valence, arousal) point is
 * mapped to its quadrant with `quadrantOf` (ties at 0 count as positive).
 */
export function quadrantReportFromVA(predV: Numbers, predA: Numbers, trueQuadrants: ArrayLike<Quadrant>): QuadrantReport {
  checkLengths('quadrantReportFromVA', { predV, predA, trueQuadrants });
  checkFinite('quadrantReportFromVA', 'predV', predV);
  checkFinite('quadrantReportFromVA', 'predA', predA);
  const pred = Array.from({ length: predV.length }, (_, i) => quadrantOf(predV[i], predA[i]));
  return quadrantReport(pred, trueQuadrants);
}

// ---------------------------------------------------------------------------
// Within-song timeline metrics

/** One clip's aligned timeline and dynamic labels (same length, frame k paired with label k). */
export interface ClipTimeline {
  id: string;
  pred: VASeries;
  truth: VASeries;
}

/** One dimension of one clip: r and CCC (NaN when skipped) and how much each side moves. */
export interface ClipDimensionScores {
  pearson: number;
  ccc: number;
  /** True when the timeline or the labels are constant over the clip, so r is undefined. */
  skipped: boolean;
  /** Population std (÷n) of the model's timeline over the clip's labelled frames. */
  predStd: number;
  /** Population std (÷n) of the labels over the same frames. */
  truthStd: number;
}

/** One dimension over all clips. */
export interface WithinSongDimension {
  /** Mean per-clip r over the clips not skipped; NaN when every clip was skipped. */
  pearson: number;
  /** Mean per-clip CCC over the same clips as `pearson`. */
  ccc: number;
  /** Clips left out of `pearson` and `ccc` because one side is constant. */
  skipped: number;
  /** Mean over all clips of the per-clip std of the timeline (a flat timeline counts, as 0). */
  predStd: number;
  /** Mean over all clips of the per-clip std of the labels. */
  truthStd: number;
}

/** Everything {@link withinSongReport} computes. */
export interface WithinSongReport {
  clips: number;
  valence: WithinSongDimension;
  arousal: WithinSongDimension;
  perClip: { id: string; n: number; valence: ClipDimensionScores; arousal: ClipDimensionScores }[];
}

function clipDimension(pred: Numbers, truth: Numbers): ClipDimensionScores {
  checkPair('withinSongReport', pred, truth);
  // CCC is skipped with r: with one side constant it is 0 by definition, which would
  // drag the mean down for a reason r already reports as "undefined".
  const skipped = isConstant(pred) || isConstant(truth);
  // One pass of moments gives r, CCC and both stds.
  const m = moments(pred, truth);
  return {
    pearson: skipped ? NaN : pearsonOf(m),
    ccc: skipped ? NaN : cccOf(m),
    skipped,
    predStd: Math.sqrt(m.vx),
    truthStd: Math.sqrt(m.vy),
  };
}

function summarizeDimension(scores: ClipDimensionScores[]): WithinSongDimension {
  const kept = scores.filter((s) => !s.skipped);
  const avg = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    pearson: avg(kept.map((s) => s.pearson)),
    ccc: avg(kept.map((s) => s.ccc)),
    skipped: scores.length - kept.length,
    predStd: avg(scores.map((s) => s.predStd)),
    truthStd: avg(scores.map((s) => s.truthStd)),
  };
}

/**
 * Does the timeline follow the music within each song? Pooled frame metrics mostly measure
 * whether songs are placed right relative to each other (between-song variance dominates);
 * these score each clip on its own and average over clips: per-clip r and CCC of the
 * timeline against the dynamic labels, and the per-clip std of both sides (a timeline that
 * barely moves cannot follow anything, whatever its r). A dimension of a clip with a
 * constant series on either side has no r and is skipped for r and CCC, and counted.
 */
export function withinSongReport(clips: readonly ClipTimeline[]): WithinSongReport {
  if (clips.length === 0) throw new RangeError('withinSongReport: no clips');
  const perClip = clips.map((c) => {
    const n = checkLengths('withinSongReport', { 'pred.valence': c.pred.valence, 'pred.arousal': c.pred.arousal, 'truth.valence': c.truth.valence, 'truth.arousal': c.truth.arousal });
    return { id: c.id, n, valence: clipDimension(c.pred.valence, c.truth.valence), arousal: clipDimension(c.pred.arousal, c.truth.arousal) };
  });
  return {
    clips: clips.length,
    valence: summarizeDimension(perClip.map((c) => c.valence)),
    arousal: summarizeDimension(perClip.map((c) => c.arousal)),
    perClip,
  };
}
