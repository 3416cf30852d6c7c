/**
 * Browser benchmark (npm run bench:browser): the bundle (`npm run build:web`) in Debian's
 * chromium, on the same 3-minute 44.1 kHz MP3 as `bench/analyze.ts`, against the Node API
 * timed in the same run — the ratio says what the browser costs. Best of 5 each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, folder, serveStatic } from '../scripts/serve-web.ts';
import { analyzeAudio } from '../src/analyze/analyze.ts';
import { loadModel } from '../src/analyze/node.ts';
import { best, concatFiles, printTiming } from './util.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const mp3 = concatFiles(['3', '4', '7', '8'].map((id) => join(root, `test/fixtures/emomusic/${id}.mp3`)));
const model = await loadModel();
// The warm-up run also tells how long the audio lasts.
const seconds = (await analyzeAudio(mp3, { model })).duration;
const nodeMs = (await best(() => analyzeAudio(mp3, { model }))).ms;

const dir = await mkdtemp(join(tmpdir(), 'sentio-bench-web-'));
await buildWeb(dir);
const files = folder(dir);
const { server, url } = await serveStatic((p) => (p === '/song.mp3' ? mp3 : files(p)));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${url}/index.html`);
  const { best: browserMs, backend } = await page.evaluate(async () => {
    const sentio = (await import(`${location.origin}/sentio.js`)) as typeof import('../src/browser.ts');
    const bytes = new Uint8Array(await (await fetch('/song.mp3')).arrayBuffer());
    const m = await sentio.loadModel();
    await sentio.analyze(bytes, { model: m });
    let ms = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await sentio.analyze(bytes, { model: m });
      ms = Math.min(ms, performance.now() - t);
    }
    return { best: ms, backend: sentio.activeBackend() };
  });
  console.log(`3-minute MP3 (${seconds.toFixed(1)} s), analyze end to end, best of 5:`);
  printTiming('  Node (same process)', nodeMs, seconds, 44);
  printTiming(`  chromium ${browser.version()} (tfjs ${backend})`, browserMs, seconds, 44);
  console.log(`  browser / Node time: ${(browserMs / nodeMs).toFixed(2)}`);
} finally {
  await browser.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
}
