/**
 * The dataset loaders behind one name each, so that tools can take `--dataset deam
 * --data ~/DEAM` without knowing every loader. Every loader yields {@link Song}s with
 * labels in [-1, 1].
 */
import { loadDeam, type DeamOptions } from './deam.ts';
import { loadEmoMusic, type EmoMusicOptions } from './emomusic.ts';
import { load4Q } from './fourq.ts';
import { loadManifest, type ManifestOptions } from './manifest.ts';
import { loadPmemo, type PmemoOptions } from './pmemo.ts';
import type { Song } from './types.ts';

export type DatasetName = 'deam' | 'emomusic' | 'pmemo' | '4q' | 'manifest';

export const DATASET_NAMES: readonly DatasetName[] = ['deam', 'emomusic', 'pmemo', '4q', 'manifest'];

/** The options each loader takes. */
export interface DatasetOptions {
  deam: DeamOptions;
  emomusic: EmoMusicOptions;
  pmemo: PmemoOptions;
  '4q': Record<string, never>;
  manifest: ManifestOptions;
}

export const isDatasetName = (name: string): name is DatasetName => (DATASET_NAMES as readonly string[]).includes(name);

/**
 * Loads a dataset by name. `location` is the dataset's root folder, or for 'manifest' the
 * manifest CSV (or a folder holding `manifest.csv`).
 */
export function loadDataset<N extends DatasetName>(name: N, location: string, options?: DatasetOptions[N]): Song[] {
  const n: DatasetName = name;
  switch (n) {
    case 'deam':
      return loadDeam(location, options as DeamOptions | undefined);
    case 'emomusic':
      return loadEmoMusic(location, options as EmoMusicOptions | undefined);
    case 'pmemo':
      return loadPmemo(location, options as PmemoOptions | undefined);
    case '4q':
      return load4Q(location);
    case 'manifest':
      return loadManifest(location, options as ManifestOptions | undefined);
    default:
      throw new Error(`unknown dataset '${String(name)}' (expected ${DATASET_NAMES.join(', ')})`);
  }
}

export { from1to9, quadrantOf, type Quadrant, type Song } from './types.ts';
export { readWideDynamic, type DynamicSeries } from './wide-dynamic.ts';
export {
  DEAM_CLIP_FRAMES,
  DEAM_FIRST_FULL_SONG_ID,
  deamFeaturesFile,
  deamSubset,
  featureRowsAt,
  isDeamFullSong,
  loadDeam,
  readDeamFeatures,
  readDeamMetadata,
  readDeamStatic,
  readIdList,
  resolveDeamLayout,
  splitMediaEval2015,
  type DeamFeatures,
  type DeamLayout,
  type DeamOptions,
  type DeamSubset,
} from './deam.ts';
export { loadEmoMusic, type EmoMusicOptions } from './emomusic.ts';
export { load4Q } from './fourq.ts';
export { from0to1, loadPmemo, readPmemoDynamic, readPmemoStatic, type PmemoOptions } from './pmemo.ts';
export { loadManifest, MANIFEST_SCALES, readFrameAnnotations, type ManifestOptions, type ManifestScale } from './manifest.ts';
export { groupKFold, seededRandom, shuffle, trainValTestSplit, type Fold } from './splits.ts';
