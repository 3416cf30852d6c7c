/**
 * Driving the web app (web/) in chromium, shared by its browser test, its benchmark and the
 * screenshot script: a fresh build in a temporary folder served on 127.0.0.1, the page opened
 * and ready, a file analysed through the file input, and a fixture turned into the WAV that
 * chromium's fake microphone plays.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { decodeAudio } from '../src/audio/decode.ts';
// The page's window.sentioApp (declared global by web/app.ts), for code evaluated in the page.
export type { SentioApp } from '../web/app.ts';
import { encodeWav } from '../test/helpers/wav.ts';
import { buildWeb } from './build-web.ts';
import { folder, serveStatic, type Resolver } from './serve-web.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface WebApp {
  /** The built dist/web folder. */
  dir: string;
  server: Server;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the web app into a temporary folder (so concurrent builds of dist/web cannot race it)
 * and serves it: `routes` first (a path it answers, e.g. /sentio-serve.json), then the
 * repository's test/ folder at /test/, then the build.
 */
export async function startWebApp(routes: (path: string) => string | Uint8Array | undefined = () => undefined): Promise<WebApp> {
  const dir = await mkdtemp(join(tmpdir(), 'sentio-web-app-'));
  await buildWeb(dir);
  const bundle = folder(dir);
  const repository: Resolver = folder(root);
  const { server, url } = await serveStatic((p) => routes(p) ?? (p.startsWith('/test/') ? repository(p) : bundle(p)));
  return {
    dir,
    server,
    url,
    async close() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the page and waits for the model (fails with the page's message if it cannot load). */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.' || document.getElementById('error')?.textContent, null, { timeout: 60_000 });
  const error = await page.textContent('#error');
  if (error) throw new Error(`the page did not load: ${error}`);
}

/** Chooses `path` in the file input and waits until its first point is shown (or an error is). */
export async function chooseFile(page: Page, path: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.setInputFiles('#file', path);
  await page.waitForFunction(() => (window.sentioApp.file?.shownIndex ?? -1) >= 0 || document.getElementById('error')?.textContent, null, { timeout: 60_000 });
}

/** A fixture decoded by Sentio's own decoder at `sampleRate`, as a mono 16-bit WAV (what the fake microphone plays). */
export async function fixtureWav(path: string, sampleRate: number): Promise<Uint8Array> {
  const audio = await decodeAudio(await readFile(resolve(root, path)), { sampleRate });
  return encodeWav([audio.samples], sampleRate, 'pcm16');
}

/** The rate chromium's AudioContext runs at (its output device's; 44100 Hz in headless chromium here). */
export function audioContextRate(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const context = new AudioContext();
    const rate = context.sampleRate;
    await context.close();
    return rate;
  });
}

/** Starts keeping every chunk the page's microphone delivers (its 'chunk' events), for {@link recordedChunks}. */
export function recordChunks(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { chunks: Float32Array[] };
    w.chunks = [];
    window.sentioApp.events.addEventListener('chunk', (e) => w.chunks.push(new Float32Array((e as CustomEvent<Float32Array>).detail)));
  });
}

/** The chunks kept since {@link recordChunks}: all their samples, and each chunk (a view into them). */
export async function recordedChunks(page: Page): Promise<{ samples: Float32Array; chunks: Float32Array[] }> {
  const got = await page.evaluate(() => {
    const chunks = (window as unknown as { chunks: Float32Array[] }).chunks;
    const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) (all.set(c, o), (o += c.length));
    // Base64 of the float32 bytes: exact, and far cheaper than a JSON array of numbers.
    const bytes = new Uint8Array(all.buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { lengths: chunks.map((c) => c.length), samples: btoa(binary) };
  });
  const samples = new Float32Array(new Uint8Array(Buffer.from(got.samples, 'base64')).buffer);
  let offset = 0;
  const chunks = got.lengths.map((n) => samples.subarray(offset, (offset += n)));
  return { samples, chunks };
}

/** The largest |Δ| of valence or arousal between two lists of points, pairwise (b at least as long as a). */
export function worstDifference(a: readonly { valence: number; arousal: number }[], b: readonly { valence: number; arousal: number }[]): number {
  return a.reduce((worst, p, i) => Math.max(worst, Math.abs(p.valence - b[i].valence), Math.abs(p.arousal - b[i].arousal)), 0);
}
