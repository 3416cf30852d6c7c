import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipDescriptorNames } from '../../src/features/clip-descriptors.ts';
import { sentioFrameColumns, sentioVoiceColumns, VOICE_EVERY_FRAMES, VOICE_HNR_FLOOR_DB } from '../../src/features/sentio-frames.ts';
import { voiceDescriptorNames, voiceDescriptors } from '../../src/features/voice-descriptors.ts';
import { indexFrames, windowInputDims, windowInputProblem, writeWindowInput } from '../../src/features/window-input.ts';
import { parseModelCard } from '../../src/analyze/emotion-model.ts';
import { readFile } from 'node:fs/promises';
import type { Matrix } from '../../src/dsp/matrix.ts';

const COLS = sentioVoiceColumns.length;
const col = (name: string) => sentioVoiceColumns.indexOf(name);
const get = (d: Float32Array, name: string) => d[voiceDescriptorNames.indexOf(name)];

/**
 * sentio-voice frames whose voice columns hold, as the extractor does, the analysis of every
 * VOICE_EVERY_FRAMES-th frame: `f0At(k)` for analysis k (0 = unvoiced), jitter 0.01, shimmer
 * 0.05, HNR 12 dB when voiced.
 */
function frames(analyses: number, f0At: (k: number) => number): Matrix {
  const rows = analyses * VOICE_EVERY_FRAMES;
  const data = new Float32Array(rows * COLS);
  for (let r = 0; r < rows; r++) {
    const f0 = f0At(Math.floor(r / VOICE_EVERY_FRAMES));
    const o = r * COLS;
    data[o + col('voice_f0_hz')] = f0;
    data[o + col('voicing')] = f0 > 0 ? 0.9 : 0.2;
    data[o + col('jitter_local')] = f0 > 0 ? 0.01 : 0;
    data[o + col('shimmer_local')] = f0 > 0 ? 0.05 : 0;
    data[o + col('log_hnr_db')] = f0 > 0 ? 12 : VOICE_HNR_FLOOR_DB;
    // Garbage between analyses must be ignored: the extractor holds values there.
    if (r % VOICE_EVERY_FRAMES !== 0) data[o + col('voice_f0_hz')] = 999;
  }
  return { rows, cols: COLS, data };
}

test('voice descriptors: a voice alternating between A3 and E4 half the time', () => {
  // Analyses: A3 (220 Hz), E4 (329.6 Hz), unvoiced, repeating.
  const pattern = [220, 220 * 2 ** (7 / 12), 0];
  const d = voiceDescriptors(frames(30, (k) => pattern[k % 3]), 0, 30 * VOICE_EVERY_FRAMES, new Float32Array(voiceDescriptorNames.length));
  assert.ok(Math.abs(get(d, 'voiced_share') - 2 / 3) < 1e-6);
  // Semitones above A1 (55 Hz): A3 = 24, E4 = 31.
  assert.ok(Math.abs(get(d, 'voice_pitch_mean_st') - 27.5) < 1e-4, `${get(d, 'voice_pitch_mean_st')}`);
  assert.ok(Math.abs(get(d, 'voice_pitch_std_st') - 3.5) < 1e-4);
  assert.ok(Math.abs(get(d, 'voice_pitch_range_st') - 7) < 1e-4);
  assert.ok(Math.abs(get(d, 'voice_jitter_mean') - 0.01) < 1e-6);
  assert.ok(Math.abs(get(d, 'voice_shimmer_mean') - 0.05) < 1e-6);
  assert.ok(Math.abs(get(d, 'voice_hnr_mean_db') - 12) < 1e-6);
  // Steps only between consecutive voiced analyses (A3 → E4): a fifth, never held.
  assert.ok(Math.abs(get(d, 'voice_pitch_step_st') - 7) < 1e-4);
  assert.equal(get(d, 'voice_steady_share'), 0);
});

