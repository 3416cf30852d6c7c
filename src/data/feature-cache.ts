/**
 * Node-only on-disk cache of extracted features, so that training and cross-validation
 * decode each clip once. Entries are `.npy` files keyed by feature set, and by the SHA-1 of
 * the audio file's bytes: an edited file is re-extracted, while a dataset that is copied,
 * moved or touched keeps its entries (a key of path and mtime re-extracted everything then).
 * Speed-perturbed versions (training augmentation) live beside them in `<set>@speed<p>-<q>`.
 * A set's `revision` (from 2 on) is part of its folder name (`<set>.r2`), so entries of an
 * earlier definition are never read as current ones; a change to a set's values without a
 * new revision needs its folder deleted by hand. The cache is disposable (git-ignored).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rationalApproximation } from '../audio/augment.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { extractFeaturesFromFile, extractSpeedChangedFromFile } from '../features/extract-file.ts';
import type { FeatureSet } from '../features/types.ts';
import { decodeNpy, encodeNpy } from '../io/npy.ts';

export const DEFAULT_CACHE_DIR = '.cache/features';

/**
 * The cache key of an audio file: the SHA-1 of its bytes. Reading and hashing a 4Q clip
 * (232 KB) takes 0.37 ms, so it is simply done again for each speed copy of the same song.
 */
export async function audioCacheKey(audioPath: string): Promise<string> {
  return createHash('sha1').update(await readFile(audioPath)).digest('hex').slice(0, 20);
}

/**
 * The cache folder of `set` (and of its `speed` copies): `<set>`, `<set>.r<revision>` from
 * revision 2 on, then `@speed<p>-<q>` named by the integer ratio actually applied, so 1.0667
 * and 16/15 share one entry.
 */
export function featureCacheFolder(set: Pick<FeatureSet, 'name' | 'revision'>, speed = 1): string {
  const folder = (set.revision ?? 1) > 1 ? `${set.name}.r${set.revision}` : set.name;
  return speed === 1 ? folder : `${folder}@speed${rationalApproximation(speed).join('-')}`;
}

/**
 * Features of `audioPath` under `set`, read from the cache or extracted and stored; with
 * `speed` ≠ 1, of the audio played that many times faster (`changeSpeed`).
 */
export async function cachedFeatures(audioPath: string, set: FeatureSet, cacheDir = DEFAULT_CACHE_DIR, speed = 1): Promise<Matrix<Float32Array>> {
  const dir = join(cacheDir, featureCacheFolder(set, speed));
  const file = join(dir, `${await audioCacheKey(audioPath)}.npy`);
  try {
    const { shape, data } = decodeNpy(new Uint8Array(await readFile(file)));
    return { rows: shape[0], cols: shape[1], data };
  } catch {
    // Not cached yet (or unreadable): extract below.
  }
  const { features } = speed === 1 ? await extractFeaturesFromFile(audioPath, set) : await extractSpeedChangedFromFile(audioPath, set, speed);
  const m = features.frames;
  await mkdir(dir, { recursive: true });
  // Write then rename, so an interrupted run never leaves a half-written entry.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, encodeNpy(m.data, m.rows, m.cols));
  await rename(tmp, file);
  return m;
}
