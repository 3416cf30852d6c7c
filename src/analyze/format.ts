/**
 * Output writers for `sentio analyze`: JSON lines, CSV, a streamed JSON array, and a table for
 * people; plus reading an earlier (possibly interrupted) output back for `--resume`.
 *
 * Every machine format is written one whole record (one file's result) per `write` call, so an
 * interruption can only cut the last record short, and the readers here drop a cut record.
 * Failures are written too, so the output accounts for every input, but `--resume` retries them.
 *
 * Formats:
 *
 * - **jsonl**: one JSON object per line (see {@link toJsonLine}).
 * - **json**: one JSON array, one element per line: `[\n{…},\n{…}\n]\n`. Until it is closed the
 *   file is not valid JSON, but it is still read back line by line ({@link parseJsonArrayRecords}).
 * - **csv**: header `file,time,valence,arousal,silent,error`, one row per timeline point with
 *   `silent` 1 for a point in a silent stretch (`silence.ts`), else 0, and an empty `error`; a
 *   failure is one row with empty `time`, `valence`, `arousal`, `silent` and the message in
 *   `error`; a success with an empty timeline is one row with every column but `file` empty, so
 *   that `--resume` still knows it was done. (CSV has no song summary: read jsonl/json for it.) Fields are quoted as RFC 4180 says (when they hold a
 *   `"`, `,`, CR or LF; quotes doubled); lines end with LF.
 */
import { createWriteStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { AnalysisResult, EmotionPoint } from './types.ts';
import { emotionToRgb, hexToRgb, moodWord, type Rgb } from '../light/color.ts';
import { isAllSilent, SILENT_MOOD, silentPoints } from './silence.ts';

// The pure serialisers live in records.ts (browser-safe); re-exported so importers need not change.
export * from './records.ts';
import { CSV_HEADER, JSON_ARRAY_OPEN, csvField, isFailure, jsonArrayClose, jsonArrayElement, toCsvRows, toJsonLine, type AnalysisRecord, type OutputFormat } from './records.ts';

/** Appends records to an output as files finish. */
export interface ResultWriter {
  /** Writes one record in a single write call (so an interruption cannot interleave records); resolves once it has been handed on. */
  write(result: AnalysisRecord): Promise<void>;
  /** Finishes the output (closes the JSON array). Idempotent. Does not end a stream passed to {@link createResultWriter}. */
  close(): Promise<void>;
  /** Records in the output so far, including those kept from before a resume. */
  readonly count: number;
}

export interface ResultWriterOptions {
  /**
   * Set when continuing an output that already holds its opening (`[` or the CSV header) and this
   * many records: nothing is written up front and JSON array elements continue with a comma.
   */
  continueAfter?: number;
}

/**
 * Writes `chunk` and resolves once the stream has handed it on (for a file: to the OS), not merely
 * buffered it: a record reported written then survives the process being killed, which `--resume`
 * relies on. One record per file analysed makes the wait negligible.
 */
function writeChunk(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/** A writer streaming records to `out` in `format`. The opening (header, `[`) is written with the first record or on close. */
export function createResultWriter(out: Writable, format: OutputFormat, options: ResultWriterOptions = {}): ResultWriter {
  let count = options.continueAfter ?? 0;
  let opened = options.continueAfter !== undefined;
  let closed = false;
  const opening = (): string => {
    if (opened) return '';
    opened = true;
    return format === 'csv' ? CSV_HEADER : format === 'json' ? JSON_ARRAY_OPEN : '';
  };
  const record = (r: AnalysisRecord): string => {
    if (format === 'jsonl') return toJsonLine(r) + '\n';
    if (format === 'csv') return toCsvRows(r);
    return jsonArrayElement(r, count);
  };
  return {
    get count() {
      return count;
    },
    async write(r) {
      if (closed) throw new Error('write after close');
      const chunk = opening() + record(r);
      count++;
      await writeChunk(out, chunk);
    },
    async close() {
      if (closed) return;
      closed = true;
      const chunk = opening() + (format === 'json' ? jsonArrayClose(count) : '');
      if (chunk) await writeChunk(out, chunk);
    },
  };
}

/** What an earlier output holds, as far as `--resume` cares. */
export interface ParsedOutput {
  /** Files with a successful record, in output order. */
  completed: string[];
  /** The output rewritten to hold only those files' records, opened but not closed (header / `[` included). */
  kept: string;
  /** Records in `kept` (CSV: files, not rows). */
  keptRecords: number;
}

/** A parsed JSON value that looks like a successful {@link AnalysisResult} record. */
function isSuccessRecord(x: unknown): x is AnalysisResult {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return typeof o.file === 'string' && !('error' in o) && Array.isArray(o.timeline) && typeof o.summary === 'object' && o.summary !== null;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Records of a JSON lines text; lines that do not parse (a cut last line) are skipped. */
export function parseJsonLinesRecords(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const v = tryJson(line);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/**
 * Elements of a JSON array output, closed or not: the whole text when it parses, otherwise line by
 * line (the writer puts each element on its own line), dropping the `[`, `,` and `]` around each and
 * skipping lines that do not parse (a cut last element).
 */
export function parseJsonArrayRecords(text: string): unknown[] {
  const whole = tryJson(text);
  if (Array.isArray(whole)) return whole;
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    const body = line.replace(/^[\s[,]+/, '').replace(/[\s,\]]+$/, '');
    if (!body) continue;
    const v = tryJson(body);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Index just past the last LF outside a quoted CSV field (0 when none): where the last complete row ends. */
function endOfLastCompleteCsvRow(text: string): number {
  let inQuotes = false;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes; // an escaped "" toggles twice
    else if (c === 10 && !inQuotes) end = i + 1;
  }
  return end;
}

/** Completed files of a CSV output and its rows rewritten to keep only them (see {@link ParsedOutput}). */
function parseCsvOutput(text: string): ParsedOutput {
  const end = endOfLastCompleteCsvRow(text);
  const truncated = end < text.length && text.slice(end).trim() !== '';
  const rows = parse(text.slice(0, end), { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  if (rows.length === 0) return { completed: [], kept: CSV_HEADER, keptRecords: 0 };
  const header = rows[0].map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  // An output of an older version has no `silent` column: its rows keep an empty (unknown) cell.
  const [iFile, iTime, iVal, iAro, iSilent, iErr] = ['file', 'time', 'valence', 'arousal', 'silent', 'error'].map(col);
  // Refuse rather than let a resume rewrite some other CSV file into an empty output.
  if (iFile < 0) throw new Error(`not a sentio analyze CSV output (no 'file' column in the header): ${JSON.stringify(rows[0].join(','))}`);
  const cell = (row: string[], i: number): string => (i >= 0 ? (row[i] ?? '') : '');
  const body = rows.slice(1);
  const ok = new Map<string, string[][]>();
  for (const row of body) {
    if (cell(row, iErr) !== '') continue; // a failure: retried
    const file = cell(row, iFile);
    const list = ok.get(file);
    if (list) list.push(row);
    else ok.set(file, [row]);
  }
  // A cut row may belong to a file whose earlier rows are complete: drop that file too. (When the cut
  // fell on the first row of a new file, this redoes one finished file, which is cheap.)
  if (truncated && body.length > 0) ok.delete(cell(body[body.length - 1], iFile));
  const completed = [...ok.keys()];
  let kept = CSV_HEADER;
  for (const file of completed) {
    for (const row of ok.get(file) ?? []) {
      kept += [file, cell(row, iTime), cell(row, iVal), cell(row, iAro), cell(row, iSilent), ''].map(csvField).join(',') + '\n';
    }
  }
  return { completed, kept, keptRecords: completed.length };
}

/** Completed files of a JSON lines / array output, and the output rewritten to keep only their records. */
function parseJsonOutput(text: string, format: 'jsonl' | 'json'): ParsedOutput {
  const records = format === 'jsonl' ? parseJsonLinesRecords(text) : parseJsonArrayRecords(text);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of records) {
    if (!isSuccessRecord(r) || seen.has(r.file)) continue;
    seen.add(r.file);
    lines.push(JSON.stringify(r));
  }
  const kept = format === 'jsonl' ? lines.map((l) => l + '\n').join('') : JSON_ARRAY_OPEN + lines.join(',\n');
  return { completed: [...seen], kept, keptRecords: lines.length };
}

/** Parses the text of an earlier output in `format` (see {@link ParsedOutput}); tolerant of a cut last record. */
export function parseOutput(text: string, format: OutputFormat): ParsedOutput {
  return format === 'csv' ? parseCsvOutput(text) : parseJsonOutput(text, format);
}

/**
 * For `--resume`: the `file` values that an existing output at `outPath` already holds a successful
 * result for. Failures are not included (they are retried), nor is a record cut short by an
 * interruption. A missing or empty file gives an empty set; a CSV file without a `file` column
 * throws (it is not an output of ours, and `--resume` must not rewrite it).
 */
export function readCompletedFiles(outPath: string, format: OutputFormat): Set<string> {
  if (!existsSync(outPath)) return new Set();
  return new Set(parseOutput(readFileSync(outPath, 'utf8'), format).completed);
}

/** An output file being written. */
export interface ResultFile {
  writer: ResultWriter;
  /** Files already done (non-empty only when resuming); skip these inputs. */
  completed: Set<string>;
  /** Closes the output (the JSON array included) and the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens `outPath` for writing results in `format`. Without `resume` it is created or truncated. With
 * `resume`, an existing output is first rewritten (atomically, through a temporary file and a rename)
 * to hold only its successful, complete records, dropping failures, a cut last record and a closing
 * `]`, so that new records can be appended to it and the result is still well-formed.
 */
export async function openResultFile(outPath: string, format: OutputFormat, options: { resume?: boolean } = {}): Promise<ResultFile> {
  let completed = new Set<string>();
  let continueAfter: number | undefined;
  if (options.resume && existsSync(outPath)) {
    const parsed = parseOutput(readFileSync(outPath, 'utf8'), format);
    const tmp = `${outPath}.resume-${process.pid}.tmp`;
    writeFileSync(tmp, parsed.kept);
    renameSync(tmp, outPath);
    completed = new Set(parsed.completed);
    continueAfter = parsed.keptRecords;
  }
  const stream = createWriteStream(outPath, { flags: continueAfter === undefined ? 'w' : 'a' });
  await once(stream, 'open');
  const writer = createResultWriter(stream, format, { continueAfter });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await writer.close();
      } finally {
        stream.end();
        await once(stream, 'close');
      }
    })());
  return { writer, completed, close };
}

// ─── The table for people ───────────────────────────────────────────────────────────────────────

const SPARK = '▁▂▃▄▅▆▇█';
/** Sparkline width in characters. */
export const SPARKLINE_WIDTH = 32;

/** `m:ss` (or `h:mm:ss` from an hour on) of a duration in seconds; `?` when it is not a finite number. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A sparkline of `values` on the fixed scale [lo, hi] (not min..max: a fixed scale keeps songs
 * comparable and the middle bar meaning "neutral"), averaged into at most `width` bins.
 * Non-finite values are skipped; an empty bin is a space.
 */
export function sparkline(values: readonly number[], width = SPARKLINE_WIDTH, lo = -1, hi = 1): string {
  const n = values.length;
  const bins = Math.min(width, n);
  let out = '';
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / bins));
    let sum = 0;
    let k = 0;
    for (let i = from; i < to; i++) {
      if (Number.isFinite(values[i])) {
        sum += values[i];
        k++;
      }
    }
    if (k === 0) {
      out += ' ';
      continue;
    }
    const x = Math.min(1, Math.max(0, (sum / k - lo) / (hi - lo)));
    out += SPARK[Math.min(SPARK.length - 1, Math.round(x * (SPARK.length - 1)))];
  }
  return out;
}

