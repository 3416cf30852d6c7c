/** What every dataset loader yields. All valence/arousal values are mapped to [-1, 1]. */
export type Quadrant = 'Q1' | 'Q2' | 'Q3' | 'Q4';

export interface Song {
  /** Dataset-specific id, as a string. */
  id: string;
  /** Absolute path of the audio file, when the dataset ships audio. */
  audioPath?: string;
  artist?: string;
  title?: string;
  /** Song-level labels in [-1, 1]. */
  static?: { valence: number; arousal: number };
  /** Per-0.5 s labels in [-1, 1]; times are seconds from the start of the audio file. */
  dynamic?: { times: number[]; valence: number[]; arousal: number[] };
  /** Russell quadrant, when labelled (4Q) or derived. */
  quadrant?: Quadrant;
  /** Official split, when the dataset defines one. */
  split?: 'development' | 'evaluation';
}

/** Which songs of a dataset to use: all, or one side of its official split. */
export type SplitChoice = 'all' | 'development' | 'evaluation';
export const SPLIT_CHOICES: readonly SplitChoice[] = ['all', 'development', 'evaluation'];

/** Maps a 1–9 rating (SAM scale, Warriner norms) to [-1, 1]. */
export const from1to9 = (x: number): number => (x - 5) / 4;

/** Quadrant of a (valence, arousal) point; ties at 0 count as positive. */
export function quadrantOf(valence: number, arousal: number): Quadrant {
  if (valence >= 0) return arousal >= 0 ? 'Q1' : 'Q4';
  return arousal >= 0 ? 'Q2' : 'Q3';
}
