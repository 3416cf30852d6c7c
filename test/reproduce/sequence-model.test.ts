/** The dynamic-label recipe's pieces: alignment, label frames, examples, chunked prediction. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadDeam, resolveDeamLayout } from '../../src/data/deam.ts';
import { loadEmoMusic } from '../../src/data/emomusic.ts';
import { pearson } from '../../src/eval/metrics.ts';
import { emobase260Columns } from '../../src/features/emobase260.ts';
import { getFeatureSet } from '../../src/features/index.ts';
import { tf, useBackend } from '../../src/models/backend.ts';
import {
  alignLabels,
  chunkStarts,
  holdOutSongs,
  labelFrames,
  loadSeries,
  predictSequenceSong,
  sequenceExamples,
  windowExamples,
  type FeatureTrack,
  type SeriesSong,
} from '../../src/train/sequence-model.ts';
import { writeSyntheticDeam, writeSyntheticEmoMusic } from '../helpers/synthetic-datasets.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sentio-sequence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A track of `rows` rows with `hop` spacing whose single column is the row index. */
function indexTrack(rows: number, hopSeconds: number): FeatureTrack {
  return {
    frames: { rows, cols: 1, data: Float32Array.from({ length: rows }, (_, r) => r) },
    startSeconds: Float64Array.from({ length: rows }, (_, r) => r * hopSeconds),
    spanSeconds: hopSeconds,
  };
}

const labelsFrom = (times: number[]) => ({ times, valence: times.map((t) => t / 100), arousal: times.map((t) => -t / 100) });

