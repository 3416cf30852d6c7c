import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { analyze, loadModel } from '../../src/analyze/node.ts';
import { loadAudioFile } from '../../src/audio/file.ts';
import { load4Q } from '../../src/data/fourq.ts';
import { runCli } from '../helpers/cli.ts';
import { sharedPath, skipUnless } from '../helpers/shared.ts';

const CLIP = 'test/fixtures/emomusic/3.mp3';
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-analyze-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Line = {
  file: string;
  duration: number;
  hopSeconds: number;
  timeline: { time: number; valence: number; arousal: number }[];
  silence: { start: number; end: number }[];
  summary: { valence: number; arousal: number; quadrant: string; quadrantProbabilities: Record<string, number>; tempo: number; color: string };
};

test('analyze --format jsonl: exactly the documented object, consistent and in range', async () => {
  const r = await runCli('analyze', CLIP, '--format', 'jsonl');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const o = JSON.parse(lines[0]) as Line;
  assert.deepEqual(Object.keys(o), ['file', 'duration', 'hopSeconds', 'timeline', 'silence', 'summary']);
  assert.deepEqual(o.silence, [], 'music has no silent stretch');
  assert.deepEqual(Object.keys(o.summary), ['valence', 'arousal', 'quadrant', 'quadrantProbabilities', 'tempo', 'color']);
  assert.equal(o.file, CLIP);
  assert.equal(o.hopSeconds, 0.5);
  assert.ok(Math.abs(o.duration - 45) < 0.2, `duration ${o.duration}`);
  assert.equal(o.timeline.length, Math.ceil(o.duration / 0.5));
  o.timeline.forEach((p, i) => {
    assert.equal(p.time, i * 0.5);
    assert.ok(p.valence >= -1 && p.valence <= 1 && p.arousal >= -1 && p.arousal <= 1);
  });
  const s = o.summary;
  const expected = (s.valence >= 0 ? (s.arousal >= 0 ? 'Q1' : 'Q4') : s.arousal >= 0 ? 'Q2' : 'Q3');
  assert.equal(s.quadrant, expected);
  const probs = Object.values(s.quadrantProbabilities);
  assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-3);
  assert.equal(Object.entries(s.quadrantProbabilities).sort((a, b) => b[1] - a[1])[0][0], s.quadrant);
  assert.match(s.color, /^#[0-9a-f]{6}$/);
  assert.ok(s.tempo > 40 && s.tempo < 250, `tempo ${s.tempo}`);
});

test('analyze is deterministic, and the API agrees for a path, a Buffer and raw samples', async () => {
  const model = await loadModel();
  const a = await analyze(CLIP, { model });
  const b = await analyze(CLIP, { model });
  assert.deepEqual(a, b);
  const fromBuffer = await analyze(new Uint8Array(await readFile(CLIP)), { model, name: CLIP });
  assert.deepEqual(fromBuffer.timeline, a.timeline);
  const decoded = await loadAudioFile(CLIP, { sampleRate: null });
  const fromSamples = await analyze(decoded.samples, { model, sampleRate: decoded.sampleRate, name: CLIP });
  assert.deepEqual(fromSamples.timeline, a.timeline);
});

test('analyze a folder on worker threads: json and csv parse back, a broken file is reported and skipped', async () => {
  const folder = join(dir, 'batch');
  await mkdir(folder, { recursive: true });
  for (const f of ['3.mp3', '4.mp3', '7.mp3']) await copyFile(`test/fixtures/emomusic/${f}`, join(folder, f));
  await writeFile(join(folder, 'broken.mp3'), Buffer.from('this is not audio at all'));
  const jsonOut = join(dir, 'out.json');
  const r = await runCli('analyze', folder, '--format', 'json', '--out', jsonOut, '--jobs', '2');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.mp3/);
  const records = JSON.parse(await readFile(jsonOut, 'utf8')) as (Line | { file: string; error: string })[];
  assert.equal(records.length, 4);
  const failed = records.filter((x) => 'error' in x);
  assert.equal(failed.length, 1);
  assert.match(failed[0].file, /broken\.mp3$/);
  const csvOut = join(dir, 'out.csv');
  const c = await runCli('analyze', join(folder, '3.mp3'), join(folder, '4.mp3'), '--format', 'csv', '--out', csvOut, '--jobs', '1');
  assert.equal(c.code, 0, c.stderr);
  const rows = parse(await readFile(csvOut, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0]), ['file', 'time', 'valence', 'arousal', 'silent', 'error']);
  assert.ok(rows.every((x) => x.silent === '0'));
  const single = records.find((x) => 'timeline' in x && x.file.endsWith('3.mp3')) as Line;
  assert.equal(rows.filter((x) => x.file.endsWith('3.mp3')).length, single.timeline.length);
  const fromCsv = rows.filter((x) => x.file.endsWith('3.mp3')).map((x) => Number(x.valence));
  assert.deepEqual(fromCsv, single.timeline.map((p) => p.valence));
});

