/**
 * Streaming WAV decoder: push the file's bytes in chunks of any size, get per-channel
 * float32 samples for the whole frames that are in; the file is never held.
 *
 * Sentio decodes WAV itself rather than through audio-decode because that library scales
 * integer PCM asymmetrically (positive samples / (2^(bits−1) − 1)), while soundfile, and so
 * librosa, divides every sample by 2^(bits−1). Being exact against librosa is the core of
 * what Sentio offers, so the conversions below are libsndfile's (pcm.c, sf_read_float):
 * - PCM 8-bit is unsigned: (u − 128) / 128;
 * - PCM 16/24/32-bit is signed: s / 2^(bits−1), rounded once to float32 (for 32-bit
 *   libsndfile rounds s to float32 before the power-of-two scaling, which is the same);
 * - IEEE float 32 is copied, float 64 rounded to float32.
 * Works in browsers too (no Node imports).
 */
import { concatBytes, WavHeaderReader, unsupportedWavReason, type WavHeader } from './integrity.ts';

/** A WAV format problem; the message is one line, worded for the user. */
export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

export interface WavChunk {
  /** One array per channel, all the same length (frames). */
  channelData: Float32Array[];
  /** The file's sample rate, Hz. */
  sampleRate: number;
}

type SampleType = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

function sampleType(h: WavHeader): SampleType {
  if (h.formatTag === 3) return h.bitsPerSample === 32 ? 'f32' : 'f64';
  return (['u8', 's16', 's24', 's32'] as const)[h.bitsPerSample / 8 - 1];
}

/**
 * Push-based WAV decoder. `push` returns the samples of the whole frames completed by
 * that push (null if none); `finish` checks that the file held what its header declared.
 * Reads data to the end of the input when the data size is 0 or 0xFFFFFFFF (left unset by
 * streaming writers), otherwise stops at the declared size and ignores trailing chunks.
 * A final partial frame is dropped, as soundfile drops it.
 */
export class WavStreamDecoder {
  private readonly headerReader = new WavHeaderReader();
  private headerValue: WavHeader | null = null;
  private type: SampleType = 's16';
  private bytesPerSample = 0;
  private frameBytes = 0;
  /** Data bytes still to decode: the declared size, or Infinity to the end of the input. */
  private dataLeft = Infinity;
  /** Start of a frame split across pushes (fewer than frameBytes bytes). */
  private partial: Uint8Array = new Uint8Array(0);
  /** Bytes from the data chunk's first audio byte to the end of the input, trailing chunks included. */
  private bytesAfterDataStart = 0;

  /** The parsed header once the data chunk has started, else null. */
  get header(): WavHeader | null {
    return this.headerValue;
  }

  push(bytes: Uint8Array): WavChunk | null {
    let audio = bytes;
    if (!this.headerValue) {
      let started;
      try {
        started = this.headerReader.push(bytes);
      } catch (e) {
        throw new WavFormatError(`corrupt WAV header (${(e as Error).message})`);
      }
      if (!started) return null;
      this.start(started.header);
      audio = started.audio;
    }
    this.bytesAfterDataStart += audio.length;
    const usable = audio.length <= this.dataLeft ? audio : audio.subarray(0, this.dataLeft);
    this.dataLeft -= usable.length;
    return this.decode(usable);
  }

  /** End of input. Throws {@link WavFormatError} when the header or the declared data is incomplete. */
  finish(): void {
    const h = this.headerValue;
    if (!h) throw new WavFormatError('truncated WAV: the header is incomplete');
    if (h.declaredDataBytes !== null && this.bytesAfterDataStart < h.declaredDataBytes) {
      throw new WavFormatError(`truncated WAV: header declares ${h.declaredDataBytes} data bytes, file holds ${this.bytesAfterDataStart}`);
    }
  }

  private start(h: WavHeader): void {
    const unsupported = unsupportedWavReason(h);
    if (unsupported) throw new WavFormatError(unsupported);
    this.headerValue = h;
    this.type = sampleType(h);
    this.bytesPerSample = h.bitsPerSample / 8;
    // From the bit depth, not the header's block align, which some writers get wrong (libsndfile does the same).
    this.frameBytes = h.channels * this.bytesPerSample;
    this.dataLeft = h.declaredDataBytes ?? Infinity;
  }

  private decode(bytes: Uint8Array): WavChunk | null {
    const fb = this.frameBytes;
    const carried = this.partial.length;
    const frames = Math.floor((carried + bytes.length) / fb);
    if (frames === 0) {
      if (bytes.length) this.partial = concatBytes(this.partial, bytes);
      return null;
    }
    const channels = this.headerValue!.channels;
    const channelData = Array.from({ length: channels }, () => new Float32Array(frames));
    let frame = 0;
    let from = 0;
    if (carried) {
      // Complete the frame split across pushes, then decode the rest straight from `bytes`.
      from = fb - carried;
      this.decodeFrames(concatBytes(this.partial, bytes.subarray(0, from)), 1, channelData, 0);
      frame = 1;
    }
    this.decodeFrames(bytes.subarray(from), frames - frame, channelData, frame);
    const used = from + (frames - frame) * fb;
    this.partial = bytes.slice(used);
    return { channelData, sampleRate: this.headerValue!.sampleRate };
  }

  /** Decodes `frames` interleaved frames from the start of `bytes` into channelData[c][at…]. */
  private decodeFrames(bytes: Uint8Array, frames: number, channelData: Float32Array[], at: number): void {
    // A DataView reads at any byte offset: the data may start anywhere in the file and in the push.
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fb = this.frameBytes;
    const bps = this.bytesPerSample;
    // One loop per sample type: a shared loop calling a per-type reader ran 3× slower once
    // several types had been decoded in the process (the call site turns polymorphic).
    for (let c = 0; c < channelData.length; c++) {
      const out = channelData[c];
      const end = at + frames;
      let o = c * bps;
      switch (this.type) {
        case 'u8':
          for (let f = at; f < end; f++, o += fb) out[f] = (v.getUint8(o) - 128) / 128;
          break;
        case 's16':
          for (let f = at; f < end; f++, o += fb) out[f] = v.getInt16(o, true) / 32768;
          break;
        case 's24':
          for (let f = at; f < end; f++, o += fb) out[f] = (v.getUint16(o, true) | (v.getInt8(o + 2) << 16)) / 8388608;
          break;
        case 's32':
          for (let f = at; f < end; f++, o += fb) out[f] = v.getInt32(o, true) / 2147483648;
          break;
        case 'f32':
          for (let f = at; f < end; f++, o += fb) out[f] = v.getFloat32(o, true);
          break;
        case 'f64':
          for (let f = at; f < end; f++, o += fb) out[f] = v.getFloat64(o, true);
          break;
      }
    }
  }
}
