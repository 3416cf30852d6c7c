/**
 * Real-time pacing of decoded audio (`sentio live song.mp3 --realtime`): the chunks are cut
 * into short pieces and each is released no earlier than its start time in the audio, counted
 * from the first, so a file drives the lights as if it were playing. Universal (timers only).
 */
export interface PaceOptions {
  /** Length of the released pieces, s. Default 0.05 (what a sound card delivers at a time). */
  pieceSeconds?: number;
  /** Milliseconds clock. Default `performance.now`. */
  now?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same audio in pieces of at most `piece` samples (a decoder may hand over a whole file at once). */
export async function* rechunk(chunks: AsyncIterable<Float32Array>, piece: number): AsyncGenerator<Float32Array> {
  for await (const chunk of chunks) for (let i = 0; i < chunk.length; i += piece) yield chunk.subarray(i, i + piece);
}

export async function* paceRealtime(chunks: AsyncIterable<Float32Array>, sampleRate: number, options: PaceOptions = {}): AsyncGenerator<Float32Array> {
  const piece = Math.max(1, Math.round((options.pieceSeconds ?? 0.05) * sampleRate));
  const now = options.now ?? (() => performance.now());
  let start: number | undefined;
  let released = 0;
  for await (const part of rechunk(chunks, piece)) {
    start ??= now();
    // A piece is due when the audio before it has "played". Timers may fire a little early
    // (libuv counts whole milliseconds): wait again until it is due, never release it early.
    const due = start + (released / sampleRate) * 1000;
    while (now() < due) await sleep(Math.max(1, Math.ceil(due - now())));
    released += part.length;
    yield part;
  }
}
