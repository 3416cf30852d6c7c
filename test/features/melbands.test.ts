import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, referenceSkip } from '../helpers/reference.ts';
import { logmel, malikLogmel } from '../../src/features/melbands.ts';
import { computeFeatures } from '../../src/features/types.ts';
import { melSpectrogram } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/convert.ts';
import { transpose } from '../../src/dsp/matrix.ts';

test('malik-logmel equals the librosa 500 ms log-mel reference (s1)', { skip: referenceSkip('s1', 's1_logmel_500ms_nmels40') }, () => {
  const { y } = signal('s1');
  const f = computeFeatures(malikLogmel, y);
  assert.equal(f.frames.rows, 20);
  assert.equal(f.frames.cols, 40);
  assert.deepEqual(Array.from(f.times.slice(0, 3)), [0, 0.5, 1]);
  assert.equal(f.hopSeconds, 0.5);
  assertClose(transpose(f.frames), golden('s1_logmel_500ms_nmels40'), { atol: 1e-3 }, 'malik-logmel');
});

for (const name of ['s1', 's2', 's3', 's5']) {
  test(`${name}: logmel equals librosa power_to_db(melspectrogram)`, { skip: referenceSkip(name, `${name}_melspec_db`) }, () => {
    const { y } = signal(name);
    const f = computeFeatures(logmel, y);
    assert.equal(f.columns.length, 128);
    assertClose(transpose(f.frames), golden(`${name}_melspec_db`), { atol: 1e-3 }, `logmel ${name}`);
  });
}

test('streaming in odd-sized chunks gives exactly the offline result', { skip: referenceSkip('s2') }, () => {
  const { y } = signal('s2');
  for (const set of [logmel, malikLogmel]) {
    const whole = computeFeatures(set, y);
    const ex = set.createExtractor();
    for (let i = 0; i < y.length; i += 777) ex.push(y.subarray(i, Math.min(y.length, i + 777)));
    const streamed = ex.finish();
    assert.equal(streamed.frames.rows, whole.frames.rows, set.name);
    assert.deepEqual(streamed.frames.data, whole.frames.data, set.name);
  }
});

test('logmel of a clip shorter than one FFT frame still yields frames; malik-logmel yields none', () => {
  const y = new Float32Array(300).fill(0.1);
  assert.equal(computeFeatures(logmel, y).frames.rows, 1);
  assert.equal(computeFeatures(malikLogmel, y).frames.rows, 0);
  // Matches the offline definition used by the DSP layer.
  const ref = powerToDb(melSpectrogram(y, { sampleRate: 22050 }));
  assert.equal(ref.cols, 1);
});
