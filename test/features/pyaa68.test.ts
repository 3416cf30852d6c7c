import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, manifest, referenceSkip } from '../helpers/reference.ts';
import { pyaa68 } from '../../src/features/pyaa68.ts';
import { computeFeatures } from '../../src/features/types.ts';
import { pyAudioAnalysisFeatures } from '../../src/dsp/pyaa.ts';

test('pyaa68 metadata', () => {
  assert.equal(pyaa68.name, 'pyaa68');
  assert.equal(pyaa68.sampleRate, 22050);
  assert.equal(pyaa68.minSamples, 1102);
  assert.equal(pyaa68.hopSeconds, 1102 / 22050);
  assert.deepEqual([...pyaa68.columns], manifest().pyAudioAnalysis_feature_names);
  assert.equal(pyaa68.columns.length, 68);
});

test('pyaa68 on s1: shape, times, equal to the DSP function transposed, and to the golden', { skip: referenceSkip('s1', 's1_paa_st_features') }, () => {
  const { y } = signal('s1');
  const out = computeFeatures(pyaa68, y);
  assert.equal(out.set, 'pyaa68');
  assert.equal(out.sampleRate, 22050);
  assert.equal(out.hopSeconds, 1102 / 22050);
  assert.deepEqual([...out.columns], manifest().pyAudioAnalysis_feature_names);
  assert.equal(out.frames.rows, 200);
  assert.equal(out.frames.cols, 68);
  assert.ok(out.frames.data instanceof Float32Array);
  assert.equal(out.times.length, 200);
  for (let i = 0; i < 200; i++) assert.equal(out.times[i], (i * 1102) / 22050);

  const F = pyAudioAnalysisFeatures(y, 22050, { windowSeconds: 0.05, stepSeconds: 0.05 });
  for (let t = 0; t < 200; t++) {
    for (let d = 0; d < 68; d++) assert.equal(out.frames.data[t * 68 + d], Math.fround(F.data[d * 200 + t]));
  }

  // Fed the int16-quantised signal as float (what the library saw, / 2**15), the set
  // reproduces the golden to float32 precision.
  const q = Float32Array.from(y, (v) => Math.round(v * 32767) / 32768);
  const G = golden('s1_paa_st_features');
  const Q = computeFeatures(pyaa68, q).frames;
  for (let d = 0; d < 68; d++) {
    let peak = 0;
    for (let t = 0; t < 200; t++) peak = Math.max(peak, Math.abs(G.data[d * 200 + t]));
    for (let t = 0; t < 200; t++) {
      const err = Math.abs(Q.data[t * 68 + d] - G.data[d * 200 + t]);
      assert.ok(err <= 1e-5 * peak + 1e-7, `${pyaa68.columns[d]}[${t}]: err ${err}`);
    }
  }
});

test('pyaa68 buffers chunks (global normalisation) and handles short input', { skip: referenceSkip('s1') }, () => {
  const { y } = signal('s1');
  const x = y.subarray(0, 22050);
  const ex = pyaa68.createExtractor();
  for (let i = 0; i < x.length; i += 1000) ex.push(x.subarray(i, Math.min(i + 1000, x.length)));
  const chunked = ex.finish();
  const whole = computeFeatures(pyaa68, x);
  assert.deepEqual(chunked.frames.data, whole.frames.data);
  assert.equal(whole.frames.rows, Math.floor((22050 - 1102) / 1102) + 1);

  const short = computeFeatures(pyaa68, new Float32Array(1101));
  assert.equal(short.frames.rows, 0);
  assert.equal(short.frames.cols, 68);
  assert.equal(short.times.length, 0);
  assert.equal(computeFeatures(pyaa68, new Float32Array(pyaa68.minSamples)).frames.rows, 1);
});
