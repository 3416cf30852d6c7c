import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeAudio, decodeStream, downmix, firstNonFinite } from '../../src/audio/decode.ts';
import { loadAudioFile, streamAudioFile } from '../../src/audio/file.ts';
import { encodeWav, sine, type WavEncoding } from '../helpers/wav.ts';
import { peakFrequencies } from '../helpers/spectrum.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));

const ENCODINGS: [WavEncoding, number][] = [['pcm8', 1e-2], ['pcm16', 1e-4], ['pcm24', 1e-6], ['pcm32', 1e-6], ['float32', 1e-7], ['float64', 1e-7]];

for (const [encoding, tol] of ENCODINGS) {
  for (const extensible of [false, true]) {
    test(`WAV ${encoding}${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}: stereo becomes the channel mean at the source rate`, async () => {
      const l = sine(440, 16000, 0.25, 0.5);
      const r = sine(1000, 16000, 0.25, 0.25);
      const a = await decodeAudio(encodeWav([l, r], 16000, encoding, extensible), { sampleRate: null });
      assert.equal(a.format, 'wav');
      assert.equal(a.channels, 2);
      assert.equal(a.sampleRate, 16000);
      assert.equal(a.samples.length, l.length);
      let worst = 0;
      for (let i = 0; i < l.length; i++) worst = Math.max(worst, Math.abs(a.samples[i] - (l[i] + r[i]) / 2));
      assert.ok(worst < tol, `worst error ${worst}`);
    });
  }
}

for (const [file, format] of [['tones.flac', 'flac'], ['tones.ogg', 'oga'], ['tones.opus', 'opus'], ['tones.mp3', 'mp3']] as const) {
  test(`${format}: decodes, mixes both channels to mono and resamples to 22.05 kHz`, async () => {
    const a = await loadAudioFile(fixture(`audio/${file}`));
    assert.equal(a.format, format);
    assert.equal(a.sampleRate, 22050);
    assert.ok(Math.abs(a.duration - 1.5) < 0.08, `duration ${a.duration}`);
    const peaks = peakFrequencies(a.samples, 22050, 2, 8192);
    assert.ok(Math.abs(peaks[0] - 440) < 5 && Math.abs(peaks[1] - 660) < 5, `peaks ${peaks}`);
  });
}

test('a path, a Buffer and a byte stream decode to identical samples', async () => {
  const path = fixture('emomusic/3.mp3');
  const fromPath = await loadAudioFile(path);
  const fromBuffer = await decodeAudio(readFileSync(path));
  const bytes = readFileSync(path);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 10007) yield new Uint8Array(bytes.subarray(i, i + 10007));
  }
  const fromStream = await decodeAudio(chunks());
  assert.equal(fromPath.sourceSampleRate, 44100);
  assert.ok(Math.abs(fromPath.duration - 45) < 0.1);
  assert.deepEqual(fromBuffer.samples, fromPath.samples);
  assert.deepEqual(fromStream.samples, fromPath.samples);
});

test('streamAudioFile yields chunks whose concatenation is the whole file', async () => {
  const path = fixture('emomusic/8.mp3');
  let n = 0;
  let chunks = 0;
  for await (const c of streamAudioFile(path, { sampleRate: 22050 })) {
    n += c.length;
    chunks++;
  }
  assert.ok(chunks > 1, 'more than one chunk');
  assert.equal(n, (await loadAudioFile(path)).samples.length);
});

test('a 2-hour WAV stream is decoded without holding it in memory', async () => {
  const sr = 22050;
  const seconds = 2 * 3600;
  const frames = sr * seconds;
  const header = encodeWav([new Float32Array(0)], sr, 'pcm16').slice(0, 44);
  new DataView(header.buffer).setUint32(40, frames * 2, true);
  new DataView(header.buffer).setUint32(4, 36 + frames * 2, true);
  const block = encodeWav([sine(440, sr, 10, 0.3)], sr, 'pcm16').slice(44);
  async function* source() {
    yield header;
    for (let t = 0; t < seconds; t += 10) yield block;
  }
  const before = process.memoryUsage().rss;
  let peakRss = before;
  let n = 0;
  let i = 0;
  for await (const c of decodeStream(source(), { sampleRate: sr })) {
    n += c.length;
    if (++i % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  assert.equal(n, frames);
  const grownMb = (peakRss - before) / 2 ** 20;
  // Holding the decoded signal alone would take 635 MB of float32.
  assert.ok(grownMb < 200, `RSS grew by ${grownMb.toFixed(0)} MB`);
});

test('downmix is the channel mean (stereo one-pass path equal to the general one) and firstNonFinite finds the first bad sample', () => {
  const n = 1000;
  const ch = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 * k) * (k / 3) + 1e-3 * k);
  const [a, b, c] = [ch(1), ch(2), ch(3)];
  const stereo = downmix([a, b]);
  for (let i = 0; i < n; i++) assert.equal(stereo[i], Math.fround(Math.fround(a[i] + b[i]) * 0.5));
  const three = downmix([a, b, c]);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(three[i] - (a[i] + b[i] + c[i]) / 3) < 1e-6);
  assert.equal(downmix([a]), a);
  assert.equal(firstNonFinite(stereo), -1);
  for (const bad of [NaN, Infinity, -Infinity]) {
    const x = stereo.slice();
    x[700] = bad;
    x[900] = NaN;
    assert.equal(firstNonFinite(x), 700, String(bad));
  }
});