test('chunkStarts: back-to-back chunks plus one aligned to the end', () => {
  assert.deepEqual(chunkStarts(60, 10), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(chunkStarts(60, 60), [0]);
  assert.deepEqual(chunkStarts(70, 60), [0, 10]);
  assert.deepEqual(chunkStarts(25, 10), [0, 10, 15]);
  assert.deepEqual(chunkStarts(5, 10), []);
});

test('alignLabels: one 0.5 s row per label on the DEAM grid; labels past the features are dropped', () => {
  // 45 s clip: rows at 0.0 … 44.5 s; labels 15.0 … 45.0 s (the 1000 Songs' 61).
  const times = Array.from({ length: 61 }, (_, i) => 15 + i / 2);
  const a = alignLabels(indexTrack(90, 0.5), labelsFrom(times));
  assert.equal(a.labels.times.length, 60);
  assert.equal(a.dropped, 1);
  assert.deepEqual(Array.from(a.rowStart.slice(0, 3)), [30, 31, 32]);
  assert.deepEqual(Array.from(a.rowEnd.slice(0, 3)), [31, 32, 33]);
  assert.equal(a.labels.times.at(-1), 44.5);
  assert.equal(a.labels.valence[0], 0.15);
});

test('alignLabels: the 50 ms pyaa68 rows wholly inside each fragment', () => {
  const hop = getFeatureSet('pyaa68').hopSeconds;
  const track = indexTrack(Math.floor(20 / hop), hop);
  const a = alignLabels(track, labelsFrom(Array.from({ length: 10 }, (_, i) => 15 + i / 2)));
  assert.equal(a.labels.times.length, 10);
  a.labels.times.forEach((t, i) => {
    const n = a.rowEnd[i] - a.rowStart[i];
    assert.ok(n === 9 || n === 10, `label ${t}: ${n} rows`);
    assert.ok(track.startSeconds[a.rowStart[i]] >= t - 1e-3);
    assert.ok(track.startSeconds[a.rowEnd[i] - 1] + hop <= t + 0.5 + 1e-3);
  });
});

test('labelFrames: mean, then population std, of each fragment', () => {
  const track: FeatureTrack = { frames: { rows: 4, cols: 2, data: Float32Array.from([1, 10, 3, 10, 5, 20, 9, 40]) }, startSeconds: Float64Array.from([0, 0.25, 0.5, 0.75]), spanSeconds: 0.25 };
  const a = alignLabels(track, labelsFrom([0, 0.5]));
  assert.deepEqual(Array.from(labelFrames(track, a, 'mean').data), [2, 10, 7, 30]);
  assert.deepEqual(Array.from(labelFrames(track, a, 'mean-std').data), [2, 10, 1, 0, 7, 30, 2, 10]);
});

/** A label-frame song whose one input column equals its valence and the negated arousal in a second. */
function toySong(id: string, n: number): SeriesSong {
  const valence = Array.from({ length: n }, (_, i) => Math.sin(i));
  const arousal = valence.map((v) => -v / 2);
  const data = new Float32Array(n * 2);
  valence.forEach((v, i) => data.set([v, arousal[i]], 2 * i));
  return { id, rows: { rows: n, cols: 2, data }, labels: { times: valence.map((_, i) => 15 + i / 2), valence, arousal }, labelEnd: Int32Array.from({ length: n }, (_, i) => i + 1) };
}

const unit = { mean: [0, 0], std: [1, 1] };

test('sequenceExamples / windowExamples: inputs and targets stay paired', () => {
  const songs = [toySong('a', 25), toySong('b', 8)];
  const seq = sequenceExamples(songs, 10, unit);
  // Song a: chunks at 0, 10, 15; song b is shorter than one chunk.
  assert.equal(seq.count, 3);
  assert.deepEqual(seq.inputShape, [10, 2]);
  assert.deepEqual(seq.targetShape, [10, 2]);
  for (let k = 0; k < seq.count * 10; k++) {
    assert.equal(seq.x[2 * k], seq.y[2 * k]);
    assert.equal(seq.x[2 * k + 1], seq.y[2 * k + 1]);
  }
  const win = windowExamples(songs, 4, unit);
  // Every label with ≥ 4 rows of history: 22 of song a, 5 of song b.
  assert.equal(win.count, 22 + 5);
  for (let k = 0; k < win.count; k++) {
    // The last row of each window is the label's own frame.
    assert.equal(win.x[(k * 4 + 3) * 2], win.y[2 * k]);
  }
});

test('predictSequenceSong: overlapping chunks and short songs give one prediction per label', async () => {
  await useBackend('wasm');
  // Identity over time: the output frame is the input frame.
  const model = tf.sequential({ layers: [tf.layers.timeDistributed({ inputShape: [10, 2], layer: tf.layers.dense({ units: 2, useBias: false, kernelInitializer: 'identity' }) })] });
  for (const n of [25, 10, 7]) {
    const song = toySong('s', n);
    const p = predictSequenceSong(model, song, 10, unit);
    assert.equal(p.valence.length, n);
    p.valence.forEach((v, i) => assert.ok(Math.abs(v - song.labels.valence[i]) < 1e-6, `n=${n}, frame ${i}`));
    p.arousal.forEach((a, i) => assert.ok(Math.abs(a - song.labels.arousal[i]) < 1e-6));
  }
  model.dispose();
});

test('holdOutSongs: seeded, whole songs, at least one on each side', () => {
  const songs = Array.from({ length: 20 }, (_, i) => String(i));
  const a = holdOutSongs(songs, 0.1, 3);
  assert.deepEqual(a, holdOutSongs(songs, 0.1, 3));
  assert.equal(a.validation.length, 2);
  assert.deepEqual([...a.fit, ...a.validation].sort(), [...songs].sort());
  assert.equal(holdOutSongs(['x', 'y'], 0.1, 1).validation.length, 1);
  assert.equal(holdOutSongs(songs, 0, 1).validation.length, 0);
});

test('synthetic DEAM: the features/<id>.csv row of each label carries that label (exact alignment)', async () => {
  const root = writeSyntheticDeam(path.join(dir, 'deam'), { audio: false, developmentIds: [2, 1001], evaluationIds: [2001] });
  const songs = loadDeam(root);
  const { series } = await loadSeries(songs, { kind: 'deam-csv', featuresDir: resolveDeamLayout(root).featuresDir! }, [{ kind: 'label-frames', stats: 'mean' }]);
  assert.deepEqual(series[0].map((s) => s.rows.rows), [60, 60, 70]);
  const centroid = emobase260Columns().indexOf('pcm_fftMag_spectralCentroid_sma_amean');
  for (const s of series[0]) {
    s.labels.valence.forEach((v, i) => {
      // The generator wrote 1500 + 800·valence ± 20 into this column of the label's row.
      const decoded = (s.rows.data[i * s.rows.cols + centroid] - 1500) / 800;
      assert.ok(Math.abs(decoded - v) < 0.03, `song ${s.id}, label ${i}: ${decoded} vs ${v}`);
    });
  }
});

test('synthetic 1000 Songs: pyaa68 zero-crossing rate follows arousal, and best at the right offset', async () => {
  const root = writeSyntheticEmoMusic(path.join(dir, 'emo'), { clipSeconds: 20, developmentIds: [2, 4], evaluationIds: [3] });
  const loaded = await loadSeries(loadEmoMusic(root), { kind: 'audio', set: 'pyaa68', cacheDir: path.join(dir, 'cache') }, [{ kind: 'label-frames', stats: 'mean' }]);
  // 20 s clips: 10 labels (15.0–19.5 s) have audio, 51 per song do not.
  assert.equal(loaded.droppedLabels, 3 * 51);
  const zcr = getFeatureSet('pyaa68').columns.indexOf('zcr');
  const pairs = (shift: number) => {
    const x: number[] = [];
    const y: number[] = [];
    for (const s of loaded.series[0]) for (let i = 0; i + shift < s.rows.rows; i++) {
      x.push(s.rows.data[i * s.rows.cols + zcr]);
      y.push(s.labels.arousal[i + shift]);
    }
    return pearson(x, y);
  };
  const aligned = pairs(0);
  assert.ok(aligned > 0.95, `r = ${aligned}`);
  assert.ok(aligned > pairs(1) + 0.05, `aligned ${aligned}, shifted ${pairs(1)}`);
});