test('voice descriptors: a held note is steady; a window is read from its own analyses only', () => {
  const d = voiceDescriptors(frames(40, (k) => (k < 20 ? 440 : 0)), 0, 20 * VOICE_EVERY_FRAMES, new Float32Array(voiceDescriptorNames.length));
  assert.equal(get(d, 'voiced_share'), 1);
  assert.ok(Math.abs(get(d, 'voice_pitch_mean_st') - 36) < 1e-4);
  assert.equal(get(d, 'voice_pitch_range_st'), 0);
  assert.equal(get(d, 'voice_steady_share'), 1);
  // A window starting mid-analysis begins at the next analysed frame.
  const late = voiceDescriptors(frames(40, (k) => (k < 20 ? 440 : 0)), 18 * VOICE_EVERY_FRAMES + 1, 40 * VOICE_EVERY_FRAMES, new Float32Array(voiceDescriptorNames.length));
  assert.ok(Math.abs(get(late, 'voiced_share') - 1 / 21) < 1e-6, `${get(late, 'voiced_share')}`);
});

test('voice descriptors: pitch steps are counted at and below the 55 Hz reference too', () => {
  // A bass voice alternating 48 Hz and 53 Hz: pitch < 0 semitones above A1, still voiced.
  const d = voiceDescriptors(frames(20, (k) => (k % 2 ? 48 : 53)), 0, 20 * VOICE_EVERY_FRAMES, new Float32Array(voiceDescriptorNames.length));
  const step = 12 * Math.log2(53 / 48);
  assert.ok(Math.abs(get(d, 'voice_pitch_step_st') - step) < 1e-4, `${get(d, 'voice_pitch_step_st')}`);
  assert.equal(get(d, 'voice_steady_share'), 0);
  const held = voiceDescriptors(frames(20, () => 50), 0, 20 * VOICE_EVERY_FRAMES, new Float32Array(voiceDescriptorNames.length));
  assert.equal(get(held, 'voice_steady_share'), 1);
});

test('voice descriptors: no voice gives neutral values, HNR at the floor; other frame sets are refused', () => {
  const d = voiceDescriptors(frames(10, () => 0), 0, 40, new Float32Array(voiceDescriptorNames.length).fill(NaN));
  assert.deepEqual([...d], [0, 0, 0, 0, 0, 0, VOICE_HNR_FLOOR_DB, 0, 0]);
  const plain: Matrix = { rows: 10, cols: sentioFrameColumns.length, data: new Float32Array(10 * sentioFrameColumns.length) };
  assert.throws(() => voiceDescriptors(plain, 0, 10, new Float32Array(9)), /sentio-voice/);
});

test('window input with voice: stats, then clip descriptors, then voice descriptors', () => {
  const m = frames(30, (k) => (k % 2 ? 220 : 0));
  const kind = 'window-stats+descriptors+voice';
  assert.equal(windowInputDims(kind, COLS), COLS * 3 + clipDescriptorNames.length + voiceDescriptorNames.length);
  const out = new Float32Array(windowInputDims(kind, COLS) + 3);
  writeWindowInput(kind, indexFrames(m), 0, m.rows, out, 3);
  const voice = voiceDescriptors(m, 0, m.rows, new Float32Array(voiceDescriptorNames.length));
  assert.deepEqual([...out.subarray(3 + COLS * 3 + clipDescriptorNames.length)], [...voice]);
  const without = new Float32Array(windowInputDims('window-stats+descriptors', COLS));
  writeWindowInput('window-stats+descriptors', indexFrames(m), 0, m.rows, without);
  assert.deepEqual([...out.subarray(3, 3 + without.length)], [...without]);
});

test('the voice input is refused for frames without the voice columns: in recipes and in model cards', async () => {
  assert.equal(windowInputProblem('window-stats+descriptors+voice', sentioVoiceColumns), null);
  assert.equal(windowInputProblem('window-stats+descriptors', sentioFrameColumns), null);
  assert.match(windowInputProblem('window-stats+descriptors+voice', sentioFrameColumns) ?? '', /needs the sentio-voice feature set/);
  assert.match(windowInputProblem('window-stats+descriptors+voice+modulation', sentioFrameColumns) ?? '', /needs the sentio-voice feature set/);
  const card = JSON.parse(await readFile(new URL('../../models/default/sentio.json', import.meta.url), 'utf8'));
  assert.equal(parseModelCard(card, 'sentio.json').input.summary, 'window-stats+descriptors+voice+modulation');
  const wrong = { ...card, featureSet: { ...card.featureSet, name: 'sentio-frames', columns: sentioFrameColumns.length } };
  assert.throws(() => parseModelCard(wrong, 'x/sentio.json'), /x\/sentio\.json: .*needs the sentio-voice feature set, but was trained on 'sentio-frames'/);
});
