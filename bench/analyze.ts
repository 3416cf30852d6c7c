/**
 * Main-job benchmark (npm run bench): `analyze` end to end — decode + sentio-frames + the
 * default model + tempo — on a 3-minute 44.1 kHz MP3 on one core, and `sentio analyze` over
 * the 720 clips of ../shared/datasets/4q on both cores (worker threads), against the time
 * the audio lasts, with peak memory. Decode alone is timed in the same run as the peer
 * that bounds the pipeline.
 *
 *   npm run bench:analyze            # both
 *   npm run bench:analyze -- --quick # 3-minute file only
 *   npm run bench:analyze -- --model DIR  # another model than the default
 *   npm run bench:analyze -- --quick --compare DIR  # + the model against DIR, alternating in this process
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { best, concatFiles, peakRssMb, printTiming } from './util.ts';
import { analyzeAudio } from '../src/analyze/analyze.ts';
import { loadModel } from '../src/analyze/node.ts';
import { decodeAudio } from '../src/audio/decode.ts';
import { main as cli } from '../src/cli/main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = path.resolve(root, '../shared');
const quick = process.argv.includes('--quick');
const modelArg = process.argv.indexOf('--model');
const modelDir = modelArg > 0 ? process.argv[modelArg + 1] : undefined;
const compareArg = process.argv.indexOf('--compare');
const compareDir = compareArg > 0 ? process.argv[compareArg + 1] : undefined;


async function main(): Promise<void> {
  console.log(`Sentio analyze benchmark — Node ${process.version}, ${new Date().toISOString()}\n`);
  const model = await loadModel(modelDir);
  if (modelDir) console.log(`model: ${modelDir}`);
  const mp3 = concatFiles(['3', '4', '7', '8'].map((id) => path.join(root, `test/fixtures/emomusic/${id}.mp3`)));
  await analyzeAudio(mp3, { model }); // warm up WASM and JIT
  const decode = await best(() => decodeAudio(mp3, { sampleRate: null }));
  const seconds = decode.value.duration;
  const full = await best(() => analyzeAudio(mp3, { model }));
  console.log(`3-minute MP3 (${seconds.toFixed(1)} s, 44.1 kHz mono), one core, best of 5:`);
  printTiming('  decode only (mpg123 WASM)', decode.ms, seconds);
  printTiming('  analyze: decode + features + model + tempo', full.ms, seconds);
  console.log(`  share after decoding (features, 3-member ensemble, tempo): ${(((full.ms - decode.ms) / full.ms) * 100).toFixed(0)} %`);
  console.log(`  peak RSS so far: ${peakRssMb().toFixed(0)} MB\n`);

  if (compareDir) {
    // A model change is judged against its peer in the same process, calls alternating, so
    // that the machine's load drifts over both alike (timings here move by ±15 % between runs).
    const peer = await loadModel(compareDir);
    await analyzeAudio(mp3, { model: peer });
    const times: [number[], number[]] = [[], []];
    for (let r = 0; r < 8; r++) {
      // Which model goes first alternates too, so an order effect (GC, caches) falls on both.
      for (const k of r % 2 ? [1, 0] : [0, 1]) {
        const t = performance.now();
        await analyzeAudio(mp3, { model: k === 0 ? model : peer });
        times[k].push(performance.now() - t);
      }
    }
    const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
    console.log(`model vs ${compareDir}, analyze end to end, 8 alternating runs each:`);
    printTiming('  this model, median', median(times[0]), seconds);
    printTiming(`  ${compareDir}, median`, median(times[1]), seconds);
    console.log(`  time ratio (this / peer, medians): ${(median(times[0]) / median(times[1])).toFixed(3)}\n`);
  }

  const q4 = path.join(shared, 'datasets/4q/audio');
  if (quick || !existsSync(q4)) return;
  const out = path.join(tmpdir(), `sentio-bench-${process.pid}.jsonl`);
  const sink = new PassThrough();
  sink.resume();
  const t = performance.now();
  const code = await cli(['node', 'sentio', 'analyze', q4, '--format', 'jsonl', '--out', out, '--jobs', '2', '--no-progress'], { stdout: sink, stderr: sink, isTTY: false });
  const ms = performance.now() - t;
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { duration?: number; error?: string });
  rmSync(out, { force: true });
  const audio = lines.reduce((a, l) => a + (l.duration ?? 0), 0);
  console.log(`720 4Q clips, sentio analyze --jobs 2 (exit ${code}, ${lines.filter((l) => l.error).length} failures):`);
  printTiming(`  ${lines.length} files, ${(audio / 60).toFixed(1)} min of audio`, ms, audio);
  console.log(`  ${(ms / lines.length).toFixed(0)} ms per clip; peak RSS (main thread + workers): ${peakRssMb().toFixed(0)} MB`);
}

await main();
