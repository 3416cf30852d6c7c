import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.ts';
import { balancedFourQ, FOURQ_DIR, writeManifest } from '../helpers/fourq-subset.ts';
import { sharedPath, skipUnless } from '../helpers/shared.ts';

const EMOMUSIC = sharedPath('datasets/emomusic');
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentio-eval-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface JsonReport {
  songs: { attempted: number; evaluated: number; failed: number };
  song?: { n: number; metrics: Record<string, number | null>; quadrantSource: string; confusion: { matrix: number[][] } };
  timeline?: { n: number; songs: number; metrics: Record<string, number | null>; perClip: { id: string; n: number; valence: { pearson: number | null; skipped: boolean }; arousal: { pearson: number | null; skipped: boolean } }[] };
  failures: { id: string; file: string; reason: string }[];
  predictions: { id: string; valence: number; arousal: number; quadrant: string; truth: { quadrant: string } | null; labelledFrames: number }[];
}

test('eval on emoMusic: Markdown on stdout, a JSON report with finite song and timeline metrics', { skip: skipUnless(EMOMUSIC) }, async () => {
  const report = path.join(dir, 'emo.json');
  const r = await runCli('eval', '--data', EMOMUSIC, '--dataset', 'emomusic', '--report', report);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^## Evaluation of sentio-default-4q/);
  assert.match(r.stdout, /\| metric \| song \| timeline \|/);
  assert.match(r.stdout, /Quadrant confusion/);
  const j = JSON.parse(await readFile(report, 'utf8')) as JsonReport;
  assert.deepEqual(j.songs, { attempted: 6, evaluated: 6, failed: 0 });
  assert.equal(j.song!.n, 6);
  assert.equal(j.timeline!.songs, 6);
  assert.equal(j.timeline!.n, j.predictions.reduce((s, p) => s + p.labelledFrames, 0));
  for (const key of ['valence.rmse', 'arousal.rmse', 'valence.pearson', 'arousal.pearson', 'valence.ccc', 'arousal.ccc', 'emotionAccuracy']) {
    assert.ok(Number.isFinite(j.timeline!.metrics[key]), `timeline ${key}`);
    assert.ok(Number.isFinite(j.song!.metrics[key]), `song ${key}`);
  }
  // Within-song figures beside the pooled ones: the mean over clips of the per-clip entries.
  assert.equal(j.timeline!.perClip.length, 6);
  for (const dim of ['valence', 'arousal'] as const) {
    for (const key of ['perClipPearson', 'perClipCcc', 'timelineStd', 'labelStd']) assert.ok(Number.isFinite(j.timeline!.metrics[`${dim}.${key}`]), `timeline ${dim}.${key}`);
    assert.equal(j.timeline!.metrics[`${dim}.perClipSkipped`], 0);
    const mean = j.timeline!.perClip.reduce((s, c) => s + c[dim].pearson!, 0) / 6;
    assert.ok(Math.abs(j.timeline!.metrics[`${dim}.perClipPearson`]! - mean) < 1e-5);
    assert.equal(j.song!.metrics[`${dim}.perClipPearson`], undefined, 'no per-clip figures at song level');
  }
  assert.match(r.stdout, /\| valence\.perClipPearson \| – \| -?\d\.\d{3} \|/);
  assert.match(r.stdout, /\| arousal\.perClipSkipped \| – \| 0 \|/);
  assert.match(r.stdout, /\| valence\.rmse \| \d\.\d{3} \| \d\.\d{3} \|/, 'pooled figures still there');
  assert.equal(j.song!.confusion.matrix.flat().reduce((a, b) => a + b), 6);
  const hits = j.predictions.filter((p) => p.quadrant === p.truth!.quadrant).length;
  assert.ok(Math.abs(j.song!.metrics['quadrant.accuracy']! - hits / 6) < 1e-6);
});

