/**
 * The main job, universal part: decoded audio chunks → the model's frame features → its
 * per-0.5 s timeline → song summary (valence, arousal, quadrant probabilities, tempo,
 * colour). No Node imports: the browser bundle and the Node API (`node.ts`) share it.
 */
import { decodeStream, type AudioInfo, type ByteSource } from '../audio/decode.ts';
import { AudioInputError } from '../audio/errors.ts';
import { quadrantOf } from '../data/types.ts';
import { tempo } from '../dsp/beat.ts';
import { onsetStrength } from '../dsp/onset.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { extractFromChunks, type ExtractionResult } from '../features/extract.ts';
import { decodeRateFor } from '../features/types.ts';
import { emotionToHex } from '../light/color.ts';
import { HOP_SECONDS, modelFeatureSet, predictTimeline, quadrantProbabilities, type EmotionModel, type Timeline } from './emotion-model.ts';
import { SILENCE_COLOR, SILENT_POINT, silenceRanges, silentSegments } from './silence.ts';
import type { AnalysisResult, SongSummary } from './types.ts';

const MEL_BANDS = 64;

/**
 * Global tempo (BPM) from the frames' log-mel bands: librosa's onset strength (lag 1, no
 * frequency max-filter, frames taken as they are) on those bands, then librosa's
 * tempogram/prior estimate. 0 when the song is too short to tell (the summary then says null).
 */
export function tempoFromFrames(frames: Matrix, frameRate: { sampleRate: number; hopLength: number }): number {
  const { rows, cols, data } = frames;
  if (rows < 8) return 0;
  // onsetStrength wants [bands, frames]: the first MEL_BANDS columns, transposed.
  const S = new Float32Array(MEL_BANDS * rows);
  for (let t = 0; t < rows; t++) for (let b = 0; b < MEL_BANDS; b++) S[b * rows + t] = data[t * cols + b];
  const onset = onsetStrength(null, { S: { rows: MEL_BANDS, cols: rows, data: S }, center: false });
  // Every 4th tempogram frame: the same global tempo on the 4Q clips at a quarter of the cost.
  const bpm = tempo(null, { onsetEnvelope: onset, sampleRate: frameRate.sampleRate, hopLength: frameRate.hopLength, frameStep: 4 })[0];
  return Number.isFinite(bpm) ? bpm : 0;
}

/**
 * Analyses a stream of mono chunks (see `extractFromChunks`: 22.05 and 44.1 kHz are analysed
 * natively, other rates resampled to 22.05 kHz; decode at `decodeRateFor(modelFeatureSet(card))`).
 */
export async function analyzeChunks(
  name: string,
  chunks: (onInfo: (info: AudioInfo) => void) => AsyncIterable<Float32Array>,
  model: EmotionModel,
): Promise<AnalysisResult> {
  return analyzeFeatures(name, await extractFromChunks(name, modelFeatureSet(model.card), chunks), model);
}

/** The model's timeline with the silence gate applied, which segments it gated, and the song's (valence, arousal). */
export interface SongEmotion {
  /** Silent points hold {@link SILENT_POINT} instead of the model's estimate. */
  timeline: Timeline;
  /** Per point: its segment is below the silence gate. */
  silent: boolean[];
  /** Mean of the non-silent points; {@link SILENT_POINT} when every point is silent. */
  valence: number;
  arousal: number;
}

/** The model's 0.5 s timeline of extracted features, gated for silence (`silence.ts`), and its mean, the song's (valence, arousal). */
export function songEmotion(name: string, extraction: ExtractionResult, model: EmotionModel): SongEmotion {
  const { features, duration } = extraction;
  if (duration < HOP_SECONDS) throw new AudioInputError(name, `too short: ${duration.toFixed(3)} s of audio, at least ${HOP_SECONDS} s is needed`);
  const timeline = predictTimeline(model, features.frames, features.hopSeconds, duration);
  const silent = silentSegments(extraction.segmentLevelsDb, timeline.times.length, HOP_SECONDS);
  let valence = 0;
  let arousal = 0;
  let music = 0;
  silent.forEach((isSilent, k) => {
    if (isSilent) {
      timeline.valence[k] = SILENT_POINT.valence;
      timeline.arousal[k] = SILENT_POINT.arousal;
    } else {
      valence += timeline.valence[k];
      arousal += timeline.arousal[k];
      music++;
    }
  });
  if (music === 0) return { timeline, silent, ...SILENT_POINT };
  return { timeline, silent, valence: valence / music, arousal: arousal / music };
}

