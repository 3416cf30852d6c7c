/**
 * The browser bundle in a real browser (Debian chromium driven by playwright-core): the built
 * `dist/web` folder served on 127.0.0.1 gives the same analysis as the Node API for the same
 * files, the demo page works from a file input, and bad bytes are refused with a clear error.
 *
 * Chromium is a system package (`apt-get install -y chromium`; `.ci/run` installs it). Without
 * it this file is skipped with that reason, unless SENTIO_REQUIRE_BROWSER=1 (as in CI), where
 * a missing browser is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, folder, serveStatic } from '../../scripts/serve-web.ts';
import { analyze } from '../../src/analyze/node.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { hexToRgb } from '../../src/light/color.ts';

/** What the bundle exports (src/browser.ts), for code evaluated in the page. */
type Sentio = typeof import('../../src/browser.ts');

const CHROMIUM = CHROMIUM_PATH;
const required = process.env.SENTIO_REQUIRE_BROWSER === '1';
const skip = !existsSync(CHROMIUM) && !required ? `${CHROMIUM} not installed (apt-get install -y chromium)` : false;
const CLIPS = ['test/fixtures/emomusic/3.mp3', 'test/fixtures/audio/tones.ogg'];

let dir: string;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'sentio-web-'));
  await buildWeb(dir);
  // The built bundle at /, the repository's test folder at /test/ (so a clip's path is its URL).
  const bundle = folder(dir);
  const repository = folder(resolve('.'));
  ({ server, url: base } = await serveStatic((p) => (p.startsWith('/test/') ? repository(p) : bundle(p))));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.' || document.getElementById('error')?.textContent, null, { timeout: 60_000 });
  assert.equal(await page.textContent('#error'), '', `the demo page failed to load the model: ${errors.join('; ')}`);
  // The wasm binaries were found beside the bundle (tfjs would otherwise fall back to cpu).
  assert.equal(await page.evaluate(async () => ((await import(`${location.origin}/sentio.js`)) as Sentio).activeBackend()), 'wasm');
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** analyze() of the bundle, in the page, on a file fetched from the test server. */
function analyzeInBrowser(url: string): Promise<AnalysisResult> {
  return page.evaluate(async (u) => {
    const sentio = (await import(`${location.origin}/sentio.js`)) as Sentio;
    const bytes = await (await fetch(u)).arrayBuffer();
    return sentio.analyze(new Blob([bytes]), { name: u });
  }, url);
}

/** The Node API's analysis of a clip, computed once per clip for all the tests that compare with it. */
const nodeAnalyses = new Map<string, Promise<AnalysisResult>>();
const analyzeInNode = (clip: string): Promise<AnalysisResult> => {
  let result = nodeAnalyses.get(clip);
  if (!result) nodeAnalyses.set(clip, (result = analyze(clip)));
  return result;
};

for (const clip of CLIPS) {
  test(`browser bundle: ${clip} gives the Node API's analysis`, { skip, timeout: 120_000 }, async () => {
    const inBrowser = await analyzeInBrowser(`${base}/${clip}`);
    const inNode = await analyzeInNode(clip);
    assert.equal(inBrowser.timeline.length, inNode.timeline.length);
    assert.ok(Math.abs(inBrowser.duration - inNode.duration) < 1e-6);
    let worst = 0;
    inNode.timeline.forEach((p, i) => {
      assert.equal(inBrowser.timeline[i].time, p.time);
      worst = Math.max(worst, Math.abs(inBrowser.timeline[i].valence - p.valence), Math.abs(inBrowser.timeline[i].arousal - p.arousal));
    });
    // Same wasm kernels and float32 features on both sides; only Math.* in two V8 builds may differ.
    assert.ok(worst < 1e-4, `timeline differs from Node by up to ${worst}`);
    if (process.env.SENTIO_DEBUG) console.log(`${clip}: largest browser/Node difference ${worst}`);
    assert.equal(inBrowser.summary.quadrant, inNode.summary.quadrant);
    assert.equal(inBrowser.summary.color, inNode.summary.color);
    // Music has a tempo (null is for silence); a null on either side fails the comparison.
    assert.ok(Math.abs((inBrowser.summary.tempo ?? Number.NaN) - (inNode.summary.tempo ?? Number.NaN)) < 0.01);
  });
}

test('browser bundle: the demo page analyses a file chosen in its file input', { skip, timeout: 120_000 }, async () => {
  await page.setInputFiles('#file', CLIPS[0]);
  await page.waitForFunction(() => /^Done in/.test(document.getElementById('status')?.textContent ?? '') || document.getElementById('error')?.textContent, null, { timeout: 60_000 });
  assert.equal(await page.textContent('#error'), '');
  const inNode = await analyzeInNode(CLIPS[0]);
  assert.match((await page.textContent('#name')) ?? '', /^3\.mp3 \(/);
  assert.match((await page.textContent('#quadrant')) ?? '', new RegExp(`^${inNode.summary.quadrant} `));
  const swatch = await page.$eval('#swatch', (e) => getComputedStyle(e).backgroundColor);
  const { r, g, b } = hexToRgb(inNode.summary.color)!;
  assert.equal(swatch, `rgb(${r}, ${g}, ${b})`);
  assert.equal(await page.isHidden('#timeline'), false);
});

test('browser bundle: bytes that are not audio are refused with the reason, and the page reports it', { skip, timeout: 60_000 }, async () => {
  const message = await page.evaluate(async () => {
    const sentio = (await import(`${location.origin}/sentio.js`)) as Sentio;
    try {
      await sentio.analyze(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), { name: 'junk.bin' });
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  });
  assert.ok(message, 'analyze accepted junk bytes');
  assert.match(message, /^junk\.bin: /);
  await page.setInputFiles('#file', { name: 'broken.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('definitely not an mp3 file') });
  await page.waitForFunction(() => document.getElementById('error')?.textContent, null, { timeout: 30_000 });
  assert.match((await page.textContent('#error')) ?? '', /broken\.mp3/);
});
