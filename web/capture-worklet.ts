/**
 * The microphone's audio thread: mixes each 128-frame render quantum to mono (the channel
 * mean, as `sentio live --channels` does) and posts it to the main thread in chunks of
 * CHUNK_FRAMES, transferring each buffer. Built by scripts/build-web.ts into
 * dist/web/capture-worklet.js and loaded with `audioWorklet.addModule`.
 */

import { CAPTURE_PROCESSOR, CHUNK_FRAMES } from './capture-protocol.ts';

class CaptureProcessor extends AudioWorkletProcessor {
  private chunk = new Float32Array(CHUNK_FRAMES);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    // No input connected yet (or the track ended): nothing to mix this quantum.
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    const scale = 1 / channels.length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (const c of channels) sum += c[i];
      this.chunk[this.filled++] = channels.length === 1 ? sum : sum * scale;
      if (this.filled === CHUNK_FRAMES) {
        this.port.postMessage(this.chunk, [this.chunk.buffer]);
        this.chunk = new Float32Array(CHUNK_FRAMES);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