/** The frames whose centre lies in a non-silent segment, in order (the matrix itself when none is silent). */
function musicFrames(features: ExtractionResult['features'], silent: readonly boolean[]): Matrix {
  const { frames, times } = features;
  if (!silent.includes(true)) return frames;
  const keep: number[] = [];
  for (let t = 0; t < frames.rows; t++) {
    const k = Math.min(silent.length - 1, Math.max(0, Math.floor(times[t] / HOP_SECONDS + 1e-9)));
    if (!silent[k]) keep.push(t);
  }
  const data = new Float32Array(keep.length * frames.cols);
  keep.forEach((t, i) => data.set(frames.data.subarray(t * frames.cols, (t + 1) * frames.cols), i * frames.cols));
  return { rows: keep.length, cols: frames.cols, data };
}

/**
 * The model's timeline and song summary from already extracted frame features (`modelFeatureSet`).
 * Silent segments (`silence.ts`) are listed in `silence` and left out of the summary and the
 * tempo; an all-silent song gets no quadrant, probabilities or tempo.
 */
export function analyzeFeatures(name: string, extraction: ExtractionResult, model: EmotionModel): AnalysisResult {
  const { duration } = extraction;
  const { timeline, silent, valence, arousal } = songEmotion(name, extraction, model);
  const points = timeline.times.map((time, k) => ({ time, valence: timeline.valence[k], arousal: timeline.arousal[k] }));
  const silence = silenceRanges(silent, HOP_SECONDS, duration);
  return { file: name, duration, hopSeconds: HOP_SECONDS, timeline: points, silence, summary: songSummary(extraction, model, silent, valence, arousal) };
}

/** The song summary over the non-silent points; an all-silent song makes no quadrant, probability or tempo claim. */
function songSummary(extraction: ExtractionResult, model: EmotionModel, silent: boolean[], valence: number, arousal: number): SongSummary {
  if (!silent.includes(false)) return { valence, arousal, quadrant: null, quadrantProbabilities: null, tempo: null, color: SILENCE_COLOR };
  const { features } = extraction;
  const rate = features.sampleRate;
  // Silent frames are cut out rather than kept: faint noise there would give the tempogram a pulse of its own.
  const bpm = tempoFromFrames(musicFrames(features, silent), { sampleRate: rate, hopLength: Math.round(features.hopSeconds * rate) });
  return {
    valence,
    arousal,
    quadrant: quadrantOf(valence, arousal),
    quadrantProbabilities: quadrantProbabilities(valence, arousal, model.card.calibration),
    tempo: bpm > 0 ? bpm : null,
    color: emotionToHex(valence, arousal),
  };
}

export interface AnalyzeOptions {
  model: EmotionModel;
  /** Name reported in results and errors. Default 'buffer'. */
  name?: string;
  /** Sample rate of a Float32Array input, Hz. Required for raw samples. */
  sampleRate?: number;
}

/**
 * The model's frame features of encoded audio bytes, a byte stream, or raw mono samples
 * (`Float32Array` + `sampleRate`), with the 0.5 s segment levels the silence gate reads: what
 * {@link analyzeAudio} analyses. The web page uses the levels for its lamp.
 */
export function extractAudio(input: ByteSource | Float32Array, options: AnalyzeOptions): Promise<ExtractionResult> {
  const name = options.name ?? 'buffer';
  const set = modelFeatureSet(options.model.card);
  if (input instanceof Float32Array) {
    const sampleRate = options.sampleRate;
    if (!sampleRate || !(sampleRate > 0)) throw new AudioInputError(name, 'raw samples need options.sampleRate');
    for (let i = 0; i < input.length; i++) if (!Number.isFinite(input[i])) throw new AudioInputError(name, `sample ${i} is not a finite number`);
    return extractFromChunks(name, set, (onInfo) =>
      (async function* () {
        onInfo({ format: 'pcm', sourceSampleRate: sampleRate, channels: 1, sampleRate });
        yield input;
      })(),
    );
  }
  return extractFromChunks(name, set, (onInfo) => decodeStream(input, { sampleRate: decodeRateFor(set), name }, onInfo));
}

/** Analyses encoded audio bytes, a byte stream, or raw mono samples (`Float32Array` + `sampleRate`). */
export function analyzeAudio(input: ByteSource | Float32Array, options: AnalyzeOptions): Promise<AnalysisResult> {
  return extractAudio(input, options).then((extraction) => analyzeFeatures(options.name ?? 'buffer', extraction, options.model));
}
