/**
 * Result writers: Markdown (for READMEs and PR descriptions), CSV (for spreadsheets and
 * plotting) and JSON (for other programs) from a generic table or from a cross-validation
 * evaluation. Pure string builders; writing files is the caller's business.
 */
import type { Quadrant } from '../data/types.ts';
import { formatMeanStd, formatNumber, summarizeFolds, type FoldSummary } from './aggregate.ts';
import { sumConfusion, type ConfusionMatrix, type QuadrantReport, type RegressionReport } from './metrics.ts';

export type Cell = string | number;

/** A rectangular table: every row has one cell per column. */
export interface Table {
  columns: string[];
  rows: Cell[][];
  /**
   * Optional per-column number of decimals, overriding the writer's `digits` (e.g. 0 for
   * counts, so a confusion matrix shows "12", not "12.000"). `undefined` entries use the default.
   */
  columnDigits?: (number | undefined)[];
}

/** Throws unless every row has exactly one cell per column. */
function checkTable(fn: string, table: Table): void {
  table.rows.forEach((row, i) => {
    if (row.length !== table.columns.length) {
      throw new RangeError(`${fn}: row ${i} has ${row.length} cells for ${table.columns.length} columns`);
    }
  });
}

/** A cell as text: strings as they are, numbers with the column's (or the default) decimals. */
function cellText(table: Table, cell: Cell, column: number, digits: number): string {
  return typeof cell === 'number' ? formatNumber(cell, table.columnDigits?.[column] ?? digits) : cell;
}

// ---------------------------------------------------------------------------
// Markdown

/** Escapes a cell for a GitHub-flavoured Markdown table: `|` would end the cell, a newline the row. */
function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n|\r/g, '<br>');
}

/** Numbers and number-like strings ("0.12 ± 0.01", "NaN") are right-aligned, for readable columns. */
const looksNumeric = (cell: Cell): boolean => typeof cell === 'number' || /^[-+]?(\d|\.\d|NaN|Infinity)/.test(cell);

/**
 * The table as GitHub-flavoured Markdown. Columns whose cells are all numeric are
 * right-aligned.
 *
 * @param digits decimals for numbers (unless `table.columnDigits` says otherwise); default 3.
 */
