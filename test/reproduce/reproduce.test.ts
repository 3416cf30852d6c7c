/**
 * `sentio reproduce` end to end on synthetic DEAM and 1000 Songs databases in the published
 * layouts (the real ones are not on this machine), with tiny overrides so that both
 * protocols really train and evaluate in seconds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { writeSyntheticDeam, writeSyntheticEmoMusic } from '../helpers/synthetic-datasets.ts';
import type { ReproduceReport } from '../../src/reproduce/table.ts';

let dir = '';
let deam = '';
let emo = '';
let cache = '';

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sentio-reproduce-'));
  // 25 s of DEAM audio gives 20 log-mel label frames per clip: enough for lengths 10 and 20.
  deam = writeSyntheticDeam(path.join(dir, 'DEAM'), { audioSeconds: 25 });
  // 20 s clips: labels 15.0–19.5 s have audio (10 per song), the rest is left unscored.
  emo = writeSyntheticEmoMusic(path.join(dir, 'emoMusic'), { clipSeconds: 20 });
  cache = path.join(dir, 'cache');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The cells of the Markdown table row whose first cell is `label`. */
function markdownRow(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label} |`));
  assert.ok(line, `no row '${label}' in:\n${markdown}`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

const MEAN_STD = /^\d+\.\d+ ± \d+\.\d+$/;

test('reproduce malik2017: both feature sets, Tables 1(a), 1(b) and 2 with paper and ours side by side', async () => {
  const report = path.join(dir, 'malik.json');
  const r = await runCli('reproduce', 'malik2017', '--data', deam, '--seeds', '2', '--epochs', '1', '--lengths', '10,20', '--cache', cache, '--report', report);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| seq\. length \| valence \(paper\) \| valence \(ours\) \| arousal \(paper\) \| arousal \(ours\) \| average \(paper\) \| average \(ours\) \|/);
  // Paper values next to ours, row by row: length 20 of Table 1(a), evaluation.
  const row20 = markdownRow(r.stdout, '20');
  assert.equal(row20[1], '0.268 ± 0.003');
  assert.match(row20[2], MEAN_STD);
  assert.equal(row20[7], '5 / 2');
  assert.match(r.stdout, /Table 1\(b\): CRNN, log mel-band energies/);
  const nb = markdownRow(r.stdout, 'CRNN_NB');
  assert.equal(nb[1], '0.279 ± 0.004');
  assert.match(nb[2], MEAN_STD);
  assert.match(r.stdout, /Not the paper's protocol/);
  assert.match(r.stdout, /1 epoch\(s\) instead of 100/);

  const json = JSON.parse(readFileSync(report, 'utf8')) as ReproduceReport;
  assert.deepEqual(
    json.tables.map((t) => t.id),
    ['table1a-evaluation', 'table1a-development', 'table1b-evaluation', 'table1b-development', 'table2'],
  );
  // 2 seeds × (2 lengths × 2 feature sets + CRNN_NB).
  assert.equal(json.runs.length, 10);
  for (const t of json.tables) {
    for (const row of t.rows.filter((x) => !x.note)) {
      for (const m of t.metrics) {
        const ours = row.ours[m];
        assert.ok(ours && Number.isFinite(ours.mean) && ours.mean > 0 && ours.n === 2, `${t.id} ${row.label} ${m}: ${JSON.stringify(ours)}`);
      }
    }
  }
  // The log-mel audio stops at 25 s: its later labels are reported as not scored.
  assert.ok(json.notes.some((n) => /logmel: \d+ label\(s\) past the end/.test(n)), json.notes.join('\n'));
});

test('reproduce havranek2021: expected value, SVR, single networks and ensembles against Table 2', async () => {
  const report = path.join(dir, 'havranek.csv');
  const r = await runCli('reproduce', 'havranek2021', '--data', emo, '--seeds', '2', '--epochs', '1', '--members', '2', '--cache', cache, '--report', report, '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /\| model \| arousal \(paper\) \| arousal \(ours\) \| valence \(paper\) \| valence \(ours\) \| runs \(paper \/ ours\) \|/);
  const svr = markdownRow(r.stdout, 'SVR');
  assert.deepEqual([svr[1], svr[3], svr[5]], ['0.2211', '0.2153', '1 / 1']);
  // One deterministic run: a plain value, as the paper prints its N = 1 rows.
  assert.match(svr[2], /^\d\.\d{4}$/);
  assert.match(markdownRow(r.stdout, 'Single parallel NN')[2], MEAN_STD);
  assert.equal(markdownRow(r.stdout, 'Single parallel NN')[5], '10 / 4');
  assert.equal(markdownRow(r.stdout, 'Ensemble (2 networks)')[5], '5 / 2');

  const csv = readFileSync(report, 'utf8').trim().split(/\r?\n/);
  assert.equal(csv[0], 'table,row,metric,paper_mean,paper_std,ours_mean,ours_std,ours_runs');
  assert.equal(csv.length, 1 + 4 * 2);
  const svrArousal = csv.find((l) => l.startsWith('table2,SVR,arousal,'))!.split(',');
  assert.equal(Number(svrArousal[3]), 0.2211);
  assert.ok(Number(svrArousal[5]) > 0 && Number(svrArousal[5]) < 1);
});

test('reproduce: a missing --data folder is a usage error naming the path', async () => {
  const missing = path.join(dir, 'no-such-dataset');
  for (const paper of ['malik2017', 'havranek2021']) {
    const r = await runCli('reproduce', paper, '--data', missing);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`--data ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file or folder`));
  }
});

test('reproduce: a folder in the wrong layout fails with exit 1, naming the folder', async () => {
  const r1 = await runCli('reproduce', 'havranek2021', '--data', deam, '--no-progress');
  assert.equal(r1.code, 1);
  assert.match(r1.stderr, new RegExp(`${deam}: not the 1000 Songs database layout, arousal_cont_average\\.csv and valence_cont_average\\.csv missing`));
  const r2 = await runCli('reproduce', 'malik2017', '--data', emo, '--no-progress');
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, new RegExp(`${emo}: no DEAM annotations found`));
});

test('reproduce: bad overrides and unknown papers are usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['reproduce', 'malik2017', '--data', deam, '--seeds', '0'], /--seeds must be a positive integer, got '0'/],
    [['reproduce', 'malik2017', '--data', deam, '--lengths', '10,x'], /--lengths must be a positive integer, got 'x'/],
    [['reproduce', 'malik2017', '--data', deam, '--features', 'mfcc'], /unknown feature set 'mfcc'/],
    [['reproduce', 'havranek2021', '--data', emo, '--features', 'logmel'], /apply to malik2017 only/],
    [['reproduce', 'li2016', '--data', deam], /value 'li2016' is invalid for argument 'paper'/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});
