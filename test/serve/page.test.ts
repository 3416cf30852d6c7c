/**
 * The built web page under `sentio serve`'s headers in a real browser (Debian chromium through
 * playwright-core): its Content-Security-Policy lets the page load, compile its wasm and analyse,
 * with no violation reported; the browser's own Origin passes the bridge's check, so a point sent
 * from the page lights a WLED-like UDP receiver; and a page of another origin can neither read the
 * token nor open the bridge, even when it is handed the token.
 *
 * Skipped without chromium, unless SENTIO_REQUIRE_BROWSER=1 (CI), as test/browser/bundle.test.ts.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/serve-web.ts';
import { buildLightSetup, parseLightConfig } from '../../src/light/config.ts';
import { LightMapper } from '../../src/light/smoothing.ts';
import { bridgeRoutes, LightBridge } from '../../src/serve/bridge.ts';
import { startStaticServer, type StaticServer } from '../../src/serve/static.ts';
import { waitFor } from '../helpers/light-state.ts';

type Sentio = typeof import('../../src/browser.ts');

const required = process.env.SENTIO_REQUIRE_BROWSER === '1';
const skip = !existsSync(CHROMIUM_PATH) && !required ? `${CHROMIUM_PATH} not installed (apt-get install -y chromium)` : false;

let dir: string;
let site: StaticServer;
let bridge: LightBridge;
let browser: Browser;
let page: Page;
let foreign: http.Server;
let foreignUrl: string;
let udp: dgram.Socket;
const packets: Buffer[] = [];
const violations: string[] = [];

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'sentio-serve-page-'));
  await buildWeb(dir);
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  const config = parseLightConfig({ sinks: [{ type: 'wled-ddp', host: '127.0.0.1', port: (udp.address() as AddressInfo).port, pixels: 3, transitionMs: 0 }] }, 'lights.json');
  bridge = new LightBridge({ mapper: new LightMapper(config.colour, config.smoothing), sinks: buildLightSetup(config).sinks, final: 'keep' });
  await bridge.start();
  site = await startStaticServer({ root: dir, port: 0, ...bridgeRoutes(bridge) });
  // Another site on another port (another origin), without sentio's headers.
  foreign = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', () => resolve()));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  await bridge?.close();
  await site?.close();
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  udp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the page loads under the CSP: wasm compiles, the model loads, a signal is analysed, nothing is blocked', { skip, timeout: 120_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(site.url);
  assert.equal(response?.status(), 200);
  assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
  const result = await page.evaluate(async () => {
    const sentio = (await import(`${location.origin}/sentio.js`)) as Sentio;
    await sentio.loadModel();
    const sampleRate = 22050;
    const tone = new Float32Array(sampleRate * 10).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
    const analysis = await sentio.analyze(tone, { sampleRate });
    return { backend: sentio.activeBackend(), points: analysis.timeline.length };
  });
  assert.equal(result.backend, 'wasm', 'tfjs compiled its wasm (no fallback to cpu)');
  assert.equal(result.points, 20);
  // Let the page's own start-up finish (it loads the model too) before judging it.
  await page.waitForLoadState('networkidle');
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  // The app connects to the bridge itself; closed, it leaves the bridge to the next tests' page.
  await page.close();
});

test("the browser's own Origin passes the bridge: a point sent from the page lights the strip", { skip, timeout: 60_000 }, async () => {
  // A document of the same origin without the app (which would open its own bridge connection).
  page = await browser.newPage();
  await page.goto(`${site.url}sentio.js.LEGAL.txt`);
  const connections = bridge.stats.connections;
  // Rejects if the socket closes instead of opening.
  await page.evaluate(async () => {
    const info = (await (await fetch('/sentio-serve.json', { cache: 'no-store' })).json()) as { token: string };
    const ws = new WebSocket(`ws://${location.host}/bridge?token=${info.token}`);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onclose = (e) => reject(new Error(`closed ${e.code}`));
    });
    ws.send(JSON.stringify({ type: 'point', time: 0, valence: 0.7, arousal: 0.7, latestLevelDb: -12, silent: false }));
    (globalThis as unknown as { bridgeSocket: WebSocket }).bridgeSocket = ws;
  });
  await waitFor(() => packets.some((p) => p.length === 10 + 9 && p.subarray(10).some((b) => b > 0)), 5000, 'a lit DDP frame from the page');
  assert.equal(bridge.stats.connections, connections + 1);
});

test('a page of another origin can neither read the token nor open the bridge, even holding the token', { skip, timeout: 60_000 }, async () => {
  const other = await browser.newPage();
  const connections = bridge.stats.connections;
  try {
    await other.goto(foreignUrl);
    const result = await other.evaluate(
      async ({ target, token }) => {
        let read: string;
        try {
          read = await (await fetch(`${target}sentio-serve.json`)).text();
        } catch (e) {
          read = `blocked: ${(e as Error).name}`;
        }
        const ws = new WebSocket(`${target.replace('http', 'ws')}bridge?token=${token}`);
        const socket = await new Promise<string>((resolve) => {
          ws.onopen = () => resolve('open');
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        });
        return { read, socket };
      },
      { target: site.url, token: bridge.token },
    );
    assert.match(result.read, /^blocked: TypeError/, 'CORS keeps the token from other sites');
    assert.equal(result.socket, 'closed 1006', 'the handshake was refused (403)');
    assert.equal(bridge.stats.connections, connections, 'no connection replaced the page');
  } finally {
    await other.close();
  }
});
