/**
 * The machine formats of `sentio analyze --format json|jsonl|csv` and `sentio live --jsonl`, as
 * pure functions from results to text. Universal (no Node imports): the CLI's writers
 * (`format.ts`, which re-exports all of this) and the web page's export share them, so a file
 * analysed in the page exports byte for byte what the command writes.
 *
 * - **jsonl**: one JSON object per line (see {@link toJsonLine}).
 * - **json**: one JSON array, one element per line: `[\n{…},\n{…}\n]\n`
 *   ({@link JSON_ARRAY_OPEN}, {@link jsonArrayElement}, {@link jsonArrayClose}).
 * - **csv**: {@link CSV_HEADER}, then {@link toCsvRows} per record (see `format.ts` for the layout).
 */
import type { AnalysisFailure, AnalysisResult, Quadrant } from './types.ts';
import { silentPoints } from './silence.ts';
import type { LivePoint } from './stream.ts';

/** The machine-readable output formats. */
export type OutputFormat = 'jsonl' | 'json' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jsonl', 'json', 'csv'];
/** `sentio analyze --format`: a table for people, or one of the machine formats. */
export const ANALYZE_FORMATS = ['table', ...OUTPUT_FORMATS] as const;

/** One input's outcome. */
export type AnalysisRecord = AnalysisResult | AnalysisFailure;

export function isFailure(r: AnalysisRecord): r is AnalysisFailure {
  return 'error' in r;
}

/** Decimals kept: V/A and probabilities need no more than 4 (the models are not that precise), times 3 (ms), tempo 1. */
export const DECIMALS = { emotion: 4, time: 3, tempo: 1 } as const;

/** `x` rounded to `digits` decimals, as a number; -0 becomes 0. Non-finite values pass through (JSON writes them as null). */
export function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Number(x.toFixed(digits));
  return r === 0 ? 0 : r;
}

/**
 * One live point (`sentio live --jsonl`) as a line of JSON without the newline, rounded like
 * the offline timeline (V/A 4 decimals, times 3) and levels to 0.1 dB, keys in documented order.
 */
export function livePointLine(p: LivePoint): string {
  const e = (x: number): number => roundTo(x, DECIMALS.emotion);
  const t = (x: number): number => roundTo(x, DECIMALS.time);
  return JSON.stringify({
    time: t(p.time),
    valence: e(p.valence),
    arousal: e(p.arousal),
    quadrant: p.quadrant,
    color: p.color,
    levelDb: roundTo(p.levelDb, 1),
    latestLevelDb: roundTo(p.latestLevelDb, 1),
    emittedAt: t(p.emittedAt),
    windowSeconds: t(p.windowSeconds),
    silent: p.silent,
  });
}

const QUADRANTS: readonly Quadrant[] = ['Q1', 'Q2', 'Q3', 'Q4'];

/**
 * A copy of `r` rounded as {@link DECIMALS} says, with keys in the documented order (object
 * literals keep insertion order, so JSON.stringify writes them in this order).
 */
export function roundResult(r: AnalysisResult): AnalysisResult {
  const e = (x: number): number => roundTo(x, DECIMALS.emotion);
  const t = (x: number): number => roundTo(x, DECIMALS.time);
  const s = r.summary;
  let probs: Record<Quadrant, number> | null = null;
  if (s.quadrantProbabilities) {
    probs = {} as Record<Quadrant, number>;
    for (const q of QUADRANTS) probs[q] = e(s.quadrantProbabilities[q]);
  }
  return {
    file: r.file,
    duration: t(r.duration),
    hopSeconds: t(r.hopSeconds),
    timeline: r.timeline.map((p) => ({ time: t(p.time), valence: e(p.valence), arousal: e(p.arousal) })),
    silence: (r.silence ?? []).map((x) => ({ start: t(x.start), end: t(x.end) })),
    summary: {
      valence: e(s.valence),
      arousal: e(s.arousal),
      quadrant: s.quadrant,
      quadrantProbabilities: probs,
      tempo: s.tempo === null ? null : roundTo(s.tempo, DECIMALS.tempo),
      color: s.color,
    },
  };
}

/**
 * One record as a single line of JSON, without the trailing newline: a rounded
 * {@link AnalysisResult} (`{"file","duration","hopSeconds","timeline","silence","summary"}`), or
 * `{"file","error"}` for a failure. JSON.stringify escapes newlines, so it is always one line.
 */
export function toJsonLine(result: AnalysisRecord): string {
  if (isFailure(result)) return JSON.stringify({ file: result.file, error: result.error });
  return JSON.stringify(roundResult(result));
}

/** The CSV header line (with its newline). */
export const CSV_HEADER = 'file,time,valence,arousal,silent,error\n';

/** A CSV field, quoted as RFC 4180 says when it holds a quote, comma, CR or LF. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number as a CSV cell; non-finite values become empty cells. */
const csvNumber = (x: number, digits: number): string => (Number.isFinite(x) ? String(roundTo(x, digits)) : '');

/** The CSV rows of one record, each ending in a newline (see the module comment for the layout). */
export function toCsvRows(result: AnalysisRecord): string {
  const file = csvField(result.file);
  if (isFailure(result)) return `${file},,,,,${csvField(result.error)}\n`;
  if (result.timeline.length === 0) return `${file},,,,,\n`;
  const silent = silentPoints(result);
  let out = '';
  result.timeline.forEach((p, k) => {
    out += `${file},${csvNumber(p.time, DECIMALS.time)},${csvNumber(p.valence, DECIMALS.emotion)},${csvNumber(p.arousal, DECIMALS.emotion)},${silent[k] ? 1 : 0},\n`;
  });
  return out;
}

/** What opens a JSON array output. */
export const JSON_ARRAY_OPEN = '[\n';

/** Element `index` (0-based) of a JSON array output: separator plus one line of JSON. */
export function jsonArrayElement(result: AnalysisRecord, index: number): string {
  return (index > 0 ? ',\n' : '') + toJsonLine(result);
}

/** What closes a JSON array output of `count` elements. */
export function jsonArrayClose(count: number): string {
  return count > 0 ? '\n]\n' : ']\n';
}
