/**
 * Live benchmark (npm run bench:live): what the streaming analyser costs per 0.5 s hop with the
 * default model, and how long a sound takes to reach a light.
 *
 *  1. Compute per hop: a 3-minute 44.1 kHz song decoded once, then pushed into `EmotionStream`
 *     0.5 s at a time, as `sentio live` receives it; each push (0.5 s of frames, the window
 *     inputs and the 3-member network) is timed. Median, p99 and max, for 44.1 kHz (analysed
 *     natively) and 48 kHz (resampled, what most sound cards give), with the offline `analyze`
 *     of the same samples as the peer (its time per 0.5 s of audio), in the same run.
 *  2. Delay from a sound to its colour: a calm clip followed at once by an energetic one, streamed
 *     through the analyser and the light mapping (default smoothing), with the stream time at which
 *     the lamp's colour has covered 10 %, 50 % and 90 % of the way from the calm colour to the
 *     energetic one; plus the measured compute p99 and the time from a light update to its first
 *     DDP packet arriving at a UDP receiver on 127.0.0.1 (frame loop at 40 fps).
 *
 *   npm run bench:live
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatFiles, peakRssMb } from './util.ts';
import { analyzeAudio } from '../src/analyze/analyze.ts';
import { loadModel } from '../src/analyze/node.ts';
import { EmotionStream, type LivePoint } from '../src/analyze/stream.ts';
import type { EmotionModel } from '../src/analyze/emotion-model.ts';
import { decodeAudio } from '../src/audio/decode.ts';
import { resample } from '../src/audio/resample.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Pushes `y` 0.5 s at a time; returns the time of each push, ms, and the points. */
function perHop(model: EmotionModel, y: Float32Array, sampleRate: number): { ms: number[]; points: LivePoint[] } {
  const stream = new EmotionStream(model, { sampleRate });
  const hop = sampleRate / 2;
  const ms: number[] = [];
  const points: LivePoint[] = [];
  for (let i = 0; i < y.length; i += hop) {
    const t = performance.now();
    points.push(...stream.push(y.subarray(i, i + hop)));
    ms.push(performance.now() - t);
  }
  points.push(...stream.finish());
  return { ms, points };
}

function printHops(label: string, ms: number[], offlineMsPerHop: number): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(2).padStart(6)} ms  p99 ${p99.toFixed(2).padStart(6)} ms  max ${sorted[sorted.length - 1].toFixed(2).padStart(6)} ms` +
      `  (${ms.length} hops; offline ${offlineMsPerHop.toFixed(2)} ms per 0.5 s: live median ÷ offline = ${(median / offlineMsPerHop).toFixed(2)})`,
  );
}

async function main(): Promise<void> {
  console.log(`Sentio live benchmark — Node ${process.version}, ${new Date().toISOString()}\n`);
  const model = await loadModel();
  const mp3 = concatFiles(['3', '4', '7', '8'].map((id) => path.join(root, `test/fixtures/emomusic/${id}.mp3`)));
  const song = await decodeAudio(mp3, { sampleRate: null });
  const at48 = resample(song.samples, song.sampleRate, 48000);
  // Warm up WASM and JIT on both paths.
  perHop(model, song.samples.subarray(0, song.sampleRate * 20), song.sampleRate);
  perHop(model, at48.subarray(0, 48000 * 20), 48000);

  console.log(`1. Compute per 0.5 s hop, ${song.duration.toFixed(1)} s song, default model, one core:`);
  for (const [label, y, rate] of [[`${song.sampleRate} Hz (native)`, song.samples, song.sampleRate], ['48000 Hz (resampled to 22.05 kHz)', at48, 48000]] as const) {
    let offlineMs = Infinity;
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await analyzeAudio(y, { model, sampleRate: rate });
      offlineMs = Math.min(offlineMs, performance.now() - t);
    }
    const runs = [perHop(model, y, rate), perHop(model, y, rate), perHop(model, y, rate)];
    printHops(label, runs.flatMap((r) => r.ms), offlineMs / (y.length / rate / 0.5));
  }
  console.log(`   peak RSS so far: ${peakRssMb().toFixed(0)} MB\n`);
  if (process.argv.includes('--compute-only')) return;
  const { delayBenchmark } = await import('./live-delay.ts');
  await delayBenchmark(model);
}

await main();
