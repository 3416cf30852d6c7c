/**
 * Scoring a saved model folder on a labelled dataset, the way users run it: every song is
 * decoded and featurised like `sentio analyze` does, the model's 0.5 s timeline is
 * predicted, and
 * - the song-level prediction (mean of the timeline, as `analyze`'s summary) is compared
 *   with the song's static labels: regression metrics, and quadrant accuracy / macro-F1 /
 *   confusion against the labelled quadrant (4Q) or the quadrant of the static labels;
 * - where the dataset has per-0.5 s labels, the timeline is compared with them, aligned by
 *   time (see {@link alignTimeline}), all frames of all songs pooled, and each song on its
 *   own (per-clip r and CCC, and how much timeline and labels move within a song; see
 *   `withinSongReport`), since the pooled figures mostly reward placing songs apart.
 *
 * A song whose audio cannot be read is recorded as a failure and skipped, so one broken
 * file does not cost the evaluation of the others.
 */
import { checkAudioPath } from '../audio/file.ts';
import { quadrantOf, type Quadrant, type Song, type SplitChoice } from '../data/types.ts';
import { extractFeaturesFromFile } from '../features/extract-file.ts';
import { getFeatureSet } from '../features/index.ts';
import { songEmotion } from '../analyze/analyze.ts';
import { HOP_SECONDS, type EmotionModel, type Timeline } from '../analyze/emotion-model.ts';
import { recordKeys } from './aggregate.ts';
import { quadrantReport, regressionReport, withinSongReport, type ClipTimeline, type QuadrantReport, type RegressionReport, type WithinSongReport } from './metrics.ts';
import { confusionToMarkdown, foldRecord, tableToCsv, tableToMarkdown, toJson, type Cell, type Table } from './report.ts';

/** Which songs to score: all, or one side of the dataset's official split. */
export { SPLIT_CHOICES, type SplitChoice } from '../data/types.ts';

/** One song's predictions (and its labels, when it has static ones). */
export interface SongPrediction {
  id: string;
  file: string;
  /** Seconds of audio analysed. */
  duration: number;
  /** Song-level prediction: the mean of the timeline. */
  valence: number;
  arousal: number;
  quadrant: Quadrant;
  truth?: { valence: number; arousal: number; quadrant: Quadrant };
  /** Per-0.5 s predictions; `times[k]` is the start of segment k. */
  timeline: Timeline;
  /** Number of per-0.5 s labels paired with the timeline (0 without dynamic labels). */
  labelledFrames: number;
}

export interface EvaluationFailure {
  id: string;
  file: string;
  reason: string;
}

/** Everything {@link evaluateModel} measures. */
export interface ModelEvaluation {
  /** Songs attempted (with audio, after the split and limit). */
  attempted: number;
  predictions: SongPrediction[];
  failures: EvaluationFailure[];
  /** Song-level scores over the songs with static labels; absent when none has them. */
  song?: {
    regression: RegressionReport;
    quadrants: QuadrantReport;
    /** Whether the true quadrants are the dataset's own labels or derived from the static values. */
    quadrantSource: 'labelled' | 'derived';
  };
  /**
   * Per-0.5 s scores: `regression` over all paired frames pooled, `withinSong` per song
   * averaged over songs; absent when no song has dynamic labels.
   */
  timeline?: { regression: RegressionReport; songs: number; withinSong: WithinSongReport };
}

/**
 * The songs to evaluate: those with an audio path, on the requested side of the official
 * split, the first `limit` of them when given (in dataset order, for quick checks).
 * Throws when a split is asked of a dataset that defines none, rather than scoring nothing.
 */
