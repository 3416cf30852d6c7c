/**
 * DEAM, the MediaEval Database for Emotional Analysis in Music (Aljanaki, Yang & Soleymani
 * 2017), as published in four archives that users download and unpack themselves:
 *
 * - `DEAM_Annotations.zip` → `annotations/annotations averaged per song/`
 *   - `dynamic (per second annotations)/arousal.csv`, `valence.csv`: the wide layout
 *     `song_id, sample_15000ms, …` at 2 Hz, already in [-1, 1]; rows are ragged because the
 *     58 full songs run far past the 45 s clips.
 *   - `song_level/static_annotations_averaged_songs_1_2000.csv` (1,744 clips) and
 *     `…_2000_2058.csv` (the 58 full songs, with extra max/min columns): 1–9 scale, header
 *     `song_id, valence_mean, valence_std, arousal_mean, arousal_std` (a space after every
 *     comma, CRLF line ends, and `valence_ max_mean` with a space inside in the second file).
 * - `DEAM_audio.zip` → `MEMD_audio/<id>.mp3`.
 * - `features.zip` → `features/<id>.csv`: `;`-separated, `frameTime` then the 260 emobase
 *   functionals (see {@link readDeamFeatures}).
 * - `metadata.zip` → `metadata/metadata_2013.csv`, `metadata_2014.csv`, `metadata_2015.csv`,
 *   three different headers (see {@link readDeamMetadata}).
 *
 * People unpack these in different places (`DEAM_Annotations/annotations/…`,
 * `DEAM_audio/MEMD_audio`, or everything flat as in ../shared/datasets/deam), so
 * {@link resolveDeamLayout} searches the known relative paths under one root; each folder
 * can also be given explicitly.
 *
 * Which song belongs to which year is fixed by its id (checked on the real static files:
 * `_1_2000` holds 744 ids in 2–1000 and 1,000 ids in 1001–2000; `_2000_2058` holds exactly
 * 2001–2058):
 * - 1–1000: the MediaEval 2013 clips (the "1000 Songs" / emoMusic set, 744 left after
 *   de-duplication), 45 s excerpts;
 * - 1001–2000: the MediaEval 2014 clips, 45 s excerpts;
 * - 2001–2058: the MediaEval 2015 evaluation set, 58 full songs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Matrix } from '../dsp/matrix.ts';
import { numberCell, readCsv } from './csv.ts';
import { readWideDynamic, type DynamicSeries } from './wide-dynamic.ts';
import { from1to9, type Song } from './types.ts';

/** The MediaEval campaign a DEAM song was released with. */
export type DeamSubset = '2013' | '2014' | '2015';

/** First id of the 58 full songs (the MediaEval 2015 evaluation set). */
export const DEAM_FIRST_FULL_SONG_ID = 2001;

/**
 * Annotation frames kept per 45 s clip: 60 half-second frames from 15.0 s to 44.5 s, the
 * development sequence length of MediaEval 2015 (Malik et al. 2017: "60 annotations per
 * audio file"). The first 15 s were never annotated (raters were still settling), and the
 * 2013 rows carry a 61st value at 45.0 s that has no full 500 ms of audio (or feature row)
 * after it.
 */
export const DEAM_CLIP_FRAMES = 60;

/** The year (campaign) of a DEAM id, or undefined when the id is outside 1–2058. */
export function deamSubset(id: string | number): DeamSubset | undefined {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) return undefined;
  if (n <= 1000) return '2013';
  if (n <= 2000) return '2014';
  return n <= 2058 ? '2015' : undefined;
}

/** Whether the id is one of the full songs rather than a 45 s clip. */
export const isDeamFullSong = (id: string | number): boolean => deamSubset(id) === '2015';

// ---------------------------------------------------------------------------------------
// Finding the files
// ---------------------------------------------------------------------------------------

/** Where the annotation archive may have been unpacked, relative to the root. */
const ANNOTATION_ROOTS = ['DEAM_Annotations/annotations', 'annotations', 'DEAM_Annotations', ''];
const AVERAGED_DIRS = ['annotations averaged per song', ''];
const STATIC_DIRS = ['song_level', ''];
const DYNAMIC_DIRS = ['dynamic (per second annotations)', 'dynamic', ''];
const AUDIO_DIRS = ['DEAM_audio/MEMD_audio', 'MEMD_audio', 'DEAM_audio', 'audio'];
const FEATURE_DIRS = ['DEAM_features/features', 'features', 'DEAM_features'];
const METADATA_DIRS = ['DEAM_metadata/metadata', 'metadata', 'DEAM_metadata', ''];

