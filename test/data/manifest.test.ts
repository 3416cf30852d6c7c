import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../src/data/manifest.ts';
import { DATASET_NAMES, isDatasetName, loadDataset } from '../../src/data/index.ts';
import { sharedPath, skipUnless } from '../helpers/shared.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const manifestDir = path.join(fixtures, 'datasets/manifest');
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('manifest (-1..1): static and per-frame rows, audio relative to the manifest folder, id defaults to the file name', () => {
  const songs = loadManifest(manifestDir); // a folder means <folder>/manifest.csv
  assert.equal(songs.length, 2);
  const [a, b] = songs;
  assert.equal(a.id, 'dd-groove');
  assert.equal(a.audioPath, path.join(fixtures, 'emomusic/3.mp3'));
  assert.deepEqual(a.static, { valence: -0.3, arousal: -0.375 });
  assert.equal(a.artist, 'Kevin MacLeod');
  assert.equal(a.split, 'development');
  assert.equal(b.id, '4');
  assert.equal(b.static, undefined);
  assert.deepEqual(b.dynamic, { times: [15, 15.5, 16], valence: [0.1, 0.125, 0.15], arousal: [0.2, 0.25, 0.3] });
  assert.equal(b.split, 'evaluation');
});

test('manifest scales: 1..9 maps through (x − 5) / 4, 0..1 through 2x − 1, per-frame files included', () => {
  const [a, b] = loadManifest(path.join(manifestDir, 'manifest-1to9.csv'), { scale: '1..9' });
  close(a.static!.valence, (3.3 - 5) / 4);
  close(a.static!.arousal, (3.5 - 5) / 4);
  assert.deepEqual(b.dynamic, { times: [15, 15.5], valence: [0, -1], arousal: [1, 0.5] });
  assert.throws(() => loadManifest(path.join(manifestDir, 'manifest-1to9.csv')), /manifest-1to9\.csv: row 2: valence 3\.3 is outside the manifest scale -1\.\.1/);

  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-manifest-01-'));
  const f = path.join(dir, 'm.csv');
  writeFileSync(f, `audio,valence,arousal\n${path.join(fixtures, 'emomusic/7.mp3')},0.25,1\n`);
  const [c] = loadManifest(f, { scale: '0..1' });
  assert.deepEqual(c.static, { valence: -0.5, arousal: 1 });
  assert.equal(c.audioPath, path.join(fixtures, 'emomusic/7.mp3')); // absolute path kept
});

test('manifest errors name the file and row', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-manifest-bad-'));
  const f = path.join(dir, 'manifest.csv');
  const audio = path.join(fixtures, 'emomusic/3.mp3');
  const bad = (text: string, pattern: RegExp) => {
    writeFileSync(f, text);
    assert.throws(() => loadManifest(f), pattern);
  };
  bad('file,valence,arousal\nx.mp3,0,0\n', /manifest\.csv: missing column 'audio'/);
  bad('audio,valence\nx.mp3,0\n', /manifest\.csv: missing column 'arousal'/);
  bad('audio,artist\nx.mp3,A\n', /manifest\.csv: needs 'valence' and 'arousal' columns or an 'annotations' column/);
  bad(`audio,valence,arousal\n${audio},0.1,abc\n`, /manifest\.csv: row 2: column 'arousal' is not a number \("abc"\)/);
  bad(`audio,valence,arousal\n${audio},0.1,0.2\n${audio.replace('3.mp3', '4.mp3')},1.5,0\n`, /manifest\.csv: row 3: valence 1\.5 is outside the manifest scale -1\.\.1/);
  bad(`audio,valence,arousal\n${audio},0.1,\n`, /manifest\.csv: row 2: 'arousal' is empty while 'valence' is given/);
  bad(`audio,valence,arousal,annotations\n${audio},,,\n`, /manifest\.csv: row 2: no labels/);
  bad('audio,valence,arousal\nmissing.mp3,0,0\n', /manifest\.csv: row 2: audio file not found: .*missing\.mp3/);
  bad(`id,audio,valence,arousal\na,${audio},0,0\na,${audio},0,0\n`, /manifest\.csv: row 3: id 'a' already used on row 2/);
  bad(`audio,valence,arousal,split\n${audio},0,0,train\n`, /manifest\.csv: row 2: split 'train' is not 'development' or 'evaluation'/);
  bad('audio,valence,arousal\n', /manifest\.csv: no rows/);
  bad(`audio,annotations\n${audio},frames.csv\n`, /manifest\.csv: row 2: annotations file not found: .*frames\.csv/);

  writeFileSync(path.join(dir, 'frames.csv'), 'time,valence\n0,0\n');
  bad(`audio,annotations\n${audio},frames.csv\n`, /frames\.csv: missing column 'arousal'/);
  writeFileSync(path.join(dir, 'frames.csv'), 'time,valence,arousal\n1,0,0\n0.5,0,0\n');
  bad(`audio,annotations\n${audio},frames.csv\n`, /frames\.csv: row 3: time 0\.5 must be ≥ 0 and greater than the previous row's \(1\)/);

  writeFileSync(f, 'audio,valence,arousal\nmissing.mp3,0,0\n');
  assert.equal(loadManifest(f, { checkAudio: false })[0].audioPath, path.join(dir, 'missing.mp3'));
});

test('registry: loadDataset by name gives the same songs as the loaders', () => {
  assert.deepEqual([...DATASET_NAMES], ['deam', 'emomusic', 'pmemo', '4q', 'manifest']);
  assert.ok(isDatasetName('pmemo') && !isDatasetName('gtzan'));
  assert.deepEqual(loadDataset('manifest', manifestDir), loadManifest(manifestDir));
  assert.deepEqual(loadDataset('pmemo', path.join(fixtures, 'datasets/pmemo')).map((s) => s.id), ['1', '4', '108']);
  assert.throws(() => loadDataset('gtzan' as 'deam', '.'), /unknown dataset 'gtzan'/);
});

const DEAM = sharedPath('datasets/deam');
const EMOMUSIC = sharedPath('datasets/emomusic');
test('registry: the real DEAM and emoMusic folders load by name', { skip: skipUnless(DEAM, EMOMUSIC) }, () => {
  assert.equal(loadDataset('deam', DEAM).length, 1802);
  assert.equal(loadDataset('emomusic', EMOMUSIC, { requireAudio: true }).length, 6);
});
