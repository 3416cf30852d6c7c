import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PcmDecoder, pcmFormatProblem, type PcmEncoding } from '../../src/audio/pcm.ts';

/** Interleaved bytes of `frames` (one array of channel values per frame) in `encoding`. */
function encode(frames: number[][], encoding: PcmEncoding): Uint8Array {
  const size = encoding === 's16le' ? 2 : 4;
  const out = new DataView(new ArrayBuffer(frames.length * frames[0].length * size));
  let o = 0;
  for (const f of frames) for (const v of f) {
    if (encoding === 's16le') out.setInt16(o, v, true);
    else if (encoding === 's32le') out.setInt32(o, v, true);
    else out.setFloat32(o, v, true);
    o += size;
  }
  return new Uint8Array(out.buffer);
}

test('s16le is scaled by 2^15 as soundfile does, stereo is the channel mean', () => {
  const d = new PcmDecoder({ encoding: 's16le', channels: 2 });
  const y = d.push(encode([[21130, 21130], [-32768, 0], [32767, -32767]], 's16le'));
  assert.deepEqual(Array.from(y), [21130 / 32768, -0.5, 0].map((v) => Math.fround(v)));
});

test('a chunk may end anywhere: inside a sample or between channels; the partial frame is carried', () => {
  for (const [encoding, values] of [
    ['s16le', [[1000, -2000, 3], [-32768, 32767, 5], [7, 8, 9], [-1, -2, -3]]],
    ['s32le', [[2 ** 30, -(2 ** 31), 1], [5, 6, 7], [-9, 8, 2 ** 31 - 1]]],
    ['f32le', [[0.25, -0.5, 1], [0.125, 0.75, -1], [0, 0.5, 0.5]]],
  ] as const) {
    const bytes = encode(values.map((f) => [...f]), encoding);
    const whole = new PcmDecoder({ encoding, channels: 3 }).push(bytes);
    assert.equal(whole.length, values.length);
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = new PcmDecoder({ encoding, channels: 3 });
      const a = d.push(bytes.subarray(0, cut));
      const b = d.push(bytes.subarray(cut));
      assert.deepEqual([...a, ...b], [...whole], `${encoding} cut at byte ${cut}`);
      assert.equal(d.pending, 0);
    }
    // One byte at a time.
    const d = new PcmDecoder({ encoding, channels: 3 });
    const got: number[] = [];
    for (const byte of bytes) got.push(...d.push(Uint8Array.of(byte)));
    assert.deepEqual(got, [...whole]);
  }
});

test('an odd trailing byte of s16le is held, not an error; bad formats are named', () => {
  const d = new PcmDecoder({ encoding: 's16le', channels: 1 });
  assert.equal(d.push(Uint8Array.of(0x00, 0x40, 0x00)).length, 1);
  assert.equal(d.pending, 1);
  assert.deepEqual(Array.from(d.push(Uint8Array.of(0xc0))), [-0.5]);
  assert.match(pcmFormatProblem({ encoding: 'u8' as PcmEncoding, channels: 1 })!, /unknown encoding 'u8'/);
  assert.match(pcmFormatProblem({ encoding: 's16le', channels: 0 })!, /channels must be an integer/);
  assert.throws(() => new PcmDecoder({ encoding: 's16le', channels: 2.5 }), /channels/);
});
