import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WavFormatError, WavStreamDecoder } from '../../src/audio/wav.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import type { WavHeader } from '../../src/audio/integrity.ts';

// ---- A byte-level RIFF builder: every chunk, size field and pad byte is written here, so
// each layout a decoder can meet is spelled out in the test that uses it.

interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size field to write instead of body.length (0 / 0xFFFFFFFF for streaming writers). */
  sizeField?: number;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** RIFF/WAVE file of `chunks` in order, each followed by a pad byte when its body is odd-sized. */
function riff(chunks: Chunk[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    const head = new Uint8Array(8);
    head.set(ascii(c.id));
    new DataView(head.buffer).setUint32(4, c.sizeField ?? c.body.length, true);
    parts.push(head, c.body);
    if (c.body.length & 1) parts.push(new Uint8Array(1));
  }
  const bodyBytes = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(12 + bodyBytes);
  out.set(ascii('RIFF'));
  new DataView(out.buffer).setUint32(4, 4 + bodyBytes, true);
  out.set(ascii('WAVE'), 8);
  let o = 12;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

type SampleType = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';
const BITS: Record<SampleType, number> = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 };
const isFloat = (t: SampleType) => t === 'f32' || t === 'f64';

interface FmtOptions {
  channels?: number;
  sampleRate?: number;
  /** WAVE_FORMAT_EXTENSIBLE (40-byte fmt with a sub-format GUID). */
  extensible?: boolean;
  /** 18-byte fmt ending in cbSize = 0, as sox writes for float. */
  cbSize?: boolean;
  formatTag?: number;
}

