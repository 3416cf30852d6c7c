/**
 * Feature benchmark (npm run bench): decode + `logmel` on a 3-minute MP3 and on the 720
 * clips of ../shared/datasets/4q, with the mel stage compared against essentia.js and
 * meyda on the same signal in the same process. Prints ms per minute of audio, the
 * real-time factor, peak RSS and the speed ratios. Single-threaded (one core).
 *
 *   npm run bench            # everything
 *   npm run bench -- --quick # 3-minute file only, no 720-clip pass
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatFiles, peakRssMb } from './util.ts';
import esPkg from 'essentia.js';
import MeydaModule from 'meyda';
import { decodeAudio } from '../src/audio/decode.ts';
import { extractFeatures } from '../src/features/extract.ts';
import { computeFeatures } from '../src/features/types.ts';
import { logmel } from '../src/features/melbands.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = path.resolve(root, '../shared');
const quick = process.argv.includes('--quick');
const SR = 22050;
const N_FFT = 2048;
const HOP = 512;

const now = () => performance.now();

function time<T>(fn: () => T, repeats = 3): { ms: number; value: T } {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repeats; i++) {
    const t = now();
    value = fn();
    best = Math.min(best, now() - t);
  }
  return { ms: best, value };
}

async function timeAsync<T>(fn: () => Promise<T>, repeats = 3): Promise<{ ms: number; value: T }> {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repeats; i++) {
    const t = now();
    value = await fn();
    best = Math.min(best, now() - t);
  }
  return { ms: best, value };
}


/** Mel bands of every centred frame with essentia.js (Windowing → Spectrum → MelBands). */
function essentiaMel(y: Float32Array): number {
  const { Essentia, EssentiaWASM } = esPkg as { Essentia: new (w: unknown) => EssentiaApi; EssentiaWASM: unknown };
  const es = essentia ??= new Essentia(EssentiaWASM);
  const frames = 1 + Math.floor(y.length / HOP);
  const padded = new Float32Array(y.length + N_FFT);
  padded.set(y, N_FFT / 2);
  let checksum = 0;
  for (let t = 0; t < frames; t++) {
    const v = es.arrayToVector(padded.subarray(t * HOP, t * HOP + N_FFT));
    const w = es.Windowing(v, true, N_FFT, 'hann');
    const s = es.Spectrum(w.frame, N_FFT);
    const m = es.MelBands(s.spectrum, SR / 2, N_FFT / 2 + 1, false, 0, 'unit_sum', 128, SR, 'power', 'slaneyMel', 'linear');
    checksum += es.vectorToArray(m.bands)[0];
    v.delete?.();
    w.frame.delete?.();
    s.spectrum.delete?.();
    m.bands.delete?.();
  }
  return checksum;
}
interface EssentiaVector { delete?: () => void }
interface EssentiaApi {
  arrayToVector(a: Float32Array): EssentiaVector;
  vectorToArray(v: EssentiaVector): Float32Array;
  Windowing(v: EssentiaVector, normalized: boolean, size: number, type: string): { frame: EssentiaVector };
  Spectrum(v: EssentiaVector, size: number): { spectrum: EssentiaVector };
  MelBands(...args: unknown[]): { bands: EssentiaVector };
}
let essentia: EssentiaApi | undefined;

interface MeydaApi {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  windowingFunction: string;
  extract(feature: string, frame: Float32Array): unknown;
}
const Meyda = MeydaModule as unknown as MeydaApi;

/** Mel bands of every centred frame with meyda (its own FFT, window and mel filterbank). */
function meydaMel(y: Float32Array): number {
  Meyda.bufferSize = N_FFT;
  Meyda.sampleRate = SR;
  Meyda.melBands = 128;
  Meyda.windowingFunction = 'hanning';
  const frames = 1 + Math.floor(y.length / HOP);
  const padded = new Float32Array(y.length + N_FFT);
  padded.set(y, N_FFT / 2);
  let checksum = 0;
  for (let t = 0; t < frames; t++) {
    const bands = Meyda.extract('melBands', padded.slice(t * HOP, t * HOP + N_FFT)) as unknown as number[];
    checksum += bands[0];
  }
  return checksum;
}

