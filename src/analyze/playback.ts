/**
 * A file's offline analysis as the web page plays it: the point at a playback time, the
 * streaming-analyser-shaped point that drives the lamp and the lights bridge, and the lamp's
 * state at every point. Universal (no Node imports).
 *
 * Offline point k describes the 8 s centred on segment k (the 0.5 s from k · 0.5 s), so while
 * segment k is heard the page shows point k. Its `latestLevelDb` is segment k's own level:
 * during playback the segment being heard is the newest audio, which is what `sentio live`'s
 * lamp gate reads (there, the newest input); so the lamp dims while the heard audio is quiet.
 */
import { LEVEL_FLOOR_DB } from '../features/segment-levels.ts';
import { LightMapper, type LightInputPoint } from '../light/smoothing.ts';
import type { LightState } from '../light/types.ts';
import { silentPoints } from './silence.ts';
import type { AnalysisResult } from './types.ts';

/** Index of the timeline point whose segment holds playback time `seconds` (the first or last outside the file). */
export function pointIndexAt(result: Pick<AnalysisResult, 'timeline' | 'hopSeconds'>, seconds: number): number {
  const n = result.timeline.length;
  if (n === 0) throw new RangeError('pointIndexAt: the timeline is empty');
  // The margin keeps a time exactly on a boundary (k · 0.5 s computed in floating point) in segment k.
  const k = Math.floor(seconds / result.hopSeconds + 1e-9);
  return Number.isFinite(k) ? Math.min(n - 1, Math.max(0, k)) : 0;
}

/** A file's point as `LightMapper` and the bridge read it, its silence flag always set. */
export type PlaybackPoint = Required<LightInputPoint>;

/** Point k of a file as `LightMapper` and the bridge read it (see the module comment for its level). */
export function playbackPoints(result: Pick<AnalysisResult, 'timeline' | 'silence'>, segmentLevelsDb: readonly number[]): PlaybackPoint[] {
  const silent = silentPoints(result);
  return result.timeline.map((p, k) => ({
    time: p.time,
    valence: p.valence,
    arousal: p.arousal,
    latestLevelDb: segmentLevelsDb[k] ?? LEVEL_FLOOR_DB,
    silent: silent[k],
  }));
}

/**
 * The lamp at every point of a file: the points pushed in order through one `mapper` (default
 * colours and smoothing), as `sentio live` would map the file streamed from its start. Computed
 * once per file, so the lamp after a seek is the one an uninterrupted playback shows there.
 */
export function playbackLightStates(points: readonly LightInputPoint[], mapper: LightMapper = new LightMapper()): LightState[] {
  return points.map((p) => mapper.push(p));
}
