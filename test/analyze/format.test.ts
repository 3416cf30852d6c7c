import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { AnalysisFailure, AnalysisResult } from '../../src/analyze/types.ts';
import {
  toJsonLine,
  roundResult,
  toCsvRows,
  CSV_HEADER,
  createResultWriter,
  openResultFile,
  parseJsonArrayRecords,
  readCompletedFiles,
  renderTable,
  sparkline,
  formatDuration,
  visibleWidth,
  SPARKLINE_WIDTH,
  type AnalysisRecord,
  type OutputFormat,
} from '../../src/analyze/format.ts';
import { emotionToHex } from '../../src/light/color.ts';
import { SILENCE_COLOR, SILENT_POINT } from '../../src/analyze/silence.ts';

/** A result with `n` points and awkward, unrounded numbers. */
function makeResult(file: string, n = 7, phase = 0): AnalysisResult {
  const timeline = Array.from({ length: n }, (_, i) => ({
    time: i * 0.5,
    valence: Math.sin(i * 0.7 + phase) * 0.8123456789,
    arousal: Math.cos(i * 0.3 + phase) * -0.6543219876,
  }));
  return {
    file,
    duration: n * 0.5 + 0.123456789,
    hopSeconds: 0.5,
    timeline,
    silence: [],
    summary: {
      valence: 0.312345678,
      arousal: -0.456789123,
      quadrant: 'Q4',
      quadrantProbabilities: { Q1: 0.1234567, Q2: 0.0512345, Q3: 0.2012345, Q4: 0.6240743 },
      tempo: 121.456789,
      color: emotionToHex(0.312345678, -0.456789123),
    },
  };
}

const failure = (file: string, error = 'could not decode "x", sorry\nsecond line'): AnalysisFailure => ({ file, error });

/** Everything a writer writes, as one string. */
async function writeAll(records: AnalysisRecord[], format: OutputFormat, close = true): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = createResultWriter(out, format);
  for (const r of records) await w.write(r);
  if (close) await w.close();
  return Buffer.concat(chunks).toString('utf8');
}

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sentio-format-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const tricky = ['plain.mp3', 'with, comma.mp3', 'with "quotes".wav', 'new\nline.flac', 'ünïcödé ♫.ogg'];

test('jsonl: one line per record, keys in the documented order, numbers rounded but still numbers', async () => {
  const r = makeResult('dir/a song.mp3');
  const line = toJsonLine(r);
  assert.ok(!line.includes('\n'));
  const back = JSON.parse(line) as AnalysisResult;
  assert.deepEqual(Object.keys(back), ['file', 'duration', 'hopSeconds', 'timeline', 'silence', 'summary']);
  assert.deepEqual(Object.keys(back.timeline[0]), ['time', 'valence', 'arousal']);
  assert.deepEqual(Object.keys(back.summary), ['valence', 'arousal', 'quadrant', 'quadrantProbabilities', 'tempo', 'color']);
  assert.deepEqual(Object.keys(back.summary.quadrantProbabilities!), ['Q1', 'Q2', 'Q3', 'Q4']);
  assert.deepEqual(back, roundResult(r));
  assert.equal(back.duration, 3.623);
  assert.equal(back.summary.valence, 0.3123);
  assert.equal(back.summary.arousal, -0.4568);
  assert.equal(back.summary.tempo, 121.5);
  assert.equal(back.summary.quadrantProbabilities!.Q4, 0.6241);
  for (let i = 0; i < r.timeline.length; i++) {
    assert.ok(Math.abs(back.timeline[i].valence - r.timeline[i].valence) <= 5e-5);
    assert.ok(Math.abs(back.timeline[i].arousal - r.timeline[i].arousal) <= 5e-5);
    assert.equal(back.timeline[i].time, r.timeline[i].time);
  }
  const f = failure('new\nline.mp3');
  const fl = toJsonLine(f);
  assert.ok(!fl.includes('\n'));
  assert.deepEqual(Object.keys(JSON.parse(fl)), ['file', 'error']);
  assert.deepEqual(JSON.parse(fl), f);

  const text = await writeAll([r, f, makeResult('b.mp3')], 'jsonl');
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 3);
  assert.deepEqual(JSON.parse(lines[1]), f);
});

