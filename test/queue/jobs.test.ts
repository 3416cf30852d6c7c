/**
 * The pieces of a job that need no Redis: ids from absolute paths, queue names, manifests and the
 * file list of `queue add`, `--path-map`, and how a record read through a mapped path is renamed
 * back to the queued path.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { collectFiles, manifestPaths } from '../../src/queue/add.ts';
import { checkQueueName, jobIdFor, mapPath, parsePathMap } from '../../src/queue/jobs.ts';
import { asQueued } from '../../src/queue/worker.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sentio-jobs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('job ids: a function of the absolute path only; never containing ":" nor all digits (BullMQ refuses those)', () => {
  const a = jobIdFor('/music/a.mp3');
  assert.equal(a, jobIdFor('/music/a.mp3'));
  assert.match(a, /^f[0-9a-f]{32}$/);
  assert.notEqual(a, jobIdFor('/music/a.mp3 '));
  assert.notEqual(a, jobIdFor('/Music/a.mp3'));
  const ids = new Set(Array.from({ length: 10000 }, (_, i) => jobIdFor(`/library/${i}.flac`)));
  assert.equal(ids.size, 10000);
});

test('queue names: letters, digits, . _ -', () => {
  assert.equal(checkQueueName('radio-archive_2.v1'), 'radio-archive_2.v1');
  for (const bad of ['', 'a:b', 'a b', 'x'.repeat(101), 'ü']) assert.throws(() => checkQueueName(bad), /--queue/, bad);
});

test('manifests: one path per line, relative to the manifest, comments and blank lines skipped, CRLF accepted', () => {
  const m = path.join(dir, 'lists', 'm.txt');
  assert.deepEqual(manifestPaths('a.mp3\r\n\r\n# a comment\n  ../b/c.flac  \n/abs/d.wav\n', m), [path.join(dir, 'lists', 'a.mp3'), path.join(dir, 'b', 'c.flac'), '/abs/d.wav']);
});

test('queue add file list: files, folders and manifests, absolute, each once, in order; missing files kept', async () => {
  const lib = path.join(dir, 'lib');
  mkdirSync(path.join(lib, 'cd2'), { recursive: true });
  for (const f of ['a.mp3', 'cover.jpg', 'cd2/b.flac']) writeFileSync(path.join(lib, f), '');
  const manifest = path.join(dir, 'more.txt');
  writeFileSync(manifest, 'lib/a.mp3\nelsewhere/gone.ogg\nlib/cd2\n');
  const files = await collectFiles([path.relative(process.cwd(), lib), manifest]);
  assert.deepEqual(files, [path.join(lib, 'a.mp3'), path.join(lib, 'cd2', 'b.flac'), path.join(dir, 'elsewhere', 'gone.ogg')]);
  // A .txt that is not a file is an input like any other (kept as given: the worker reports it).
  assert.deepEqual(await collectFiles([path.join(dir, 'nope.txt')]), [path.join(dir, 'nope.txt')]);
});

test('--path-map: FROM=TO (a trailing separator dropped); a path is mapped only at or below FROM', () => {
  const maps = [parsePathMap('/mnt/music/=/data/music'), parsePathMap('/srv=/x')];
  assert.deepEqual(maps[0], { from: '/mnt/music', to: '/data/music' });
  assert.equal(mapPath('/mnt/music/a/b.mp3', maps), '/data/music/a/b.mp3');
  assert.equal(mapPath('/mnt/musicbox/b.mp3', maps), '/mnt/musicbox/b.mp3');
  assert.equal(mapPath('/mnt/music', maps), '/data/music');
  assert.equal(mapPath('/srv/c.wav', maps), '/x/c.wav');
  assert.equal(mapPath('/other/c.wav', maps), '/other/c.wav');
  for (const bad of ['/a', '=/b', '/a=', 'rel=/b', '/a=rel']) assert.throws(() => parsePathMap(bad), /--path-map/, bad);
});

test('a record read through a mapped path names the queued path, in its error too', () => {
  const ok = { file: '/data/a.mp3', duration: 1, hopSeconds: 0.5, timeline: [], silence: [], summary: { valence: 0, arousal: 0, quadrant: null, quadrantProbabilities: null, tempo: null, color: '#595959' } };
  assert.deepEqual(asQueued(ok, '/mnt/a.mp3', '/data/a.mp3'), { ...ok, file: '/mnt/a.mp3' });
  assert.deepEqual(asQueued({ file: '/data/a.mp3', error: '/data/a.mp3: file not found' }, '/mnt/a.mp3', '/data/a.mp3'), { file: '/mnt/a.mp3', error: '/mnt/a.mp3: file not found' });
  assert.equal(asQueued(ok, '/data/a.mp3', '/data/a.mp3'), ok);
});