export function tableToMarkdown(table: Table, digits = 3): string {
  checkTable('tableToMarkdown', table);
  const align = table.columns.map((_, c) => (table.rows.length > 0 && table.rows.every((r) => looksNumeric(r[c])) ? '---:' : '---'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [line(table.columns.map(markdownCell)), line(align)];
  for (const row of table.rows) lines.push(line(row.map((cell, c) => markdownCell(cellText(table, cell, c, digits)))));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// CSV

/**
 * One CSV field per RFC 4180: enclosed in double quotes when it contains a comma, a double
 * quote, CR or LF, with inner double quotes doubled; otherwise as is.
 */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Options of {@link tableToCsv}. */
export interface CsvOptions {
  /** Decimals for numbers; default 6 (CSV is read by programs, so keep precision). */
  digits?: number;
  /** Record separator; default "\r\n" as RFC 4180 specifies (spreadsheets and csv-parse accept either). */
  eol?: string;
}

/** The table as CSV with a header record, every record (the last included) ended by `eol`. */
export function tableToCsv(table: Table, options: CsvOptions = {}): string {
  const { digits = 6, eol = '\r\n' } = options;
  checkTable('tableToCsv', table);
  const records = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) records.push(row.map((cell, c) => csvField(cellText(table, cell, c, digits))).join(','));
  return records.join(eol) + eol;
}

// ---------------------------------------------------------------------------
// JSON

/**
 * `JSON.stringify` replacer: numbers rounded to `digits` decimals (binary noise like
 * 0.30000000000000004 helps no reader), non-finite numbers as `null` (JSON has no NaN).
 */
function roundingReplacer(digits: number): (key: string, value: unknown) => unknown {
  return (_key, value) => {
    if (typeof value !== 'number') return value;
    if (!Number.isFinite(value)) return null;
    return Number(value.toFixed(digits));
  };
}

/** Any JSON-compatible value as indented JSON, numbers rounded to `digits` (default 6), NaN as null. */
export function toJson(value: unknown, digits = 6): string {
  return JSON.stringify(value, roundingReplacer(digits), 2) + '\n';
}

/**
 * The table as a JSON array with one object per row, keyed by column name (the shape most
 * tools load directly). Numbers stay numbers, rounded to `digits` (default 6); NaN becomes
 * null. Duplicate column names would collide as keys and throw.
 */
export function tableToJson(table: Table, digits = 6): string {
  checkTable('tableToJson', table);
  const seen = new Set<string>();
  for (const c of table.columns) {
    if (seen.has(c)) throw new RangeError(`tableToJson: column '${c}' appears twice`);
    seen.add(c);
  }
  const objects = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
  return toJson(objects, digits);
}

// ---------------------------------------------------------------------------
// Evaluation results

/** One fold (or run) of an evaluation: its label and whichever reports were computed. */
export interface FoldEvaluation {
  label: string;
  regression?: RegressionReport;
  quadrants?: QuadrantReport;
}

/** A cross-validation (or multi-seed) evaluation, as the writers below render it. */
export interface EvaluationResult {
  /** Heading of the Markdown report; omitted when absent. */
  title?: string;
  folds: FoldEvaluation[];
}

/**
 * The scalar metrics of one fold, flat, with stable dotted keys:
 * `valence.rmse … arousal.ccc`, `emotionAccuracy`, `valenceHalf`, `arousalHalf` from the
 * regression report, and `quadrant.accuracy`, `quadrant.macroF1`, `quadrant.valenceHalf`,
 * `quadrant.arousalHalf` from the quadrant report.
 */
export function foldRecord(fold: FoldEvaluation): Record<string, number> {
  const out: Record<string, number> = {};
  const r = fold.regression;
  if (r) {
    for (const dim of ['valence', 'arousal'] as const) {
      for (const [metric, value] of Object.entries(r[dim])) out[`${dim}.${metric}`] = value;
    }
    out.emotionAccuracy = r.emotionAccuracy;
    out.valenceHalf = r.valenceHalfAccuracy;
    out.arousalHalf = r.arousalHalfAccuracy;
  }
  const q = fold.quadrants;
  if (q) {
    out['quadrant.accuracy'] = q.accuracy;
    out['quadrant.macroF1'] = q.macroF1;
    out['quadrant.valenceHalf'] = q.valenceHalfAccuracy;
    out['quadrant.arousalHalf'] = q.arousalHalfAccuracy;
  }
  return out;
}

/** Per-fold metric records and their mean ± std. */
export function summarizeEvaluation(result: EvaluationResult): FoldSummary {
  if (result.folds.length === 0) throw new RangeError('summarizeEvaluation: no folds');
  return summarizeFolds(
    result.folds.map(foldRecord),
    result.folds.map((f) => f.label),
  );
}

/**
 * Fold table: one row per fold, then the overall row.
 *
 * @param overall 'mean±std' (default): one "mean ± std" text row, for people; 'separate': a
 *   numeric "mean" row and a numeric "std" row, for programs (used by the CSV writer).
 */
export function evaluationTable(result: EvaluationResult, overall: 'mean±std' | 'separate' = 'mean±std', digits = 3): Table {
  const s = summarizeEvaluation(result);
  const rows: Cell[][] = s.folds.map((f) => [f.label, ...s.keys.map((k) => (Object.hasOwn(f.values, k) ? f.values[k] : ''))]);
  if (overall === 'mean±std') {
    rows.push(['mean ± std', ...s.keys.map((k) => formatMeanStd(s.overall[k].mean, s.overall[k].std, digits))]);
  } else {
    rows.push(['mean', ...s.keys.map((k) => s.overall[k].mean)]);
    rows.push(['std', ...s.keys.map((k) => s.overall[k].std)]);
  }
  return { columns: ['fold', ...s.keys], rows };
}

/** Confusion matrix of all folds together (sum of the per-fold matrices), or undefined if no fold has one. */
export function pooledConfusion(result: EvaluationResult): ConfusionMatrix<Quadrant> | undefined {
  const matrices = result.folds.flatMap((f) => (f.quadrants ? [f.quadrants.confusion] : []));
  return matrices.length > 0 ? sumConfusion(matrices) : undefined;
}

/**
 * A confusion matrix as a table: true classes as rows, predicted classes as columns, counts
 * as integers. The corner cell reads "true \ pred".
 */
export function confusionTable<L extends string>(cm: ConfusionMatrix<L>): Table {
  return {
    columns: ['true \\ pred', ...cm.classes],
    rows: cm.classes.map((label, i) => [label, ...cm.matrix[i]]),
    columnDigits: [undefined, ...cm.classes.map(() => 0)],
  };
}

/** A confusion matrix as a Markdown table (true classes as rows). */
export function confusionToMarkdown<L extends string>(cm: ConfusionMatrix<L>): string {
  return tableToMarkdown(confusionTable(cm), 0);
}

/**
 * The full Markdown report: optional `## title`, the fold table with its mean ± std row,
 * and, when quadrant reports are present, the confusion matrix of all folds together.
 *
 * @param digits decimals for the metrics; default 3.
 */
export function evaluationToMarkdown(result: EvaluationResult, digits = 3): string {
  const parts: string[] = [];
  if (result.title !== undefined) parts.push(`## ${result.title}\n`);
  parts.push(tableToMarkdown(evaluationTable(result, 'mean±std', digits), digits));
  const cm = pooledConfusion(result);
  if (cm) parts.push(`Confusion matrix, all folds (rows: true quadrant, columns: predicted):\n\n${confusionToMarkdown(cm)}`);
  return parts.join('\n');
}

/**
 * The fold table as CSV, with numeric "mean" and "std" rows at the end (no "±" text, so
 * every metric column stays numeric).
 */
export function evaluationToCsv(result: EvaluationResult, options: CsvOptions = {}): string {
  return tableToCsv(evaluationTable(result, 'separate'), options);
}

/**
 * The evaluation as JSON: `{ title?, folds: [{ label, metrics, confusion? }], overall:
 * { key: { mean, std, n } }, confusion? }` where the top-level confusion is the sum over
 * folds. Numbers rounded to `digits` (default 6), NaN as null.
 */
export function evaluationToJson(result: EvaluationResult, digits = 6): string {
  const s = summarizeEvaluation(result);
  const cm = pooledConfusion(result);
  return toJson(
    {
      ...(result.title !== undefined ? { title: result.title } : {}),
      folds: result.folds.map((f, i) => ({
        label: f.label,
        metrics: s.folds[i].values,
        ...(f.quadrants ? { confusion: f.quadrants.confusion } : {}),
      })),
      overall: s.overall,
      ...(cm ? { confusion: cm } : {}),
    },
    digits,
  );
}
