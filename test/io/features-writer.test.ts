import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { AsciiWriter, formatNumber8, writeFeatures } from '../../src/io/features-writer.ts';
import type { FeatureMatrix } from '../../src/features/types.ts';

const reference = (x: number) => (Number.isFinite(x) ? String(+x.toPrecision(8)) : 'null');

test('formatNumber8 writes what String(+x.toPrecision(8)) writes, for float32 values over 24 decades', () => {
  // A seeded LCG so a failure reproduces.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const values = new Float32Array(200_000);
  for (let i = 0; i < values.length; i++) values[i] = (rand() - 0.5) * 10 ** (rand() * 24 - 10);
  const edges = [0, -0, 1, -1, 10, 100, 1e7, 99999999, 1e-6, 9.9999999e-7, 0.1, 0.30000001, 123456789, 1e15, 2e15, -80, 1e-10, NaN, Infinity, -Infinity, 0.5, 2 ** -20, Math.fround(0.1)];
  const all = [...values, ...edges, ...Array.from({ length: 2000 }, (_, i) => Math.fround(i / 7 - 100))];
  for (const x of all) assert.equal(formatNumber8(x), reference(x), `value ${x}`);
});

test('AsciiWriter writes the same text as formatNumber8, byte for byte, across flushes', async () => {
  let seed = 777;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const values = Array.from({ length: 100_000 }, () => Math.fround((rand() - 0.5) * 10 ** (rand() * 24 - 10)));
  values.push(0, -0, NaN, -Infinity, 1e-7, 5e15, 123456789, -0.000123, 100, 1, 0.1, 99999999.5);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new AsciiWriter(out);
  for (const x of values) {
    w.number8(x);
    w.byte(10);
    await w.maybeFlush();
  }
  w.text('ünï\n');
  await w.flush();
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  assert.ok(chunks.length > 1, 'flushed more than once');
  values.forEach((x, i) => assert.equal(lines[i], formatNumber8(x), `value ${x}`));
  assert.equal(lines[values.length], 'ünï');
});

test('JSON features parse back to the matrix within 8 significant digits', async () => {
  const data = new Float32Array([0, -12.345678, 3.3333333e-7, 1e9, NaN, 42]);
  const f: FeatureMatrix = { set: 'x', sampleRate: 22050, hopSeconds: 0.5, columns: ['a', 'b', 'c'], frames: { rows: 2, cols: 3, data }, times: new Float64Array([0, 0.5]) };
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeFeatures(out, f, 'json');
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { frames: (number | null)[][] };
  const flat = parsed.frames.flat();
  flat.forEach((v, i) => {
    if (Number.isNaN(data[i])) assert.equal(v, null);
    else assert.ok(Math.abs((v as number) - data[i]) <= Math.abs(data[i]) * 1e-7, `${v} vs ${data[i]}`);
  });
});
