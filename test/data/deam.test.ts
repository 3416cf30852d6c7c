import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath, skipUnless } from '../helpers/shared.ts';
import { emobase260Columns } from '../../src/features/emobase260.ts';
import { loadEmoMusic } from '../../src/data/emomusic.ts';
import {
  deamFeaturesFile,
  deamSubset,
  featureRowsAt,
  loadDeam,
  readDeamFeatures,
  readIdList,
  resolveDeamLayout,
  splitMediaEval2015,
} from '../../src/data/deam.ts';
import { from1to9 } from '../../src/data/types.ts';

const realRoot = sharedPath('datasets/deam');
const emoRoot = sharedPath('datasets/emomusic');
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/datasets/deam');
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('real DEAM static files: 1,744 clips + 58 full songs, ids tell the years apart, MediaEval 2015 evaluation = 2001–2058', { skip: skipUnless(realRoot) }, () => {
  const songs = loadDeam(realRoot);
  assert.equal(songs.length, 1802);
  const count = (y: string) => songs.filter((s) => deamSubset(s.id) === y).length;
  assert.deepEqual([count('2013'), count('2014'), count('2015')], [744, 1000, 58]);
  const { development, evaluation } = splitMediaEval2015(songs);
  assert.equal(evaluation.length, 58);
  assert.deepEqual([evaluation[0].id, evaluation[57].id], ['2001', '2058']);
  assert.equal(development.length, 1744); // no development list given: every clip
  assert.ok(songs.every((s) => s.static && Math.abs(s.static.valence) <= 1 && Math.abs(s.static.arousal) <= 1));
  assert.ok(songs.every((s) => s.dynamic === undefined && s.audioPath === undefined)); // only the static files are shared

  // `2001,3.2,0.98,5.0,…,6.6,…`: valence_mean 3.2 and arousal_mean 6.6 in the 13-column file.
  const s2001 = songs.find((s) => s.id === '2001')!;
  close(s2001.static!.valence, from1to9(3.2));
  close(s2001.static!.arousal, from1to9(6.6));
  // 2014 rows as labelled: `1001,4.4,1.5,3.8,1.72`.
  const s1001 = songs.find((s) => s.id === '1001')!;
  close(s1001.static!.valence, from1to9(4.4));
  close(s1001.static!.arousal, from1to9(3.8));
});

test('real DEAM 2013 static rows have valence and arousal swapped; the loader corrects them to agree with the 1000 Songs release', { skip: skipUnless(realRoot, emoRoot) }, () => {
  const emo = new Map(loadEmoMusic(emoRoot).map((s) => [s.id, s.static!]));
  const agree = (songs: ReturnType<typeof loadDeam>) =>
    songs.filter((s) => {
      const e = emo.get(s.id);
      return e && Math.abs(e.valence - s.static!.valence) < 1e-9 && Math.abs(e.arousal - s.static!.arousal) < 1e-9;
    }).length;
  const corrected = loadDeam(realRoot).filter((s) => deamSubset(s.id) === '2013');
  const published = loadDeam(realRoot, { correct2013Swap: false }).filter((s) => deamSubset(s.id) === '2013');
  assert.ok(agree(corrected) >= 734, `${agree(corrected)} of 744 agree after correction`);
  assert.ok(agree(published) < 30, `${agree(published)} of 744 agree as published (only songs with valence = arousal)`);
  // Song 3 ("DD Groove"): published `3,3.5,1.75,3.3,1.62`; emoMusic has arousal 3.5, valence 3.3.
  const s3 = corrected.find((s) => s.id === '3')!;
  close(s3.static!.arousal, from1to9(3.5));
  close(s3.static!.valence, from1to9(3.3));
  close(published.find((s) => s.id === '3')!.static!.valence, from1to9(3.5));
});

test('fixture in the published layout: static, ragged dynamic trimmed to 60 clip frames, full songs kept whole, metadata', () => {
  const layout = resolveDeamLayout(fixture);
  assert.equal(layout.staticFiles.length, 2);
  assert.ok(layout.arousalFile!.endsWith(path.join('annotations averaged per song', 'dynamic (per second annotations)', 'arousal.csv')));
  assert.equal(layout.metadataFiles.length, 3);
  assert.equal(layout.audioDir, undefined);

  const songs = loadDeam(fixture);
  assert.deepEqual(songs.map((s) => s.id), ['2', '3', '1001', '2001', '2002']);
  const byId = new Map(songs.map((s) => [s.id, s]));

  // 2013 clip: 61 published values (15.0–45.0 s), 60 kept: 15.0–44.5 s.
  const s2 = byId.get('2')!;
  assert.equal(s2.dynamic!.times.length, 60);
  assert.equal(s2.dynamic!.times[0], 15);
  assert.equal(s2.dynamic!.times[59], 44.5);
  assert.equal(s2.dynamic!.arousal[0], -0.109387732373192);
  assert.equal(s2.artist, 'The New Mystikal Troubadours');
  assert.equal(s2.title, 'Tonight A Lonely Century');
  assert.equal(s2.split, 'development');
  close(s2.static!.arousal, from1to9(3.1)); // swap corrected: published valence_mean 3.1
  assert.equal(loadDeam(fixture, { clipFrames: Infinity }).find((s) => s.id === '2')!.dynamic!.times.length, 61);

  // 2014 clip: 60 values, metadata from the 2014 header (Id, Artist, Album, Track).
  const s1001 = byId.get('1001')!;
  assert.equal(s1001.dynamic!.valence.length, 60);
  assert.equal(s1001.title, 'Opening, Again');

  // Full song: every value of the ragged row (15.0–52.0 s), evaluation split, 2015 metadata.
  const s2001 = byId.get('2001')!;
  assert.equal(s2001.dynamic!.times.length, 75);
  assert.equal(s2001.dynamic!.times[74], 52);
  assert.equal(s2001.split, 'evaluation');
  assert.equal(s2001.artist, 'Fixture Orchestra');
  assert.equal(s2001.title, 'Long Song');
  // Static only (no dynamic row).
  assert.equal(byId.get('2002')!.dynamic, undefined);
  close(byId.get('2002')!.static!.arousal, from1to9(5.2));

  for (const s of songs) for (const v of [...(s.dynamic?.valence ?? []), ...(s.dynamic?.arousal ?? [])]) assert.ok(v >= -1 && v <= 1);
});