/** A signed number with 2 decimals ("+0.42", "-0.31"), so columns of them line up. */
const signed = (x: number): string => (Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(2) : '?');

/** Text on a 24-bit ANSI background, in black or white, whichever reads better on it. */
export function ansiSwatch(rgb: Rgb, text: string): string {
  const luma = 0.2126 * rgb.r + 0.7152 * rgb.g + 0.0722 * rgb.b;
  const fg = luma > 140 ? '30' : '97';
  return `\x1b[48;2;${rgb.r};${rgb.g};${rgb.b}m\x1b[${fg}m${text}\x1b[0m`;
}

/** Columns a string takes in a terminal: ANSI escapes are skipped, each code point counts as one. */
export function visibleWidth(s: string): number {
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

const padEnd = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - visibleWidth(s)));
const padStart = (s: string, w: number): string => ' '.repeat(Math.max(0, w - visibleWidth(s))) + s;

/** Longest file name shown; longer ones keep their end (the base name), prefixed by an ellipsis. */
const MAX_FILE_WIDTH = 40;

function shortenFile(file: string): string {
  const chars = [...file.replace(/[\r\n\t]/g, ' ')];
  return chars.length <= MAX_FILE_WIDTH ? chars.join('') : '…' + chars.slice(chars.length - MAX_FILE_WIDTH + 1).join('');
}