function row(label: string, ms: number, audioSeconds: number, extra = ''): void {
  const perMinute = ms / (audioSeconds / 60);
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${perMinute.toFixed(1).padStart(7)} ms/min  ${(audioSeconds / (ms / 1000)).toFixed(0).padStart(6)}× real time ${extra}`);
}

async function main(): Promise<void> {
  console.log(`Sentio feature benchmark — Node ${process.version}, single thread, ${new Date().toISOString()}\n`);

  // 1. A 3-minute MP3 at 44.1 kHz (needs resampling) built from the emoMusic fixtures.
  const clips = ['3', '4', '7', '8'].map((id) => path.join(root, `test/fixtures/emomusic/${id}.mp3`));
  const mp3_44k = concatFiles(clips);
  // 2. A 3-minute MP3 at 22.05 kHz (no resampling) from six 4Q clips, if ../shared is present.
  const q4Dir = path.join(shared, 'datasets/4q/audio');
  const q4Files = existsSync(q4Dir) ? ['Q1', 'Q2', 'Q3', 'Q4'].flatMap((q) => readdirSync(path.join(q4Dir, q)).sort().map((f) => path.join(q4Dir, q, f))) : [];
  const mp3_22k = q4Files.length ? concatFiles(q4Files.slice(100, 106)) : null;

  await extractFeatures(mp3_44k, logmel); // warm up WASM decoders and JIT
  for (const [label, bytes] of [['3-min MP3, 44.1 kHz mono 64 kbit/s (resampled to 22.05 kHz)', mp3_44k], ['3-min MP3, 22.05 kHz mono 64 kbit/s', mp3_22k]] as const) {
    if (!bytes) continue;
    const decoded = await timeAsync(() => decodeAudio(bytes, { sampleRate: SR }));
    const seconds = decoded.value.duration;
    const e2e = await timeAsync(() => extractFeatures(bytes, logmel));
    console.log(`${label}: ${seconds.toFixed(1)} s of audio`);
    row('  decode (+ resample) only', decoded.ms, seconds);
    row('  decode + logmel, end to end', e2e.ms, seconds, `→ ${e2e.value.features.frames.rows} frames`);
  }

  // Mel stage alone on the same decoded 22.05 kHz signal: Sentio vs essentia.js vs meyda.
  const y = (await decodeAudio(mp3_44k, { sampleRate: SR })).samples;
  const seconds = y.length / SR;
  console.log(`\nMel bands only (n_fft 2048, hop 512, 128 bands) on the same ${seconds.toFixed(1)} s signal:`);
  const ours = time(() => computeFeatures(logmel, y));
  row('  sentio logmel', ours.ms, seconds);
  const ess = time(() => essentiaMel(y), 1);
  row('  essentia.js (WASM) Windowing+Spectrum+MelBands', ess.ms, seconds, `→ sentio is ${(ess.ms / ours.ms).toFixed(1)}× faster`);
  const mey = time(() => meydaMel(y), 1);
  row('  meyda melBands', mey.ms, seconds, `→ sentio is ${(mey.ms / ours.ms).toFixed(1)}× faster`);

  if (!quick && q4Files.length) {
    console.log(`\n4Q dataset: ${q4Files.length} clips, decode + logmel each (one file at a time):`);
    let total = 0;
    let audio = 0;
    const t = now();
    for (const f of q4Files) {
      const t0 = now();
      const r = await extractFeatures(readFileSync(f), logmel, f);
      total += now() - t0;
      audio += r.duration;
    }
    row(`  ${q4Files.length} clips, ${(audio / 60).toFixed(1)} min of audio`, now() - t, audio, `(${(total / q4Files.length).toFixed(1)} ms per clip)`);
  }
  console.log(`\nPeak RSS of the whole run: ${peakRssMb().toFixed(0)} MB`);
}

await main();
