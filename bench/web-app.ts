/**
 * Web app benchmark (`node --import tsx bench/web-app.ts`): the page (web/, freshly built) in
 * Debian's chromium, each run in a fresh browser context (nothing cached).
 *
 *  1. File path, load to first frame: navigation start → model ready (the page's own
 *     milestone), and file chosen → analysed → first point shown, on the 3-minute 44.1 kHz MP3
 *     of bench/analyze.ts; load → first point is their sum (the wait between is the script's).
 *  2. Microphone path, load to first point: chromium's fake capture device playing a fixture;
 *     navigation start → model ready, and "Listen" pressed → first point (4.25 s of audio by
 *     design: the point of a segment describes the 8 s centred on it).
 *  3. Per-hop compute in the page: `EmotionStream.push` of 0.5 s chunks of the same song,
 *     decoded in Node and fetched raw by the page, at 44.1 kHz (native) and 48 kHz
 *     (resampled), two passes each, against the same pushes in Node in this run; and the
 *     microphone session's main-thread cost per hop (its 2048-frame chunks summed per point).
 *  4. Browser vs Node: the largest |Δ| of valence/arousal over the song's timeline (file path)
 *     and over the streamed points (page vs Node on the same samples).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { audioContextRate, chooseFile, fixtureWav, openApp, recordChunks, recordedChunks, startWebApp, worstDifference as worst } from '../scripts/drive-web-app.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/serve-web.ts';
import { analyze, loadModel } from '../src/analyze/node.ts';
import { EmotionStream, type LivePoint } from '../src/analyze/stream.ts';
import { decodeAudio } from '../src/audio/decode.ts';
import { resample } from '../src/audio/resample.ts';
import { concatFiles } from './util.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 3;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `median ${quantile(s, 0.5).toFixed(2)} ms, p99 ${quantile(s, 0.99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms (${s.length} hops)`;
};
const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** Pushes 0.5 s chunks through EmotionStream in Node; the time of each push that emitted a point, ms, and the points. */
function nodeHops(model: Awaited<ReturnType<typeof loadModel>>, y: Float32Array, rate: number): { ms: number[]; points: LivePoint[] } {
  const stream = new EmotionStream(model, { sampleRate: rate });
  const ms: number[] = [];
  const points: LivePoint[] = [];
  for (let i = 0; i < y.length; i += rate / 2) {
    const t = performance.now();
    const out = stream.push(y.subarray(i, i + rate / 2));
    ms.push(performance.now() - t);
    points.push(...out);
  }
  return { ms, points };
}

