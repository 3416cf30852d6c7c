import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadModel } from '../../src/analyze/node.ts';
import type { EmotionModel } from '../../src/analyze/emotion-model.ts';
import { loadDataset } from '../../src/data/index.ts';
import type { Song } from '../../src/data/types.ts';
import { alignTimeline, evaluateModel, selectSongs, type ModelEvaluation } from '../../src/eval/evaluate-model.ts';
import { pearson } from '../../src/eval/metrics.ts';
import { tf } from '../../src/models/backend.ts';
import { balancedFourQ, FOURQ_DIR } from '../helpers/fourq-subset.ts';
import { sharedPath, skipUnless } from '../helpers/shared.ts';

const EMOMUSIC = sharedPath('datasets/emomusic');
const needsEmo = skipUnless(EMOMUSIC);
let model: EmotionModel;
let emo: Song[];
/** The default model on the emoMusic clips, evaluated once and shared by the tests below. */
let emoEval: ModelEvaluation;

before(async () => {
  model = await loadModel();
  if (needsEmo) return;
  emo = selectSongs(loadDataset('emomusic', EMOMUSIC));
  emoEval = await evaluateModel(model, emo);
});

/** The default model with its output layer negated: tanh is odd, so every prediction flips sign. */
async function negatedModel(): Promise<EmotionModel> {
  const m = await loadModel();
  for (const member of m.members) {
    const last = member.layers[member.layers.length - 1];
    last.setWeights(last.getWeights().map((w) => tf.neg(w)));
  }
  return m;
}

test('alignTimeline pairs each label with the 0.5 s segment containing it and drops labels past the end', () => {
  const timeline = { times: [0, 0.5, 1, 1.5], valence: [0.1, 0.2, 0.3, 0.4], arousal: [-0.1, -0.2, -0.3, -0.4] };
  const { pred, truth } = alignTimeline(timeline, { times: [0.5, 1.2, 1.5, 2, 2.5], valence: [1, 2, 3, 4, 5], arousal: [6, 7, 8, 9, 10] });
  assert.deepEqual(pred.valence, [0.2, 0.3, 0.4]);
  assert.deepEqual(pred.arousal, [-0.2, -0.3, -0.4]);
  assert.deepEqual(truth.valence, [1, 2, 3]);
  assert.deepEqual(truth.arousal, [6, 7, 8]);
});

test('selectSongs keeps songs with audio and labels, filters by split, limits, and refuses a split the dataset lacks', { skip: skipUnless(EMOMUSIC, FOURQ_DIR) }, () => {
  const all = loadDataset('emomusic', EMOMUSIC);
  assert.equal(emo.length, 6, 'six emoMusic clips ship with audio');
  assert.ok(all.length > emo.length);
  assert.deepEqual(selectSongs(all, 'evaluation').map((s) => s.id), ['3']);
  assert.equal(selectSongs(all, 'development').length, 5);
  assert.equal(selectSongs(all, 'all', 2).length, 2);
  assert.throws(() => selectSongs(balancedFourQ(1), 'evaluation'), /no official split/);
});

test('emoMusic: song-level and timeline metrics are finite and count every song and labelled frame', { skip: needsEmo }, async () => {
  const e = emoEval;
  assert.equal(e.failures.length, 0);
  assert.equal(e.predictions.length, 6);
  assert.equal(e.song!.regression.n, 6);
  assert.equal(e.song!.quadrantSource, 'derived');
  const frames = e.predictions.reduce((s, p) => s + p.labelledFrames, 0);
  assert.equal(e.timeline!.regression.n, frames);
  // 15–45 s labelled every 0.5 s on 45 s clips: 60 or 61 frames each.
  for (const p of e.predictions) assert.ok(p.labelledFrames >= 60 && p.labelledFrames <= 61, `${p.id}: ${p.labelledFrames}`);
  assert.equal(e.timeline!.songs, 6);
  for (const r of [e.song!.regression, e.timeline!.regression]) {
    for (const dim of [r.valence, r.arousal]) for (const k of ['rmse', 'mae', 'pearson', 'ccc'] as const) assert.ok(Number.isFinite(dim[k]), `${k} ${dim[k]}`);
    assert.ok(r.emotionAccuracy >= 0 && r.emotionAccuracy <= 1);
  }
  // Within-song figures: one entry per song, each its own aligned frames' r.
  const w = e.timeline!.withinSong;
  assert.equal(w.clips, 6);
  assert.deepEqual(w.perClip.map((c) => c.id), e.predictions.map((p) => p.id));
  for (const [i, c] of w.perClip.entries()) {
    const aligned = alignTimeline(e.predictions[i].timeline, emo[i].dynamic!);
    assert.equal(c.n, e.predictions[i].labelledFrames);
    assert.equal(c.arousal.pearson, pearson(aligned.pred.arousal, aligned.truth.arousal));
  }
  for (const d of [w.valence, w.arousal]) {
    assert.equal(d.skipped, 0);
    for (const k of ['pearson', 'ccc', 'predStd', 'truthStd'] as const) assert.ok(Number.isFinite(d[k]), `${k} ${d[k]}`);
    assert.ok(d.truthStd > 0 && d.predStd > 0);
  }
  // Song level is the mean of the timeline, like `sentio analyze`'s summary.
  for (const p of e.predictions) assert.ok(Math.abs(p.valence - p.timeline.valence.reduce((a, b) => a + b) / p.timeline.valence.length) < 1e-12);

  // The flipped model's timeline correlates exactly negatively: same frames, same pairing.
  const flipped = await evaluateModel(await negatedModel(), emo);
  assert.ok(Math.abs(flipped.timeline!.regression.valence.pearson + e.timeline!.regression.valence.pearson) < 1e-5);
  assert.ok(Math.abs(flipped.timeline!.regression.arousal.pearson + e.timeline!.regression.arousal.pearson) < 1e-5);
});

