/** Writes WAV files in every PCM/float layout, for decoder tests (test-only helper). */
export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export function encodeWav(channels: Float32Array[], sampleRate: number, encoding: WavEncoding = 'pcm16', extensible = false): Uint8Array {
  const bits = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 }[encoding];
  const isFloat = encoding.startsWith('float');
  const nch = channels.length;
  const frames = channels[0]?.length ?? 0;
  const blockAlign = (nch * bits) / 8;
  const dataBytes = frames * blockAlign;
  const fmtBytes = extensible ? 40 : 16;
  const buf = new ArrayBuffer(12 + 8 + fmtBytes + 8 + dataBytes);
  const v = new DataView(buf);
  let o = 0;
  const str = (s: string) => { for (const c of s) v.setUint8(o++, c.charCodeAt(0)); };
  const u32 = (x: number) => { v.setUint32(o, x, true); o += 4; };
  const u16 = (x: number) => { v.setUint16(o, x, true); o += 2; };
  str('RIFF'); u32(buf.byteLength - 8); str('WAVE');
  str('fmt '); u32(fmtBytes);
  u16(extensible ? 0xfffe : isFloat ? 3 : 1); u16(nch); u32(sampleRate); u32(sampleRate * blockAlign); u16(blockAlign); u16(bits);
  if (extensible) {
    u16(22); u16(bits); u32(nch === 1 ? 0x4 : 0x3);
    // Sub-format GUID: 0000000X-0000-0010-8000-00aa00389b71
    u32(isFloat ? 3 : 1); u16(0); u16(0x10); v.setUint8(o++, 0x80); v.setUint8(o++, 0x00);
    for (const b of [0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]) v.setUint8(o++, b);
  }
  str('data'); u32(dataBytes);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = channels[c][i];
      const cl = Math.max(-1, Math.min(1, x));
      switch (encoding) {
        case 'pcm8': v.setUint8(o, Math.round(cl * 127 + 128)); o += 1; break;
        case 'pcm16': v.setInt16(o, Math.round(cl * 32767), true); o += 2; break;
        case 'pcm24': { const s = Math.round(cl * 8388607); v.setUint8(o, s & 0xff); v.setUint8(o + 1, (s >> 8) & 0xff); v.setUint8(o + 2, (s >> 16) & 0xff); o += 3; break; }
        case 'pcm32': v.setInt32(o, Math.round(cl * 2147483647), true); o += 4; break;
        case 'float32': v.setFloat32(o, x, true); o += 4; break;
        case 'float64': v.setFloat64(o, x, true); o += 8; break;
      }
    }
  }
  return new Uint8Array(buf);
}

export function sine(freqHz: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(sampleRate * seconds);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return y;
}
