import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { expandInputs } from '../../src/cli/inputs.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sentio-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a folder is searched even when named like an audio file; one so named without audio is kept as given', async () => {
  const album = path.join(dir, 'album.flac');
  mkdirSync(path.join(album, 'cd1'), { recursive: true });
  writeFileSync(path.join(album, 'cd1', 'b.mp3'), '');
  writeFileSync(path.join(album, 'a.wav'), '');
  writeFileSync(path.join(album, 'cover.jpg'), '');
  assert.deepEqual(await expandInputs([album]), {
    files: [
      { path: path.join(album, 'a.wav'), relative: 'a.wav' },
      { path: path.join(album, 'cd1', 'b.mp3'), relative: path.join('cd1', 'b.mp3') },
    ],
    fromFolder: true,
  });

  const meantAsFile = path.join(dir, 'x.mp3');
  mkdirSync(meantAsFile);
  writeFileSync(path.join(meantAsFile, 'notes.txt'), '');
  assert.deepEqual(await expandInputs([meantAsFile]), { files: [{ path: meantAsFile, relative: 'x.mp3' }], fromFolder: false });

  const plain = path.join(dir, 'empty');
  mkdirSync(plain);
  assert.deepEqual(await expandInputs([plain]), { files: [], fromFolder: true });
  // Files are kept as given, missing or not.
  assert.deepEqual(await expandInputs([path.join(dir, 'gone.ogg')]), { files: [{ path: path.join(dir, 'gone.ogg'), relative: 'gone.ogg' }], fromFolder: false });
});
