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

/** A stretch of the song, seconds from its start. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * The song as a whole, over its non-silent points (see `silence`). When every point is silent:
 * valence 0, arousal −1 (the silent point), `quadrant`, `quadrantProbabilities` and `tempo` null,
 * and a neutral dark grey `color`.
 */
export interface SongSummary {
  valence: number;
  arousal: number;
  quadrant: Quadrant | null;
  quadrantProbabilities: Record<Quadrant, number> | null;
  /** Global tempo estimate in beats per minute; null when there is none (silent, or too short to tell). */
  tempo: number | null;
  /** Colour of the song's mood as `#rrggbb`. */
  color: string;
}

export interface AnalysisResult {
  file: string;
  /** Length of the audio in seconds. */
  duration: number;
  hopSeconds: number;
  /** Points in a silent stretch (0.5 s segments below −60 dBFS for at least 4 s, or the whole file; `silence.ts`) hold valence 0, arousal −1. */
  timeline: EmotionPoint[];
  /** The silent stretches, in order: runs of silent segments ([] when none). */
  silence: TimeRange[];
  summary: SongSummary;
}

/** What a failed input becomes in `json`/`jsonl` output. */
export interface AnalysisFailure {
  file: string;
  error: string;
}
