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

const POWERS_OF_10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * `x` to 8 significant digits without trailing zeros, as `String(+x.toPrecision(8))` gives it
 * (enough for a float32 value in analysis); non-finite values become `null`. Written out with
 * integer arithmetic because toPrecision took a quarter of a whole `sentio features --format
 * json` run; the test checks the two agree.
 */
export function formatNumber8(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  // Outside this range exponent notation appears; leave it to toPrecision.
  if (ax < 1e-6 || ax >= 1e15) return String(+x.toPrecision(8));
  let decimals = 7 - Math.floor(Math.log10(ax));
  const scaled = (d: number) => (d >= 0 ? Math.round(ax * POWERS_OF_10[d]) : Math.round(ax / POWERS_OF_10[-d]));
  let digits = scaled(decimals);
  // log10 can be off by one next to a power of ten: keep exactly 8 digits.
  if (digits >= 1e8) digits = scaled(--decimals);
  else if (digits < 1e7) digits = scaled(++decimals);
  const sign = x < 0 ? '-' : '';
  if (decimals <= 0) return sign + String(digits * POWERS_OF_10[-decimals]);
  while (decimals > 0 && digits % 10 === 0) {
    digits /= 10;
    decimals--;
  }
  const s = String(digits);
  if (decimals === 0) return sign + s;
  if (s.length <= decimals) return `${sign}0.${'0'.repeat(decimals - s.length)}${s}`;
  return `${sign}${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}
const num = formatNumber8;

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