const work = await mkdtemp(join(tmpdir(), 'sentio-bench-web-app-'));
const songPath = join(work, 'song.mp3');
const mp3 = concatFiles(['3', '4', '7', '8'].map((id) => join(root, `test/fixtures/emomusic/${id}.mp3`)));
await writeFile(songPath, mp3);
const song = await decodeAudio(mp3, { sampleRate: null });
const raw: Record<string, Float32Array> = { '/song-44100.f32': song.samples, '/song-48000.f32': resample(song.samples, song.sampleRate, 48000) };
const app = await startWebApp((p) => (raw[p] ? new Uint8Array(raw[p].buffer, raw[p].byteOffset, raw[p].byteLength) : undefined));
const model = await loadModel();
let browser: Browser | undefined;
let micBrowser: Browser | undefined;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  console.log(`Sentio web app benchmark — chromium ${browser.version()}, Node ${process.version}, ${new Date().toISOString()}\n`);

  // 1. File path.
  const nodeResult = await analyze(songPath);
  const file = { ready: [] as number[], analysis: [] as number[], firstPoint: [] as number[], total: [] as number[], worst: 0 };
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openApp(page, app.url);
    await chooseFile(page, songPath);
    const t = await page.evaluate(() => window.sentioApp.timings);
    file.ready.push(t.modelReady!);
    file.analysis.push(t.analysed! - t.fileChosen!);
    file.firstPoint.push(t.firstFilePoint! - t.fileChosen!);
    file.total.push(t.modelReady! + t.firstFilePoint! - t.fileChosen!);
    const timeline = (await page.evaluate(() => window.sentioApp.file!.result.timeline)) as { valence: number; arousal: number }[];
    file.worst = Math.max(file.worst, worst(timeline, nodeResult.timeline));
    await context.close();
  }
  console.log(`1. File path, ${song.duration.toFixed(1)} s 44.1 kHz MP3, ${RUNS} runs (fresh context each):`);
  console.log(`   load → model ready ${range(file.ready)} ms; file chosen → analysed ${range(file.analysis)} ms → first point shown ${range(file.firstPoint)} ms`);
  console.log(`   load → first point (without the script's wait between): ${range(file.total)} ms`);

  // 2. Microphone path (and its per-hop cost): the fake device plays clip 17 at the context's rate.
  const probe = await browser.newPage();
  await openApp(probe, app.url);
  const micRate = await audioContextRate(probe);
  await probe.close();
  const wav = join(work, 'mic.wav');
  await writeFile(wav, await fixtureWav('test/fixtures/emomusic/17.mp3', micRate));
  micBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`] });
  const mic = { ready: [] as number[], firstPoint: [] as number[], total: [] as number[], hops: [] as number[], firstHop: [] as number[], worst: 0 };
  for (let r = 0; r < RUNS; r++) {
    const context = await micBrowser.newContext();
    const page = await context.newPage();
    await openApp(page, app.url);
    await recordChunks(page);
    await page.click('#listen');
    // 30 points: 4.25 s to the first, then 14.5 s more.
    await page.waitForFunction(() => (window.sentioApp.live?.points.length ?? 0) >= 30, null, { timeout: 60_000 });
    await page.click('#stop');
    const got = await page.evaluate(() => {
      const t = window.sentioApp.timings;
      const live = window.sentioApp.live!;
      return { t, hops: live.hopComputeMs, points: live.points.map((p) => ({ valence: p.valence, arousal: p.arousal })) };
    });
    const { chunks } = await recordedChunks(page);
    mic.ready.push(got.t.modelReady!);
    mic.firstPoint.push(got.t.firstLivePoint! - got.t.listenPressed!);
    mic.total.push(got.t.modelReady! + got.t.firstLivePoint! - got.t.listenPressed!);
    // The first hop also warms up the network's kernels for its batch shape; reported apart.
    mic.firstHop.push(got.hops[0]);
    mic.hops.push(...got.hops.slice(1));
    const stream = new EmotionStream(model, { sampleRate: micRate });
    const inNode = chunks.flatMap((c) => stream.push(c));
    mic.worst = Math.max(mic.worst, worst(got.points, inNode.slice(0, got.points.length)));
    await context.close();
  }
  console.log(`\n2. Microphone path (fake capture device, ${micRate} Hz), ${RUNS} runs:`);
  console.log(`   load → model ready ${range(mic.ready)} ms; Listen pressed → first point ${range(mic.firstPoint)} ms`);
  console.log(`   load → first point (without the script's wait between): ${range(mic.total)} ms`);
  console.log(`   main-thread EmotionStream.push per hop during the session: ${stats(mic.hops)}; first hop ${range(mic.firstHop, 1)} ms`);

  // 3. Per-hop compute in the page against Node, same samples, 0.5 s pushes.
  console.log(`\n3. EmotionStream.push per 0.5 s, ${song.duration.toFixed(1)} s song, 2 passes after a 20 s warm-up:`);
  const page = await browser.newPage();
  await openApp(page, app.url);
  for (const rate of [44100, 48000]) {
    const inPage = await page.evaluate(async (r) => {
      const sentio = (await import(`${location.origin}/sentio.js`)) as typeof import('../src/browser.ts');
      const y = new Float32Array(await (await fetch(`/song-${r}.f32`)).arrayBuffer());
      const m = window.sentioApp.model!;
      // One loop, no helper function: tsx names functions with a helper (__name) the page does not have.
      const ms: number[] = [];
      const points: { valence: number; arousal: number }[] = [];
      for (let pass = 0; pass < 3; pass++) {
        // Pass 0 warms up on 20 s; passes 1 and 2 are timed over the whole song.
        const n = pass === 0 ? r * 20 : y.length;
        const stream = new sentio.EmotionStream(m, { sampleRate: r });
        for (let i = 0; i < n; i += r / 2) {
          const t = performance.now();
          const out = stream.push(y.subarray(i, i + r / 2));
          if (pass > 0) ms.push(performance.now() - t);
          if (pass === 1) for (const p of out) points.push({ valence: p.valence, arousal: p.arousal });
        }
      }
      return { ms, points };
    }, rate);
    const y = raw[`/song-${rate}.f32`];
    nodeHops(model, y.subarray(0, rate * 20), rate);
    const a = nodeHops(model, y, rate);
    const b = nodeHops(model, y, rate);
    console.log(`   ${rate} Hz  chromium: ${stats(inPage.ms)}`);
    console.log(`   ${rate} Hz  Node:     ${stats([...a.ms, ...b.ms])}`);
    console.log(`   ${rate} Hz  largest page/Node difference over ${inPage.points.length} points: ${worst(inPage.points, a.points.slice(0, inPage.points.length))}`);
  }

  console.log(`\n4. Browser vs Node, largest |Δ valence|, |Δ arousal|: file timeline ${file.worst} (${nodeResult.timeline.length} points × ${RUNS} runs); microphone points ${mic.worst}`);
} finally {
  await browser?.close();
  await micBrowser?.close();
  await app.close();
  await rm(work, { recursive: true, force: true });
}