export function selectSongs(songs: readonly Song[], split: SplitChoice = 'all', limit?: number): Song[] {
  let out = songs.filter((s) => s.audioPath !== undefined && (s.static !== undefined || s.dynamic !== undefined));
  if (split !== 'all') {
    if (!out.some((s) => s.split !== undefined)) throw new RangeError(`the dataset defines no official split, so --split ${split} selects nothing (use --split all)`);
    out = out.filter((s) => s.split === split);
  }
  if (limit !== undefined) out = out.slice(0, limit);
  return out;
}

/**
 * Pairs per-0.5 s labels with the model's timeline. A label at time τ is paired with the
 * segment that contains it, [k·0.5, (k+1)·0.5) with k = ⌊τ / 0.5⌋: the model's window for
 * that segment is centred within 0.25 s of τ. Labels past the end of the audio (the
 * annotation of a clip's very last instant) have no segment and are dropped.
 */
export function alignTimeline(timeline: Timeline, labels: NonNullable<Song['dynamic']>): { pred: { valence: number[]; arousal: number[] }; truth: { valence: number[]; arousal: number[] } } {
  const pred = { valence: [] as number[], arousal: [] as number[] };
  const truth = { valence: [] as number[], arousal: [] as number[] };
  labels.times.forEach((t, i) => {
    // The epsilon keeps a label at exactly 15.0 s in segment 30 despite float noise in t.
    const k = Math.floor(t / HOP_SECONDS + 1e-9);
    if (k < 0 || k >= timeline.times.length) return;
    pred.valence.push(timeline.valence[k]);
    pred.arousal.push(timeline.arousal[k]);
    truth.valence.push(labels.valence[i]);
    truth.arousal.push(labels.arousal[i]);
  });
  return { pred, truth };
}

/** The model's timeline and song-level prediction for one audio file. */
async function predictSong(model: EmotionModel, song: Song): Promise<Omit<SongPrediction, 'truth' | 'labelledFrames'>> {
  const file = song.audioPath!;
  await checkAudioPath(file);
  const extraction = await extractFeaturesFromFile(file, getFeatureSet(model.card.featureSet.name));
  // The song values exactly as `analyze` computes them, without the tempo it would add.
  const { timeline, valence, arousal } = songEmotion(file, extraction, model);
  return { id: song.id, file, duration: extraction.duration, valence, arousal, quadrant: quadrantOf(valence, arousal), timeline };
}

export interface EvaluateOptions {
  /** Called after every song, with its failure reason when it failed. */
  onSong?: (done: number, total: number, song: Song, failure?: string) => void;
}

/** Scores `model` on `songs` (see the module comment); a song without an audio path counts as failed. */
export async function evaluateModel(model: EmotionModel, songs: readonly Song[], options: EvaluateOptions = {}): Promise<ModelEvaluation> {
  const predictions: SongPrediction[] = [];
  const failures: EvaluationFailure[] = [];
  const clips: (ClipTimeline & ReturnType<typeof alignTimeline>)[] = [];
  for (const [i, song] of songs.entries()) {
    let p: Omit<SongPrediction, 'truth' | 'labelledFrames'>;
    try {
      if (!song.audioPath) throw new Error(`song ${song.id}: no audio file`);
      p = await predictSong(model, song);
    } catch (e) {
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      failures.push({ id: song.id, file: song.audioPath ?? '', reason });
      options.onSong?.(i + 1, songs.length, song, reason);
      continue;
    }
    const truth = song.static ? { ...song.static, quadrant: song.quadrant ?? quadrantOf(song.static.valence, song.static.arousal) } : undefined;
    let labelledFrames = 0;
    if (song.dynamic) {
      const aligned = alignTimeline(p.timeline, song.dynamic);
      labelledFrames = aligned.pred.valence.length;
      if (labelledFrames > 0) clips.push({ id: song.id, ...aligned });
    }
    predictions.push({ ...p, truth, labelledFrames });
    options.onSong?.(i + 1, songs.length, song);
  }

  const result: ModelEvaluation = { attempted: songs.length, predictions, failures };
  const labelled = predictions.filter((p) => p.truth);
  if (labelled.length > 0) {
    result.song = {
      regression: regressionReport(
        { valence: labelled.map((p) => p.valence), arousal: labelled.map((p) => p.arousal) },
        { valence: labelled.map((p) => p.truth!.valence), arousal: labelled.map((p) => p.truth!.arousal) },
      ),
      quadrants: quadrantReport(labelled.map((p) => p.quadrant), labelled.map((p) => p.truth!.quadrant)),
      quadrantSource: songs.some((s) => s.quadrant !== undefined) ? 'labelled' : 'derived',
    };
  }
  if (clips.length > 0) {
    // The pooled frames are the clips' frames end to end.
    const pooled = (side: 'pred' | 'truth') => ({ valence: clips.flatMap((c) => c[side].valence), arousal: clips.flatMap((c) => c[side].arousal) });
    result.timeline = { regression: regressionReport(pooled('pred'), pooled('truth')), songs: clips.length, withinSong: withinSongReport(clips) };
  }
  return result;
}

