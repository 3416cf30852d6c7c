/**
 * Issue 21, step 4: does the input level or the sample rate explain why the default model puts
 * every emoMusic clip low in arousal? Each clip is analysed at -6/0/+6 dB, RMS-normalised to a
 * common level, and resampled to 22.05 kHz (the 4Q training clips' rate); prints the song-level
 * arousal mean and Pearson r against the static labels for each.
 *
 *   node --import tsx scripts/arousal-offset-probe.ts [--data ../shared/datasets/emomusic]
 */
import { readFileSync } from 'node:fs';
import { decodeAudio } from '../src/audio/decode.ts';
import { analyzeAudio } from '../src/analyze/analyze.ts';
import { loadModel } from '../src/analyze/node.ts';
import { loadEmoMusic } from '../src/data/emomusic.ts';
import { pearson } from '../src/eval/metrics.ts';
import { fileURLToPath } from 'node:url';

const dataArg = process.argv.indexOf('--data');
const data = dataArg > 0 ? process.argv[dataArg + 1] : fileURLToPath(new URL('../../shared/datasets/emomusic', import.meta.url));
const songs = loadEmoMusic(data).filter((s) => s.audioPath);
const model = await loadModel();
const clips = [];
for (const s of songs) {
  const a = await decodeAudio(new Uint8Array(readFileSync(s.audioPath!)), { sampleRate: null });
  let e = 0;
  for (const x of a.samples) e += x * x;
  clips.push({ s, a, rmsDb: 10 * Math.log10(e / a.samples.length) });
}
console.log('clip rms dBFS:', clips.map((c) => c.rmsDb.toFixed(1)).join(' '));
const run = async (label: string, gainOf: (c: (typeof clips)[number]) => number) => {
  const ar: number[] = [], va: number[] = [], la: number[] = [], lv: number[] = [];
  for (const c of clips) {
    const g = 10 ** (gainOf(c) / 20);
    const y = c.a.samples.map((x) => Math.max(-1, Math.min(1, x * g)));
    const r = await analyzeAudio(y, { model, sampleRate: c.a.sampleRate, name: c.s.id });
    ar.push(r.summary.arousal); va.push(r.summary.valence); la.push(c.s.static!.arousal); lv.push(c.s.static!.valence);
  }
  const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
  console.log(`${label.padEnd(28)} arousal mean ${mean(ar).toFixed(3)} (labels ${mean(la).toFixed(3)}) r ${pearson(ar, la).toFixed(3)} | valence mean ${mean(va).toFixed(3)} (labels ${mean(lv).toFixed(3)}) r ${pearson(va, lv).toFixed(3)}`);
};
for (const g of [-6, 0, 6]) await run(`gain ${g} dB`, () => g);
for (const t of [-14, -10]) await run(`RMS normalised to ${t} dBFS`, (c) => t - c.rmsDb);
// The training clips' rate: the same clips resampled to 22.05 kHz before analysis.
{
  const ar: number[] = [], la: number[] = [];
  for (const c of clips) {
    const a = await decodeAudio(new Uint8Array(readFileSync(c.s.audioPath!)), { sampleRate: 22050 });
    const r = await analyzeAudio(a.samples, { model, sampleRate: 22050, name: c.s.id });
    ar.push(r.summary.arousal); la.push(c.s.static!.arousal);
  }
  console.log(`resampled to 22.05 kHz: arousal mean ${(ar.reduce((p, q) => p + q, 0) / ar.length).toFixed(3)} r ${pearson(ar, la).toFixed(3)}`);
}
