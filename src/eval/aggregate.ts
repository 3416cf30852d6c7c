/**
 * Aggregation of repeated evaluations — cross-validation folds or training runs with
 * different seeds — into "mean ± std" figures, the way the MER papers report results.
 *
 * NaN inputs propagate (a fold whose Pearson r is undefined makes the mean undefined):
 * reporting a mean over the folds that happened to be defined would overstate the model.
 */

/** Mean, sample standard deviation and count of a set of values. */
export interface MeanStd {
  mean: number;
  /** Sample standard deviation (÷ (n − 1)); 0 when n = 1. */
  std: number;
  n: number;
}

/**
 * Mean and sample standard deviation (Bessel-corrected, ÷ (n − 1)): folds and seeds are a
 * sample of the runs one could have made, and the papers' "± std" is the sample figure.
 * A single value has std 0 (not NaN), so a one-run table still formats. Empty input throws.
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  const n = values.length;
  if (n === 0) throw new RangeError('meanStd: no values');
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  if (n === 1) return { mean, std: Number.isNaN(mean) ? NaN : 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** Keys of all records, in order of first appearance. */
export function recordKeys(records: readonly Record<string, number>[]): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) keys.add(k);
  return [...keys];
}

/**
 * Per-key {@link meanStd} over several runs' metric records, e.g. one
 * `{ 'valence.rmse': 0.21, 'arousal.rmse': 0.18 }` per seed. Keys keep their order of first
 * appearance. A key missing from some records is aggregated over the records that have it,
 * and its `n` says how many that was. No records throws.
 */
export function aggregateRuns(records: readonly Record<string, number>[]): Record<string, MeanStd> {
  if (records.length === 0) throw new RangeError('aggregateRuns: no records');
  const out: Record<string, MeanStd> = {};
  for (const key of recordKeys(records)) {
    const values = records.filter((r) => Object.hasOwn(r, key)).map((r) => r[key]);
    out[key] = meanStd(values);
  }
  return out;
}

/**
 * A number with exactly `digits` decimals. Negative zero after rounding ("-0.000") is
 * written "0.000", so a tiny negative R² does not look like a sign flip in a table;
 * non-finite values are written "NaN", "Infinity", "-Infinity".
 *
 * @param digits decimals, 0–100; default 3 (enough for RMSE and accuracies in [-1, 1] units).
 */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * "mean ± std" with the same number of decimals on both sides, e.g. "0.123 ± 0.010".
 *
 * @param digits decimals; default 3.
 */
export function formatMeanStd(mean: number, std: number, digits = 3): string {
  return `${formatNumber(mean, digits)} ± ${formatNumber(std, digits)}`;
}

/** One fold's (or run's) label and metric values. */
export interface LabelledRecord {
  label: string;
  values: Record<string, number>;
}

/** Per-fold values plus their overall mean ± std; what a cross-validation table shows. */
export interface FoldSummary {
  /** All metric keys, in order of first appearance. */
  keys: string[];
  folds: LabelledRecord[];
  /** Per-key mean ± std across folds ({@link aggregateRuns}). */
  overall: Record<string, MeanStd>;
}

/**
 * Summary of a cross-validation (or of several seeds): the per-fold records with their
 * labels, and the mean ± std across them.
 *
 * @param labels one label per record; default "1", "2", … in order.
 */
export function summarizeFolds(records: readonly Record<string, number>[], labels?: readonly string[]): FoldSummary {
  if (labels !== undefined && labels.length !== records.length) {
    throw new RangeError(`summarizeFolds: ${labels.length} labels for ${records.length} records`);
  }
  return {
    keys: recordKeys(records),
    folds: records.map((values, i) => ({ label: labels?.[i] ?? String(i + 1), values: { ...values } })),
    overall: aggregateRuns(records),
  };
}
