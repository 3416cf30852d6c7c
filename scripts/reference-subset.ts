/**
 * Writes test/fixtures/reference/: the part of ../shared/reference that the DSP parity tests
 * read on a clone without ../shared (see that folder's README.md for what is in it and why).
 *   node --import tsx scripts/reference-subset.ts
 * Each array is the shared file's bytes, gzipped (the filterbanks are mostly zeros, so the
 * 2 MB budget holds s2 too); manifest.json is the shared manifest cut down to those arrays.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = path.resolve(root, '../shared/reference');
const to = path.join(root, 'test/fixtures/reference');
const BUDGET = 2_000_000;

/** s2, s3, s5 with every array; s4 for pyAudioAnalysis; s1's beat inputs and outputs only. */
const SIGNALS = ['s2', 's3', 's5', 's4'];
const keep = (name: string, input: string | null): boolean =>
  input === null || // filterbanks and corner frequencies
  ['s2', 's3', 's5'].includes(input) ||
  name === 's4_paa_st_features' ||
  ['s1_onset_strength', 's1_onset_strength_median', 's1_beat_tempo', 's1_beat_frames'].includes(name);

interface Entry {
  name: string;
  file: string;
  input?: string | null;
  [key: string]: unknown;
}
const manifest = JSON.parse(readFileSync(path.join(from, 'manifest.json'), 'utf8')) as { signals: Entry[]; arrays: Entry[]; [key: string]: unknown };
const signals = manifest.signals.filter((s) => SIGNALS.includes(s.name));
const arrays = manifest.arrays.filter((a) => keep(a.name, a.input ?? null));

mkdirSync(to, { recursive: true });
// README.md is written by hand; everything else is regenerated.
for (const f of readdirSync(to)) if (f !== 'README.md') rmSync(path.join(to, f));
const sha256: Record<string, string> = {};
let bytes = 0;
const copy = (e: Entry): Entry => {
  const raw = readFileSync(path.join(from, e.file));
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(path.join(to, `${e.file}.gz`), gz);
  sha256[e.name] = createHash('sha256').update(raw).digest('hex');
  bytes += gz.length;
  return { ...e, file: `${e.file}.gz` };
};
const out = {
  ...manifest,
  signals: signals.map(copy),
  arrays: arrays.map(copy),
  subset: {
    note: 'A subset of ../shared/reference for clones without ../shared: each file is the shared NAME.f32 gzipped; sha256 is of the uncompressed bytes.',
    omitted_signals: manifest.signals.filter((s) => !signals.includes(s)).map((s) => s.name),
    omitted_arrays: manifest.arrays.filter((a) => !arrays.includes(a)).map((a) => a.name),
    sha256,
  },
};
const json = JSON.stringify(out, null, 1) + '\n';
writeFileSync(path.join(to, 'manifest.json'), json);
bytes += json.length;
console.log(`${signals.length} signals, ${arrays.length} arrays, ${bytes} bytes (README.md not counted)`);
if (bytes > BUDGET - 20_000) throw new Error(`subset is ${bytes} bytes; the budget is ${BUDGET} with room for README.md`);