test('csv: header, one row per point, RFC 4180 quoting, failures as error rows', async () => {
  const records: AnalysisRecord[] = tricky.map((f, i) => makeResult(f, 3 + i, i));
  records.splice(2, 0, failure('broken, "really".mp3'));
  records.push({ ...makeResult('empty.mp3'), timeline: [] });
  const text = await writeAll(records, 'csv');
  assert.ok(text.startsWith(CSV_HEADER));
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  const expected: Record<string, string>[] = [];
  for (const r of records) {
    if ('error' in r) expected.push({ file: r.file, time: '', valence: '', arousal: '', silent: '', error: r.error });
    else if (r.timeline.length === 0) expected.push({ file: r.file, time: '', valence: '', arousal: '', silent: '', error: '' });
    else for (const p of roundResult(r).timeline) expected.push({ file: r.file, time: String(p.time), valence: String(p.valence), arousal: String(p.arousal), silent: '0', error: '' });
  }
  assert.deepEqual(rows, expected);
  assert.equal(toCsvRows(failure('x', 'a,b')), 'x,,,,,"a,b"\n');
});

test('json array: closed output is valid JSON; unterminated output still reads back', async () => {
  const records: AnalysisRecord[] = [makeResult('a.mp3'), failure('b.mp3'), makeResult('c, "d".mp3')];
  const closed = await writeAll(records, 'json');
  const parsed = JSON.parse(closed) as unknown[];
  assert.deepEqual(parsed, records.map((r) => JSON.parse(toJsonLine(r))));
  assert.deepEqual(JSON.parse(await writeAll([], 'json')), []);

  const open = await writeAll(records, 'json', false);
  assert.throws(() => JSON.parse(open));
  assert.deepEqual(parseJsonArrayRecords(open), parsed);
  // Cut in the middle of the last element: the first two survive.
  const cut = open.slice(0, open.length - 20);
  assert.deepEqual(parseJsonArrayRecords(cut), parsed.slice(0, 2));
  for (const [name, text] of [['closed', closed], ['open', open]] as const) {
    const p = path.join(dir, `array-${name}.json`);
    writeFileSync(p, text);
    assert.deepEqual(readCompletedFiles(p, 'json'), new Set(['a.mp3', 'c, "d".mp3']));
  }
  const p = path.join(dir, 'array-cut.json');
  writeFileSync(p, cut);
  assert.deepEqual(readCompletedFiles(p, 'json'), new Set(['a.mp3']));
});

test('readCompletedFiles: failures are not completed, a truncated last record is ignored', async () => {
  const records: AnalysisRecord[] = [makeResult('a.mp3'), failure('b.mp3'), makeResult('new\nline.mp3'), makeResult('z, last.mp3', 40)];
  for (const format of ['jsonl', 'csv', 'json'] as const) {
    const whole = await writeAll(records, format);
    const p = path.join(dir, `done.${format}`);
    writeFileSync(p, whole);
    assert.deepEqual(readCompletedFiles(p, format), new Set(['a.mp3', 'new\nline.mp3', 'z, last.mp3']), format);
    // Cut the last record short (mid-line, mid-row: the last CSV row is 37 bytes long).
    writeFileSync(p, whole.slice(0, whole.length - 30));
    assert.deepEqual(readCompletedFiles(p, format), new Set(['a.mp3', 'new\nline.mp3']), `${format} truncated`);
  }
  // CSV cut just after a row boundary inside the last file: that file is not completed.
  const csv = await writeAll(records, 'csv');
  const lastStart = csv.indexOf('"z, last.mp3"');
  const p = path.join(dir, 'cut-rows.csv');
  const thirdRowEnd = csv.indexOf('\n', csv.indexOf('\n', csv.indexOf('\n', lastStart) + 1) + 1) + 1;
  writeFileSync(p, csv.slice(0, thirdRowEnd + 5));
  assert.deepEqual(readCompletedFiles(p, 'csv'), new Set(['a.mp3', 'new\nline.mp3']));
  // Cut inside a quoted file name that holds a newline.
  const cutQuoted = csv.slice(0, csv.indexOf('"new\nline.mp3"') + 6);
  writeFileSync(p, cutQuoted);
  assert.deepEqual(readCompletedFiles(p, 'csv'), new Set(['a.mp3']));
  // Missing and empty files.
  assert.deepEqual(readCompletedFiles(path.join(dir, 'nope.jsonl'), 'jsonl'), new Set());
  writeFileSync(p, '');
  assert.deepEqual(readCompletedFiles(p, 'csv'), new Set());
});