test('labels equal to the model’s own timeline score perfectly; shifted by one segment they do not', { skip: needsEmo }, async () => {
  const songs = emo.slice(0, 2);
  // The first two songs' predictions (songs are scored independently, in order).
  const first = { predictions: emoEval.predictions.slice(0, 2) };
  // Labels at 15.0, 15.5, ... s taken from the model's own timeline (segment k starts at k·0.5 s).
  const own = (shift: number): Song[] =>
    first.predictions.map((p, i) => {
      const ks = Array.from({ length: 50 }, (_, j) => 30 + j);
      return {
        ...songs[i],
        static: { valence: p.valence, arousal: p.arousal },
        dynamic: { times: ks.map((k) => k * 0.5), valence: ks.map((k) => p.timeline.valence[k + shift]), arousal: ks.map((k) => p.timeline.arousal[k + shift]) },
      };
    });
  const perfect = await evaluateModel(model, own(0));
  assert.equal(perfect.timeline!.regression.n, 100);
  assert.ok(perfect.timeline!.regression.valence.rmse < 1e-9 && perfect.timeline!.regression.arousal.rmse < 1e-9);
  assert.ok(perfect.timeline!.regression.valence.ccc > 0.999999);
  assert.ok(perfect.song!.regression.valence.rmse < 1e-9);
  const w = perfect.timeline!.withinSong;
  for (const d of [w.valence, w.arousal]) {
    assert.ok(d.pearson > 0.999999 && d.ccc > 0.999999, `${d.pearson} ${d.ccc}`);
    assert.ok(Math.abs(d.predStd - d.truthStd) < 1e-12);
  }
  assert.equal(perfect.song!.quadrants.accuracy, 1);
  const shifted = await evaluateModel(model, own(1));
  assert.ok(shifted.timeline!.regression.valence.rmse > 1e-4, 'a one-segment misalignment must show');
});

test('4Q subset: the model beats its own sign-flipped version; a broken file is a failure, not an abort', { skip: skipUnless(FOURQ_DIR) }, async () => {
  const songs = [...balancedFourQ(2), { id: 'missing', audioPath: '/nonexistent/clip.mp3', static: { valence: 0.5, arousal: 0.5 }, quadrant: 'Q1' as const }];
  const good = await evaluateModel(model, songs);
  const bad = await evaluateModel(await negatedModel(), songs);
  for (const e of [good, bad]) {
    assert.equal(e.attempted, 9);
    assert.equal(e.predictions.length, 8);
    assert.deepEqual(e.failures.map((f) => f.id), ['missing']);
    assert.match(e.failures[0].reason, /clip\.mp3: file not found/);
    assert.equal(e.song!.quadrantSource, 'labelled');
    assert.equal(e.timeline, undefined, '4Q has no dynamic labels');
  }
  // The default model was trained on 4Q, so on these clips it is far better than chance.
  assert.ok(good.song!.quadrants.accuracy > bad.song!.quadrants.accuracy, `${good.song!.quadrants.accuracy} vs ${bad.song!.quadrants.accuracy}`);
  assert.ok(good.song!.quadrants.macroF1 > bad.song!.quadrants.macroF1);
  assert.ok(good.song!.regression.valence.rmse < bad.song!.regression.valence.rmse);
  assert.ok(good.song!.regression.arousal.rmse < bad.song!.regression.arousal.rmse);
  const total = good.song!.quadrants.confusion.matrix.flat().reduce((a, b) => a + b);
  assert.equal(total, 8);
});
