/**
 * Writing feature matrices as .npy, CSV or JSON, streamed row by row so that hours of
 * frames never become one giant string.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { FeatureMatrix } from '../features/types.ts';
import { npyHeader } from './npy.ts';

export type FeatureFormat = 'npy' | 'csv' | 'json';
export const FEATURE_FORMATS: readonly FeatureFormat[] = ['npy', 'csv', 'json'];

/** Shortest decimal that survives a float32 round-trip well enough for analysis (8 significant digits). */
const num = (x: number): string => (Number.isFinite(x) ? String(+x.toPrecision(8)) : 'null');

async function write(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Streams `f` to `out` in `format`. Does not end `out`. */
export async function writeFeatures(out: Writable, f: FeatureMatrix, format: FeatureFormat): Promise<void> {
  const { rows, cols, data } = f.frames;
  if (format === 'npy') {
    await write(out, npyHeader([rows, cols]));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Typed arrays are little-endian on every platform Node supports.
    await write(out, bytes);
    return;
  }
  if (format === 'csv') {
    await write(out, ['time', ...f.columns].map(csvField).join(',') + '\n');
    let block = '';
    for (let r = 0; r < rows; r++) {
      let line = num(r * f.hopSeconds);
      for (let c = 0; c < cols; c++) line += ',' + num(data[r * cols + c]);
      block += line + '\n';
      if (block.length > 1 << 16) {
        await write(out, block);
        block = '';
      }
    }
    if (block) await write(out, block);
    return;
  }
  await write(out, `{"set":${JSON.stringify(f.set)},"sampleRate":${f.sampleRate},"hopSeconds":${f.hopSeconds},"columns":${JSON.stringify(f.columns)},"frames":[`);
  let block = '';
  for (let r = 0; r < rows; r++) {
    const vals: string[] = new Array(cols);
    for (let c = 0; c < cols; c++) vals[c] = num(data[r * cols + c]);
    block += (r ? ',' : '') + '[' + vals.join(',') + ']';
    if (block.length > 1 << 16) {
      await write(out, block);
      block = '';
    }
  }
  await write(out, block + ']}\n');
}

/** Writes `f` to a file at `path`. */
export async function writeFeaturesFile(path: string, f: FeatureMatrix, format: FeatureFormat): Promise<void> {
  const out = createWriteStream(path);
  try {
    await writeFeatures(out, f, format);
  } finally {
    out.end();
  }
  await once(out, 'close');
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
