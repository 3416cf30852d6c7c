/**
 * The main job, universal part: decoded audio chunks → `sentio-frames` → the model's
 * per-0.5 s timeline → song summary (valence, arousal, quadrant probabilities, tempo,
 * colour). No Node imports: the browser bundle and the Node API (`node.ts`) share it.
 */
import { decodeStream, type AudioInfo, type ByteSource } from '../audio/decode.ts';
import { AudioInputError } from '../audio/errors.ts';
import { createResampler, type Resampler } from '../audio/resample.ts';
import { quadrantOf } from '../data/types.ts';
import { tempo } from '../dsp/beat.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { sentioFrames } from '../features/sentio-frames.ts';
import type { FeatureExtractor } from '../features/types.ts';
import { emotionToHex } from '../light/color.ts';
import { HOP_SECONDS, predictTimeline, quadrantProbabilities, type EmotionModel } from './emotion-model.ts';
import type { AnalysisResult } from './types.ts';

const MEL_BANDS = 64;

/**
 * Global tempo (BPM) from the frames' log-mel bands: onset strength as the mean positive
 * log-mel difference between consecutive frames (librosa's onset_strength with lag 1),
 * then librosa's tempogram/prior estimate. 0 when the song is too short to tell.
 */
export function tempoFromFrames(frames: Matrix, frameRate: { sampleRate: number; hopLength: number }): number {
  const { rows, cols, data } = frames;
  if (rows < 8) return 0;
  const onset = new Float32Array(rows);
  for (let t = 1; t < rows; t++) {
    let acc = 0;
    for (let b = 0; b < MEL_BANDS; b++) acc += Math.max(0, data[t * cols + b] - data[(t - 1) * cols + b]);
    onset[t] = acc / MEL_BANDS;
  }
  const bpm = tempo(null, { onsetEnvelope: onset, sampleRate: frameRate.sampleRate, hopLength: frameRate.hopLength })[0];
  return Number.isFinite(bpm) ? bpm : 0;
}

/** Analyses a stream of mono chunks at the rate `onInfo` reports (native rate, see decode's `sampleRate: null`). */
export async function analyzeChunks(
  name: string,
  chunks: (onInfo: (info: AudioInfo) => void) => AsyncIterable<Float32Array>,
  model: EmotionModel,
): Promise<AnalysisResult> {
  let extractor: FeatureExtractor | undefined;
  let resampler: Resampler | undefined;
  let rate = 0;
  let samples = 0;
  let info: AudioInfo | undefined;
  const start = (i: AudioInfo) => {
    info = i;
    // 22.05 and 44.1 kHz are analysed as they are; other rates are resampled to 22.05 kHz.
    if (sentioFrames.nativeRates.includes(i.sampleRate)) rate = i.sampleRate;
    else {
      rate = 22050;
      resampler = createResampler(i.sampleRate, rate);
    }
    extractor = sentioFrames.createExtractorAt(rate);
  };
  for await (const chunk of chunks(start)) {
    if (!extractor) throw new AudioInputError(name, 'decoder reported no audio format');
    samples += chunk.length;
    extractor.push(resampler ? resampler.push(chunk) : chunk);
  }
  if (!extractor || !info || samples === 0) throw new AudioInputError(name, 'no audio samples decoded');
  if (resampler) extractor.push(resampler.flush());
  const features = extractor.finish();
  const duration = samples / info.sampleRate;
  if (duration < HOP_SECONDS) throw new AudioInputError(name, `too short: ${duration.toFixed(3)} s of audio, at least ${HOP_SECONDS} s is needed`);
  const timeline = predictTimeline(model, features.frames, features.hopSeconds, duration);
  const n = timeline.times.length;
  const valence = timeline.valence.reduce((a, b) => a + b, 0) / n;
  const arousal = timeline.arousal.reduce((a, b) => a + b, 0) / n;
  const bpm = tempoFromFrames(features.frames, { sampleRate: rate, hopLength: Math.round(features.hopSeconds * rate) });
  return {
    file: name,
    duration,
    hopSeconds: HOP_SECONDS,
    timeline: timeline.times.map((time, k) => ({ time, valence: timeline.valence[k], arousal: timeline.arousal[k] })),
    summary: {
      valence,
      arousal,
      quadrant: quadrantOf(valence, arousal),
      quadrantProbabilities: quadrantProbabilities(valence, arousal, model.card.calibration),
      tempo: bpm,
      color: emotionToHex(valence, arousal),
    },
  };
}

export interface AnalyzeOptions {
  model: EmotionModel;
  /** Name reported in results and errors. Default 'buffer'. */
  name?: string;
  /** Sample rate of a Float32Array input, Hz. Required for raw samples. */
  sampleRate?: number;
}

/** Analyses encoded audio bytes, a byte stream, or raw mono samples (`Float32Array` + `sampleRate`). */
export function analyzeAudio(input: ByteSource | Float32Array, options: AnalyzeOptions): Promise<AnalysisResult> {
  const name = options.name ?? 'buffer';
  if (input instanceof Float32Array) {
    const sampleRate = options.sampleRate;
    if (!sampleRate || !(sampleRate > 0)) throw new AudioInputError(name, 'raw samples need options.sampleRate');
    for (let i = 0; i < input.length; i++) if (!Number.isFinite(input[i])) throw new AudioInputError(name, `sample ${i} is not a finite number`);
    return analyzeChunks(
      name,
      (onInfo) =>
        (async function* () {
          onInfo({ format: 'pcm', sourceSampleRate: sampleRate, channels: 1, sampleRate });
          yield input;
        })(),
      options.model,
    );
  }
  return analyzeChunks(name, (onInfo) => decodeStream(input, { sampleRate: null, name }, onInfo), options.model);
}
