import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_FRAMES, BLOCK_HOP_FRAMES, modulationDescriptorNames, modulationDescriptors } from '../../src/features/modulation-descriptors.ts';
import { FRAME_RATE_HZ, sentioFrameColumns, sentioVoiceColumns } from '../../src/features/sentio-frames.ts';
import { indexFrames, windowInputDims, writeWindowInput } from '../../src/features/window-input.ts';
import type { Matrix } from '../../src/dsp/matrix.ts';

const COLS = sentioVoiceColumns.length;
const col = (name: string) => sentioFrameColumns.indexOf(name);
const get = (d: Float32Array, name: string) => {
  const i = modulationDescriptorNames.indexOf(name);
  assert.ok(i >= 0, `no descriptor ${name}`);
  return d[i];
};

/** sentio-voice frames with level (dB), flux, centroid and low-mel level given per frame. */
function frames(rows: number, at: (r: number) => { rmsDb: number; flux: number; centroidKhz: number; lowMel: number }): Matrix {
  const data = new Float32Array(rows * COLS);
  for (let r = 0; r < rows; r++) {
    const v = at(r);
    const o = r * COLS;
    data[o + col('rms_db')] = v.rmsDb;
    data[o + col('flux')] = v.flux;
    data[o + col('centroid_khz')] = v.centroidKhz;
    for (let b = 0; b < 8; b++) data[o + col('mel_0') + b] = v.lowMel;
  }
  return { rows, cols: COLS, data };
}

const describe = (m: Matrix, start = 0, end = m.rows) => modulationDescriptors(m, start, end, new Float32Array(modulationDescriptorNames.length));

test('modulation descriptors: 56 named values, 7 per series', () => {
  assert.equal(modulationDescriptorNames.length, 56);
  assert.equal(new Set(modulationDescriptorNames).size, 56);
  assert.equal(windowInputDims('window-stats+descriptors+voice+modulation', COLS), windowInputDims('window-stats+descriptors+voice', COLS) + 56);
});

test('modulation descriptors: a 5 Hz tremolo lands in the 4–6 Hz band, a 0.5 Hz swell in 0.3–1 Hz', () => {
  const sine = (hz: number, r: number) => Math.sin((2 * Math.PI * hz * r) / FRAME_RATE_HZ);
  // Loudness with a ±3 dB tremolo at 5 Hz; flux swelling at 0.5 Hz; the rest steady.
  const m = frames(400, (r) => ({ rmsDb: -20 + 3 * sine(5, r), flux: 1 + 0.5 * sine(0.5, r), centroidKhz: 2, lowMel: -30 }));
  const d = describe(m);
  assert.ok(get(d, 'mod_rms_4-6hz') > 0.85, `rms 4-6 Hz share ${get(d, 'mod_rms_4-6hz')}`);
  assert.ok(get(d, 'mod_flux_0.3-1hz') > 0.85, `flux 0.3-1 Hz share ${get(d, 'mod_flux_0.3-1hz')}`);
  // The shares of a modulated series sum to 1.
  const shares = modulationDescriptorNames.filter((n) => n.startsWith('mod_rms_') && n.endsWith('hz')).map((n) => get(d, n));
  assert.ok(Math.abs(shares.reduce((a, b) => a + b) - 1) < 1e-5);
  // A steady series has no modulation power at all: its log power sits at the floor.
  assert.ok(get(d, 'mod_centroid_log_power') < -10);
  assert.ok(get(d, 'mod_rms_log_power') > get(d, 'mod_centroid_log_power') + 5);
});

test('modulation descriptors: rms modulation is relative to the level, so loudness does not change it', () => {
  const at = (offsetDb: number) => (r: number) => ({ rmsDb: offsetDb + 4 * Math.sin((2 * Math.PI * 3 * r) / FRAME_RATE_HZ), flux: 1, centroidKhz: 2, lowMel: -30 });
  const quiet = describe(frames(300, at(-40)));
  const loud = describe(frames(300, at(-10)));
  for (const name of modulationDescriptorNames.filter((n) => n.startsWith('mod_rms_'))) {
    assert.ok(Math.abs(get(quiet, name) - get(loud, name)) < 1e-5, name);
  }
});

test('modulation descriptors: a window is the mean of the grid blocks inside it', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const m = frames(300, () => ({ rmsDb: -20 + 6 * rand(), flux: rand(), centroidKhz: 1 + rand(), lowMel: -30 + 10 * rand() }));
  const b0 = describe(m, 0, BLOCK_FRAMES);
  const b1 = describe(m, BLOCK_HOP_FRAMES, BLOCK_HOP_FRAMES + BLOCK_FRAMES);
  assert.notDeepEqual([...b0], [...b1]);
  // Frames [0, 96) hold the blocks starting at 0 and 32; a window starting at 5 holds only the one at 32.
  const both = describe(m, 0, BLOCK_HOP_FRAMES + BLOCK_FRAMES);
  both.forEach((v, i) => assert.ok(Math.abs(v - (b0[i] + b1[i]) / 2) < 1e-5, modulationDescriptorNames[i]));
  assert.deepEqual([...describe(m, 5, BLOCK_HOP_FRAMES + BLOCK_FRAMES)], [...b1]);
  // The window input carries them after the voice descriptors.
  const kind = 'window-stats+descriptors+voice+modulation';
  const x = new Float32Array(windowInputDims(kind, COLS));
  writeWindowInput(kind, indexFrames(m), 0, BLOCK_HOP_FRAMES + BLOCK_FRAMES, x);
  assert.deepEqual([...x.subarray(x.length - 56)], [...both]);
});

test('modulation descriptors: windows and matrices shorter than a block still give finite values', () => {
  const m = frames(40, (r) => ({ rmsDb: -20 + (r % 4), flux: r % 3, centroidKhz: 2, lowMel: -30 }));
  const d = describe(m);
  assert.ok([...d].every(Number.isFinite));
  const long = frames(200, (r) => ({ rmsDb: -20 + (r % 4), flux: r % 3, centroidKhz: 2, lowMel: -30 }));
  // A 40-frame window in a longer song reads the block centred on it.
  const centred = describe(long, 100, 140);
  assert.deepEqual([...centred], [...describe(long, 88, 88 + BLOCK_FRAMES)]);
});
