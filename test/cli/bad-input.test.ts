/**
 * The bad-input table of README.md (`sentio features` section), row by row through the real CLI:
 * each input is made in a temp folder and given to `sentio features` and `sentio analyze`, and the
 * exact message the table shows, the file named in it and the exit code are checked. The rows are
 * read from README.md, so a row without a case here fails, and so does a case whose message the
 * table no longer shows.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { writeBadInputs } from '../helpers/bad-inputs.ts';
import { encodeWav } from '../helpers/wav.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The table's rows: first cell → the whole row, from the table under "## `sentio features`". */
function readmeRows(): Map<string, string> {
  const lines = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n');
  const section = lines.indexOf('## `sentio features`');
  assert.ok(section >= 0, 'README.md has a "## `sentio features`" section');
  const header = lines.findIndex((l, i) => i > section && l.trim() === '| input | what happens |');
  assert.ok(header >= 0, 'the section has the "| input | what happens |" table');
  const rows = new Map<string, string>();
  for (let i = header + 2; i < lines.length && lines[i].trim().startsWith('|'); i++) {
    const row = lines[i].trim();
    rows.set(row.split(' | ')[0].replace(/^\|\s*/, ''), row);
  }
  return rows;
}

type Command = 'features' | 'analyze';

interface Run {
  command: Command;
  /** The input's path (made in `before`). */
  input: () => string;
  args?: string[];
  code: 0 | 1 | 2;
  /** The words the table shows; the CLI must print exactly `line(input)` with them. */
  message?: string;
  line?: (input: string) => string;
}

let dir = '';
const inputs: Record<string, string> = {};
const at = (name: string) => () => inputs[name];
const both = (input: () => string, code: 0 | 1 | 2, message?: string, line?: Run['line']): Run[] =>
  (['features', 'analyze'] as const).map((command) => ({ command, input, code, message, line }));

// Keys are the table's first cells, word for word.
const CASES: Record<string, Run[]> = {
  'missing file': both(at('missing'), 1, 'file not found'),
  '0-byte file': both(at('empty'), 1, 'empty file (0 bytes)'),
  'a folder named like an audio file (`x.mp3/`) with no audio in it': both(at('folderNamedLikeAFile'), 1, 'is a directory, expected an audio file'),
  'any other folder with no audio files in it': both(at('folderWithoutAudio'), 2, 'no audio files found in', (f) => `sentio: no audio files found in ${f}`),
  'truncated MP3': both(at('truncatedMp3'), 1, 'truncated MP3: the last frame is cut off after 23.69 s'),
  'truncated WAV': [
    ...both(at('truncatedWav'), 1, 'truncated WAV: header declares 44100 data bytes, file holds 4956'),
    ...both(at('headerOnlyWav'), 1, 'truncated WAV: header declares 44100 data bytes, file holds 0'),
  ],
  'corrupt MP3 (frame sync lost)': both(at('corruptMp3'), 1, 'corrupt MP3: 137030 bytes are not valid MPEG audio frames (frame sync lost)'),
  'wrong extension': [...both(at('mp3NamedWav'), 0), ...both(at('textNamedMp3'), 1, 'not a recognised audio format (expected WAV, MP3, FLAC, OGG Vorbis or Opus)')],
  'unsupported codec': both(at('adpcm'), 1, 'unsupported WAV codec: IMA ADPCM (format tag 0x0011); only PCM and IEEE float are supported'),
  'NaN / Inf samples': [...both(at('nan'), 1, 'contains NaN or infinite samples (first at 0.005 s)'), ...both(at('inf'), 1, 'contains NaN or infinite samples (first at 0.005 s)')],
  silence: [
    { command: 'features', input: at('silence'), code: 0, message: 'audio is digital silence; features are at their floor values', line: (f) => `warning: ${f}: audio is digital silence; features are at their floor values` },
    { command: 'analyze', input: at('silence'), code: 0, message: 'silent or near-silent (below -60 dBFS) for 3.0 of 3.0 s; no mood given' },
  ],
  'clip shorter than one frame': [
    { command: 'features', input: at('short'), args: ['--set', 'malik-logmel'], code: 1, message: "too short: 0.200 s of audio, feature set 'malik-logmel' needs at least 0.500 s" },
    { command: 'analyze', input: at('short'), code: 1, message: 'too short: 0.200 s of audio, at least 0.5 s is needed' },
  ],
};

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sentio-bad-input-'));
  Object.assign(inputs, writeBadInputs(dir));
  const folder = (name: string) => {
    const p = path.join(dir, name);
    mkdirSync(p);
    return p;
  };
  inputs.folderNamedLikeAFile = folder('album.mp3');
  inputs.folderWithoutAudio = folder('no-audio');
  writeFileSync(path.join(inputs.folderWithoutAudio, 'notes.txt'), 'not audio: skipped by its extension');
  inputs.silence = path.join(dir, 'silence.wav');
  writeFileSync(inputs.silence, encodeWav([new Float32Array(3 * 22050)], 22050));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = readmeRows();

test('the README table and this file list the same inputs', () => {
  assert.ok(rows.size >= 10, `${rows.size} rows read`);
  assert.deepEqual([...rows.keys()].filter((k) => !(k in CASES)), [], 'rows without a case here');
  assert.deepEqual(Object.keys(CASES).filter((k) => !rows.has(k)), [], 'cases whose row is gone from the README');
});

for (const [key, runs] of Object.entries(CASES)) {
  test(`README bad-input row "${key}": ${[...new Set(runs.map((r) => r.command))].join(' and ')}`, { skip: rows.has(key) ? false : 'row not in README.md (the test above fails)' }, async () => {
    const row = rows.get(key)!;
    const spans = [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    for (const run of runs) {
      const f = run.input();
      const label = `sentio ${run.command} ${path.basename(f)}`;
      if (run.message !== undefined) assert.ok(spans.includes(run.message), `the row shows \`${run.message}\`: ${row}`);
      if (run.code !== 1) assert.match(row, new RegExp(`exit ${run.code}\\b`), `the row gives exit ${run.code}`);
      const r = await runCli(run.command, f, ...(run.args ?? []), ...(run.command === 'analyze' ? ['--format', 'jsonl'] : []));
      assert.equal(r.code, run.code, `${label}: exit code (stderr: ${r.stderr})`);
      const expected = run.message === undefined ? undefined : (run.line ?? ((x: string) => `sentio: ${x}: ${run.message}`))(f);
      if (expected !== undefined) assert.deepEqual(r.stderr.trimEnd().split('\n'), [expected], `${label}: stderr`);
      if (run.code === 1) {
        // The failed file is not written: no output for `features`, a {file, error} record for `analyze`.
        if (run.command === 'features') assert.equal(r.stdout, '', `${label}: stdout`);
        else assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown), [{ file: f, error: `${f}: ${run.message}` }], `${label}: stdout`);
      } else if (run.code === 0) {
        // Analysed: `features` prints the frames as JSON, `analyze` one result line with a timeline.
        const out = JSON.parse(r.stdout) as { frames?: unknown[]; timeline?: unknown[] };
        const rowsOut = run.command === 'features' ? out.frames : out.timeline;
        assert.ok(Array.isArray(rowsOut) && rowsOut.length > 0, `${label}: a result`);
        if (run.message === undefined && run.command === 'features') assert.equal(r.stderr, '', `${label}: no message`);
      } else assert.equal(r.stdout, '', `${label}: stdout`);
    }
  });
}
