import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipDescriptorNames, clipDescriptors } from '../../src/features/clip-descriptors.ts';
import { sentioFrameColumns } from '../../src/features/sentio-frames.ts';
import { indexFrames, windowInputDims, writeWindowInput } from '../../src/features/window-input.ts';
import { windowStats } from '../../src/features/window-stats.ts';
import type { Matrix } from '../../src/dsp/matrix.ts';

const COLS = sentioFrameColumns.length;
const col = (name: string) => sentioFrameColumns.indexOf(name);
const PITCHES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Frames whose chroma holds the given pitch classes, flux pulses every `period` frames, and a loudness ramp. */
function frames(rows: number, chord: string[], period: number): Matrix {
  const data = new Float32Array(rows * COLS);
  for (let t = 0; t < rows; t++) {
    const r = t * COLS;
    for (const p of chord) data[r + col(`chroma_${p}`)] = 1;
    for (let p = 0; p < 12; p++) data[r + col(`chroma_${PITCHES[p]}`)] += 0.05;
    data[r + col('flux')] = t % period === 0 ? 1 : 0.1;
    data[r + col('rms_db')] = -40 + (20 * t) / rows;
    for (let b = 0; b < 64; b++) data[r + b] = -60 + (b % 8) * 2 + (t % 2);
  }
  return { rows, cols: COLS, data };
}

const get = (d: Float32Array, name: string) => d[clipDescriptorNames.indexOf(name)];

test('clip descriptors: major triads read as major, minor triads as minor', () => {
  const major = clipDescriptors(frames(200, ['C', 'E', 'G'], 10), 0, 200, new Float32Array(clipDescriptorNames.length));
  const minor = clipDescriptors(frames(200, ['A', 'C', 'E'], 10), 0, 200, new Float32Array(clipDescriptorNames.length));
  // A bare triad also fits its relative key's profile, so the margins are small but the signs hold.
  assert.ok(get(major, 'key_mode') > 0.03, `C major mode ${get(major, 'key_mode')}`);
  assert.ok(get(minor, 'key_mode') < -0.03, `A minor mode ${get(minor, 'key_mode')}`);
  assert.ok(get(major, 'key_clarity') >= 0);
});

test('clip descriptors: flux pulse period and onset rate follow the pulse', () => {
  const d = clipDescriptors(frames(300, ['C'], 10), 0, 300, new Float32Array(clipDescriptorNames.length));
  const hop = 1024 / 22050;
  assert.ok(Math.abs(get(d, 'flux_period_s') - 10 * hop) < 1e-6, `period ${get(d, 'flux_period_s')}`);
  assert.ok(get(d, 'flux_pulse_clarity') > 0.9, `clarity ${get(d, 'flux_pulse_clarity')}`);
  // A pulse every 10 frames → one onset per 0.464 s, minus the pulses on the edges.
  assert.ok(Math.abs(get(d, 'onset_rate_hz') - 1 / (10 * hop)) < 0.15, `rate ${get(d, 'onset_rate_hz')}`);
  const faster = clipDescriptors(frames(300, ['C'], 7), 0, 300, new Float32Array(clipDescriptorNames.length));
  assert.ok(get(faster, 'flux_period_s') < get(d, 'flux_period_s'));
});

test('clip descriptors: loudness quantiles of a ramp, and only the requested range is read', () => {
  const m = frames(100, ['C'], 10);
  const d = clipDescriptors(m, 0, 100, new Float32Array(clipDescriptorNames.length));
  assert.ok(get(d, 'rms_p10_db') < get(d, 'rms_p50_db') && get(d, 'rms_p50_db') < get(d, 'rms_p90_db'));
  assert.ok(Math.abs(get(d, 'rms_range_db') - 16) < 0.5, `range ${get(d, 'rms_range_db')}`);
  assert.ok(Math.abs(get(d, 'low_energy_ratio') - 0.5) < 0.02);
  const first = clipDescriptors(m, 0, 50, new Float32Array(clipDescriptorNames.length));
  assert.ok(get(first, 'rms_p90_db') < get(d, 'rms_p50_db') + 0.5, 'the first half is the quieter half');
  assert.ok(Math.abs(get(d, 'band_contrast_0') - 14) < 1e-4, `contrast ${get(d, 'band_contrast_0')}`);
});

test('window input: descriptors are appended after the window statistics', () => {
  const m = frames(120, ['D', 'F#', 'A'], 9);
  const f = indexFrames(m);
  assert.equal(windowInputDims('window-stats', COLS), COLS * 3);
  assert.equal(windowInputDims('window-stats+descriptors', COLS), COLS * 3 + clipDescriptorNames.length);
  const out = new Float32Array(windowInputDims('window-stats+descriptors', COLS) + 5);
  writeWindowInput('window-stats+descriptors', f, 10, 90, out, 5);
  const stats = new Float32Array(COLS * 3);
  windowStats(f.index, 10, 90, stats);
  assert.deepEqual(out.subarray(5, 5 + COLS * 3), stats);
  assert.deepEqual(out.subarray(5 + COLS * 3), clipDescriptors(m, 10, 90, new Float32Array(clipDescriptorNames.length)));
});
