/** What `analyze` returns for one input: the shape of one `--format jsonl` line. */
import type { Quadrant } from '../data/types.ts';

export type { Quadrant };

/** One point of the emotion timeline; `time` is the start of its 0.5 s segment, in seconds. */
export interface EmotionPoint {
  time: number;
  /** Negative ↔ positive, in [-1, 1]. */
  valence: number;
  /** Calm ↔ energetic, in [-1, 1]. */
  arousal: number;
}

export interface SongSummary {
  valence: number;
  arousal: number;
  quadrant: Quadrant;
  quadrantProbabilities: Record<Quadrant, number>;
  /** Global tempo estimate in beats per minute. */
  tempo: number;
  /** Colour of the song's mood as `#rrggbb`. */
  color: string;
}

export interface AnalysisResult {
  file: string;
  /** Length of the audio in seconds. */
  duration: number;
  hopSeconds: number;
  timeline: EmotionPoint[];
  summary: SongSummary;
}

/** What a failed input becomes in `json`/`jsonl` output. */
export interface AnalysisFailure {
  file: string;
  error: string;
}
