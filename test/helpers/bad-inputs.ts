/**
 * The damaged and unusual inputs the CLI tests feed `sentio features` / `sentio analyze`,
 * written once into a temp folder (test/cli/bad-input.test.ts checks the README table row by
 * row with them, test/cli/features.test.ts the one-line error format).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, sine } from './wav.ts';

export const CLIP = fileURLToPath(new URL('../fixtures/emomusic/3.mp3', import.meta.url));

export interface BadInputs {
  missing: string;
  empty: string;
  truncatedMp3: string;
  corruptMp3: string;
  truncatedWav: string;
  headerOnlyWav: string;
  mp3NamedWav: string;
  textNamedMp3: string;
  adpcm: string;
  nan: string;
  inf: string;
  short: string;
}

/** Writes the files into `dir` (which must exist); `missing` is a path that is not written. */
export function writeBadInputs(dir: string): BadInputs {
  const mp3 = readFileSync(CLIP);
  const file = (name: string, data: Uint8Array | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  // 1 s of 16-bit mono at 22.05 kHz declares 44100 data bytes; 5000 bytes hold 4956 after the 44-byte header.
  const wav = encodeWav([sine(440, 22050, 1)], 22050);
  // Every 7th byte from 115000 on flipped: 137030 bytes no longer parse as MPEG frames.
  const corrupt = Buffer.from(mp3);
  for (let i = 115000; i < corrupt.length; i += 7) corrupt[i] ^= 0x5a;
  const adpcm = encodeWav([sine(440, 22050, 1)], 22050);
  new DataView(adpcm.buffer).setUint16(20, 0x0011, true); // the fmt chunk's format tag
  // Sample 110 at 22.05 kHz is 0.00499 s, printed as 0.005 s.
  const withSample = (value: number) => {
    const y = sine(440, 22050, 1);
    y[110] = value;
    return encodeWav([y], 22050, 'float32');
  };
  return {
    missing: path.join(dir, 'missing.mp3'),
    empty: file('empty.mp3', ''),
    // 300000 of the clip's bytes end inside the frame after 23.69 s of audio.
    truncatedMp3: file('truncated.mp3', mp3.subarray(0, 300000)),
    corruptMp3: file('corrupt.mp3', corrupt),
    truncatedWav: file('truncated.wav', wav.subarray(0, 5000)),
    headerOnlyWav: file('header-only.wav', wav.subarray(0, 44)),
    mp3NamedWav: file('really-an-mp3.wav', mp3),
    textNamedMp3: file('liner-notes.mp3', 'these are liner notes, not audio\n'.repeat(50)),
    adpcm: file('adpcm.wav', adpcm),
    nan: file('nan.wav', withSample(Number.NaN)),
    inf: file('inf.wav', withSample(Number.POSITIVE_INFINITY)),
    short: file('short.wav', encodeWav([sine(440, 22050, 0.2)], 22050)),
  };
}