test('official development list: listed clips are development, other clips have no split; evaluation ids are refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-deam-ids-'));
  const list = path.join(dir, 'dev.csv');
  writeFileSync(list, '# MediaEval 2015 development\nsong_id\n3\n1001\n');
  assert.deepEqual(readIdList(list), ['3', '1001']);
  const songs = loadDeam(fixture, { developmentIds: readIdList(list) });
  assert.deepEqual(songs.map((s) => s.split), [undefined, 'development', 'development', 'evaluation', 'evaluation']);
  assert.throws(() => loadDeam(fixture, { developmentIds: ['3', '2001'] }), /song 2001 is one of the MediaEval 2015 evaluation songs/);
});

test('audio in MEMD_audio is found (DEAM_audio/MEMD_audio or an explicit folder); requireAudio keeps only those', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-deam-audio-'));
  const audio = path.join(dir, 'DEAM_audio', 'MEMD_audio');
  mkdirSync(audio, { recursive: true });
  writeFileSync(path.join(audio, '3.mp3'), '');
  assert.equal(resolveDeamLayout(dir).audioDir, audio);
  const songs = loadDeam(fixture, { audioDir: audio });
  assert.equal(songs.find((s) => s.id === '3')!.audioPath, path.join(audio, '3.mp3'));
  assert.equal(songs.find((s) => s.id === '2')!.audioPath, undefined);
  assert.deepEqual(loadDeam(fixture, { audioDir: audio, requireAudio: true }).map((s) => s.id), ['3']);
  assert.throws(() => loadDeam(fixture, { audioDir: path.join(dir, 'nope') }), /nope: no such folder/);
});

test('features/<id>.csv: ";"-separated, frameTime + the 260 emobase columns in DEAM order', () => {
  const file = deamFeaturesFile(resolveDeamLayout(fixture), '2')!;
  assert.ok(file.endsWith(path.join('features', '2.csv')));
  assert.equal(deamFeaturesFile(resolveDeamLayout(fixture), '3'), undefined);
  const f = readDeamFeatures(file);
  assert.deepEqual(f.columns, emobase260Columns());
  assert.deepEqual([...f.times], [0, 0.5, 1, 1.5]);
  assert.deepEqual([f.frames.rows, f.frames.cols], [4, 260]);
  assert.equal(f.frames.data[0], Math.fround(0.01)); // F0final_sma_stddev at 0.0 s
  assert.equal(f.frames.data[3 * 260 + 259], Math.fround(2.6 + 1.5)); // last column at 1.5 s
  const rows = featureRowsAt(f, [1, 0.5]);
  assert.equal(rows.data[0], f.frames.data[2 * 260]);
  assert.equal(rows.data[260], f.frames.data[260]);
  assert.throws(() => featureRowsAt(f, [15]), /no feature row at 15 s/);
});

test('errors name the file and row: bad feature cells, off-scale static ratings, dynamic values outside [-1, 1], missing partner file, empty root', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-deam-bad-'));
  const feat = path.join(dir, '9.csv');
  writeFileSync(feat, 'frameTime;a;b\n0.00;1;2\n0.50;x;2\n');
  assert.throws(() => readDeamFeatures(feat), /9\.csv: line 3: a is not a number \("x"\)/);
  writeFileSync(feat, 'frameTime;a;b\n0.00;1\n');
  assert.throws(() => readDeamFeatures(feat), /9\.csv: line 2: 2 cells, expected 3/);
  writeFileSync(feat, 'time;a\n');
  assert.throws(() => readDeamFeatures(feat), /expected the DEAM feature header/);

  writeFileSync(path.join(dir, 'static_annotations_averaged_songs_1_2000.csv'), 'song_id, valence_mean, valence_std, arousal_mean, arousal_std\r\n5,9.5,1,5,1\r\n');
  assert.throws(() => loadDeam(dir), /static_annotations_averaged_songs_1_2000\.csv: row 2: valence_mean 9\.5 is outside the 1–9 rating scale/);
  writeFileSync(path.join(dir, 'static_annotations_averaged_songs_1_2000.csv'), 'song_id, valence_mean, valence_std, arousal_mean, arousal_std\r\n5,5,1,5,1\r\n');
  writeFileSync(path.join(dir, 'arousal.csv'), 'song_id,sample_15000ms,sample_15500ms\n5,0.5,1.5\n');
  assert.throws(() => loadDeam(dir), /arousal\.csv: found without its valence\.csv partner/);
  writeFileSync(path.join(dir, 'valence.csv'), 'song_id,sample_15000ms,sample_15500ms\n5,0.5,0.5\n');
  assert.throws(() => loadDeam(dir), /arousal\.csv: song 5: value 1\.5 at 15\.5 s is outside \[-1, 1\]/);

  assert.throws(() => loadDeam(mkdtempSync(path.join(tmpdir(), 'sentio-deam-empty-'))), /no DEAM annotations found/);
});