/** The colour of a result: its `summary.color`, or the mapping of its summary point when that is not a hex colour. */
function resultRgb(r: AnalysisResult): Rgb {
  return hexToRgb(r.summary.color) ?? emotionToRgb(r.summary.valence || 0, r.summary.arousal || 0);
}

/** Quadrant and mood word of a summary ("silent" for an all-silent song), "?" for numbers that are not usable. */
function moodCell(r: AnalysisResult): string {
  const s = r.summary;
  if (isAllSilent(r)) return SILENT_MOOD;
  return `${s.quadrant} ${Number.isNaN(s.valence) || Number.isNaN(s.arousal) ? '?' : moodWord(s.valence, s.arousal)}`;
}

interface Column {
  title: string;
  align: 'left' | 'right';
}

const COLUMNS: readonly Column[] = [
  { title: 'file', align: 'left' },
  { title: 'length', align: 'right' },
  { title: 'valence', align: 'right' },
  { title: 'arousal', align: 'right' },
  { title: 'mood', align: 'left' },
  { title: 'bpm', align: 'right' },
  { title: 'colour', align: 'left' },
  { title: 'valence over time', align: 'left' },
  { title: 'arousal over time', align: 'left' },
];

/** The cells of one successful result, in {@link COLUMNS} order. */
function resultCells(r: AnalysisResult, color: boolean): string[] {
  const s = r.summary;
  const hex = s.color;
  // Silent points are left out of the sparklines (NaN is skipped): a silent stretch is a gap.
  const silent = silentPoints(r);
  const values = (key: keyof Omit<EmotionPoint, 'time'>): number[] => r.timeline.map((p, k) => (silent[k] ? Number.NaN : p[key]));
  return [
    shortenFile(r.file),
    formatDuration(r.duration),
    signed(s.valence),
    signed(s.arousal),
    moodCell(r),
    s.tempo === null ? '-' : Number.isFinite(s.tempo) ? s.tempo.toFixed(0) : '?',
    color ? ansiSwatch(resultRgb(r), ' '.repeat(7)) : hex,
    sparkline(values('valence')),
    sparkline(values('arousal')),
  ];
}

/**
 * A table for people: one row per file with its length (m:ss), song-level valence and arousal,
 * quadrant and mood word, tempo, a colour swatch (a 24-bit ANSI background when `color`, else the
 * hex), and sparklines of valence and arousal over time (fixed −1..1 scale, ~32 characters).
 * Silent stretches are gaps in the sparklines; an all-silent song's mood is "silent", its bpm "-".
 * A failure is a row with the file and its error. Ends with a newline.
 */
export function renderTable(results: readonly AnalysisRecord[], options: { color: boolean }): string {
  const rows = results.map((r) => (isFailure(r) ? [shortenFile(r.file)] : resultCells(r, options.color)));
  const widths = COLUMNS.map((c, i) => Math.max(visibleWidth(c.title), ...rows.map((row) => (row.length > 1 ? visibleWidth(row[i]) : 0))));
  widths[0] = Math.max(widths[0], ...rows.map((row) => visibleWidth(row[0])));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (COLUMNS[i].align === 'right' ? padStart(c, widths[i]) : padEnd(c, widths[i])))
      .join('  ')
      .trimEnd();
  const bold = (s: string): string => (options.color ? `\x1b[1m${s}\x1b[0m` : s);
  const out = [bold(line(COLUMNS.map((c) => c.title))), widths.map((w) => '─'.repeat(w)).join('  ')];
  results.forEach((r, k) => {
    if (!isFailure(r)) {
      out.push(line(rows[k]));
      return;
    }
    const msg = `error: ${r.error.replace(/\s*[\r\n]+\s*/g, ' ')}`;
    out.push(padEnd(rows[k][0], widths[0]) + '  ' + (options.color ? `\x1b[31m${msg}\x1b[0m` : msg));
  });
  return out.join('\n') + '\n';
}
