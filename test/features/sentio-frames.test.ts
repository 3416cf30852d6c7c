import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resample } from '../../src/audio/resample.ts';
import { seededRandom } from '../../src/data/splits.ts';
import { ANALYSIS_FMAX_HZ, sentioFrames, sentioFrameColumns } from '../../src/features/sentio-frames.ts';
import { indexWindowStats, windowStats } from '../../src/features/window-stats.ts';

/** A 3 s test signal: A major triad with a tremolo plus a little noise. */
function signal(rate: number): Float32Array {
  const r = seededRandom(9);
  return Float32Array.from({ length: 3 * rate }, (_, i) => {
    const t = i / rate;
    const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * t);
    return env * 0.2 * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 554.37 * t) + Math.sin(2 * Math.PI * 659.25 * t)) + 0.01 * (r() - 0.5);
  });
}

function run(rate: number, y: Float32Array, chunk = y.length) {
  const ex = sentioFrames.createExtractorAt!(rate);
  for (let i = 0; i < y.length; i += chunk) ex.push(y.subarray(i, i + chunk));
  return ex.finish();
}

test('sentio-frames: shape, columns and frame rate', () => {
  const m = run(22050, signal(22050));
  assert.equal(m.columns.length, 101);
  assert.deepEqual(m.columns, sentioFrameColumns);
  assert.equal(m.frames.cols, 101);
  assert.equal(m.frames.rows, Math.floor((3 * 22050) / 1024) + 1); // centred frames
  assert.ok(Math.abs(m.hopSeconds - 1024 / 22050) < 1e-12);
});

test('sentio-frames: chroma peaks on the triad pitch classes A, C#, E', () => {
  const m = run(22050, signal(22050));
  const chroma = sentioFrameColumns.indexOf('chroma_C');
  const mean = new Array(12).fill(0);
  for (let t = 5; t < m.frames.rows - 5; t++) for (let p = 0; p < 12; p++) mean[p] += m.frames.data[t * 101 + chroma + p];
  const top3 = mean.map((v, p) => [v, p]).sort((a, b) => b[0] - a[0]).slice(0, 3).map((x) => x[1]).sort((a, b) => a - b);
  assert.deepEqual(top3, [1, 4, 9]); // C#, E, A
});

test('sentio-frames: streaming in chunks gives the same frames', () => {
  const y = signal(22050);
  const whole = run(22050, y);
  const chunked = run(22050, y, 777);
  assert.deepEqual(Array.from(chunked.frames.data), Array.from(whole.frames.data));
});

test('sentio-frames: 44.1 kHz analysed natively matches the same audio at 22.05 kHz', () => {
  const y44 = signal(44100);
  const y22 = resample(y44, 44100, 22050);
  const a = run(44100, y44);
  const b = run(22050, y22);
  assert.equal(a.frames.rows, b.frames.rows);
  // Compare per-column means over the interior (edges differ by the resampler's delay).
  const col = (m: typeof a, c: number) => {
    let s = 0;
    for (let t = 3; t < m.frames.rows - 3; t++) s += m.frames.data[t * 101 + c];
    return s / (m.frames.rows - 6);
  };
  for (const name of ['mel_10', 'mel_40', 'mfcc_1', 'centroid_khz', 'rolloff_khz', 'rms_db', 'flux', 'chroma_A']) {
    const c = sentioFrameColumns.indexOf(name);
    const va = col(a, c);
    const vb = col(b, c);
    // dB-valued columns within 0.5 dB (MFCC sums 64 bands: 1.0); ratios within 10 %, except
    // flux: the frame-to-frame change of the noise floor's magnitudes is not the same when two
    // 44.1 kHz bins are pooled into one as in a 22.05 kHz bin (measured 1.26×): within 40 %.
    const rel = name === 'flux' ? 0.4 : 0.1;
    const tol = name.startsWith('mfcc') ? 1.0 : name.startsWith('mel') || name === 'rms_db' ? 0.5 : rel * Math.max(1e-3, Math.abs(vb));
    assert.ok(Math.abs(va - vb) <= tol, `${name}: 44.1 kHz ${va} vs 22.05 kHz ${vb}`);
  }
});

test('sentio-frames: sound above ANALYSIS_FMAX_HZ changes nothing, so a codec lowpass does not move the frames', () => {
  // The 4Q training clips are cut near 8.5 or 10.3 kHz, a 128 kbit/s file near 16 kHz: the
  // same music must give the same frames whatever its codec kept above 8 kHz.
  for (const rate of [22050, 44100]) {
    const y = signal(rate);
    const hiss = Float32Array.from(y, (v, i) => v + 0.05 * Math.sin(2 * Math.PI * 9000 * (i / rate)) + 0.03 * Math.sin(2 * Math.PI * 10500 * (i / rate) + 1));
    const a = run(rate, y);
    const b = run(rate, hiss);
    let worst = 0;
    let worstName = '';
    // The first and last frames are cut by the signal's ends, which spreads any tone over
    // the whole spectrum: compare the frames in between.
    for (let t = 1; t < a.frames.rows - 1; t++) {
      for (let c = 0; c < 101; c++) {
        const d = Math.abs(a.frames.data[t * 101 + c] - b.frames.data[t * 101 + c]) / (1 + Math.abs(a.frames.data[t * 101 + c]));
        if (d > worst) [worst, worstName] = [d, sentioFrameColumns[c]];
      }
    }
    assert.ok(worst < 1e-3, `${rate} Hz: ${worstName} moved by ${worst} (relative)`);
    // The same tones below the band edge do change the frames (the test can fail).
    const audible = Float32Array.from(y, (v, i) => v + 0.05 * Math.sin(2 * Math.PI * (ANALYSIS_FMAX_HZ - 1500) * (i / rate)));
    const c = run(rate, audible);
    const centroid = sentioFrameColumns.indexOf('centroid_khz');
    assert.ok(Math.abs(c.frames.data[10 * 101 + centroid] - a.frames.data[10 * 101 + centroid]) > 0.1);
  }
});

test('window statistics equal a direct computation', () => {
  const m = run(22050, signal(22050));
  const idx = indexWindowStats(m.frames);
  const out = new Float32Array(303);
  windowStats(idx, 10, 40, out);
  for (const c of [0, 50, 90, 100]) {
    const v: number[] = [];
    for (let t = 10; t < 40; t++) v.push(m.frames.data[t * 101 + c]);
    const mean = v.reduce((a, b) => a + b) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    const delta = v.slice(1).reduce((a, b, i) => a + Math.abs(b - v[i]), 0) / (v.length - 1);
    assert.ok(Math.abs(out[3 * c] - mean) < 1e-3 * (1 + Math.abs(mean)), `mean ${c}`);
    assert.ok(Math.abs(out[3 * c + 1] - std) < 1e-3 * (1 + std), `std ${c}`);
    assert.ok(Math.abs(out[3 * c + 2] - delta) < 1e-3 * (1 + delta), `delta ${c}`);
  }
});
