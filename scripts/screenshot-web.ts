/**
 * Regenerates docs/web-app.png, the README's picture of the web app: the whole page at 1280 px wide (800 px viewport) in
 * chromium, a fixture clip played at 8× speed up to 30 s (so the trail and the timelines are
 * real) and paused there.
 *
 *     node --import tsx scripts/screenshot-web.ts [--out docs/web-app.png] [--clip test/fixtures/emomusic/4.mp3]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chooseFile, openApp, startWebApp } from './drive-web-app.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './serve-web.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? resolve(process.argv[i + 1]) : join(root, fallback);
};
const out = option('--out', 'docs/web-app.png');
const clip = option('--clip', 'test/fixtures/emomusic/4.mp3');
const STOP_SECONDS = 30;

const app = await startWebApp();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openApp(page, app.url);
  await chooseFile(page, clip);
  await page.evaluate(() => (document.querySelector('audio')!.playbackRate = 8));
  await page.waitForFunction((t) => document.querySelector('audio')!.currentTime >= t, STOP_SECONDS, { timeout: 30_000 });
  await page.evaluate(() => document.querySelector('audio')!.pause());
  // The lamp glides to its colour over 0.5 s.
  await page.waitForTimeout(700);
  // The whole page: the timelines and the song summary lie below the first 800 px.
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
}