// ---------------------------------------------------------------------------
// Reports

/** What the report header says about the run. */
export interface EvaluationContext {
  modelDir: string;
  modelName: string;
  dataset: string;
  dataPath: string;
  split: SplitChoice;
}

/**
 * The within-song figures as flat dotted keys beside the pooled ones: `valence.perClipPearson`,
 * `valence.perClipCcc` (means over clips), `valence.perClipSkipped` (clips without r),
 * `valence.timelineStd`, `valence.labelStd` (per-clip std, mean over clips), and the same for arousal.
 */
function withinSongRecord(w: WithinSongReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const dim of ['valence', 'arousal'] as const) {
    out[`${dim}.perClipPearson`] = w[dim].pearson;
    out[`${dim}.perClipCcc`] = w[dim].ccc;
    out[`${dim}.perClipSkipped`] = w[dim].skipped;
    out[`${dim}.timelineStd`] = w[dim].predStd;
    out[`${dim}.labelStd`] = w[dim].truthStd;
  }
  return out;
}

/** Counts among the metric keys: written as integers, not with the metrics' decimals. */
const isCountKey = (k: string): boolean => k.endsWith('.perClipSkipped');

function timelineRecord(t: NonNullable<ModelEvaluation['timeline']>): Record<string, number> {
  return { ...foldRecord({ label: 'timeline', regression: t.regression }), ...withinSongRecord(t.withinSong) };
}

/** Flat metric records per level ('song', 'timeline'), with the report module's dotted keys. */
function levelRecords(e: ModelEvaluation): { level: string; n: number; values: Record<string, number> }[] {
  const out: { level: string; n: number; values: Record<string, number> }[] = [];
  if (e.song) out.push({ level: 'song', n: e.song.regression.n, values: foldRecord({ label: 'song', regression: e.song.regression, quadrants: e.song.quadrants }) });
  if (e.timeline) out.push({ level: 'timeline', n: e.timeline.regression.n, values: timelineRecord(e.timeline) });
  return out;
}

/** One row per level, one column per metric (for programs: the CSV report). */
export function evaluationMetricsTable(e: ModelEvaluation): Table {
  const records = levelRecords(e);
  const keys = recordKeys(records.map((r) => r.values));
  return {
    columns: ['level', 'n', ...keys],
    rows: records.map((r) => [r.level, r.n, ...keys.map((k): Cell => (Object.hasOwn(r.values, k) ? r.values[k] : ''))]),
    columnDigits: [undefined, 0, ...keys.map((k) => (isCountKey(k) ? 0 : undefined))],
  };
}

