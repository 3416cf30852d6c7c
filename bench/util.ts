/** Helpers shared by the benchmarks. */
import { readFileSync } from 'node:fs';

/** Concatenates MP3 files byte-wise (frames are self-contained; ID3 tags in between are skipped by the decoder). */
export function concatFiles(files: string[]): Uint8Array {
  const parts = files.map((f) => readFileSync(f));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Peak resident set size of this process so far (worker threads included), MB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
