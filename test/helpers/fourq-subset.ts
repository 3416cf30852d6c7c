/**
 * A small, quadrant-balanced subset of the real 4Q dataset as a CSV manifest, for tests
 * that train or evaluate on real music without paying for all 720 clips.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load4Q } from '../../src/data/fourq.ts';
import { quadrantOf, type Song } from '../../src/data/types.ts';
import type { WindowModelConfig } from '../../src/train/window-model.ts';
import { sharedPath } from './shared.ts';

export const FOURQ_DIR = sharedPath('datasets/4q');

/**
 * The first `perQuadrant` clips of each quadrant (dataset order) whose continuous labels
 * agree with their quadrant (the manifest carries no quadrant column, so quadrants are
 * derived from valence/arousal) and whose artists are all different (for grouped folds).
 */
export function balancedFourQ(perQuadrant: number): Song[] {
  const artists = new Set<string>();
  const counts = new Map<string, number>();
  const out: Song[] = [];
  for (const s of load4Q(FOURQ_DIR)) {
    const q = s.quadrant!;
    if ((counts.get(q) ?? 0) >= perQuadrant || quadrantOf(s.static!.valence, s.static!.arousal) !== q || artists.has(s.artist ?? s.id)) continue;
    artists.add(s.artist ?? s.id);
    counts.set(q, (counts.get(q) ?? 0) + 1);
    out.push(s);
  }
  return out;
}

/** Writes `<dir>/manifest.csv` for `songs` (absolute audio paths) and returns its path. */
export async function writeManifest(dir: string, songs: readonly Song[], extra: string[] = []): Promise<string> {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = ['id,audio,valence,arousal,artist', ...songs.map((s) => [s.id, q(s.audioPath!), s.static!.valence, s.static!.arousal, q(s.artist ?? '')].join(',')), ...extra];
  const file = path.join(dir, 'manifest.csv');
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

/**
 * A deliberately tiny `sentio-mlp` window recipe (1 member, 1 epoch, 5 folds) on the
 * manifest at `manifestPath`, for search and training tests.
 */
export function tinyRecipe(name: string, manifestPath: string): WindowModelConfig {
  return {
    name,
    dataset: { name: 'manifest', path: manifestPath },
    featureSet: 'sentio-frames',
    windowSeconds: 8,
    windowsPerClip: 2,
    architecture: 'sentio-mlp',
    options: { hidden1: 16, hidden2: 8 },
    members: 1,
    epochs: 1,
    batchSize: 16,
    learningRate: 0.001,
    seed: 1,
    folds: 5,
    targets: 'quadrant-anchored',
  };
}
