/**
 * `sentio analyze` on silent and near-silent input: a valid input (exit 0) with a warning on stderr
 * naming the file, the silent stretches in every output format, and no mood or tempo claimed
 * for a file that is silent throughout.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { runCli } from '../helpers/cli.ts';
import { whiteNoise } from '../helpers/seeded.ts';
import { encodeWav } from '../helpers/wav.ts';

let dir: string;
let folder: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-silence-'));
  folder = join(dir, 'inputs');
  await mkdir(folder);
  await writeFile(join(folder, 'silence.wav'), encodeWav([new Float32Array(22050 * 10)], 22050));
  await writeFile(join(folder, 'noise.wav'), encodeWav([whiteNoise(22050 * 10, -80, 17)], 22050));
  // 15 s of a fixture clip, 10 s of digital silence, 15 s more of the clip.
  const clip = await decodeAudio(new Uint8Array(await readFile('test/fixtures/emomusic/3.mp3')), { sampleRate: null });
  const rate = clip.sampleRate;
  const gap = new Float32Array(rate * 40);
  gap.set(clip.samples.subarray(0, rate * 15), 0);
  gap.set(clip.samples.subarray(rate * 20, rate * 35), rate * 25);
  await writeFile(join(folder, 'gap.wav'), encodeWav([gap], rate));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('analyze: silence and −80 dBFS noise exit 0 with a warning naming the file; json lists the silent stretches; no mood or tempo', async () => {
  const out = join(dir, 'out.json');
  const r = await runCli('analyze', folder, '--format', 'json', '--out', out, '--jobs', '2');
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['silence.wav', 'noise.wav']) {
    const path = join(folder, name);
    assert.ok(r.stderr.includes(`sentio: ${path}: silent or near-silent (below -60 dBFS) for 10.0 of 10.0 s; no mood given\n`), r.stderr);
  }
  assert.ok(r.stderr.includes(`sentio: ${join(folder, 'gap.wav')}: silent or near-silent (below -60 dBFS) for 10.0 of 40.0 s (15.0–25.0 s); the summary is of the other 30.0 s\n`), r.stderr);
  const records = JSON.parse(await readFile(out, 'utf8')) as AnalysisResult[];
  const byName = new Map(records.map((x) => [x.file.slice(folder.length + 1), x]));
  for (const name of ['silence.wav', 'noise.wav']) {
    const x = byName.get(name)!;
    assert.deepEqual(Object.keys(x), ['file', 'duration', 'hopSeconds', 'timeline', 'silence', 'summary']);
    assert.deepEqual(x.silence, [{ start: 0, end: 10 }], name);
    assert.deepEqual(x.summary, { valence: 0, arousal: -1, quadrant: null, quadrantProbabilities: null, tempo: null, color: '#595959' }, name);
    assert.ok(x.timeline.every((p) => p.valence === 0 && p.arousal === -1), name);
  }
  const gap = byName.get('gap.wav')!;
  assert.deepEqual(gap.silence, [{ start: 15, end: 25 }]);
  assert.match(gap.summary.quadrant ?? 'null', /^Q[1-4]$/);
  assert.ok(gap.summary.tempo !== null && gap.summary.tempo > 40, `tempo ${gap.summary.tempo}`);
});

test('analyze --format csv flags the silent rows; the table says "silent" with no bpm', async () => {
  const csv = join(dir, 'gap.csv');
  const c = await runCli('analyze', join(folder, 'gap.wav'), '--format', 'csv', '--out', csv, '--jobs', '1');
  assert.equal(c.code, 0, c.stderr);
  const rows = parse(await readFile(csv, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 80);
  assert.deepEqual(rows.map((x) => x.silent), rows.map((x) => (Number(x.time) >= 15 && Number(x.time) < 25 ? '1' : '0')));

  const t = await runCli('analyze', join(folder, 'silence.wav'), join(folder, 'gap.wav'), '--jobs', '1');
  assert.equal(t.code, 0, t.stderr);
  const [silentRow, gapRow] = t.stdout.trimEnd().split('\n').slice(2);
  assert.match(silentRow, /silence\.wav\s+0:10\s+\+0\.00\s+-1\.00\s+silent\s+-\s+#595959$/);
  assert.match(gapRow, /gap\.wav\s+0:40\s+[+-]\d\.\d\d\s+[+-]\d\.\d\d\s+Q[1-4] \w+\s+\d+\s+#[0-9a-f]{6}\s+[▁▂▃▄▅▆▇█]+ +[▁▂▃▄▅▆▇█]+/);
  assert.match(t.stderr, /silence\.wav: silent or near-silent/);
});
