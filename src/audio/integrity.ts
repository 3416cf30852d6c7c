/**
 * Container checks a decoder alone would not make: mpg123 silently skips damaged MP3 data
 * and a WAV's data may stop short of what its header declares, so truncated or corrupt
 * files would otherwise yield plausible-looking but wrong audio. Also the WAV header
 * reader that ./wav.ts decodes with.
 */

const MP3_BITRATES_KBPS: Record<string, number[]> = {
  // [version][layer]: index 1..14
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Length in bytes of the MPEG audio frame whose header starts at b[i], or 0 if not a header. */
export function mpegFrameLength(b: Uint8Array, i: number): number {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return 0;
  const version = (b[i + 1] >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 reserved
  const layerBits = (b[i + 1] >> 1) & 3; // 3 = I, 2 = II, 1 = III
  const bitrateIndex = b[i + 2] >> 4;
  const rateIndex = (b[i + 2] >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const layer = 4 - layerBits;
  const padding = (b[i + 2] >> 1) & 1;
  const key = version === 3 ? `1-${layer}` : `2-${layer === 1 ? 1 : 2}`;
  const bitrate = MP3_BITRATES_KBPS[key][bitrateIndex - 1] * 1000;
  const sampleRate = MP3_RATES[version][rateIndex];
  if (layer === 1) return Math.floor((12 * bitrate) / sampleRate + padding) * 4;
  const coefficient = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((coefficient * bitrate) / sampleRate) + padding;
}

export interface Mp3Report {
  frames: number;
  /** Bytes between frames that were neither frames nor known tags. */
  junkBytes: number;
  /** Bytes of audio frames. */
  frameBytes: number;
  /** The last frame runs past the end of the file. */
  truncated: boolean;
}

/**
 * Walks MPEG audio frames over a stream of chunks without holding the file: skips an
 * ID3v2 tag, follows frame lengths, resynchronises on damage, recognises trailing
 * ID3v1/APE/Lyrics tags.
 */
export class Mp3FrameScanner {
  private carry = new Uint8Array(0);
  /** Bytes still to skip before the next expected header (inside a frame or tag). */
  private skip = 0;
  private started = false;
  private report: Mp3Report = { frames: 0, junkBytes: 0, frameBytes: 0, truncated: false };
  private trailingTag = false;

  push(chunk: Uint8Array): void {
    let b: Uint8Array;
    if (this.carry.length) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
    } else b = chunk;
    let i = 0;
    if (this.skip >= b.length) {
      this.skip -= b.length;
      this.carry = new Uint8Array(0);
      return;
    }
    i = this.skip;
    this.skip = 0;
    if (!this.started) {
      if (b.length < 10) {
        this.carry = b.slice();
        return;
      }
      this.started = true;
      if (b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
        const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
        const footer = b[5] & 0x10 ? 10 : 0;
        i = 10 + size + footer;
        if (i > b.length) {
          this.skip = i - b.length;
          this.carry = new Uint8Array(0);
          return;
        }
      }
    }
    while (i + 4 <= b.length) {
      if (this.trailingTag) {
        i = b.length;
        break;
      }
      const len = mpegFrameLength(b, i);
      if (len > 0) {
        this.report.frames++;
        this.report.frameBytes += len;
        if (i + len > b.length) {
          this.skip = i + len - b.length;
          i = b.length;
          break;
        }
        i += len;
        continue;
      }
      // An ID3v2 tag between frames (concatenated files, streams): skip it whole.
      if (b[i] === 0x49 && b[i + 1] === 0x44 && b[i + 2] === 0x33) {
        if (i + 10 > b.length) break;
        const size = ((b[i + 6] & 0x7f) << 21) | ((b[i + 7] & 0x7f) << 14) | ((b[i + 8] & 0x7f) << 7) | (b[i + 9] & 0x7f);
        const end = i + 10 + size + (b[i + 5] & 0x10 ? 10 : 0);
        if (end > b.length) {
          this.skip = end - b.length;
          i = b.length;
          break;
        }
        i = end;
        continue;
      }
      // ID3v1 "TAG", APE "APETAGEX", Lyrics3 "LYRICS": metadata after the audio.
      if ((b[i] === 0x54 && b[i + 1] === 0x41 && b[i + 2] === 0x47) || (b[i] === 0x41 && b[i + 1] === 0x50 && b[i + 2] === 0x45) || (b[i] === 0x4c && b[i + 1] === 0x59 && b[i + 2] === 0x52)) {
        this.trailingTag = true;
        continue;
      }
      this.report.junkBytes++;
      i++;
    }
    this.carry = b.slice(i);
  }

  finish(): Mp3Report {
    // A frame we were still skipping through when the data ended was cut off.
    this.report.truncated = this.skip > 0 && this.report.frames > 0;
    if (!this.trailingTag) this.report.junkBytes += this.carry.length;
    return this.report;
  }
}

export interface WavHeader {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes the data chunk declares (null when the writer left it unset). */
  declaredDataBytes: number | null;
  /** Offset of the first data byte. */
  dataOffset: number;
}

const WAV_CODEC_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0055: 'MPEG Layer III',
  0x0161: 'WMA',
};

/** Bytes of a `fmt ` chunk that matter: the 16 of every format plus the extensible sub-format's first field. */
const FMT_BYTES_READ = 26;

/**
 * Walks RIFF/WAVE chunks as the bytes arrive, up to the start of the `data` chunk. Chunks
 * before it (LIST, fact, cue, bext, JUNK, unknown ones; before or after `fmt `) are skipped
 * as they stream past and only the start of `fmt ` is kept, so a large metadata chunk is
 * never held and may span any number of pushes. An odd-sized chunk is followed by a pad
 * byte (the RIFF rule, which libsndfile follows too).
 */
export class WavHeaderReader {
  /** Bytes of a chunk header or `fmt ` start not yet complete, carried to the next push. */
  private pending: Uint8Array = new Uint8Array(0);
  /** File offset of pending[0]. */
  private pendingOffset = 0;
  /** Bytes still to pass over (the rest of a skipped chunk and its pad byte). */
  private skip = 0;
  private riffChecked = false;
  private format: Omit<WavHeader, 'declaredDataBytes' | 'dataOffset'> | null = null;

  /**
   * Feeds the next bytes of the file. Returns null until the data chunk starts, then the
   * header and the part of `bytes` after it (the first audio bytes). Throws an Error whose
   * message names the damage for files that are not valid WAV.
   */
  push(bytes: Uint8Array): { header: WavHeader; audio: Uint8Array } | null {
    const b = this.pending.length ? concatBytes(this.pending, bytes) : bytes;
    const base = this.pendingOffset;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const tag = (o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
    let i = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, b.length - i);
        i += n;
        this.skip -= n;
        if (this.skip > 0) break;
      }
      if (!this.riffChecked) {
        if (i + 12 > b.length) break;
        if (tag(i) !== 'RIFF' && tag(i) !== 'RF64') throw new Error('not a RIFF file');
        if (tag(i + 8) !== 'WAVE') throw new Error('RIFF file is not WAVE');
        this.riffChecked = true;
        i += 12;
        continue;
      }
      if (i + 8 > b.length) break;
      const id = tag(i);
      const size = v.getUint32(i + 4, true);
      if (id === 'fmt ') {
        if (size < 16) throw new Error(`fmt chunk of ${size} bytes, shorter than the 16 every WAV format needs`);
        const read = Math.min(size, FMT_BYTES_READ);
        if (i + 8 + read > b.length) break;
        const o = i + 8;
        let formatTag = v.getUint16(o, true);
        // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the real format code.
        if (formatTag === 0xfffe && size >= 40) formatTag = v.getUint16(o + 24, true);
        this.format = { formatTag, channels: v.getUint16(o + 2, true), sampleRate: v.getUint32(o + 4, true), bitsPerSample: v.getUint16(o + 14, true) };
        i = o + read;
        this.skip = size - read + (size & 1);
        continue;
      }
      if (id === 'data') {
        if (!this.format) throw new Error('WAV data chunk before its fmt chunk');
        // 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back.
        const declared = size === 0 || size === 0xffffffff ? null : size;
        const header: WavHeader = { ...this.format, declaredDataBytes: declared, dataOffset: base + i + 8 };
        const audio = b.subarray(i + 8);
        this.pending = new Uint8Array(0);
        this.pendingOffset = header.dataOffset + audio.length;
        return { header, audio };
      }
      i += 8;
      this.skip = size + (size & 1);
    }
    this.pending = b.slice(i);
    this.pendingOffset = base + i;
    return null;
  }
}

