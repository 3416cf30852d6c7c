/**
 * Node-only: a file's audio decoded on a worker thread while the caller's thread works on the
 * chunks already decoded. For one file on a machine with a spare core, decoding (a quarter to
 * a third of `sentio features` on an MP3) then overlaps the feature computation instead of
 * preceding it. The chunks are exactly those `streamAudioFile` yields, so results are equal.
 */
import { AudioInputError } from './errors.ts';
import type { AudioInfo } from './decode.ts';
import type { FileDecodeOptions } from './file.ts';
import { siblingModule, startWorker } from '../worker-thread.ts';

/** What the main thread asks the decode thread for. */
export interface DecodeThreadRequest {
  path: string;
  sampleRate: number | null | undefined;
  readChunkBytes: number;
}

export type DecodeThreadMessage =
  | { kind: 'info'; info: AudioInfo }
  | { kind: 'chunk'; samples: Float32Array }
  | { kind: 'done' }
  | { kind: 'error'; file: string; reason: string; input: boolean };

const THREAD = siblingModule(import.meta.url, 'decode-thread');

/**
 * As `streamAudioFile(path, options, onInfo)`, decoding on a worker thread. Reads 256 KiB at a
 * time by default, so the first chunk arrives early and the two threads overlap for most of
 * the file. Errors arrive as the same AudioInputError.
 */
export async function* streamAudioFileThreaded(path: string, options: FileDecodeOptions = {}, onInfo?: (info: AudioInfo) => void): AsyncGenerator<Float32Array> {
  const request: DecodeThreadRequest = { path, sampleRate: options.sampleRate, readChunkBytes: options.readChunkBytes ?? 1 << 18 };
  const worker = startWorker(THREAD, { ...request });
  const inbox: DecodeThreadMessage[] = [];
  let notify: (() => void) | null = null;
  let crashed: Error | null = null;
  const arrive = () => {
    notify?.();
    notify = null;
  };
  worker.on('message', (m: DecodeThreadMessage) => {
    inbox.push(m);
    arrive();
  });
  worker.on('error', (e) => {
    crashed = e;
    arrive();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !crashed) crashed = new Error(`decode thread exited with code ${code}`);
    arrive();
  });
  try {
    for (;;) {
      while (inbox.length === 0) {
        if (crashed) throw new AudioInputError(path, `decoding failed (${(crashed as Error).message})`);
        await new Promise<void>((r) => (notify = r));
      }
      const m = inbox.shift()!;
      if (m.kind === 'info') onInfo?.(m.info);
      else if (m.kind === 'chunk') {
        worker.postMessage('more');
        yield m.samples;
      } else if (m.kind === 'done') return;
      else throw m.input ? new AudioInputError(m.file, m.reason) : new Error(`${m.file}: ${m.reason}`);
    }
  } finally {
    void worker.terminate();
  }
}