test('eval --split evaluation --report .csv: one song, one row per level, numeric metric columns', { skip: skipUnless(EMOMUSIC) }, async () => {
  const report = path.join(dir, 'emo-eval.csv');
  const r = await runCli('eval', '--data', EMOMUSIC, '--dataset', 'emomusic', '--split', 'evaluation', '--report', report);
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(await readFile(report, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((x) => x.level), ['song', 'timeline']);
  assert.equal(rows[0].n, '1');
  assert.ok(Number(rows[1].n) >= 60);
  assert.ok(Number.isFinite(Number(rows[1]['valence.rmse'])));
  assert.equal(rows[1]['quadrant.accuracy'], '', 'no quadrants on the timeline');
  for (const key of ['valence.perClipPearson', 'arousal.perClipCcc', 'valence.timelineStd', 'arousal.labelStd']) {
    assert.ok(Number.isFinite(Number(rows[1][key])) && rows[1][key] !== '', key);
    assert.equal(rows[0][key], '', `no ${key} at song level`);
  }
  assert.equal(rows[1]['valence.perClipSkipped'], '0', 'a count, written as an integer');
  assert.ok(['0.000000', '1.000000'].includes(rows[0]['quadrant.accuracy']));
});

test('eval on a 4Q subset with --limit uses the labelled quadrants; a Markdown report file is written', { skip: skipUnless(FOURQ_DIR) }, async () => {
  const report = path.join(dir, '4q.md');
  const r = await runCli('eval', '--data', FOURQ_DIR, '--dataset', '4q', '--limit', '4', '--report', report);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /on 4 songs of 4q \(of 720 in the dataset\)/);
  const md = await readFile(report, 'utf8');
  assert.equal(md, r.stdout);
  assert.match(md, /4 of 4 songs evaluated/);
  assert.match(md, /rows: true, labelled quadrants/);
  assert.doesNotMatch(md, /timeline \|/, '4Q has no dynamic labels');
});

test('a broken audio file is reported and skipped: exit 1, the others are scored', { skip: skipUnless(FOURQ_DIR) }, async () => {
  const songs = balancedFourQ(1);
  const broken = path.join(dir, 'broken.mp3');
  await writeFile(broken, 'this is not audio at all');
  const renamed = path.join(dir, 'fine.mp3');
  await copyFile(songs[0].audioPath!, renamed);
  const manifest = await writeManifest(dir, songs.slice(1), [`broken,broken.mp3,0.5,0.5,X`, `fine,fine.mp3,${songs[0].static!.valence},${songs[0].static!.arousal},Y`]);
  const report = path.join(dir, 'broken.json');
  const r = await runCli('eval', '--data', manifest, '--dataset', 'manifest', '--report', report);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.mp3: .*not a recognised audio format/);
  const j = JSON.parse(await readFile(report, 'utf8')) as JsonReport;
  assert.deepEqual(j.songs, { attempted: 5, evaluated: 4, failed: 1 });
  assert.equal(j.failures[0].id, 'broken');
  assert.equal(j.song!.quadrantSource, 'derived');
  assert.match(r.stdout, /Failed \(skipped\):\n\n- .*broken\.mp3/);
});

test('a dataset folder that does not exist is a usage error naming it', async () => {
  const missing = await runCli('eval', '--data', path.join(dir, 'nowhere'), '--dataset', '4q');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot load dataset '4q' from .*nowhere/);
});

test('bad input is a usage error naming the problem', { skip: skipUnless(FOURQ_DIR, EMOMUSIC) }, async () => {
  const noSplit = await runCli('eval', '--data', FOURQ_DIR, '--dataset', '4q', '--split', 'evaluation');
  assert.equal(noSplit.code, 2);
  assert.match(noSplit.stderr, /defines no official split/);
  const badReport = await runCli('eval', '--data', EMOMUSIC, '--dataset', 'emomusic', '--report', path.join(dir, 'r.txt'));
  assert.equal(badReport.code, 2);
  assert.match(badReport.stderr, /r\.txt: unknown report format '\.txt'/);
  const badLimit = await runCli('eval', '--data', EMOMUSIC, '--dataset', 'emomusic', '--limit', 'zero');
  assert.equal(badLimit.code, 2);
  assert.match(badLimit.stderr, /--limit must be a positive integer/);
  const badModel = await runCli('eval', '--model', dir, '--data', EMOMUSIC, '--dataset', 'emomusic', '--limit', '1');
  assert.equal(badModel.code, 1);
  assert.match(badModel.stderr, /not a Sentio model folder/);
});
