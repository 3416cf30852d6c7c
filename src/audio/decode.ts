/**
 * Decoding to mono float32 at a requested sample rate, from bytes or a byte stream.
 * Works in Node and in browsers (no Node-only imports here; paths live in ./file.ts).
 *
 * WAV is decoded by ./wav.ts, with soundfile's sample scaling (audio-decode's differs, and
 * librosa exactness is the point); the other codecs come from audio-decode (WASM/JS
 * decoders: MP3, FLAC, OGG Vorbis, Opus and more). On top of them this module adds what an
 * analysis tool needs: streaming so long files are never held whole, channel-mean
 * downmix, band-limited resampling, and one-line errors for truncated, corrupt,
 * unsupported or non-finite input.
 */
import { decodeChunked } from 'audio-decode';
import getType from 'audio-type';
import { AudioInputError } from './errors.ts';
import { createResampler } from './resample.ts';
import { Mp3FrameScanner } from './integrity.ts';
import { WavFormatError, WavStreamDecoder, type WavChunk } from './wav.ts';

export type ByteSource = Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array>;

export interface DecodeOptions {
  /** Output sample rate in Hz; null keeps the file's rate. Default 22050. */
  sampleRate?: number | null;
  /** Name used in error messages (a path, or 'buffer'). */
  name?: string;
}

export interface AudioInfo {
  /** Container/codec detected from the content ('mp3', 'wav', 'flac', 'oga', 'opus', ...). */
  format: string;
  /** The file's own sample rate, Hz. */
  sourceSampleRate: number;
  /** Channels in the file (output is always their mean). */
  channels: number;
  /** Output sample rate, Hz. */
  sampleRate: number;
}

export interface DecodedAudio extends AudioInfo {
  samples: Float32Array;
  /** Seconds of audio. */
  duration: number;
}

/** Formats we claim to support and test; audio-decode knows more, which we pass through. */
export const SUPPORTED_FORMATS = ['wav', 'mp3', 'flac', 'oga', 'opus'] as const;

const isAsyncIterable = (x: unknown): x is AsyncIterable<Uint8Array> =>
  typeof x === 'object' && x !== null && Symbol.asyncIterator in x;

async function* asChunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (isAsyncIterable(source)) {
    for await (const c of source) yield c instanceof Uint8Array ? c : new Uint8Array(c as ArrayBuffer);
  } else {
    yield source instanceof Uint8Array ? source : new Uint8Array(source);
  }
}

/** Human name for a detected type. */
function describe(format: string): string {
  return { oga: 'OGG', mp3: 'MP3', wav: 'WAV', flac: 'FLAC', opus: 'Opus' }[format] ?? format.toUpperCase();
}

/**
 * Streams decoded audio: yields mono chunks at the output rate. `onInfo` is called once
 * the format and source rate are known (before the first chunk). Throws
 * {@link AudioInputError} for input that cannot be decoded faithfully.
 */