test('an interrupted folder run resumes without loss or duplicates', async () => {
  const folder = join(dir, 'resume');
  await mkdir(folder, { recursive: true });
  for (const f of ['3.mp3', '4.mp3', '7.mp3', '8.mp3']) await copyFile(`test/fixtures/emomusic/${f}`, join(folder, f));
  const out = join(dir, 'resume.jsonl');
  const full = await runCli('analyze', folder, '--format', 'jsonl', '--out', out, '--jobs', '1');
  assert.equal(full.code, 0, full.stderr);
  const lines = (await readFile(out, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 4);
  // Simulate a kill during the third file's write: two complete lines and a cut one.
  await writeFile(out, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 40)}`);
  const resumed = await runCli('analyze', folder, '--format', 'jsonl', '--out', out, '--resume', '--jobs', '1');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /2 file\(s\) already/);
  const after = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.equal(after.length, 4);
  assert.equal(new Set(after.map((x) => x.file)).size, 4);
  const byFile = new Map(lines.map((l) => [(JSON.parse(l) as Line).file, l]));
  for (const x of after) assert.deepEqual(x, JSON.parse(byFile.get(x.file)!));
});

test('analyze --plot writes a PNG; the default table names the file, its mood and a timeline', async () => {
  const png = join(dir, 'plot.png');
  const r = await runCli('analyze', CLIP, '--plot', png);
  assert.equal(r.code, 0, r.stderr);
  // Width and height from the IHDR chunk (bytes 16–23, big-endian), after the 8-byte PNG signature.
  const bytes = await readFile(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  assert.ok(width >= 800 && height >= 1000, `${width} × ${height}`);
  assert.match(r.stdout, /3\.mp3/);
  assert.match(r.stdout, /Q[1-4]/);
  assert.match(r.stdout, /[▁▂▃▄▅▆▇█]{8,}/);
});

test('bad inputs: a missing file and a model folder that is not one fail with clear errors', async () => {
  const missing = await runCli('analyze', join(dir, 'nope.mp3'), '--format', 'jsonl');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope\.mp3/);
  const badModel = await runCli('analyze', CLIP, '--model', dir);
  assert.equal(badModel.code, 1);
  assert.match(badModel.stderr, /not a Sentio model folder/);
  // A sentio.json that is not JSON is named with the reason (the browser loader says the same).
  const garbled = join(dir, 'garbled-model');
  await mkdir(garbled, { recursive: true });
  await writeFile(join(garbled, 'sentio.json'), '{"format": "sentio-model",');
  await assert.rejects(loadModel(garbled), /garbled-model[/\\]sentio\.json: not a Sentio model folder \(sentio\.json is not JSON\)/);
});

const FOURQ = sharedPath('datasets/4q');
test('4Q clips from ../shared: high-arousal quadrants score higher arousal on average than low-arousal ones', { skip: skipUnless(FOURQ) }, async () => {
  // A coarse sanity check of the shipped model on 24 of its own training clips (not a benchmark:
  // cross-validated figures are in docs/default-model.md).
  const songs = load4Q(FOURQ);
  const pick = (q: string) => songs.filter((s) => s.quadrant === q).slice(0, 6);
  const model = await loadModel();
  const mean = async (qs: string[]) => {
    let sum = 0;
    let n = 0;
    for (const q of qs) for (const s of pick(q)) {
      sum += (await analyze(s.audioPath!, { model })).summary.arousal;
      n++;
    }
    return sum / n;
  };
  assert.ok((await mean(['Q1', 'Q2'])) > (await mean(['Q3', 'Q4'])) + 0.2);
});