test('openResultFile: resume keeps the successes, drops failures and a cut record, and the result is well-formed', async () => {
  for (const format of ['jsonl', 'csv', 'json'] as const) {
    const p = path.join(dir, `resume.${format}`);
    const first = await openResultFile(p, format);
    assert.equal(first.completed.size, 0);
    await first.writer.write(makeResult('a.mp3'));
    await first.writer.write(failure('b.mp3'));
    await first.writer.write(makeResult('c.mp3'));
    await first.writer.write(makeResult('d.mp3'));
    // An interruption: no close (so no "]"), and the last record cut short (mid-row: the last CSV row is 25 bytes).
    truncateSync(p, statSync(p).size - 20);

    const second = await openResultFile(p, format, { resume: true });
    assert.deepEqual(second.completed, new Set(['a.mp3', 'c.mp3']));
    await second.writer.write(makeResult('b.mp3'));
    await second.writer.write(makeResult('d.mp3'));
    await second.close();
    await second.close(); // idempotent

    const text = readFileSync(p, 'utf8');
    assert.deepEqual(readCompletedFiles(p, format), new Set(['a.mp3', 'b.mp3', 'c.mp3', 'd.mp3']));
    if (format === 'json') {
      const arr = JSON.parse(text) as AnalysisResult[];
      assert.deepEqual(arr.map((r) => r.file), ['a.mp3', 'c.mp3', 'b.mp3', 'd.mp3']);
      assert.deepEqual(arr[0], roundResult(makeResult('a.mp3')));
    } else if (format === 'jsonl') {
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as AnalysisResult);
      assert.deepEqual(lines.map((r) => r.file), ['a.mp3', 'c.mp3', 'b.mp3', 'd.mp3']);
    } else {
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 4 * 7);
      assert.ok(rows.every((r) => r.error === ''));
      assert.equal(text.split(CSV_HEADER).length, 2, 'one header');
    }
  }
});

test('openResultFile: resuming a closed JSON array continues it; without resume the file is replaced', async () => {
  const p = path.join(dir, 'closed.json');
  const a = await openResultFile(p, 'json');
  await a.writer.write(makeResult('a.mp3'));
  await a.close();
  const b = await openResultFile(p, 'json', { resume: true });
  assert.deepEqual(b.completed, new Set(['a.mp3']));
  await b.writer.write(makeResult('b.mp3'));
  await b.close();
  assert.deepEqual((JSON.parse(readFileSync(p, 'utf8')) as AnalysisResult[]).map((r) => r.file), ['a.mp3', 'b.mp3']);
  const c = await openResultFile(p, 'json');
  await c.close();
  assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), []);
});

test('sparkline and durations', () => {
  assert.equal(sparkline([-1, -0.5, 0, 0.5, 1]), '▁▃▅▆█');
  const long = sparkline(Array.from({ length: 600 }, (_, i) => Math.sin(i / 50)));
  assert.equal([...long].length, SPARKLINE_WIDTH);
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([5, -5]), '█▁');
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(65.4), '1:05');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Number.NaN), '?');
});

test('renderTable: a row per file with swatch, mood, sparklines; failures show their error', () => {
  const ok = makeResult('songs/happy tune.mp3', 300);
  const records: AnalysisRecord[] = [ok, failure('bad.mp3', 'unsupported format')];
  const plain = renderTable(records, { color: false });
  const lines = plain.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.ok(!plain.includes('\x1b['));
  assert.match(lines[0], /file\s+length\s+valence\s+arousal\s+mood\s+bpm\s+colour/);
  const row = lines[2];
  assert.ok(row.includes('songs/happy tune.mp3'));
  assert.ok(row.includes('2:30'));
  assert.ok(row.includes('+0.31'));
  assert.ok(row.includes('-0.46'));
  assert.ok(row.includes('Q4 relaxed'));
  assert.ok(row.includes('121'));
  assert.ok(row.includes(ok.summary.color));
  const sparks = row.match(/[▁▂▃▄▅▆▇█]+/g) ?? [];
  assert.equal(sparks.length, 2);
  for (const s of sparks) assert.equal([...s].length, SPARKLINE_WIDTH);
  assert.match(lines[3], /^bad\.mp3\s+error: unsupported format$/);

  const coloured = renderTable(records, { color: true });
  const rgb = ok.summary.color.slice(1).match(/../g)!.map((h) => Number.parseInt(h, 16));
  assert.ok(coloured.includes(`\x1b[48;2;${rgb.join(';')}m`));
  assert.ok(!coloured.split('\n')[2].includes(ok.summary.color));
  // Same visible layout with and without colour.
  assert.deepEqual(coloured.split('\n').map(visibleWidth).slice(1), plain.split('\n').map(visibleWidth).slice(1));
});