/** One row per metric, one column per level (for people: narrow enough to read). */
function transposedMetricsTable(e: ModelEvaluation): Table {
  const records = levelRecords(e);
  const keys = ['n', ...recordKeys(records.map((r) => r.values))];
  const cell = (r: (typeof records)[number], k: string): Cell => {
    if (k === 'n') return String(r.n);
    if (!Object.hasOwn(r.values, k)) return '–';
    return isCountKey(k) ? String(r.values[k]) : r.values[k];
  };
  return { columns: ['metric', ...records.map((r) => r.level)], rows: keys.map((k) => [k, ...records.map((r) => cell(r, k))]) };
}

function title(e: ModelEvaluation, c: EvaluationContext): string {
  return `Evaluation of ${c.modelName} (${c.modelDir}) on ${c.dataset}${c.split === 'all' ? '' : ` (${c.split} split)`}`;
}

function countsLine(e: ModelEvaluation): string {
  return `${e.predictions.length} of ${e.attempted} songs evaluated${e.failures.length ? `, ${e.failures.length} failed` : ''}`;
}

const WITHIN_SONG_NOTE =
  "; `perClip` r and CCC: each song's timeline against its own labels, mean over songs (`perClipSkipped`: songs left out because one side is constant); `timelineStd` / `labelStd`: how much the timeline and the labels move within a song (std per song, mean over songs)";

/** The Markdown report: metrics per level, the quadrant confusion matrix, and the failures. */
export function modelEvaluationToMarkdown(e: ModelEvaluation, c: EvaluationContext): string {
  const parts = [`## ${title(e, c)}\n`, `${countsLine(e)}. Song level: mean of the 0.5 s timeline against the static labels; timeline: every labelled 0.5 s frame of every song, pooled${e.timeline ? WITHIN_SONG_NOTE : ''}.\n`];
  if (e.song || e.timeline) parts.push(tableToMarkdown(transposedMetricsTable(e)));
  else parts.push('No song could be scored.\n');
  if (e.song) {
    const source = e.song.quadrantSource === 'labelled' ? 'labelled quadrants' : 'quadrants of the static valence/arousal labels';
    parts.push(`Quadrant confusion (rows: true, ${source}; columns: predicted):\n\n${confusionToMarkdown(e.song.quadrants.confusion)}`);
  }
  if (e.failures.length) parts.push(`Failed (skipped):\n\n${e.failures.map((f) => `- ${f.reason.startsWith(f.file) ? f.reason : `${f.file}: ${f.reason}`}`).join('\n')}\n`);
  return parts.join('\n');
}

/** The CSV report: one row per level (song, timeline), every metric a column. */
export function modelEvaluationToCsv(e: ModelEvaluation): string {
  return tableToCsv(evaluationMetricsTable(e));
}

/**
 * The JSON report: context, counts, failures, per-level metrics (flat dotted keys), the
 * quadrant confusion and per-class scores, and each song's song-level prediction and labels
 * (timelines are left out: `sentio analyze` writes those).
 */
export function modelEvaluationToJson(e: ModelEvaluation, c: EvaluationContext): string {
  return toJson({
    title: title(e, c),
    model: { dir: c.modelDir, name: c.modelName },
    dataset: { name: c.dataset, path: c.dataPath, split: c.split },
    songs: { attempted: e.attempted, evaluated: e.predictions.length, failed: e.failures.length },
    ...(e.song
      ? { song: { n: e.song.regression.n, metrics: foldRecord({ label: 'song', regression: e.song.regression, quadrants: e.song.quadrants }), quadrantSource: e.song.quadrantSource, confusion: e.song.quadrants.confusion, perClass: e.song.quadrants.perClass } }
      : {}),
    ...(e.timeline ? { timeline: { n: e.timeline.regression.n, songs: e.timeline.songs, metrics: timelineRecord(e.timeline), perClip: e.timeline.withinSong.perClip } } : {}),
    failures: e.failures,
    predictions: e.predictions.map((p) => ({ id: p.id, file: p.file, duration: p.duration, valence: p.valence, arousal: p.arousal, quadrant: p.quadrant, truth: p.truth ?? null, labelledFrames: p.labelledFrames })),
  });
}
