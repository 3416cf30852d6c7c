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

/** Best (smallest) time of `repeats` runs of `fn`, in ms, with the last run's value. */
export async function best<T>(fn: () => Promise<T>, repeats = 5): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

/** Prints `label`, the time and how many times real time it is for `audioSeconds` of audio. */
export function printTiming(label: string, ms: number, audioSeconds: number, labelWidth = 52): void {
  console.log(`${label.padEnd(labelWidth)} ${ms.toFixed(0).padStart(7)} ms  ${(audioSeconds / (ms / 1000)).toFixed(0).padStart(5)}× real time`);
}
