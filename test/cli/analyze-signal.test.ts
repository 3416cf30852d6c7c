/**
 * `sentio analyze` stopped by a signal, as a real process: SIGTERM (`timeout`, `docker stop`,
 * systemd) and SIGINT (Ctrl-C) leave a valid JSON array with every record whole, exit 143 / 130,
 * and say on stderr (not a terminal here) how to continue; `--resume` then completes the output
 * with each file exactly once.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseJsonArrayRecords } from '../../src/analyze/format.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { startSentio, type SentioProcess } from '../helpers/sentio-process.ts';

/** Longest any one child may run before it is killed and the test fails. */
const CHILD_LIMIT_MS = 120_000;
/** Longest wait for the first record to appear. */
const FIRST_RECORD_LIMIT_MS = 60_000;
const FILES = 8;

let dir: string;
let folder: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-signal-'));
  folder = join(dir, 'clips');
  await mkdir(folder);
  // Eight 45 s clips, about half a second each to analyse: the run is still going after the first.
  const ids = ['3', '4', '7', '8', '10', '17'];
  for (let i = 0; i < FILES; i++) await copyFile(`test/fixtures/emomusic/${ids[i % ids.length]}.mp3`, join(folder, `clip-${i}.mp3`));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const start = (...args: string[]): SentioProcess => startSentio(args, CHILD_LIMIT_MS);

/** Polls `read()` every 50 ms until it returns at least one record; fails after the time limit. */
async function waitForRecords(read: () => Promise<string>, what: string): Promise<void> {
  const deadline = Date.now() + FIRST_RECORD_LIMIT_MS;
  while (Date.now() < deadline) {
    if (parseJsonArrayRecords(await read().catch(() => '')).length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no record in ${what} after ${FIRST_RECORD_LIMIT_MS / 1000} s`);
}

/** A complete record: every point of its duration, a summary and the silence list. */
const isWhole = (x: AnalysisResult) =>
  typeof x.file === 'string' && x.timeline?.length === Math.ceil(x.duration / 0.5) && x.timeline.length > 80 && typeof x.summary?.valence === 'number' && Array.isArray(x.silence);

test('SIGTERM during a --format json run: exit 143, a valid array of whole records, a resume hint; --resume completes it', async () => {
  const out = join(dir, 'x.json');
  const args = ['analyze', folder, '--format', 'json', '--out', out, '--jobs', '1'];
  const run = start(...args);
  await waitForRecords(() => readFile(out, 'utf8'), out);
  run.kill('SIGTERM');
  const { code, signal } = await run.exited;
  assert.equal(signal, null, `killed by ${signal}: ${run.stderr()}`);
  assert.equal(code, 143, run.stderr());
  const records = JSON.parse(await readFile(out, 'utf8')) as AnalysisResult[];
  assert.ok(records.length >= 1 && records.length < FILES, `${records.length} records`);
  assert.ok(records.every(isWhole));
  const hint = new RegExp(`sentio: interrupted after ${records.length} of ${FILES} files; results so far are in ${out}\\. Continue with: sentio analyze ${folder} --format json --out ${out} --jobs 1 --resume\\n`);
  assert.match(run.stderr(), hint);

  const resumed = start(...args, '--resume');
  const end = await resumed.exited;
  assert.equal(end.code, 0, resumed.stderr());
  assert.match(resumed.stderr(), new RegExp(`resuming: ${records.length} file\\(s\\) already in`));
  const all = JSON.parse(await readFile(out, 'utf8')) as AnalysisResult[];
  assert.deepEqual(all.map((x) => x.file).sort(), Array.from({ length: FILES }, (_, i) => join(folder, `clip-${i}.mp3`)).sort());
  assert.ok(all.every(isWhole));
  // The records kept from before the signal are unchanged.
  assert.deepEqual(all.slice(0, records.length), records);
});

test('SIGINT with the output on stdout: exit 130, stdout a valid array, and the hint says --resume needs --out', async () => {
  const run = start('analyze', folder, '--format', 'json', '--jobs', '1');
  await waitForRecords(async () => run.stdout(), 'stdout');
  run.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 130, run.stderr());
  const records = JSON.parse(run.stdout()) as AnalysisResult[];
  assert.ok(records.length >= 1 && records.length < FILES && records.every(isWhole), `${records.length} records`);
  assert.match(run.stderr(), new RegExp(`sentio: interrupted after ${records.length} of ${FILES} files; the output so far went to stdout, which --resume cannot continue \\(it needs --out FILE\\)`));
});
