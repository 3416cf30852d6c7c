/**
 * Descriptors of the singing (or lead) voice in a stretch of `sentio-voice` frames, read off its
 * voice columns. Window mean/std of those columns mixes two things — how much of the window is
 * voiced and what the voice does — because unvoiced frames hold F0 0 and HNR at the floor. These
 * describe the voiced analyses only: how often the voice sounds, its pitch level, spread and
 * range in semitones, how it moves between analyses, and its mean jitter, shimmer and HNR
 * (Panda et al. 2018 found such melodic and voice-quality descriptors among the strongest for
 * the 4Q quadrants). Pure; works in the browser.
 */
import type { Matrix } from '../dsp/matrix.ts';
import { VOICE_EVERY_FRAMES, VOICE_HNR_FLOOR_DB, sentioVoiceColumns } from './sentio-frames.ts';

const F0 = sentioVoiceColumns.indexOf('voice_f0_hz');
const JITTER = sentioVoiceColumns.indexOf('jitter_local');
const SHIMMER = sentioVoiceColumns.indexOf('shimmer_local');
const HNR = sentioVoiceColumns.indexOf('log_hnr_db');
/** Pitch is expressed in semitones above this frequency (A1). */
const PITCH_REFERENCE_HZ = 55;
/** A step between consecutive voiced analyses below this many semitones counts as a held note. */
const STEADY_STEP_SEMITONES = 1;
/** Pitches of the window being described, reused across calls (a song has a window every 0.5 s). */
let pitchScratch = new Float64Array(64);

export const voiceDescriptorNames: readonly string[] = [
  'voiced_share', 'voice_pitch_mean_st', 'voice_pitch_std_st', 'voice_pitch_range_st',
  'voice_jitter_mean', 'voice_shimmer_mean', 'voice_hnr_mean_db',
  'voice_pitch_step_st', 'voice_steady_share',
];

/**
 * The descriptors of frames [start, end) of a `sentio-voice` matrix, in `voiceDescriptorNames`
 * order, into `out` at `offset`. Only frames where the extractor analysed the voice (every
 * {@link VOICE_EVERY_FRAMES}th; the rest hold its values) are read. Without any voiced analysis
 * the pitch and quality values are 0 and HNR sits at {@link VOICE_HNR_FLOOR_DB}: `voiced_share`
 * 0 tells the model that they mean nothing. The range is the 10th–90th percentile span.
 */
export function voiceDescriptors<T extends Float32Array>(frames: Matrix, start: number, end: number, out: T, offset = 0): T {
  const { cols, data } = frames;
  if (cols !== sentioVoiceColumns.length) throw new RangeError(`voice descriptors need sentio-voice frames (${sentioVoiceColumns.length} columns), got ${cols}`);
  const s = Math.max(0, Math.min(start, frames.rows - 1));
  const e = Math.max(s + 1, Math.min(end, frames.rows));
  const most = Math.ceil((e - s) / VOICE_EVERY_FRAMES) + 1;
  if (pitchScratch.length < most) pitchScratch = new Float64Array(most);
  let voiced = 0;
  let analyses = 0;
  let jitter = 0;
  let shimmer = 0;
  let hnr = 0;
  let stepSum = 0;
  let steps = 0;
  let steady = 0;
  // Pitch of the previous analysis if it was voiced, else NaN (pitch itself can be ≤ 0: F0 ≤ 55 Hz).
  let previous = NaN;
  for (let r = Math.ceil(s / VOICE_EVERY_FRAMES) * VOICE_EVERY_FRAMES; r < e; r += VOICE_EVERY_FRAMES) {
    analyses++;
    const f0 = data[r * cols + F0];
    if (!(f0 > 0)) {
      previous = NaN;
      continue;
    }
    const pitch = 12 * Math.log2(f0 / PITCH_REFERENCE_HZ);
    pitchScratch[voiced++] = pitch;
    jitter += data[r * cols + JITTER];
    shimmer += data[r * cols + SHIMMER];
    hnr += data[r * cols + HNR];
    if (!Number.isNaN(previous)) {
      const step = Math.abs(pitch - previous);
      stepSum += step;
      steps++;
      if (step < STEADY_STEP_SEMITONES) steady++;
    }
    previous = pitch;
  }
  const pitches = pitchScratch.subarray(0, voiced).sort();
  let mean = 0;
  for (const p of pitches) mean += p;
  mean = voiced ? mean / voiced : 0;
  let variance = 0;
  for (const p of pitches) variance += (p - mean) ** 2;
  const at = (q: number) => pitches[Math.min(voiced - 1, Math.floor(q * voiced))];
  let k = offset;
  out[k++] = analyses ? voiced / analyses : 0;
  out[k++] = mean;
  out[k++] = voiced ? Math.sqrt(variance / voiced) : 0;
  out[k++] = voiced ? at(0.9) - at(0.1) : 0;
  out[k++] = voiced ? jitter / voiced : 0;
  out[k++] = voiced ? shimmer / voiced : 0;
  out[k++] = voiced ? hnr / voiced : VOICE_HNR_FLOOR_DB;
  out[k++] = steps ? stepSum / steps : 0;
  out[k++] = steps ? steady / steps : 0;
  return out;
}
