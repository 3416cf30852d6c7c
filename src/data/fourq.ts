/**
 * The 4Q audio emotion dataset (Panda, Malheiro & Paiva 2018): `labels.csv` with a
 * Russell quadrant per clip and continuous valence/arousal targets in [-1, 1].
 */
import path from 'node:path';
import { numberCell, readCsv } from './csv.ts';
import type { Quadrant, Song } from './types.ts';

const QUADRANTS = new Set(['Q1', 'Q2', 'Q3', 'Q4']);

/** Loads `<root>/labels.csv`; audio paths resolve against `root`. */
export function load4Q(root: string): Song[] {
  const file = path.join(root, 'labels.csv');
  return readCsv(file).map((r, i) => {
    if (!QUADRANTS.has(r.quadrant)) throw new Error(`${file}: row ${i + 2}: unknown quadrant '${r.quadrant}'`);
    return {
      id: r.song_id,
      audioPath: path.resolve(root, r.audio),
      artist: r.artist,
      title: r.title,
      quadrant: r.quadrant as Quadrant,
      static: { valence: numberCell(r, 'valence', file, i + 2), arousal: numberCell(r, 'arousal', file, i + 2) },
    };
  });
}
