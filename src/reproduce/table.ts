/**
 * The output of `sentio reproduce`: the paper's tables with the paper's numbers and ours
 * side by side, plus everything needed to judge the comparison (data, protocol, our
 * choices where the paper is silent, and any override that leaves the protocol). Written
 * as Markdown for people, CSV (one row per table cell pair) and JSON for programs.
 */
import { formatMeanStd, formatNumber, type MeanStd } from '../eval/aggregate.ts';
import { tableToCsv, tableToMarkdown, toJson, type Cell, type Table } from '../eval/report.ts';
import type { PaperName, PaperValue } from './index.ts';

/** One row: per metric the paper's value (absent: the paper has none) and ours (absent: not run). */
export interface ComparisonRow {
  label: string;
  paper: Record<string, PaperValue | undefined>;
  ours: Record<string, MeanStd | undefined>;
  /** Runs behind the paper's values (absent when the paper does not say). */
  paperRuns?: number;
  /** Why `ours` is empty, when it is (e.g. "not re-implemented"). */
  note?: string;
}

/** One of the paper's tables. */
export interface ComparisonTable {
  /** Stable id for CSV/JSON consumers, e.g. `table1a-evaluation`. */
  id: string;
  title: string;
  /** Header of the first column, e.g. "seq. length" or "model". */
  rowHeader: string;
  /** Metric names in the paper's column order, e.g. valence, arousal, average. */
  metrics: string[];
  rows: ComparisonRow[];
  /** Decimals the paper prints (3 for Malik et al., 4 for Havránek). */
  digits: number;
}

/** Everything one `sentio reproduce` run reports. */
export interface ReproduceReport {
  paper: PaperName;
  citation: string;
  dataset: string;
  /** The dataset folder that was read. */
  data: string;
  /** Settings actually used (after overrides). */
  protocol: Record<string, unknown>;
  /** Overrides that leave the paper's protocol; empty for a faithful run. */
  deviations: string[];
  /** Our decisions where the paper is silent. */
  choices: string[];
  /** What was skipped or left out, and why (missing audio, missing features, …). */
  notes: string[];
  tables: ComparisonTable[];
  /** Per-run metric records (one per seed and configuration), for the JSON report. */
  runs: { table: string; row: string; seed: number; metrics: Record<string, number>; seconds: number }[];
}

/** "0.275 ± 0.004", "0.285" (no std printed) or "–". */
function paperCell(v: PaperValue | undefined, digits: number): string {
  if (!v) return '–';
  return v.std === undefined ? formatNumber(v.mean, digits) : formatMeanStd(v.mean, v.std, digits);
}

/** Ours as "mean ± std", a single run as its value (as the papers print N = 1 rows), or "–". */
function oursCell(v: MeanStd | undefined, digits: number): string {
  if (!v) return '–';
  return v.n === 1 ? formatNumber(v.mean, digits) : formatMeanStd(v.mean, v.std, digits);
}

/** Runs behind a row's values, "paper / ours". */
function runsCell(row: ComparisonRow): string {
  const ours = Object.values(row.ours).find((v) => v !== undefined)?.n;
  return `${row.paperRuns ?? '–'} / ${ours ?? '–'}`;
}

/** A comparison table as a plain table: `metric (paper)`, `metric (ours)` column pairs, then runs. */
export function comparisonTable(t: ComparisonTable): Table {
  const columns = [t.rowHeader, ...t.metrics.flatMap((m) => [`${m} (paper)`, `${m} (ours)`]), 'runs (paper / ours)'];
  const rows: Cell[][] = t.rows.map((r) => [
    r.note ? `${r.label} (${r.note})` : r.label,
    ...t.metrics.flatMap((m) => [paperCell(r.paper[m], t.digits), oursCell(r.ours[m], t.digits)]),
    runsCell(r),
  ]);
  return { columns, rows };
}

/** The report as Markdown: heading, data and protocol, deviations, each table, then our choices and notes. */
export function reportToMarkdown(r: ReproduceReport): string {
  const parts: string[] = [`# sentio reproduce ${r.paper}\n`, `${r.citation}\n`, `- dataset: ${r.dataset}`, `- data: ${r.data}`];
  for (const [k, v] of Object.entries(r.protocol)) parts.push(`- ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  parts.push('');
  if (r.deviations.length > 0) {
    parts.push('**Not the paper\'s protocol** (overridden on the command line), so "ours" is not comparable with "paper":\n');
    for (const d of r.deviations) parts.push(`- ${d}`);
    parts.push('');
  }
  for (const t of r.tables) parts.push(`## ${t.title}\n`, tableToMarkdown(comparisonTable(t), t.digits));
  parts.push('Where the paper is silent we chose:\n', ...r.choices.map((c) => `- ${c}`), '');
  if (r.notes.length > 0) parts.push('Notes:\n', ...r.notes.map((n) => `- ${n}`), '');
  return parts.join('\n');
}

/**
 * The tables in long form, one CSV record per (table, row, metric): `paper_mean`,
 * `paper_std`, `ours_mean`, `ours_std`, `ours_runs` (empty where absent).
 */
export function reportToCsv(r: ReproduceReport): string {
  const rows: Cell[][] = [];
  for (const t of r.tables) {
    for (const row of t.rows) {
      for (const m of t.metrics) {
        const p = row.paper[m];
        const o = row.ours[m];
        rows.push([t.id, row.label, m, p?.mean ?? '', p?.std ?? '', o?.mean ?? '', o?.std ?? '', o?.n ?? '']);
      }
    }
  }
  return tableToCsv({ columns: ['table', 'row', 'metric', 'paper_mean', 'paper_std', 'ours_mean', 'ours_std', 'ours_runs'], rows, columnDigits: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, 0] });
}

/** The whole report as JSON (numbers to 6 decimals, NaN as null). */
export function reportToJson(r: ReproduceReport): string {
  return toJson(r);
}

/** The writer for a report file, chosen by its extension (.md, .csv, .json; anything else: Markdown). */
export function formatReport(r: ReproduceReport, file: string): string {
  const ext = file.toLowerCase().split('.').pop();
  return ext === 'csv' ? reportToCsv(r) : ext === 'json' ? reportToJson(r) : reportToMarkdown(r);
}
