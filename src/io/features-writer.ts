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
 * Sign, significant digits (trailing zeros removed) and decimal places of `x` rounded to 8
 * significant digits, or null where exponent notation would appear (|x| < 1e-6 or ≥ 1e15) or
 * x is 0 or not finite. Integer arithmetic: toPrecision took a quarter of a whole
 * `sentio features --format json` run.
 */
function digits8(x: number, out: { digits: number; decimals: number }): boolean {
  const ax = Math.abs(x);
  if (!(ax >= 1e-6 && ax < 1e15)) return false;
  let decimals = 7 - Math.floor(Math.log10(ax));
  const scaled = (d: number) => (d >= 0 ? Math.round(ax * POWERS_OF_10[d]) : Math.round(ax / POWERS_OF_10[-d]));
  let digits = scaled(decimals);
  // log10 can be off by one next to a power of ten: keep exactly 8 digits.
  if (digits >= 1e8) digits = scaled(--decimals);
  else if (digits < 1e7) digits = scaled(++decimals);
  if (decimals <= 0) {
    digits *= POWERS_OF_10[-decimals];
    decimals = 0;
  } else {
    while (decimals > 0 && digits % 10 === 0) {
      digits /= 10;
      decimals--;
    }
  }
  out.digits = digits;
  out.decimals = decimals;
  return true;
}

const scratch = { digits: 0, decimals: 0 };

/**
 * Writes `x` to 8 significant digits without trailing zeros, as `String(+x.toPrecision(8))`
 * gives it (enough for a float32 value in analysis; non-finite values become `null`), into `b`
 * at `pos`, which must have 32 bytes free; returns the position after it. The one rendering
 * behind both {@link formatNumber8} and {@link AsciiWriter.number8}.
 */
function putNumber8(b: Buffer, pos: number, x: number): number {
  if (!Number.isFinite(x)) return pos + b.write('null', pos, 'latin1');
  if (x === 0) {
    b[pos] = 48;
    return pos + 1;
  }
  if (!digits8(x, scratch)) return pos + b.write(String(+x.toPrecision(8)), pos, 'latin1');
  if (x < 0) b[pos++] = 45; // '-'
  let { digits } = scratch;
  const { decimals } = scratch;
  let length = 1;
  while (POWERS_OF_10[length] <= digits) length++;
  const count = Math.max(length, decimals + 1);
  const width = count + (decimals > 0 ? 1 : 0);
  // Digits from the last one back; the decimal point sits `decimals` digits from the end.
  let p = pos + width - 1;
  for (let i = 0; i < count; i++) {
    if (decimals > 0 && i === decimals) b[p--] = 46; // '.'
    const d = digits % 10;
    b[p--] = 48 + d;
    digits = (digits - d) / 10;
  }
  return pos + width;
}

const numberBuf = Buffer.alloc(32);

/**
 * `x` to 8 significant digits without trailing zeros, as `String(+x.toPrecision(8))` gives it
 * (enough for a float32 value in analysis); non-finite values become `null`.
 */
export function formatNumber8(x: number): string {
  return numberBuf.toString('latin1', 0, putNumber8(numberBuf, 0, x));
}

/**
 * ASCII text built straight into a byte buffer and flushed to a stream in large blocks: the
 * JSON/CSV of a 3-minute log-mel spectrogram is a million numbers, and building strings for
 * them (then encoding those) took a fifth of the whole command's time.
 */
export class AsciiWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  constructor(private readonly out: Writable) {}

  text(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) this.grow(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  byte(c: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }

  /** {@link formatNumber8}'s text of `x`, written without making a string. */
  number8(x: number): void {
    if (this.pos + 32 > this.buf.length) this.grow(32);
    this.pos = putNumber8(this.buf, this.pos, x);
  }

  /** Hands the bytes so far to the stream when the buffer is full enough (waits for drain). */
  async maybeFlush(): Promise<void> {
    if (this.pos >= 1 << 19) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    // A copy: the stream may still hold the slice when the buffer is refilled.
    await write(this.out, Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

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
  const w = new AsciiWriter(out);
  if (format === 'csv') {
    w.text(['time', ...f.columns].map(csvField).join(',') + '\n');
    for (let r = 0; r < rows; r++) {
      w.number8(r * f.hopSeconds);
      for (let c = 0; c < cols; c++) {
        w.byte(44); // ','
        w.number8(data[r * cols + c]);
      }
      w.byte(10);
      await w.maybeFlush();
    }
    await w.flush();
    return;
  }
  w.text(`{"set":${JSON.stringify(f.set)},"sampleRate":${f.sampleRate},"hopSeconds":${f.hopSeconds},"columns":${JSON.stringify(f.columns)},"frames":[`);
  for (let r = 0; r < rows; r++) {
    if (r) w.byte(44);
    w.byte(91); // '['
    for (let c = 0; c < cols; c++) {
      if (c) w.byte(44);
      w.number8(data[r * cols + c]);
    }
    w.byte(93); // ']'
    await w.maybeFlush();
  }
  w.text(']}\n');
  await w.flush();
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