export const DEAM_STATIC_FILES = ['static_annotations_averaged_songs_1_2000.csv', 'static_annotations_averaged_songs_2000_2058.csv'] as const;
export const DEAM_METADATA_FILES = ['metadata_2013.csv', 'metadata_2014.csv', 'metadata_2015.csv'] as const;

/** The DEAM files found under a root; absent parts are undefined or empty. */
export interface DeamLayout {
  root: string;
  /** The song-level (static) annotation files that exist, in publication order. */
  staticFiles: string[];
  arousalFile?: string;
  valenceFile?: string;
  audioDir?: string;
  featuresDir?: string;
  /** The `metadata_<year>.csv` files that exist. */
  metadataFiles: string[];
}

export interface DeamFolders {
  /** Folder holding `annotations averaged per song/` (or the CSVs themselves). Default: searched under the root. */
  annotationsDir?: string;
  /** Folder holding `<id>.mp3`. Default: searched (`MEMD_audio`, `DEAM_audio/MEMD_audio`, …). */
  audioDir?: string;
  /** Folder holding the per-song feature CSVs. Default: searched (`features`, …). */
  featuresDir?: string;
  /** Folder holding `metadata_2013.csv` etc. Default: searched (`metadata`, …). */
  metadataDir?: string;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** Every `base/a/b/…/name` combination, most specific first, without repeats. */
function candidates(base: string, levels: readonly (readonly string[])[], name: string): string[] {
  let paths = [base];
  for (const level of levels) paths = paths.flatMap((p) => level.map((l) => path.join(p, l)));
  return [...new Set(paths.map((p) => path.join(p, name)))];
}

const firstFile = (paths: readonly string[]): string | undefined => paths.find(isFile);

function annotationFile(root: string, explicit: string | undefined, subdirs: readonly string[], name: string): string | undefined {
  const bases = explicit ? [explicit] : [root];
  const roots = explicit ? [''] : ANNOTATION_ROOTS;
  return firstFile(bases.flatMap((b) => candidates(b, [roots, AVERAGED_DIRS, subdirs], name)));
}

function folder(root: string, explicit: string | undefined, relatives: readonly string[]): string | undefined {
  if (explicit) return explicitDir(explicit);
  return relatives.map((r) => path.join(root, r)).find(isDir);
}

/** A folder the caller named must exist: a typo should not read as "no audio". */
function explicitDir(dir: string): string {
  if (!isDir(dir)) throw new Error(`${dir}: no such folder`);
  return dir;
}

/** Finds DEAM's files under `root` in any of the published or commonly unpacked layouts. */
export function resolveDeamLayout(root: string, folders: DeamFolders = {}): DeamLayout {
  if (folders.annotationsDir) explicitDir(folders.annotationsDir);
  const metadataDir = folders.metadataDir ? explicitDir(folders.metadataDir) : METADATA_DIRS.map((r) => path.join(root, r)).find((d) => DEAM_METADATA_FILES.some((f) => isFile(path.join(d, f))));
  return {
    root,
    staticFiles: DEAM_STATIC_FILES.map((f) => annotationFile(root, folders.annotationsDir, STATIC_DIRS, f)).filter((f): f is string => f !== undefined),
    arousalFile: annotationFile(root, folders.annotationsDir, DYNAMIC_DIRS, 'arousal.csv'),
    valenceFile: annotationFile(root, folders.annotationsDir, DYNAMIC_DIRS, 'valence.csv'),
    audioDir: folder(root, folders.audioDir, AUDIO_DIRS),
    featuresDir: folder(root, folders.featuresDir, FEATURE_DIRS),
    metadataFiles: metadataDir ? DEAM_METADATA_FILES.map((f) => path.join(metadataDir, f)).filter(isFile) : [],
  };
}

/** The feature CSV of one song, when the features archive is present. */
export function deamFeaturesFile(layout: DeamLayout, id: string): string | undefined {
  if (!layout.featuresDir) return undefined;
  const file = path.join(layout.featuresDir, `${id}.csv`);
  return isFile(file) ? file : undefined;
}

// ---------------------------------------------------------------------------------------
// Song-level (static) annotations
// ---------------------------------------------------------------------------------------

export interface StaticLabel {
  valence: number;
  arousal: number;
}

/**
 * Reads DEAM's song-level files (1–9 scale) into id → [-1, 1] labels.
 *
 * The 2013 rows (ids ≤ 1000) of `static_annotations_averaged_songs_1_2000.csv` have
 * valence and arousal swapped. Checked against the 1000 Songs release of the same 744
 * songs (../shared/datasets/emomusic/static_annotations.csv): 734 rows match exactly with
 * the two columns exchanged (the other 10 differ only by rounding), DEAM's `valence_mean`
 * correlates 0.9998 with emoMusic's `mean_arousal`, and emoMusic's labels are the ones
 * that agree with the dynamic annotations (mean of the per-frame arousal vs static
 * arousal: r = 0.96 there, 0.57 for the crossed pair). The 2014 rows show the expected
 * pattern (arousal spread wider than valence) and are left alone. `correct2013Swap: false`
 * reads the columns as labelled.
 */
export function readDeamStatic(files: readonly string[], options: { correct2013Swap?: boolean } = {}): Map<string, StaticLabel> {
  const correct = options.correct2013Swap ?? true;
  const out = new Map<string, StaticLabel>();
  for (const file of files) {
    readCsv(file).forEach((row, i) => {
      const line = i + 2;
      const id = deamId(row.song_id, file, line);
      const valence = ratingOf(row, 'valence_mean', file, line);
      const arousal = ratingOf(row, 'arousal_mean', file, line);
      const swap = correct && deamSubset(id) === '2013';
      out.set(id, swap ? { valence: arousal, arousal: valence } : { valence, arousal });
    });
  }
  return out;
}

/** A 1–9 rating mapped to [-1, 1], or an error naming the file and row. */
function ratingOf(row: Record<string, string>, column: string, file: string, line: number): number {
  const x = numberCell(row, column, file, line);
  if (x < 1 || x > 9) throw new Error(`${file}: row ${line}: ${column} ${x} is outside the 1–9 rating scale`);
  return from1to9(x);
}

/** A DEAM song id (a positive integer, written without leading zeros), or an error. */
function deamId(cell: string | undefined, file: string, line: number): string {
  const n = Number(cell);
  if (!cell || !Number.isInteger(n) || n < 1) throw new Error(`${file}: row ${line}: song_id ${JSON.stringify(cell)} is not a DEAM song id`);
  return String(n);
}

// ---------------------------------------------------------------------------------------
// Dynamic annotations
// ---------------------------------------------------------------------------------------

/** Checks that the published per-frame values really are in [-1, 1]. */
function checkUnitRange(series: Map<string, DynamicSeries>, file: string): void {
  for (const [id, s] of series) {
    const j = s.values.findIndex((v) => v < -1 || v > 1);
    if (j >= 0) throw new Error(`${file}: song ${id}: value ${s.values[j]} at ${s.times[j]} s is outside [-1, 1]`);
  }
}

/** One wide dynamic file keyed by normalised id, its values checked to be in [-1, 1]; empty when absent. */
function readDynamic(file: string | undefined): Map<string, DynamicSeries> {
  const out = new Map<string, DynamicSeries>();
  if (!file) return out;
  let line = 2;
  for (const [id, series] of readWideDynamic(file)) out.set(deamId(id, file, line++), series);
  checkUnitRange(out, file);
  return out;
}

/** Pairs the arousal and valence series of one song, trimmed to their common length and to `maxFrames`. */
function pairSeries(a: DynamicSeries, v: DynamicSeries, maxFrames: number): NonNullable<Song['dynamic']> {
  const n = Math.min(a.values.length, v.values.length, maxFrames);
  return { times: a.times.slice(0, n), arousal: a.values.slice(0, n), valence: v.values.slice(0, n) };
}

// ---------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------

export interface DeamMetadata {
  artist?: string;
  title?: string;
  genre?: string;
}

/** The first non-empty cell among column names that differ between the three years. */
function cellOf(row: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = row[n]?.replace(/\s+/g, ' ').trim();
    // metadata_2015.csv has rows shifted by an unquoted extra field, which puts numbers
    // where text belongs: a bare number is never a real artist or title there.
    if (v && !/^[\d.]+$/.test(v)) return v;
  }
  return undefined;
}

