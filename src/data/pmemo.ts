/**
 * PMEmo (Zhang et al., ICMR 2018), in its 2019 release (`PMEmo2019/`):
 *
 * - `annotations/static_annotations.csv`: `musicId,Arousal(mean),Valence(mean)`, one row
 *   per song, 0–1 scale.
 * - `annotations/dynamic_annotations.csv`: the long layout
 *   `musicId,frameTime,Arousal(mean),Valence(mean)`, one row per song and half second,
 *   0–1. `frameTime` counts seconds from the start of the chorus clip and starts at
 *   15.5 s: the first 15 s of each rating were dropped, as in DEAM.
 * - `metadata.csv`: `musicId,fileName,title,artist,album,duration,chorus_start_time,chorus_end_time`.
 * - `chorus/<musicId>.mp3`: the chorus excerpts that were rated (no full songs).
 *
 * Values map 0–1 → [-1, 1] by 2x − 1. Times are kept as published: they are already
 * relative to the chorus clip, which is the audio file this loader points at.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { numberCell, readCsv } from './csv.ts';
import type { Song } from './types.ts';

/** Maps a 0–1 rating to [-1, 1]. */
export const from0to1 = (x: number): number => 2 * x - 1;

export interface PmemoOptions {
  /** Folder holding the chorus clips. Default `<root>/chorus`. */
  audioDir?: string;
  /** Keep only songs whose audio exists. Default false. */
  requireAudio?: boolean;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** The dataset folder: `root` itself, or `root/PMEmo2019` when the archive was unpacked below it. */
export function resolvePmemoRoot(root: string): string {
  for (const dir of [root, path.join(root, 'PMEmo2019')]) {
    if (isFile(path.join(dir, 'annotations', 'static_annotations.csv')) || isFile(path.join(dir, 'annotations', 'dynamic_annotations.csv'))) return dir;
  }
  throw new Error(`${root}: no PMEmo annotations found (expected annotations/static_annotations.csv or annotations/dynamic_annotations.csv, here or under PMEmo2019/)`);
}

/** A 0–1 cell mapped to [-1, 1], or an error naming the file, row and column. */
function ratingOf(row: Record<string, string>, column: string, file: string, line: number): number {
  const x = numberCell(row, column, file, line);
  if (x < 0 || x > 1) throw new Error(`${file}: row ${line}: ${column} ${x} is outside the 0–1 scale`);
  return from0to1(x);
}

/** A PMEmo `musicId` (positive integer), or an error. */
function musicIdOf(row: Record<string, string>, file: string, line: number): string {
  const n = Number(row.musicId);
  if (!row.musicId || !Number.isInteger(n) || n < 1) throw new Error(`${file}: row ${line}: musicId ${JSON.stringify(row.musicId)} is not a song id`);
  return String(n);
}

/** `static_annotations.csv` → id → [-1, 1] labels. */
export function readPmemoStatic(file: string): Map<string, { valence: number; arousal: number }> {
  const out = new Map<string, { valence: number; arousal: number }>();
  readCsv(file).forEach((row, i) => {
    const line = i + 2;
    out.set(musicIdOf(row, file, line), { arousal: ratingOf(row, 'Arousal(mean)', file, line), valence: ratingOf(row, 'Valence(mean)', file, line) });
  });
  return out;
}

/**
 * `dynamic_annotations.csv` → id → per-frame [-1, 1] labels in time order. Two rows of
 * one song at the same `frameTime` are an error.
 */
export function readPmemoDynamic(file: string): Map<string, NonNullable<Song['dynamic']>> {
  const frames = new Map<string, { time: number; valence: number; arousal: number; line: number }[]>();
  readCsv(file).forEach((row, i) => {
    const line = i + 2;
    const id = musicIdOf(row, file, line);
    const frame = { time: numberCell(row, 'frameTime', file, line), arousal: ratingOf(row, 'Arousal(mean)', file, line), valence: ratingOf(row, 'Valence(mean)', file, line), line };
    const list = frames.get(id);
    if (list) list.push(frame);
    else frames.set(id, [frame]);
  });
  const out = new Map<string, NonNullable<Song['dynamic']>>();
  for (const [id, list] of frames) {
    list.sort((a, b) => a.time - b.time);
    for (let j = 1; j < list.length; j++) {
      if (list[j].time === list[j - 1].time) throw new Error(`${file}: rows ${list[j - 1].line} and ${list[j].line}: song ${id} has two frames at ${list[j].time} s`);
    }
    out.set(id, { times: list.map((f) => f.time), valence: list.map((f) => f.valence), arousal: list.map((f) => f.arousal) });
  }
  return out;
}

/**
 * Loads PMEmo from `root` (the `PMEmo2019` folder or its parent). Every song with a static
 * or a dynamic annotation is returned, in id order; PMEmo defines no official split.
 */
export function loadPmemo(root: string, options: PmemoOptions = {}): Song[] {
  const dir = resolvePmemoRoot(root);
  const staticFile = path.join(dir, 'annotations', 'static_annotations.csv');
  const dynamicFile = path.join(dir, 'annotations', 'dynamic_annotations.csv');
  const metadataFile = path.join(dir, 'metadata.csv');
  const statics = isFile(staticFile) ? readPmemoStatic(staticFile) : new Map<string, { valence: number; arousal: number }>();
  const dynamics = isFile(dynamicFile) ? readPmemoDynamic(dynamicFile) : new Map<string, NonNullable<Song['dynamic']>>();
  const metadata = new Map<string, Record<string, string>>();
  if (isFile(metadataFile)) readCsv(metadataFile).forEach((row, i) => metadata.set(musicIdOf(row, metadataFile, i + 2), row));
  const audioDir = options.audioDir ?? path.join(dir, 'chorus');

  const ids = [...new Set([...statics.keys(), ...dynamics.keys()])].sort((a, b) => Number(a) - Number(b));
  const songs: Song[] = [];
  for (const id of ids) {
    const meta = metadata.get(id);
    const audio = path.join(audioDir, meta?.fileName || `${id}.mp3`);
    const audioPath = isFile(audio) ? audio : undefined;
    if (options.requireAudio && !audioPath) continue;
    songs.push({ id, audioPath, artist: meta?.artist || undefined, title: meta?.title || undefined, static: statics.get(id), dynamic: dynamics.get(id) });
  }
  return songs;
}
