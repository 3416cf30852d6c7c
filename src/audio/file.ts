/** Node-only: audio from paths and Node streams. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AudioInputError } from './errors.ts';
import { decodeAudio, decodeStream, type AudioInfo, type DecodeOptions, type DecodedAudio } from './decode.ts';

/** Checks that `path` is a non-empty regular file; throws a one-line AudioInputError otherwise. */
export async function checkAudioPath(path: string): Promise<number> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioInputError(path, code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? (e as Error).message})`);
  }
  if (s.isDirectory()) throw new AudioInputError(path, 'is a directory, expected an audio file');
  if (!s.isFile()) throw new AudioInputError(path, 'is not a regular file');
  if (s.size === 0) throw new AudioInputError(path, 'empty file (0 bytes)');
  return s.size;
}

export interface FileDecodeOptions extends Omit<DecodeOptions, 'name'> {
  /** Bytes read from the file at a time (default 1 MiB); each read is decoded into one chunk or more. */
  readChunkBytes?: number;
}

/** Streams a file's audio as mono chunks at the output rate. */
export async function* streamAudioFile(path: string, options: FileDecodeOptions = {}, onInfo?: (info: AudioInfo) => void): AsyncGenerator<Float32Array> {
  await checkAudioPath(path);
  const { readChunkBytes = 1 << 20, ...decodeOptions } = options;
  const stream = createReadStream(path, { highWaterMark: readChunkBytes });
  try {
    yield* decodeStream(stream as AsyncIterable<Uint8Array>, { ...decodeOptions, name: path }, onInfo);
  } finally {
    stream.destroy();
  }
}

/** Decodes a whole file to mono float32 (default 22050 Hz). */
export async function loadAudioFile(path: string, options: Omit<DecodeOptions, 'name'> = {}): Promise<DecodedAudio> {
  await checkAudioPath(path);
  return decodeAudio(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>, { ...options, name: path });
}
