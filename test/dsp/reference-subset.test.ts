/**
 * test/fixtures/reference, the golden arrays committed for clones without ../shared: it stays
 * within its 2 MB, each file is what its manifest says, and it is the shared data unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { sharedPath, skipUnless } from '../helpers/shared.ts';

const SUBSET = fileURLToPath(new URL('../fixtures/reference', import.meta.url));
const SHARED_REFERENCE = sharedPath('reference');

interface Entry {
  name: string;
  file: string;
  shape: number[];
  [key: string]: unknown;
}
interface Manifest {
  signals: Entry[];
  arrays: Entry[];
  subset?: { omitted_signals: string[]; omitted_arrays: string[]; sha256: Record<string, string> };
  [key: string]: unknown;
}
const readManifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
const unzip = (e: Entry) => gunzipSync(readFileSync(path.join(SUBSET, e.file)));

test('the committed subset stays under 2 MB, and each file holds its shape in float32 with the recorded sha256', () => {
  const bytes = readdirSync(SUBSET).reduce((sum, f) => sum + statSync(path.join(SUBSET, f)).size, 0);
  assert.ok(bytes <= 2_000_000, `${bytes} bytes`);
  const m = readManifest(SUBSET);
  const entries = [...m.signals, ...m.arrays];
  assert.deepEqual(readdirSync(SUBSET).sort(), [...entries.map((e) => e.file), 'README.md', 'manifest.json'].sort());
  for (const e of entries) {
    const raw = unzip(e);
    assert.equal(raw.length, 4 * e.shape.reduce((a, b) => a * b, 1), `${e.name}: bytes for shape [${e.shape}]`);
    assert.equal(createHash('sha256').update(raw).digest('hex'), m.subset!.sha256[e.name], `${e.name}: sha256`);
  }
});

test('the committed subset is ../shared/reference unchanged: same bytes, same manifest entries, omissions listed', { skip: skipUnless(SHARED_REFERENCE) }, () => {
  const shared = readManifest(SHARED_REFERENCE);
  const m = readManifest(SUBSET);
  for (const kind of ['signals', 'arrays'] as const) {
    const byName = new Map(shared[kind].map((e) => [e.name, e]));
    for (const e of m[kind]) {
      const s = byName.get(e.name);
      assert.ok(s, `${e.name} is not in the shared manifest`);
      assert.deepEqual({ ...e, file: s.file }, s, `${e.name}: manifest entry`);
      assert.equal(e.file, `${s.file}.gz`);
      assert.ok(unzip(e).equals(readFileSync(path.join(SHARED_REFERENCE, s.file))), `${e.name}: bytes differ from the shared file`);
    }
    const omitted = kind === 'signals' ? m.subset!.omitted_signals : m.subset!.omitted_arrays;
    assert.deepEqual([...m[kind].map((e) => e.name), ...omitted].sort(), [...byName.keys()].sort(), `${kind}: kept + omitted = shared`);
  }
  const { signals, arrays, subset, ...rest } = m;
  const { signals: _s, arrays: _a, ...sharedRest } = shared;
  assert.deepEqual(rest, sharedRest, 'the other manifest fields (feature names, tunings, versions)');
  assert.ok(signals.length && arrays.length && subset);
});