export async function* decodeStream(source: ByteSource, options: DecodeOptions = {}, onInfo?: (info: AudioInfo) => void): AsyncGenerator<Float32Array> {
  const name = options.name ?? 'buffer';
  const fail = (reason: string): never => {
    throw new AudioInputError(name, reason);
  };
  const input = asChunks(source);
  // Gather enough bytes to identify the format.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 4096) {
    const r = await input.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.length;
  }
  if (headBytes === 0) fail('empty input (0 bytes)');
  const first = concat(head, headBytes);
  const format = getType(first);
  if (!format) fail('not a recognised audio format (expected WAV, MP3, FLAC, OGG Vorbis or Opus)');

  const scanner = format === 'mp3' ? new Mp3FrameScanner() : null;

  // The bytes already read, then the rest of the input, scanned on the way.
  async function* bytes(): AsyncGenerator<Uint8Array> {
    async function* all(): AsyncGenerator<Uint8Array> {
      yield first;
      if (!ended) yield* input;
    }
    for await (const c of all()) {
      scanner?.push(c);
      yield c;
    }
  }

  const target = options.sampleRate === undefined ? 22050 : options.sampleRate;
  let resampler: ReturnType<typeof createResampler> | null = null;
  let channels = 0;
  let decodedFrames = 0;
  let sourceRate = 0;
  let decoder: AsyncGenerator<WavChunk>;
  try {
    decoder = format === 'wav' ? decodeWav(bytes()) : decodeChunked(bytes(), format as Parameters<typeof decodeChunked>[1]);
  } catch (e) {
    return fail(`unsupported format ${describe(format!)}: ${(e as Error).message}`);
  }
  for (;;) {
    let r: IteratorResult<WavChunk>;
    try {
      r = await decoder.next();
    } catch (e) {
      if (e instanceof AudioInputError) throw e;
      if (e instanceof WavFormatError) return fail(e.message);
      return fail(`${describe(format!)} decoding failed (${(e as Error).message.split('\n')[0]})`);
    }
    if (r.done) break;
    const { channelData, sampleRate } = r.value;
    if (!channelData.length || !channelData[0].length) continue;
    if (!resampler) {
      sourceRate = sampleRate;
      channels = channelData.length;
      if (!(sourceRate > 0)) fail(`${describe(format!)} stream reports an invalid sample rate (${sourceRate})`);
      resampler = createResampler(sourceRate, target ?? sourceRate);
      onInfo?.({ format: format!, sourceSampleRate: sourceRate, channels, sampleRate: target ?? sourceRate });
    }
    const mono = downmix(channelData);
    const bad = firstNonFinite(mono);
    if (bad >= 0) fail(`contains NaN or infinite samples (first at ${((decodedFrames + bad) / sourceRate).toFixed(3)} s)`);
    decodedFrames += mono.length;
    const out = resampler.push(mono);
    if (out.length) yield out;
  }
  if (!resampler || decodedFrames === 0) {
    fail(scanner ? 'no MP3 audio frames could be decoded (corrupt or truncated file)' : `no audio could be decoded from this ${describe(format!)} data (corrupt or truncated file)`);
  }
  if (scanner) {
    const rep = scanner.finish();
    if (rep.truncated) fail(`truncated MP3: the last frame is cut off after ${(decodedFrames / sourceRate).toFixed(2)} s`);
    // A few stray bytes between frames are common; lost sync over more than 1 % of the data is damage.
    if (rep.junkBytes > 0.01 * Math.max(rep.frameBytes, 1) && rep.junkBytes > 1024) {
      fail(`corrupt MP3: ${rep.junkBytes} bytes are not valid MPEG audio frames (frame sync lost)`);
    }
  }
  const tail = resampler!.flush();
  if (tail.length) yield tail;
}

/** WAV bytes → per-channel chunks; header and truncation problems surface as {@link WavFormatError}. */
async function* decodeWav(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<WavChunk> {
  const wav = new WavStreamDecoder();
  for await (const c of bytes) {
    const out = wav.push(c);
    if (out) yield out;
  }
  wav.finish();
}

/** Decodes a whole input into one mono Float32Array. */
export async function decodeAudio(source: ByteSource, options: DecodeOptions = {}): Promise<DecodedAudio> {
  let info: AudioInfo | undefined;
  const parts: Float32Array[] = [];
  let n = 0;
  for await (const c of decodeStream(source, options, (i) => (info = i))) {
    parts.push(c);
    n += c.length;
  }
  const samples = concat(parts, n);
  return { ...info!, samples, duration: samples.length / info!.sampleRate };
}

/** Channel mean (a view of the input when already mono). */
export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  if (channels.length === 2) {
    // Stereo, nearly every file: one pass instead of three (the mean of two float32 values,
    // halved in float64, rounds to the same float32 as the accumulate-then-scale below).
    const [left, right] = channels;
    for (let i = 0; i < n; i++) out[i] = (left[i] + right[i]) * 0.5;
    return out;
  }
  const scale = 1 / channels.length;
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

/** Index of the first NaN or ±Infinity in `x`, or −1. */
export function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

function concat<T extends Uint8Array | Float32Array>(parts: T[], length: number): T {
  if (parts.length === 1 && parts[0].length === length) return parts[0];
  const out = new (parts[0]?.constructor as { new (n: number): T } ?? Float32Array)(length) as T;
  let o = 0;
  for (const p of parts) {
    out.set(p as never, o);
    o += p.length;
  }
  return out;
}