function fmt(type: SampleType, o: FmtOptions = {}): Chunk {
  const channels = o.channels ?? 1;
  const sampleRate = o.sampleRate ?? 22050;
  const bits = BITS[type];
  const size = o.extensible ? 40 : o.cbSize ? 18 : 16;
  const body = new Uint8Array(size);
  const v = new DataView(body.buffer);
  const code = isFloat(type) ? 3 : 1;
  v.setUint16(0, o.formatTag ?? (o.extensible ? 0xfffe : code), true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, (sampleRate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  if (o.extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint32(20, 0, true);
    // Sub-format GUID 0000000X-0000-0010-8000-00AA00389B71, X = the format code.
    v.setUint32(24, code, true);
    body.set([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 28);
  }
  return { id: 'fmt ', body };
}

/** Interleaved little-endian sample bytes: frames[f][c] (integers for PCM, numbers for float). */
function samples(type: SampleType, frames: number[][]): Uint8Array {
  const bytesPer = BITS[type] / 8;
  const out = new Uint8Array(frames.length * (frames[0]?.length ?? 0) * bytesPer);
  const v = new DataView(out.buffer);
  let o = 0;
  for (const frame of frames) {
    for (const x of frame) {
      switch (type) {
        case 'u8': v.setUint8(o, x); break;
        case 's16': v.setInt16(o, x, true); break;
        case 's24': v.setUint8(o, x & 0xff); v.setUint8(o + 1, (x >> 8) & 0xff); v.setUint8(o + 2, (x >> 16) & 0xff); break;
        case 's32': v.setInt32(o, x, true); break;
        case 'f32': v.setFloat32(o, x, true); break;
        case 'f64': v.setFloat64(o, x, true); break;
      }
      o += bytesPer;
    }
  }
  return out;
}

/** Offset of the first data byte in riff(chunks): the RIFF header, then each chunk before data with its pad byte. */
function dataOffsetOf(chunks: Chunk[]): number {
  let o = 12;
  for (const c of chunks) {
    if (c.id === 'data') return o + 8;
    o += 8 + c.body.length + (c.body.length & 1);
  }
  throw new Error('no data chunk');
}

const chunk = (id: string, length: number, fill = 0x41): Chunk => ({ id, body: new Uint8Array(length).fill(fill) });
const data = (body: Uint8Array, sizeField?: number): Chunk => ({ id: 'data', body, sizeField });

/** Raw values with the exact float32 soundfile gives for each (see src/audio/wav.ts). */
const VALUES: Record<SampleType, { raw: number[]; expected: (x: number) => number }> = {
  u8: { raw: [0, 255, 128, 1, 127, 129, 200], expected: (u) => (u - 128) / 128 },
  s16: { raw: [21130, -32768, 32767, 0, -1, 1, -21130], expected: (s) => Math.fround(s / 32768) },
  s24: { raw: [-8388608, 8388607, 0, -1, 1, 0x123456, -0x123456], expected: (s) => Math.fround(s / 8388608) },
  s32: { raw: [-2147483648, 2147483647, 0, -1, 1, 123456789, -123456789], expected: (s) => Math.fround(s / 2147483648) },
  f32: { raw: [0.5, -1, 1.5, -0, 1e-40, 3.4e38, Math.fround(0.1)], expected: Math.fround },
  f64: { raw: [0.1, -0.7, 1e-300, 1 / 3, -2.5, 1e-40, 0], expected: Math.fround },
};
const TYPES = Object.keys(VALUES) as SampleType[];

interface Decoded {
  channels: Float32Array[];
  sampleRate: number;
  header: WavHeader;
}

/** Decodes `file` pushed in pieces of the given sizes (the last one repeats), concatenating the output. */
function decodePieces(file: Uint8Array, sizes: () => number = () => file.length): Decoded {
  const d = new WavStreamDecoder();
  const parts: Float32Array[][] = [];
  let rate = 0;
  for (let i = 0; i < file.length; ) {
    const n = Math.max(1, sizes());
    const out = d.push(file.subarray(i, i + n));
    i += n;
    if (out) {
      parts.push(out.channelData);
      rate = out.sampleRate;
      assert.ok(out.channelData.every((c) => c.length === out.channelData[0].length), 'channels equally long');
    }
  }
  d.finish();
  const nch = d.header!.channels;
  const channels = Array.from({ length: nch }, (_, c) => {
    const n = parts.reduce((s, p) => s + p[c].length, 0);
    const out = new Float32Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p[c], o);
      o += p[c].length;
    }
    return out;
  });
  return { channels, sampleRate: rate || d.header!.sampleRate, header: d.header! };
}

/** Same float32 bit patterns (tells −0 from 0, no NaN subtleties). */
function assertSameBits(actual: Float32Array, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const want = new Uint32Array(Float32Array.from(expected).buffer);
  const got = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `${label}[${i}]: got ${actual[i]}, want ${Float32Array.from(expected)[i]}`);
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- Sample conversion: soundfile's, exactly.

test('PCM 16-bit divides by 32768 as soundfile does, not by 32767 (the library scaling this decoder replaces)', () => {
  const out = decodePieces(riff([fmt('s16'), data(samples('s16', [[21130], [-32768], [32767]]))])).channels[0];
  assert.equal(out[0], Math.fround(21130 / 32768));
  assert.equal(out[0].toFixed(6), '0.644836');
  assert.notEqual(out[0], Math.fround(21130 / 32767));
  assert.equal(out[1], -1);
  assert.equal(out[2], Math.fround(32767 / 32768));
});

test('PCM 8-bit is unsigned: 0 → −1, 128 → 0, 255 → 127/128', () => {
  const out = decodePieces(riff([fmt('u8'), data(samples('u8', [[0], [128], [255]]))])).channels[0];
  assert.deepEqual(Array.from(out), [-1, 0, 127 / 128]);
});

test('24- and 32-bit extremes: −2^(bits−1) → −1, the largest value → (2^(bits−1) − 1)/2^(bits−1) rounded to float32', () => {
  const s24 = decodePieces(riff([fmt('s24'), data(samples('s24', [[-8388608], [8388607]]))])).channels[0];
  assert.deepEqual(Array.from(s24), [-1, 8388607 / 8388608]);
  const s32 = decodePieces(riff([fmt('s32'), data(samples('s32', [[-2147483648], [2147483647], [-1]]))])).channels[0];
  // float32 has 24 significant bits: libsndfile's (float) cast of 2^31 − 1 is 2^31, so 1.0.
  assert.deepEqual(Array.from(s32), [-1, 1, -1 / 2147483648]);
});

for (const type of TYPES) {
  for (const extensible of [false, true]) {
    if (extensible && type === 'u8') continue;
    test(`${type}${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}: every value decodes to soundfile's float32`, () => {
      const { raw, expected } = VALUES[type];
      const d = decodePieces(riff([fmt(type, { extensible }), data(samples(type, raw.map((x) => [x])))]));
      assert.equal(d.header.formatTag, isFloat(type) ? 3 : 1);
      assert.equal(d.sampleRate, 22050);
      assertSameBits(d.channels[0], raw.map(expected), type);
    });
  }
}

test('multi-channel frames are de-interleaved: 3-channel 16-bit, stereo 24-bit, 6-channel float64', () => {
  const three = Array.from({ length: 50 }, (_, f) => [f * 600 - 15000, (-f * 7) | 0, f % 2 ? 32767 : -32768]);
  const d3 = decodePieces(riff([fmt('s16', { channels: 3 }), data(samples('s16', three))]));
  assert.equal(d3.channels.length, 3);
  for (let c = 0; c < 3; c++) assertSameBits(d3.channels[c], three.map((fr) => fr[c] / 32768), `ch${c}`);
  const two = Array.from({ length: 33 }, (_, f) => [f * 250000 - 8388608, 8388607 - f * 3]);
  const d2 = decodePieces(riff([fmt('s24', { channels: 2, extensible: true }), data(samples('s24', two))]));
  for (let c = 0; c < 2; c++) assertSameBits(d2.channels[c], two.map((fr) => fr[c] / 8388608), `24-bit ch${c}`);
  const six = Array.from({ length: 17 }, (_, f) => Array.from({ length: 6 }, (_, c) => Math.sin(f + c * 0.1) * (c + 1) * 0.1));
  const d6 = decodePieces(riff([fmt('f64', { channels: 6 }), data(samples('f64', six))]));
  for (let c = 0; c < 6; c++) assertSameBits(d6.channels[c], six.map((fr) => fr[c]), `f64 ch${c}`);
});

// ---- Chunk layouts.

const LAYOUTS: [string, (f: Chunk, d: Chunk) => Chunk[]][] = [
  ['fmt then data (44-byte header)', (f, d) => [f, d]],
  ['odd-sized LIST before fmt (pad byte)', (f, d) => [chunk('LIST', 13), f, d]],
  ['fact and cue after fmt', (f, d) => [f, chunk('fact', 4, 0), chunk('cue ', 28, 0), d]],
  ['JUNK, bext (odd size) and an unknown odd chunk', (f, d) => [chunk('JUNK', 28, 0), f, chunk('bext', 603), chunk('xyz1', 7), d]],
  ['18-byte fmt and fact, as sox writes float (data at byte 58)', (f, d) => [{ ...f, body: Uint8Array.from([...f.body, 0, 0]) }, chunk('fact', 4, 0), d]],
];

for (const [label, layout] of LAYOUTS) {
  test(`chunk layout — ${label}: every sample type decodes the same values`, () => {
    for (const type of TYPES) {
      const { raw, expected } = VALUES[type];
      const chunks = layout(fmt(type, { channels: 2 }), data(samples(type, raw.map((x, i) => [x, raw[raw.length - 1 - i]]))));
      const d = decodePieces(riff(chunks));
      assert.equal(d.header.dataOffset, dataOffsetOf(chunks), `${type}: data offset`);
      assertSameBits(d.channels[0], raw.map(expected), `${type} left`);
      assertSameBits(d.channels[1], raw.map((_, i) => expected(raw[raw.length - 1 - i])), `${type} right`);
    }
  });
}

test('data at every offset modulo 8 (after a JUNK chunk of 0 to 8 bytes), float data included', () => {
  const offsets = new Set<number>();
  for (let junk = 0; junk <= 8; junk++) {
    for (const type of ['f32', 'f64', 's24', 's16'] as const) {
      const { raw, expected } = VALUES[type];
      const d = decodePieces(riff([fmt(type), chunk('JUNK', junk, 0), data(samples(type, raw.map((x) => [x])))]));
      offsets.add(d.header.dataOffset % 8);
      assertSameBits(d.channels[0], raw.map(expected), `${type}, ${junk}-byte JUNK`);
    }
  }
  assert.deepEqual([...offsets].sort(), [0, 2, 4, 6]);
});

test('data size 0 or 0xFFFFFFFF (streaming writers): read to the end, a final partial frame dropped', () => {
  const frames = Array.from({ length: 20 }, (_, f) => [f * 1000 - 9000, -f | 0]);
  for (const sizeField of [0, 0xffffffff]) {
    const whole = riff([fmt('s16', { channels: 2 }), data(samples('s16', frames), sizeField)]);
    const withPartial = Uint8Array.from([...whole, 0x12, 0x34, 0x56]);
    for (const file of [whole, withPartial]) {
      const d = decodePieces(file, () => 7);
      assert.equal(d.header.declaredDataBytes, null);
      assertSameBits(d.channels[0], frames.map((f) => f[0] / 32768), `size field ${sizeField}`);
      assertSameBits(d.channels[1], frames.map((f) => f[1] / 32768), `size field ${sizeField}`);
    }
  }
});

test('chunks after data are ignored, also after an odd-sized data chunk and its pad byte', () => {
  const u8 = [0, 255, 128, 64, 192];
  const d = decodePieces(riff([fmt('u8'), data(samples('u8', u8.map((x) => [x]))), chunk('LIST', 30), chunk('id3 ', 11, 0xff)]));
  assertSameBits(d.channels[0], u8.map((u) => (u - 128) / 128), 'u8');
  const f = [0.25, -0.5, 0.75];
  const d2 = decodePieces(riff([fmt('f32'), data(samples('f32', f.map((x) => [x]))), chunk('cue ', 28, 0x7f)]));
  assertSameBits(d2.channels[0], f, 'f32');
});

test('1-byte pushes, seeded random-sized pushes and pushes at odd byte offsets give identical output', () => {
  const frames = Array.from({ length: 301 }, (_, f) => [Math.round(8388607 * Math.sin(f * 0.05)), (-f * 27000) | 0, f % 3 ? 8388607 : -8388608]);
  const file = riff([chunk('LIST', 13), fmt('s24', { channels: 3, extensible: true }), chunk('fact', 4, 0), chunk('bext', 603), data(samples('s24', frames)), chunk('LIST', 9)]);
  const whole = decodePieces(file);
  for (let c = 0; c < 3; c++) assertSameBits(whole.channels[c], frames.map((f) => f[c] / 8388608), `ch${c}`);
  const single = decodePieces(file, () => 1);
  const rand = mulberry32(20);
  const random = decodePieces(file, () => 1 + Math.floor(rand() * 37));
  // Every push a view at an odd offset of a larger buffer.
  const shifted = new Uint8Array(file.length + 1);
  shifted.set(file, 1);
  const odd = decodePieces(shifted.subarray(1), () => 5);
  for (const [label, d] of [['1-byte', single], ['random', random], ['odd offset', odd]] as const) {
    assert.equal(d.channels.length, 3);
    for (let c = 0; c < 3; c++) assert.deepEqual(d.channels[c], whole.channels[c], `${label} ch${c}`);
  }
  // Float64 frames (24 bytes for 3 channels) split everywhere too.
  const ff = Array.from({ length: 40 }, (_, f) => [Math.sin(f), Math.cos(f), f / 40]);
  const ffile = riff([fmt('f64', { channels: 3, cbSize: true }), chunk('fact', 4, 0), data(samples('f64', ff))]);
  const fw = decodePieces(ffile);
  const fr = mulberry32(7);
  const fs = decodePieces(ffile, () => 1 + Math.floor(fr() * 30));
  for (let c = 0; c < 3; c++) {
    assertSameBits(fw.channels[c], ff.map((f) => f[c]), `f64 ch${c}`);
    assert.deepEqual(fs.channels[c], fw.channels[c]);
  }
});

// ---- Damaged and unsupported files.

test('damaged and unsupported files fail with one-line reasons', () => {
  const good = samples('s16', [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]]);
  const decodeAll = (file: Uint8Array, piece = file.length) => decodePieces(file, () => piece);
  const rejects = (file: Uint8Array, reason: RegExp, piece?: number) =>
    assert.throws(() => decodeAll(file, piece), (e: unknown) => e instanceof WavFormatError && reason.test(e.message) && !e.message.includes('\n'));
  rejects(riff([data(good), fmt('s16')]), /^corrupt WAV header \(WAV data chunk before its fmt chunk\)$/);
  rejects(riff([{ id: 'fmt ', body: new Uint8Array(14) }, data(good)]), /^corrupt WAV header \(fmt chunk of 14 bytes/);
  const notWave = riff([fmt('s16'), data(good)]);
  notWave.set(ascii('AVI '), 8);
  rejects(notWave, /^corrupt WAV header \(RIFF file is not WAVE\)$/);
  rejects(riff([fmt('s16', { formatTag: 0x11 }), data(good)]), /^unsupported WAV codec: IMA ADPCM \(format tag 0x0011\)/);
  // Extensible with sub-format 7: the GUID's first byte is at 12 + 8 + 24.
  rejects(riff([fmt('s16', { extensible: true }), data(good)]).map((b, i) => (i === 44 ? 7 : b)), /^unsupported WAV codec: µ-law/);
  const file = riff([chunk('LIST', 100), fmt('s16'), data(good)]);
  rejects(file.subarray(0, 120), /^truncated WAV: the header is incomplete$/, 1);
  const header = file.length - good.length;
  rejects(file.subarray(0, header + 13), new RegExp(`^truncated WAV: header declares 20 data bytes, file holds 13$`), 3);
});

// ---- Through decodeAudio (the path every command takes).

test('decodeAudio: 16-bit WAV samples come out as s/32768, and a header past the first 4 KiB read is found', async () => {
  const file = riff([chunk('LIST', 300001), fmt('s16'), data(samples('s16', [[21130], [-32768], [32767], [-21130]]))]);
  async function* pieces() {
    for (let i = 0; i < file.length; i += 4096) yield file.slice(i, i + 4096);
  }
  const a = await decodeAudio(pieces(), { sampleRate: null });
  assert.equal(a.format, 'wav');
  assert.equal(a.sampleRate, 22050);
  assertSameBits(a.samples, [21130, -32768, 32767, -21130].map((s) => s / 32768), 'samples');
  await assert.rejects(decodeAudio(file.subarray(0, file.length - 3), { name: 'cut.wav' }), /^AudioInputError: cut\.wav: truncated WAV: header declares 8 data bytes, file holds 5$/);
});

// ---- Files written by sox (an independent writer; its float dump is an independent reader).

const soxMissing = spawnSync('sox', ['--version']).error !== undefined;

function sox(...args: string[]): void {
  const r = spawnSync('sox', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `sox ${args.join(' ')}: ${r.stderr}`);
}

/** sox's own float32 reading of a file (it maps integers by the same 2^(bits−1) as libsndfile). */
function soxFloats(file: string): Float32Array {
  const raw = `${file}.f32`;
  sox(file, '-t', 'raw', '-e', 'floating-point', '-b', '32', raw);
  const b = readFileSync(raw);
  return Float32Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(4 * i));
}

