/**
 * A generic CSV manifest, for one's own collection of annotated music:
 *
 * ```csv
 * id,audio,valence,arousal,artist,split
 * a,songs/a.mp3,0.4,-0.2,Someone,development
 * b,/abs/path/b.mp3,,,Someone else,evaluation   ← needs an `annotations` cell instead
 * ```
 *
 * - `audio` (required): the audio file, relative to the manifest's folder or absolute.
 * - Labels, per row: `valence` and `arousal` (song-level), and/or `annotations`: a
 *   per-frame CSV (relative to the manifest's folder or absolute) with columns
 *   `time,valence,arousal`, times in seconds from the start of the audio, increasing.
 * - Optional: `id` (default: the audio file's name without extension; ids must be
 *   unique), `artist`, `title`, `split` (`development` or `evaluation`).
 *
 * Every value is on the manifest's `scale` ('-1..1' by default, or '1..9' for SAM-style
 * ratings, or '0..1') and is mapped to [-1, 1]. Problems are errors naming the file and
 * row: a missing column, an unparsable number, a value off the scale, a missing audio file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { numberCell, readCsv } from './csv.ts';
import { from1to9, type Song } from './types.ts';

export type ManifestScale = '-1..1' | '1..9' | '0..1';

const SCALES: Record<ManifestScale, { min: number; max: number; toUnit: (x: number) => number }> = {
  '-1..1': { min: -1, max: 1, toUnit: (x) => x },
  '1..9': { min: 1, max: 9, toUnit: from1to9 },
  '0..1': { min: 0, max: 1, toUnit: (x) => 2 * x - 1 },
};

export const MANIFEST_SCALES = Object.keys(SCALES) as ManifestScale[];

export interface ManifestOptions {
  /** Scale of every valence/arousal value in the manifest and its per-frame files. Default '-1..1'. */
  scale?: ManifestScale;
  /** Fail when an audio file does not exist. Default true. */
  checkAudio?: boolean;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** The header cells of a CSV file, trimmed. */
function headerOf(file: string): string[] {
  const rows = parse(readFileSync(file, 'utf8'), { to_line: 1, bom: true, trim: true, relax_column_count: true }) as string[][];
  return (rows[0] ?? []).map((c) => c.trim());
}

/** Errors when any of `columns` is missing from the file's header. */
function requireColumns(file: string, header: readonly string[], columns: readonly string[]): void {
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} (header: ${header.join(',')})`);
}

/** One value on `scale`, mapped to [-1, 1], or an error naming the file, row and column. */
function scaledCell(row: Record<string, string>, column: string, file: string, line: number, scale: ManifestScale): number {
  const x = numberCell(row, column, file, line);
  const { min, max, toUnit } = SCALES[scale];
  if (x < min || x > max) throw new Error(`${file}: row ${line}: ${column} ${x} is outside the manifest scale ${scale}`);
  return toUnit(x);
}

const filled = (row: Record<string, string>, column: string): boolean => (row[column] ?? '') !== '';

/** A per-frame annotation file (`time,valence,arousal`) on `scale`, mapped to [-1, 1]. */
export function readFrameAnnotations(file: string, scale: ManifestScale = '-1..1'): NonNullable<Song['dynamic']> {
  requireColumns(file, headerOf(file), ['time', 'valence', 'arousal']);
  const out: NonNullable<Song['dynamic']> = { times: [], valence: [], arousal: [] };
  readCsv(file).forEach((row, i) => {
    const line = i + 2;
    const time = numberCell(row, 'time', file, line);
    const previous = out.times[out.times.length - 1];
    if (time < 0 || (previous !== undefined && time <= previous)) throw new Error(`${file}: row ${line}: time ${time} must be ≥ 0 and greater than the previous row's (${previous ?? '–'})`);
    out.times.push(time);
    out.valence.push(scaledCell(row, 'valence', file, line, scale));
    out.arousal.push(scaledCell(row, 'arousal', file, line, scale));
  });
  if (out.times.length === 0) throw new Error(`${file}: no frames`);
  return out;
}

const SPLITS = new Set(['development', 'evaluation']);

/**
 * Loads a manifest CSV (or `<dir>/manifest.csv` when given a folder). Songs come in file
 * order.
 */
export function loadManifest(manifestPath: string, options: ManifestOptions = {}): Song[] {
  const file = isDir(manifestPath) ? path.join(manifestPath, 'manifest.csv') : manifestPath;
  if (!isFile(file)) throw new Error(`${file}: manifest not found`);
  const scale = options.scale ?? '-1..1';
  if (!(scale in SCALES)) throw new Error(`unknown manifest scale '${scale}' (expected ${MANIFEST_SCALES.join(', ')})`);
  const checkAudio = options.checkAudio ?? true;
  const base = path.dirname(path.resolve(file));

  const header = headerOf(file);
  requireColumns(file, header, ['audio']);
  const hasStatic = header.includes('valence') || header.includes('arousal');
  if (hasStatic) requireColumns(file, header, ['valence', 'arousal']);
  if (!hasStatic && !header.includes('annotations')) throw new Error(`${file}: needs 'valence' and 'arousal' columns or an 'annotations' column (header: ${header.join(',')})`);

  const rows = readCsv(file);
  if (rows.length === 0) throw new Error(`${file}: no rows`);
  const seen = new Map<string, number>();
  return rows.map((row, i): Song => {
    const line = i + 2;
    if (!filled(row, 'audio')) throw new Error(`${file}: row ${line}: 'audio' is empty`);
    const audioPath = path.resolve(base, row.audio);
    if (checkAudio && !isFile(audioPath)) throw new Error(`${file}: row ${line}: audio file not found: ${audioPath}`);

    const id = filled(row, 'id') ? row.id : path.basename(row.audio, path.extname(row.audio));
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new Error(`${file}: row ${line}: id '${id}' already used on row ${earlier}`);
    seen.set(id, line);

    const staticCells = [filled(row, 'valence'), filled(row, 'arousal')];
    if (staticCells[0] !== staticCells[1]) throw new Error(`${file}: row ${line}: '${staticCells[0] ? 'arousal' : 'valence'}' is empty while '${staticCells[0] ? 'valence' : 'arousal'}' is given`);
    const song: Song = { id, audioPath };
    if (staticCells[0]) song.static = { valence: scaledCell(row, 'valence', file, line, scale), arousal: scaledCell(row, 'arousal', file, line, scale) };
    if (filled(row, 'annotations')) {
      const frames = path.resolve(base, row.annotations);
      if (!isFile(frames)) throw new Error(`${file}: row ${line}: annotations file not found: ${frames}`);
      song.dynamic = readFrameAnnotations(frames, scale);
    }
    if (!song.static && !song.dynamic) throw new Error(`${file}: row ${line}: no labels (fill 'valence' and 'arousal' or 'annotations')`);

    if (filled(row, 'artist')) song.artist = row.artist;
    if (filled(row, 'title')) song.title = row.title;
    if (filled(row, 'split')) {
      const split = row.split.toLowerCase();
      if (!SPLITS.has(split)) throw new Error(`${file}: row ${line}: split '${row.split}' is not 'development' or 'evaluation'`);
      song.split = split as 'development' | 'evaluation';
    }
    return song;
  });
}
