import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { from0to1, loadPmemo, resolvePmemoRoot } from '../../src/data/pmemo.ts';

// PMEmo is not among the shared datasets; the fixture follows the PMEmo2019 layout, with
// song 108's first frames and labels as published (rounded to 4 decimals).
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/datasets/pmemo');
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('PMEmo2019 layout: static and long-format dynamic labels mapped 0–1 → [-1, 1], frameTime kept, metadata joined', () => {
  const songs = loadPmemo(fixture);
  assert.deepEqual(songs.map((s) => s.id), ['1', '4', '108']);
  const s108 = songs.find((s) => s.id === '108')!;
  assert.equal(s108.title, 'This Is What You Came For');
  assert.equal(s108.artist, 'Calvin Harris');
  close(s108.static!.valence, 2 * 0.863 - 1);
  assert.deepEqual(s108.dynamic!.times, [15.5, 16, 16.5, 17, 17.5, 18]);
  close(s108.dynamic!.arousal[0], 2 * 0.8595 - 1);
  close(s108.dynamic!.valence[0], 2 * 0.7834 - 1);
  assert.equal(songs.find((s) => s.id === '1')!.title, 'Hello, Fixture'); // quoted comma
  assert.equal(songs.find((s) => s.id === '4')!.dynamic, undefined); // static only
  assert.ok(songs.every((s) => s.audioPath === undefined && s.split === undefined));
  assert.equal(from0to1(0), -1);
  assert.equal(from0to1(1), 1);
});

test('PMEmo: unpacked one level down (PMEmo2019/), chorus audio found by metadata fileName, requireAudio', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-pmemo-'));
  const root = path.join(dir, 'PMEmo2019');
  cpSync(fixture, root, { recursive: true });
  mkdirSync(path.join(root, 'chorus'));
  writeFileSync(path.join(root, 'chorus', '108.mp3'), '');
  assert.equal(resolvePmemoRoot(dir), root);
  const songs = loadPmemo(dir);
  assert.equal(songs.find((s) => s.id === '108')!.audioPath, path.join(root, 'chorus', '108.mp3'));
  assert.deepEqual(loadPmemo(dir, { requireAudio: true }).map((s) => s.id), ['108']);
});

test('PMEmo errors name the file and row: off-scale values, unparsable numbers, duplicate frames, missing annotations', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-pmemo-bad-'));
  mkdirSync(path.join(dir, 'annotations'));
  const staticFile = path.join(dir, 'annotations', 'static_annotations.csv');
  writeFileSync(staticFile, 'musicId,Arousal(mean),Valence(mean)\n1,0.5,0.5\n2,1.2,0.5\n');
  assert.throws(() => loadPmemo(dir), /static_annotations\.csv: row 3: Arousal\(mean\) 1\.2 is outside the 0–1 scale/);
  writeFileSync(staticFile, 'musicId,Arousal(mean),Valence(mean)\n1,0.5,n/a\n');
  assert.throws(() => loadPmemo(dir), /static_annotations\.csv: row 2: column 'Valence\(mean\)' is not a number \("n\/a"\)/);
  writeFileSync(staticFile, 'musicId,Arousal(mean),Valence(mean)\n1,0.5,0.5\n');
  writeFileSync(path.join(dir, 'annotations', 'dynamic_annotations.csv'), 'musicId,frameTime,Arousal(mean),Valence(mean)\n1,15.5,0.5,0.5\n1,15.5,0.6,0.5\n');
  assert.throws(() => loadPmemo(dir), /dynamic_annotations\.csv: rows 2 and 3: song 1 has two frames at 15\.5 s/);
  assert.throws(() => loadPmemo(mkdtempSync(path.join(tmpdir(), 'sentio-pmemo-empty-'))), /no PMEmo annotations found/);
});
