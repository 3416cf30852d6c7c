/**
 * The analyser's silence gate. Universal (no Node imports): offline (`analyze.ts`), live
 * (`stream.ts`) and the output formats share it.
 *
 * The model was trained on music only; on silence or faint noise its window statistics are
 * far outside anything it saw, and it answers with confident nonsense (10 s of digital silence
 * came out "Q2 frustrated", P = 0.95). So a 0.5 s segment whose own RMS level
 * (`features/segment-levels.ts`: dB re full scale, a full-scale sine is −3 dB) is below
 * {@link SILENCE_GATE_DB}, in a stretch of such segments of at least {@link MIN_SILENCE_SECONDS}
 * (or the whole file), is not given the model's estimate: its point is {@link SILENT_POINT}, it is
 * listed in the result's `silence`, and it is left out of the song summary and the tempo. The
 * decision reads the segments' levels only, so offline and live (same levels, same segments, same
 * {@link gateDecision}) gate the same points.
 */
import type { AnalysisResult, TimeRange } from './types.ts';

/**
 * Gate, dB re full scale (RMS of one 0.5 s segment). −60 dB is 5 dB under the lamp's silence gate
 * (`gateDb` −55 dB, palette.ts), so whatever the data calls silent the lamp has dimmed for too,
 * while the data, which is kept and compared, claims silence only on clearer evidence (and a
 * longer stretch, {@link MIN_SILENCE_SECONDS}). It lies far over digital silence (the −120 dB
 * floor) and the noise of 16-bit audio (about −101 dB), and under the music measured with
 * `scripts/segment-levels.ts`: the six emoMusic clips never go below −33.3 dB; in the 720 4Q clips
 * 139 segments do, but in runs of at most 2 s (131 are the partial last 24–96 ms of a clip), and their
 * quietest 4 s stretch peaks at −50.0 dB (a fade-in), so no point of either set is gated.
 */
export const SILENCE_GATE_DB = -60;

/**
 * The value of a silent point: valence 0 (neither pleasant nor unpleasant: no claim) and arousal
 * −1, the calm end of the calm ↔ energetic axis, which is where silence (no energy at all) lies.
 * Plotted or averaged by a reader that ignores `silence`, it reads as "nothing happening", and a
 * lamp whose brightness follows arousal goes to its dimmest.
 */
export const SILENT_POINT = { valence: 0, arousal: -1 } as const;

/**
 * Colour of an all-silent song: the mapping's neutral grey (saturation 0, no emotion) at its lowest
 * brightness (HSV value 0.35, that of arousal −1), i.e. "neutral, low arousal" without a hue.
 */
export const SILENCE_COLOR = '#595959';

/** What the table and plot say for the mood of an all-silent song. */
export const SILENT_MOOD = 'silent';

/**
 * Shortest silent stretch that is gated, s: half the default model's 8 s window. A shorter pause
 * leaves every point's window mostly music, so the model's estimate there stands (a pause is part
 * of the music); from this length on, the windows of the points inside are mostly silence. A
 * file that is silent from start to end is gated whatever its length.
 */
export const MIN_SILENCE_SECONDS = 4;

/** Whether a segment of level `levelDb` is below the gate. */
export function isQuietLevel(levelDb: number | undefined, gateDb: number = SILENCE_GATE_DB): boolean {
  return levelDb !== undefined && levelDb < gateDb;
}

/**
 * Whether segment `k` is gated: it is quiet and lies in a run of quiet segments that lasts
 * {@link MIN_SILENCE_SECONDS} or spans the whole file. Reads the levels of segments 0…`known` − 1
 * (`levelAt` may forget those more than a minimum run before `k`); `final` says that `known` is
 * every segment. Returns null when that cannot be told yet (the run reaches past `known`).
 * Offline and live both decide through here, so they gate the same points.
 */
export function gateDecision(k: number, levelAt: (segment: number) => number | undefined, known: number, final: boolean, hopSeconds: number): boolean | null {
  if (k >= known) return final ? false : null;
  if (!isQuietLevel(levelAt(k))) return false;
  const minRun = Math.max(1, Math.round(MIN_SILENCE_SECONDS / hopSeconds));
  let first = k;
  while (first > 0 && k - first + 1 < minRun && isQuietLevel(levelAt(first - 1))) first--;
  let last = k;
  while (last - first + 1 < minRun && last + 1 < known && isQuietLevel(levelAt(last + 1))) last++;
  if (last - first + 1 >= minRun) return true;
  if (last + 1 < known) return false; // the run ended short
  // The run reaches the newest level known: at the end of the file it is gated if it is the whole file.
  return final ? first === 0 : null;
}

/** Which of `count` segments are gated (see {@link gateDecision}), from every segment's level. */
export function silentSegments(levelsDb: readonly number[], count: number, hopSeconds: number): boolean[] {
  return Array.from({ length: count }, (_, k) => gateDecision(k, (j) => levelsDb[j], count, true, hopSeconds) === true);
}

/** Runs of silent segments as time ranges, seconds; the last one ends at `duration`, not past it. */
export function silenceRanges(silent: readonly boolean[], hopSeconds: number, duration: number): TimeRange[] {
  const ranges: TimeRange[] = [];
  for (let k = 0; k < silent.length; k++) {
    if (!silent[k]) continue;
    const first = k;
    while (k + 1 < silent.length && silent[k + 1]) k++;
    ranges.push({ start: first * hopSeconds, end: Math.min(duration, (k + 1) * hopSeconds) });
  }
  return ranges;
}

/** Per timeline point, whether it lies in one of the result's silent ranges. */
export function silentPoints(result: Pick<AnalysisResult, 'timeline' | 'silence'>): boolean[] {
  const ranges = result.silence ?? [];
  // Point times and range starts are both multiples of the hop, rounded alike: compare with a margin.
  return result.timeline.map((p) => ranges.some((r) => p.time >= r.start - 1e-6 && p.time < r.end - 1e-6));
}

/** Seconds of silence in `ranges`. */
export function silentSeconds(ranges: readonly TimeRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
}

/** Whether the whole result is silent (no quadrant or mood is claimed). */
export function isAllSilent(result: Pick<AnalysisResult, 'summary'>): boolean {
  return result.summary.quadrant === null;
}

/** How many ranges a warning lists before it abbreviates. */
const LISTED_RANGES = 3;

const seconds = (x: number): string => x.toFixed(1);

/**
 * The stderr warning for a result with silent parts, null for one without: names the file, the gate,
 * how much of it was silent and where, and what the summary then is.
 */
export function silenceWarning(result: Pick<AnalysisResult, 'file' | 'duration' | 'silence' | 'summary'>): string | null {
  const ranges = result.silence ?? [];
  if (ranges.length === 0) return null;
  const silent = silentSeconds(ranges);
  const head = `${result.file}: silent or near-silent (below ${SILENCE_GATE_DB} dBFS) for ${seconds(silent)} of ${seconds(result.duration)} s`;
  if (isAllSilent(result)) return `${head}; no mood given`;
  const where = ranges.slice(0, LISTED_RANGES).map((r) => `${seconds(r.start)}–${seconds(r.end)} s`);
  if (ranges.length > LISTED_RANGES) where.push(`${ranges.length - LISTED_RANGES} more`);
  return `${head} (${where.join(', ')}); the summary is of the other ${seconds(result.duration - silent)} s`;
}
