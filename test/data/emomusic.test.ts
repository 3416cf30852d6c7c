import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedPath, skipUnless } from '../helpers/shared.ts';
import { loadEmoMusic } from '../../src/data/emomusic.ts';
import { readWideDynamic } from '../../src/data/wide-dynamic.ts';

const root = sharedPath('datasets/emomusic');

test('emoMusic: 744 songs × 61 half-second values from 15 s, static labels mapped from 1–9, official split', { skip: skipUnless(root) }, () => {
  const songs = loadEmoMusic(root);
  assert.equal(songs.length, 744);
  const s3 = songs.find((s) => s.id === '3')!;
  assert.equal(s3.dynamic!.times.length, 61);
  assert.equal(s3.dynamic!.times[0], 15);
  assert.equal(s3.dynamic!.times[60], 45);
  assert.equal(s3.artist, 'Kevin MacLeod'); // stray tabs stripped
  assert.equal(s3.split, 'evaluation');
  assert.equal(s3.static!.arousal, (3.5 - 5) / 4);
  assert.ok(s3.audioPath?.endsWith('clips/3.mp3'));
  assert.equal(songs.filter((s) => s.audioPath).length, 6);
  assert.equal(loadEmoMusic(root, { requireAudio: true }).length, 6);
  assert.ok(songs.every((s) => s.dynamic!.valence.every((v) => v >= -1 && v <= 1)));
  assert.ok(songs.filter((s) => s.split === 'development').length > 0);
});

test('DEAM-style ragged wide rows end at the first empty cell; bad cells name the file and row', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-deam-'));
  const f = path.join(dir, 'arousal.csv');
  writeFileSync(f, 'song_id,sample_15000ms,sample_15500ms,sample_16000ms\n2001,0.1,0.2,0.3\n2002,-0.5,,\n');
  const m = readWideDynamic(f);
  assert.deepEqual(m.get('2001')!.values, [0.1, 0.2, 0.3]);
  assert.deepEqual(m.get('2002')!, { times: [15], values: [-0.5] });
  writeFileSync(f, 'song_id,sample_15000ms\n7,abc\n');
  assert.throws(() => readWideDynamic(f), /arousal\.csv: row 2: sample_15000ms is not a number/);
});
