/**
 * What a window model reads for one context window of frame features — the single place
 * training (`train/window-model.ts`) and inference (`analyze/emotion-model.ts`) share, so the
 * two can never disagree about the layout.
 *   - `window-stats`: per column mean, std and mean |Δ| ({@link windowStats});
 *   - `window-stats+descriptors`: the same, then the musical {@link clipDescriptors} of the
 *     window (key/mode, pulse, loudness distribution, band contrast; `sentio-frames` and
 *     `sentio-voice`);
 *   - `window-stats+descriptors+voice`: the same, then the {@link voiceDescriptors} of the
 *     window's voiced analyses (`sentio-voice` only);
 *   - `window-stats+descriptors+voice+modulation`: the same, then the
 *     {@link modulationDescriptors} of the window (how fast loudness, flux, brightness and band
 *     levels fluctuate).
 */
import type { Matrix } from '../dsp/matrix.ts';
import { clipDescriptorNames, clipDescriptors } from './clip-descriptors.ts';
import { sentioVoiceColumns } from './sentio-frames.ts';
import { modulationDescriptorNames, modulationDescriptors } from './modulation-descriptors.ts';
import { voiceDescriptorNames, voiceDescriptors } from './voice-descriptors.ts';
import { indexWindowStats, windowStats, type WindowStatsIndex } from './window-stats.ts';

export type WindowInputKind = 'window-stats' | 'window-stats+descriptors' | 'window-stats+descriptors+voice' | 'window-stats+descriptors+voice+modulation';
export const WINDOW_INPUT_KINDS: readonly WindowInputKind[] = ['window-stats', 'window-stats+descriptors', 'window-stats+descriptors+voice', 'window-stats+descriptors+voice+modulation'];

// Each kind adds one part to the one before it, so a kind's parts are read off its rank.
const rank = (kind: WindowInputKind) => WINDOW_INPUT_KINDS.indexOf(kind);
const hasVoice = (kind: WindowInputKind) => rank(kind) >= 2;
const hasModulation = (kind: WindowInputKind) => rank(kind) >= 3;

/** Frames prepared for cheap window inputs at any position. */
export interface IndexedFrames {
  frames: Matrix;
  index: WindowStatsIndex;
}

export const indexFrames = (frames: Matrix): IndexedFrames => ({ frames, index: indexWindowStats(frames) });

/** Input width for frames of `cols` columns. */
export function windowInputDims(kind: WindowInputKind, cols: number): number {
  if (kind === 'window-stats') return cols * 3;
  return cols * 3 + clipDescriptorNames.length + (hasVoice(kind) ? voiceDescriptorNames.length : 0)
    + (hasModulation(kind) ? modulationDescriptorNames.length : 0);
}

/** Writes the input for frames [start, end) into `out` at `offset`. */
export function writeWindowInput(kind: WindowInputKind, f: IndexedFrames, start: number, end: number, out: Float32Array, offset = 0): void {
  windowStats(f.index, start, end, out, offset);
  if (kind === 'window-stats') return;
  clipDescriptors(f.frames, start, end, out, offset + f.index.cols * 3);
  if (!hasVoice(kind)) return;
  const voiceOffset = offset + f.index.cols * 3 + clipDescriptorNames.length;
  voiceDescriptors(f.frames, start, end, out, voiceOffset);
  if (hasModulation(kind)) modulationDescriptors(f.frames, start, end, out, voiceOffset + voiceDescriptorNames.length);
}

/**
 * Why frames with these columns cannot feed `kind` (null when they can): the voice
 * descriptors read the `sentio-voice` columns.
 */
export function windowInputProblem(kind: WindowInputKind, columns: readonly string[]): string | null {
  if (hasVoice(kind) && (columns.length !== sentioVoiceColumns.length || columns.some((c, i) => c !== sentioVoiceColumns[i]))) {
    return `input '${kind}' needs the sentio-voice feature set`;
  }
  return null;
}

export function isWindowInputKind(x: unknown): x is WindowInputKind {
  return typeof x === 'string' && (WINDOW_INPUT_KINDS as readonly string[]).includes(x);
}