/**
 * Reads `metadata_2013.csv` (`song_id, file_name, Artist, Song title, …, Genre`, quoted
 * cells padded with tabs), `metadata_2014.csv` (`Id, Artist, Album, Track, Genre, …`) and
 * `metadata_2015.csv` (`id, …, title, artist, album, genre, …`) into id → artist/title.
 * Rows without a numeric id are skipped: these files are descriptive only.
 */
export function readDeamMetadata(files: readonly string[]): Map<string, DeamMetadata> {
  const out = new Map<string, DeamMetadata>();
  for (const file of files) {
    for (const row of readCsv(file)) {
      const id = Number(row.song_id ?? row.Id ?? row.id ?? row.ID);
      if (!Number.isInteger(id) || id < 1) continue;
      out.set(String(id), {
        artist: cellOf(row, ['Artist', 'artist']),
        title: cellOf(row, ['Song title', 'Track', 'title', 'Title']),
        genre: cellOf(row, ['Genre', 'genre']),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The loader
// ---------------------------------------------------------------------------------------

export interface DeamOptions extends DeamFolders {
  /**
   * Frames kept per 45 s clip (the full songs keep all of theirs). Default
   * {@link DEAM_CLIP_FRAMES} = 60 (15.0–44.5 s); `Infinity` keeps every published value.
   */
  clipFrames?: number;
  /**
   * The MediaEval 2015 development set: the 431 clips chosen from the 1,744 of 2013–2014
   * for their annotation quality. DEAM does not say which clips these are (no file or
   * column in the published archives marks them), so pass the ids when you have the list;
   * clips not in it then get no split. Without it every clip is `development`, the
   * superset most DEAM work trains on.
   */
  developmentIds?: Iterable<string | number>;
  /** Keep only songs whose audio exists. Default false. */
  requireAudio?: boolean;
  /** Undo the valence/arousal swap in the 2013 static rows ({@link readDeamStatic}). Default true. */
  correct2013Swap?: boolean;
}

/**
 * Loads DEAM from `root` (see {@link resolveDeamLayout} for the layouts accepted).
 *
 * Official MediaEval 2015 split, by id: 2001–2058 (the full songs, exactly the rows of
 * `static_annotations_averaged_songs_2000_2058.csv` and `metadata_2015.csv`) are
 * `evaluation`; the 45 s clips (ids ≤ 2000) are `development` (see `developmentIds`).
 * Songs come in id order.
 */
export function loadDeam(root: string, options: DeamOptions = {}): Song[] {
  const layout = resolveDeamLayout(root, options);
  const haveDynamic = layout.arousalFile !== undefined || layout.valenceFile !== undefined;
  if (layout.staticFiles.length === 0 && !haveDynamic) {
    throw new Error(`${root}: no DEAM annotations found (looked for ${DEAM_STATIC_FILES.join(', ')}, arousal.csv and valence.csv under annotations/annotations averaged per song/ and the other known layouts)`);
  }
  if (haveDynamic && (!layout.arousalFile || !layout.valenceFile)) {
    throw new Error(`${layout.arousalFile ?? layout.valenceFile}: found without its ${layout.arousalFile ? 'valence.csv' : 'arousal.csv'} partner`);
  }
  const statics = readDeamStatic(layout.staticFiles, options);
  const arousal = readDynamic(layout.arousalFile);
  const valence = readDynamic(layout.valenceFile);
  const metadata = readDeamMetadata(layout.metadataFiles);
  const development = options.developmentIds ? developmentSet(options.developmentIds) : undefined;
  const clipFrames = options.clipFrames ?? DEAM_CLIP_FRAMES;

  const ids = [...new Set([...statics.keys(), ...arousal.keys()])].sort((a, b) => Number(a) - Number(b));
  const songs: Song[] = [];
  for (const id of ids) {
    const audio = layout.audioDir ? path.join(layout.audioDir, `${id}.mp3`) : undefined;
    const audioPath = audio && isFile(audio) ? audio : undefined;
    if (options.requireAudio && !audioPath) continue;
    const full = isDeamFullSong(id);
    const a = arousal.get(id);
    const v = valence.get(id);
    const meta = metadata.get(id);
    songs.push({
      id,
      audioPath,
      artist: meta?.artist,
      title: meta?.title,
      static: statics.get(id),
      dynamic: a && v ? pairSeries(a, v, full ? Infinity : clipFrames) : undefined,
      split: full ? 'evaluation' : !development || development.has(id) ? 'development' : undefined,
    });
  }
  return songs;
}

/** Normalised id set; an evaluation id in a development list is a mistake worth stopping for. */
function developmentSet(ids: Iterable<string | number>): Set<string> {
  const out = new Set<string>();
  for (const raw of ids) {
    const id = String(Number(raw));
    if (isDeamFullSong(id)) throw new Error(`developmentIds: song ${raw} is one of the MediaEval 2015 evaluation songs (ids ${DEAM_FIRST_FULL_SONG_ID}–2058)`);
    out.add(id);
  }
  return out;
}

/**
 * Reads a list of song ids: one per line, or a CSV whose first column is the id (a header
 * line and `#` comments are skipped).
 */
export function readIdList(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.split(/[,;\t]/)[0].trim())
    .filter((cell) => cell !== '' && !cell.startsWith('#') && /^\d+$/.test(cell))
    .map((cell) => String(Number(cell)));
}

/** The two sides of the MediaEval 2015 split; songs without a split are left out. */
export function splitMediaEval2015(songs: readonly Song[]): { development: Song[]; evaluation: Song[] } {
  return { development: songs.filter((s) => s.split === 'development'), evaluation: songs.filter((s) => s.split === 'evaluation') };
}

// ---------------------------------------------------------------------------------------
// Per-song features
// ---------------------------------------------------------------------------------------

/** One song's published features: a `[frames × 260]` matrix with the frame start times. */
export interface DeamFeatures {
  /** Feature names in file order, without `frameTime`. */
  columns: string[];
  /** `frameTime` of each row, seconds (0, 0.5, 1.0, …). */
  times: Float64Array;
  /** `[frames, columns]`, row-major float32. */
  frames: Matrix<Float32Array>;
}

/**
 * Reads `features/<id>.csv`: `;`-separated, header `frameTime;F0final_sma_stddev;…`, one
 * row per 500 ms segment. A trailing `;` on a line is tolerated; any other short or long
 * row, or a cell that is not a number, is an error naming the file and line.
 */
export function readDeamFeatures(file: string): DeamFeatures {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const cellsOf = (line: string): string[] => {
    const cells = line.split(';').map((c) => c.trim());
    if (cells.length > 1 && cells[cells.length - 1] === '') cells.pop();
    return cells;
  };
  const header = cellsOf(lines[0] ?? '');
  if (header[0] !== 'frameTime') throw new Error(`${file}: line 1: expected the DEAM feature header 'frameTime;…', got ${JSON.stringify(header[0])}`);
  const columns = header.slice(1);
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    rows.push(cellsOf(lines[i]));
    lineNumbers.push(i + 1);
  }
  const times = new Float64Array(rows.length);
  const data = new Float32Array(rows.length * columns.length);
  rows.forEach((cells, r) => {
    if (cells.length !== header.length) throw new Error(`${file}: line ${lineNumbers[r]}: ${cells.length} cells, expected ${header.length}`);
    for (let c = 0; c < cells.length; c++) {
      const x = cells[c] === '' ? NaN : Number(cells[c]);
      if (!Number.isFinite(x)) throw new Error(`${file}: line ${lineNumbers[r]}: ${header[c]} is not a number (${JSON.stringify(cells[c])})`);
      if (c === 0) times[r] = x;
      else data[r * columns.length + c - 1] = x;
    }
  });
  return { columns, times, frames: { rows: rows.length, cols: columns.length, data } };
}

/**
 * The feature rows at the given times (e.g. a song's annotation times), matched to
 * within a millisecond: DEAM's features and annotations share the 500 ms grid, so
 * annotation 15.0 s pairs with the feature row whose `frameTime` is 15.0.
 */
export function featureRowsAt(features: DeamFeatures, times: readonly number[]): Matrix<Float32Array> {
  const { cols, data } = features.frames;
  const rowOf = new Map<number, number>();
  features.times.forEach((t, r) => rowOf.set(Math.round(t * 1000), r));
  const out = new Float32Array(times.length * cols);
  times.forEach((t, i) => {
    const r = rowOf.get(Math.round(t * 1000));
    if (r === undefined) throw new Error(`no feature row at ${t} s (features cover ${features.times[0] ?? '–'}–${features.times[features.times.length - 1] ?? '–'} s)`);
    out.set(data.subarray(r * cols, (r + 1) * cols), i * cols);
  });
  return { rows: times.length, cols, data: out };
}
