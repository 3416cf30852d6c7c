import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { audioCacheKey, cachedFeatures, featureCacheFolder } from '../../src/data/feature-cache.ts';
import { getFeatureSet } from '../../src/features/index.ts';

const fixture = new URL('../fixtures/emomusic/3.mp3', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'sentio-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('feature cache: keyed by the audio bytes, so a copied or touched file reuses its entry and an edited one does not', async () => {
  const set = getFeatureSet('sentio-frames');
  const cacheDir = path.join(dir, 'cache');
  const entries = () => readdirSync(path.join(cacheDir, featureCacheFolder(set))).filter((f) => f.endsWith('.npy'));
  const a = path.join(dir, 'a.mp3');
  copyFileSync(fixture, a);
  const first = await cachedFeatures(a, set, cacheDir);
  assert.equal(entries().length, 1);

  // Elsewhere, with another modification time: the same entry, the same values.
  const b = path.join(dir, 'moved', 'b.mp3');
  mkdirSync(path.dirname(b), { recursive: true });
  copyFileSync(a, b);
  utimesSync(b, new Date(2001, 0, 1), new Date(2001, 0, 1));
  assert.equal(await audioCacheKey(b), await audioCacheKey(a));
  const second = await cachedFeatures(b, set, cacheDir);
  assert.equal(entries().length, 1);
  assert.deepEqual([second.rows, second.cols], [first.rows, first.cols]);
  assert.deepEqual(second.data, first.data);

  // One byte changed (the last one, inside the final MP3 frame): a new key and a new entry.
  const bytes = readFileSync(b);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(b, bytes);
  assert.notEqual(await audioCacheKey(b), await audioCacheKey(a));
  await cachedFeatures(b, set, cacheDir);
  assert.equal(entries().length, 2);
});

test('feature cache: each revision of a feature set and each speed copy has its own folder', () => {
  assert.equal(featureCacheFolder({ name: 'pyaa68' }), 'pyaa68');
  assert.equal(featureCacheFolder({ name: 'x', revision: 1 }), 'x');
  assert.equal(featureCacheFolder({ name: 'sentio-voice', revision: 2 }), 'sentio-voice.r2');
  assert.equal(featureCacheFolder({ name: 'sentio-voice', revision: 2 }, 1.0667), 'sentio-voice.r2@speed16-15');
  // The sets the default model reads are at revision 2 (band 0–8 kHz): never the old entries.
  assert.equal(featureCacheFolder(getFeatureSet('sentio-voice')), 'sentio-voice.r2');
});
