/**
 * Raw interleaved PCM (what `arecord`, `parec`, `sox -t raw` and `ffmpeg -f s16le` write) to
 * mono float samples, chunk by chunk. Chunks may end anywhere — inside a sample or between the
 * channels of one frame — and the partial frame is carried to the next chunk, never dropped or
 * misaligned. Universal (no Node imports).
 *
 * Integer PCM is scaled as soundfile / librosa do: divided by 2^(bits − 1), so −32768 is −1.0.
 */
export const PCM_ENCODINGS = ['s16le', 's32le', 'f32le'] as const;
export type PcmEncoding = (typeof PCM_ENCODINGS)[number];

const BYTES: Record<PcmEncoding, number> = { s16le: 2, s32le: 4, f32le: 4 };

export interface PcmFormat {
  encoding: PcmEncoding;
  /** Interleaved channels per frame (1–32); the output is their mean. */
  channels: number;
}

export function pcmFormatProblem(format: PcmFormat): string | null {
  if (!(PCM_ENCODINGS as readonly string[]).includes(format.encoding)) return `unknown encoding '${String(format.encoding)}' (use ${PCM_ENCODINGS.join(', ')})`;
  if (!Number.isInteger(format.channels) || format.channels < 1 || format.channels > 32) return `channels must be an integer from 1 to 32, got ${format.channels}`;
  return null;
}

export class PcmDecoder {
  private readonly frameBytes: number;
  private readonly carry: Uint8Array;
  private carried = 0;
  /** Bytes received so far. */
  bytes = 0;

  constructor(readonly format: PcmFormat) {
    const problem = pcmFormatProblem(format);
    if (problem) throw new RangeError(problem);
    this.frameBytes = BYTES[format.encoding] * format.channels;
    this.carry = new Uint8Array(this.frameBytes);
  }

  /** Bytes of an incomplete frame held for the next chunk (0 at a frame boundary). */
  get pending(): number {
    return this.carried;
  }

  /** Decodes the complete frames of `carry + chunk`; keeps the incomplete tail. */
  push(chunk: Uint8Array): Float32Array {
    this.bytes += chunk.length;
    const total = this.carried + chunk.length;
    const frames = Math.floor(total / this.frameBytes);
    const out = new Float32Array(frames);
    if (frames === 0) {
      this.carry.set(chunk, this.carried);
      this.carried = total;
      return out;
    }
    // The first frame may straddle the carry and the chunk: assemble it, then read the rest in place.
    let offset = 0;
    let frame = 0;
    if (this.carried > 0) {
      const head = this.frameBytes - this.carried;
      this.carry.set(chunk.subarray(0, head), this.carried);
      out[0] = this.decodeFrame(new DataView(this.carry.buffer, this.carry.byteOffset, this.frameBytes), 0);
      offset = head;
      frame = 1;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (; frame < frames; frame++, offset += this.frameBytes) out[frame] = this.decodeFrame(view, offset);
    this.carried = chunk.length - offset;
    this.carry.set(chunk.subarray(offset), 0);
    return out;
  }

  private decodeFrame(view: DataView, at: number): number {
    const { encoding, channels } = this.format;
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      if (encoding === 's16le') sum += view.getInt16(at + 2 * c, true) / 32768;
      else if (encoding === 's32le') sum += view.getInt32(at + 4 * c, true) / 2147483648;
      else sum += view.getFloat32(at + 4 * c, true);
    }
    return sum / channels;
  }
}
