import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sharedPath, skipUnless } from '../helpers/shared.ts';
import { load4Q } from '../../src/data/fourq.ts';
import { groupKFold, trainValTestSplit, shuffle } from '../../src/data/splits.ts';
import { quadrantOf } from '../../src/data/types.ts';

const root = sharedPath('datasets/4q');

test('4Q labels: 720 clips, 180 per quadrant, audio present, targets in [-1, 1]', { skip: skipUnless(root) }, () => {
  const songs = load4Q(root);
  assert.equal(songs.length, 720);
  for (const q of ['Q1', 'Q2', 'Q3', 'Q4']) assert.equal(songs.filter((s) => s.quadrant === q).length, 180);
  for (const s of songs) {
    assert.ok(existsSync(s.audioPath!), s.audioPath);
    assert.ok(Math.abs(s.static!.valence) <= 1 && Math.abs(s.static!.arousal) <= 1);
  }
  // The continuous targets mostly agree with the quadrant label (they come from the same mood tags).
  const agree = songs.filter((s) => quadrantOf(s.static!.valence, s.static!.arousal) === s.quadrant).length;
  assert.ok(agree / songs.length > 0.8, `${agree} of 720 agree`);
});

test('artist-grouped 5-fold CV on 4Q: no artist on both sides, every clip tested once, quadrants balanced, seeded', { skip: skipUnless(root) }, () => {
  const songs = load4Q(root);
  const artists = songs.map((s) => s.artist ?? s.id);
  const labels = songs.map((s) => s.quadrant!);
  const folds = groupKFold(artists, 5, 42, labels);
  const seen = new Array<number>(songs.length).fill(0);
  for (const f of folds) {
    const testArtists = new Set(f.test.map((i) => artists[i]));
    assert.ok(f.train.every((i) => !testArtists.has(artists[i])), 'artist leak');
    assert.equal(f.train.length + f.test.length, songs.length);
    f.test.forEach((i) => seen[i]++);
    for (const q of ['Q1', 'Q2', 'Q3', 'Q4']) {
      const n = f.test.filter((i) => labels[i] === q).length;
      assert.ok(n >= 30 && n <= 42, `fold has ${n} ${q} clips`);
    }
  }
  assert.ok(seen.every((c) => c === 1));
  assert.deepEqual(groupKFold(artists, 5, 42, labels), folds);
  assert.notDeepEqual(groupKFold(artists, 5, 7, labels), folds);
});

test('train/validation/test 70/15/15 is grouped, disjoint, complete and reproducible', () => {
  const groups = Array.from({ length: 400 }, (_, i) => `artist${i % 130}`);
  const s = trainValTestSplit(400, 1, { groups });
  assert.equal(s.train.length + s.validation.length + s.test.length, 400);
  assert.ok(Math.abs(s.train.length / 400 - 0.7) < 0.05 && Math.abs(s.test.length / 400 - 0.15) < 0.05);
  const side = new Map<string, string>();
  for (const [name, idx] of Object.entries(s)) for (const i of idx) {
    const prev = side.get(groups[i]);
    assert.ok(prev === undefined || prev === name, `artist ${groups[i]} in ${prev} and ${name}`);
    side.set(groups[i], name);
  }
  assert.deepEqual(trainValTestSplit(400, 1, { groups }), s);
  assert.deepEqual(shuffle([1, 2, 3, 4, 5], 3), shuffle([1, 2, 3, 4, 5], 3));
});
