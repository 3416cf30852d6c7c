/**
 * Worker thread of `streamAudioFileThreaded` (threaded.ts): decodes one file and posts its mono
 * chunks, at most `CHUNKS_AHEAD` ahead of what the main thread has taken, so a long file never
 * piles up in memory between the threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AudioInputError } from './errors.ts';
import { streamAudioFile } from './file.ts';
import type { DecodeThreadMessage, DecodeThreadRequest } from './threaded.ts';

const CHUNKS_AHEAD = 2;
const port = parentPort!;
const { path, sampleRate, readChunkBytes } = workerData as DecodeThreadRequest;

let credit = CHUNKS_AHEAD;
let wake: (() => void) | null = null;
port.on('message', () => {
  credit++;
  wake?.();
  wake = null;
});
const post = (m: DecodeThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  for await (const chunk of streamAudioFile(path, { sampleRate, readChunkBytes }, (info) => post({ kind: 'info', info }))) {
    while (credit === 0) await new Promise<void>((r) => (wake = r));
    credit--;
    // Transfer the buffer when the chunk owns all of it; a view into a larger one is copied.
    const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
    post({ kind: 'chunk', samples: owned }, [owned.buffer as ArrayBuffer]);
  }
  post({ kind: 'done' });
} catch (e) {
  const input = e instanceof AudioInputError;
  post({ kind: 'error', file: input ? e.source : path, reason: input ? e.reason : (e as Error).message, input });
}
port.close();
