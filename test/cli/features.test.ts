import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, sentioArgs } from '../helpers/cli.ts';
import { writeBadInputs, type BadInputs } from '../helpers/bad-inputs.ts';
import { encodeWav } from '../helpers/wav.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { loadAudioFile } from '../../src/audio/file.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clip = path.join(root, 'test/fixtures/emomusic/3.mp3');
let dir: string;
let bad: BadInputs;
let silence: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sentio-cli-'));
  bad = writeBadInputs(dir);
  silence = path.join(dir, 'silence.wav');
  writeFileSync(silence, encodeWav([new Float32Array(22050)], 22050));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, () => string, RegExp, string[]][] = [
  ['missing file', () => bad.missing, /file not found/, []],
  ['zero-length file', () => bad.empty, /empty file \(0 bytes\)/, []],
  ['truncated MP3', () => bad.truncatedMp3, /truncated MP3/, []],
  ['corrupt MP3', () => bad.corruptMp3, /corrupt MP3/, []],
  ['truncated WAV', () => bad.truncatedWav, /truncated WAV/, []],
  ['not audio behind an audio extension', () => bad.textNamedMp3, /not a recognised audio format/, []],
  ['unsupported codec', () => bad.adpcm, /unsupported WAV codec: IMA ADPCM/, []],
  ['NaN/Inf samples', () => bad.inf, /NaN or infinite samples/, []],
  ['clip shorter than one frame', () => bad.short, /too short: 0\.200 s .* 'malik-logmel' needs at least 0\.500 s/, ['--set', 'malik-logmel']],
];

for (const [label, file, reason, extra] of cases) {
  test(`bad input — ${label}: one-line error naming the file, exit 1`, async () => {
    const r = await runCli('features', file(), ...extra);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`sentio: ${file()}: `), lines[0]);
    assert.match(lines[0], reason);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('--verbose adds the stack trace', async () => {
  const r = await runCli('features', bad.truncatedMp3, '--verbose');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\n\s+at /);
});

test('a directory given where a file is expected is refused by the loader', async () => {
  await assert.rejects(loadAudioFile(dir), new RegExp(`${dir}: is a directory`));
});

test('silence is analysed (features at the floor) with a warning, exit 0', async () => {
  const r = await runCli('features', silence, '--set', 'malik-logmel');
  assert.equal(r.code, 0);
  assert.match(r.stderr, /warning: .*silence.wav: audio is digital silence/);
  const j = JSON.parse(r.stdout) as { frames: number[][] };
  assert.equal(j.frames.length, 2);
  assert.ok(j.frames.flat().every((v) => v === -100));
});

test('content decides the codec: an MP3 named .wav is decoded as MP3', async () => {
  const r = await runCli('features', bad.mp3NamedWav, '--set', 'malik-logmel');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { frames: unknown[] }).frames.length, 90);
});

test('a folder run keeps going past broken files, writes the good ones and lists the failures', async () => {
  const inDir = path.join(dir, 'batch');
  mkdirSync(path.join(inDir, 'sub'), { recursive: true });
  copyFileSync(clip, path.join(inDir, 'a.mp3'));
  copyFileSync(bad.corruptMp3, path.join(inDir, 'b-corrupt.mp3'));
  copyFileSync(path.join(root, 'test/fixtures/emomusic/4.mp3'), path.join(inDir, 'sub/c.mp3'));
  copyFileSync(bad.empty, path.join(inDir, 'sub/d-empty.mp3'));
  writeFileSync(path.join(inDir, 'readme.txt'), 'not audio, skipped by extension');
  const outDir = path.join(dir, 'batch-out');
  const r = await runCli('features', inDir, '--set', 'malik-logmel', '--format', 'npy', '--out', outDir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /2 of 4 files failed:\n {2}.*b-corrupt\.mp3: corrupt MP3.*\n {2}.*d-empty\.mp3: empty file/);
  assert.ok(existsSync(path.join(outDir, 'a.mp3.malik-logmel.npy')));
  assert.ok(existsSync(path.join(outDir, 'sub/c.mp3.malik-logmel.npy')));
  assert.ok(!existsSync(path.join(outDir, 'b-corrupt.mp3.malik-logmel.npy')));
});

test('npy, csv and json outputs parse back to the same numbers', async () => {
  const npyPath = path.join(dir, 'one.npy');
  const csvPath = path.join(dir, 'one.csv');
  assert.equal((await runCli('features', clip, '--set', 'malik-logmel', '--format', 'npy', '--out', npyPath)).code, 0);
  assert.equal((await runCli('features', clip, '--set', 'malik-logmel', '--format', 'csv', '--out', csvPath)).code, 0);
  const json = JSON.parse((await runCli('features', clip, '--set', 'malik-logmel', '--format', 'json')).stdout) as { set: string; sampleRate: number; hopSeconds: number; columns: string[]; frames: number[][] };
  const npy = decodeNpy(readFileSync(npyPath));
  assert.deepEqual(npy.shape, [90, 40]);
  assert.equal(json.set, 'malik-logmel');
  assert.equal(json.sampleRate, 22050);
  assert.equal(json.hopSeconds, 0.5);
  assert.equal(json.columns.length, 40);
  assert.equal(json.frames.length, 90);
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
  assert.equal(csv[0], ['time', ...json.columns].join(','));
  assert.equal(csv.length, 91);
  for (const r of [0, 45, 89]) {
    const row = csv[r + 1].split(',').map(Number);
    assert.equal(row[0], r * 0.5);
    for (let c = 0; c < 40; c++) {
      const v = npy.data[r * 40 + c];
      assert.ok(Math.abs(json.frames[r][c] - v) < 1e-4 * Math.max(1, Math.abs(v)));
      assert.ok(Math.abs(row[c + 1] - v) < 1e-4 * Math.max(1, Math.abs(v)));
    }
  }
});

test('usage errors exit 2: unknown set, npy without --out, several files without --out, empty folder', async () => {
  assert.equal((await runCli('features', clip, '--set', 'nope')).code, 2);
  assert.equal((await runCli('features', clip, '--format', 'npy')).code, 2);
  assert.equal((await runCli('features', clip, clip)).code, 2);
  const empty = path.join(dir, 'empty-folder');
  mkdirSync(empty, { recursive: true });
  const r = await runCli('features', empty, '--out', path.join(dir, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no audio files found/);
  assert.equal((await runCli('features', clip, '--format', 'xml')).code, 2);
});

test('the installed executable: --help for every command, real exit codes', () => {
  assert.match(execFileSync(process.execPath, sentioArgs('--help'), { encoding: 'utf8' }), /features/);
  assert.match(execFileSync(process.execPath, sentioArgs('features', '--help'), { encoding: 'utf8' }), /Feature sets:[\s\S]*malik-logmel/);
  const r = spawnSync(process.execPath, sentioArgs('features', bad.missing), { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `sentio: ${bad.missing}: file not found`);
});