/** `a` then `b`, in a new array. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Parses the RIFF/WAVE header from the first bytes of a file. Returns null when the
 * header is not complete within `head`. Throws an Error naming the damage for files
 * that are not valid WAV.
 */
export function parseWavHeader(head: Uint8Array): WavHeader | null {
  return new WavHeaderReader().push(head)?.header ?? null;
}

/** Reason a parsed WAV cannot be decoded, or null when it is supported. */
export function unsupportedWavReason(h: WavHeader): string | null {
  if (h.formatTag !== 1 && h.formatTag !== 3) {
    const name = WAV_CODEC_NAMES[h.formatTag] ?? 'unknown codec';
    return `unsupported WAV codec: ${name} (format tag 0x${h.formatTag.toString(16).padStart(4, '0')}); only PCM and IEEE float are supported`;
  }
  if (h.channels < 1) return 'WAV header declares 0 channels';
  if (h.sampleRate < 1) return 'WAV header declares a sample rate of 0';
  if (h.formatTag === 1 && ![8, 16, 24, 32].includes(h.bitsPerSample)) return `unsupported WAV PCM bit depth ${h.bitsPerSample}`;
  if (h.formatTag === 3 && ![32, 64].includes(h.bitsPerSample)) return `unsupported WAV float bit depth ${h.bitsPerSample}`;
  return null;
}