/** `makeResult` with points 2–4 silent (valence 0, arousal −1) and listed in `silence`. */
function partlySilent(file: string): AnalysisResult {
  const r = makeResult(file, 8);
  for (const p of r.timeline.slice(2, 5)) Object.assign(p, SILENT_POINT);
  return { ...r, silence: [{ start: 1, end: 2.5 }] };
}

/** An all-silent result as `analyze` gives it. */
function allSilent(file: string): AnalysisResult {
  const timeline = Array.from({ length: 6 }, (_, i) => ({ time: i * 0.5, ...SILENT_POINT }));
  return { file, duration: 2.9, hopSeconds: 0.5, timeline, silence: [{ start: 0, end: 2.9 }], summary: { ...SILENT_POINT, quadrant: null, quadrantProbabilities: null, tempo: null, color: SILENCE_COLOR } };
}

test('silence in every format: json keeps the ranges and the nulls, csv flags the rows, resume keeps the flags', async () => {
  const back = JSON.parse(toJsonLine(allSilent('quiet.wav'))) as AnalysisResult;
  assert.deepEqual(back.silence, [{ start: 0, end: 2.9 }]);
  assert.deepEqual(back.summary, { valence: 0, arousal: -1, quadrant: null, quadrantProbabilities: null, tempo: null, color: SILENCE_COLOR });
  const part = partlySilent('part.mp3');
  assert.deepEqual((JSON.parse(toJsonLine(part)) as AnalysisResult).silence, [{ start: 1, end: 2.5 }]);

  const rows = parse(toCsvRows(part), { columns: CSV_HEADER.trim().split(',') }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => r.silent), ['0', '0', '1', '1', '1', '0', '0', '0']);
  assert.deepEqual(rows.slice(2, 5).map((r) => [r.valence, r.arousal]), Array(3).fill(['0', '-1']));

  // Resume keeps the silent column of the kept rows; an older output without the column keeps empty cells.
  const p = path.join(dir, 'silent.csv');
  const first = await openResultFile(p, 'csv');
  await first.writer.write(part);
  await first.writer.write(failure('b.mp3'));
  await first.close();
  const second = await openResultFile(p, 'csv', { resume: true });
  await second.close();
  const kept = parse(readFileSync(p, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(kept.map((r) => r.silent), rows.map((r) => r.silent));
  writeFileSync(p, 'file,time,valence,arousal,error\nold.mp3,0,0.1,0.2,\nold.mp3,0.5,0.1,0.2,\n');
  const old = await openResultFile(p, 'csv', { resume: true });
  assert.deepEqual(old.completed, new Set(['old.mp3']));
  await old.close();
  assert.equal(readFileSync(p, 'utf8'), `${CSV_HEADER}old.mp3,0,0.1,0.2,,\nold.mp3,0.5,0.1,0.2,,\n`);
});

test('renderTable: an all-silent file is "silent" with no bpm and a grey swatch; a silent stretch is a gap in the sparklines', () => {
  const lines = renderTable([allSilent('quiet.wav'), partlySilent('part.mp3')], { color: false }).trimEnd().split('\n');
  assert.match(lines[2], /^quiet\.wav\s+0:03\s+\+0\.00\s+-1\.00\s+silent\s+-\s+#595959/);
  assert.ok(!/[▁▂▃▄▅▆▇█]/.test(lines[2]), 'no sparkline for an all-silent file');
  const part = partlySilent('part.mp3');
  const gapped = (key: 'valence' | 'arousal') => sparkline(part.timeline.map((p, k) => (k >= 2 && k < 5 ? Number.NaN : p[key])));
  assert.match(gapped('valence'), /^[▁▂▃▄▅▆▇█]{2} {3}[▁▂▃▄▅▆▇█]{3}$/);
  // (Sparkline characters and spaces need no escaping in a pattern.)
  assert.match(lines[3], new RegExp(`${part.summary.color}  ${gapped('valence')} +${gapped('arousal')}$`));
});