test('real sox files: 32-bit float (18-byte fmt + fact, data at byte 58), 16-bit stereo and 24-bit extensible with extremes, 8-bit', { skip: soxMissing && 'sox not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentio-wav-'));
  try {
    const float = path.join(dir, 'f.wav');
    sox('-n', '-r', '22050', '-e', 'floating-point', '-b', '32', float, 'synth', '3', 'sine', '440');
    const fbytes = readFileSync(float);
    assert.equal(fbytes.indexOf('fact'), 38, 'sox wrote a fact chunk after an 18-byte fmt');
    assert.equal(fbytes.indexOf('data') + 8, 58);

    // Integers with both extremes, written as raw and wrapped by sox.
    const ints = (bits: number) => {
      const max = 2 ** (bits - 1);
      return Array.from({ length: 4000 }, (_, i) => (i < 4 ? [-max, max - 1, 21130, -1][i] : Math.round((max - 1) * 0.9 * Math.sin(i * 0.031))));
    };
    const raw16 = Buffer.alloc(4000 * 2);
    ints(16).forEach((x, i) => raw16.writeInt16LE(x, 2 * i));
    writeFileSync(path.join(dir, 'i16.raw'), raw16);
    const i16 = path.join(dir, 'i16.wav');
    sox('-t', 'raw', '-r', '44100', '-e', 'signed-integer', '-b', '16', '-c', '2', path.join(dir, 'i16.raw'), i16);
    const raw24 = Buffer.alloc(4000 * 3);
    ints(24).forEach((x, i) => raw24.writeIntLE(x, 3 * i, 3));
    writeFileSync(path.join(dir, 'i24.raw'), raw24);
    const i24 = path.join(dir, 'i24.wav');
    sox('-t', 'raw', '-r', '48000', '-e', 'signed-integer', '-b', '24', '-c', '1', path.join(dir, 'i24.raw'), i24);
    const u8 = path.join(dir, 'u8.wav');
    sox('-n', '-r', '8000', '-e', 'unsigned-integer', '-b', '8', u8, 'synth', '0.5', 'sine', '300');
    assert.equal(readFileSync(i24).readUInt16LE(20), 0xfffe, 'sox writes 24-bit as WAVE_FORMAT_EXTENSIBLE');

    for (const [file, channels, rate] of [[float, 1, 22050], [i16, 2, 44100], [i24, 1, 48000], [u8, 1, 8000]] as const) {
      const expected = soxFloats(file);
      const bytes = readFileSync(file);
      const rand = mulberry32(channels * rate);
      const d = decodePieces(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), () => 1 + Math.floor(rand() * 5000));
      assert.equal(d.channels.length, channels);
      assert.equal(d.sampleRate, rate);
      const interleaved = new Float32Array(d.channels[0].length * channels);
      for (let c = 0; c < channels; c++) d.channels[c].forEach((x, f) => (interleaved[f * channels + c] = x));
      assertSameBits(interleaved, expected, path.basename(file));
    }
    // And through decodeAudio, file → mono at the source rate.
    const a = await decodeAudio(readFileSync(float), { sampleRate: null });
    assertSameBits(a.samples, soxFloats(float), 'decodeAudio float');
    const b = await decodeAudio(readFileSync(i24), { sampleRate: null });
    assert.deepEqual(Array.from(b.samples.subarray(0, 4)), [-1, 8388607 / 8388608, 21130 / 8388608, -1 / 8388608]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
