/**
 * The lights bridge of `sentio serve` with a real `ws` client and WLED-like UDP receivers on
 * 127.0.0.1: who may connect (Origin, token), what reaches the strips (the colours LightMapper
 * gives for the points sent), what is refused and how, the rate limit, last-writer-wins and the
 * final state at shutdown.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { BRIDGE_CLOSE, BRIDGE_PATH, BRIDGE_RATE_BURST, pointMessage, type BridgePoint } from '../../src/light/bridge-protocol.ts';
import { buildLightSetup, parseLightConfig } from '../../src/light/config.ts';
import { frameRgb } from '../../src/light/sinks/sink.ts';
import { LightMapper } from '../../src/light/smoothing.ts';
import type { LightState, Rgb } from '../../src/light/types.ts';
import { bridgeRoutes, LightBridge, type BridgeEvent } from '../../src/serve/bridge.ts';
import { startStaticServer, type StaticServer } from '../../src/serve/static.ts';
import { waitFor } from '../helpers/light-state.ts';
import { get } from './raw-http.ts';
import { udpReceiver } from './udp-receiver.ts';

const PIXELS = 6;
/** The pixels of the last DDP frame (10-byte header, PUSH flag, destination 1), decoded by hand. */
function lastDdpPixels(packets: Buffer[]): Rgb[] | null {
  const frame = packets.filter((p) => p.length === 10 + PIXELS * 3 && p[3] === 1 && (p[0] & 0x01) === 1).at(-1);
  return frame ? pixels(frame.subarray(10)) : null;
}
/** The pixels of the last DRGB packet (type 2, timeout, then RGB from pixel 0). */
function lastDrgbPixels(packets: Buffer[]): Rgb[] | null {
  const packet = packets.filter((p) => p.length === 2 + PIXELS * 3 && p[0] === 2).at(-1);
  return packet ? pixels(packet.subarray(2)) : null;
}
function pixels(data: Buffer): Rgb[] {
  const out: Rgb[] = [];
  for (let i = 0; i < data.length; i += 3) out.push({ r: data[i], g: data[i + 1], b: data[i + 2] });
  return out;
}
const allOf = (rgb: Rgb) => Array.from({ length: PIXELS }, () => rgb);

let dir: string;
let ddp: Awaited<ReturnType<typeof udpReceiver>>;
let drgb: Awaited<ReturnType<typeof udpReceiver>>;
let bridge: LightBridge;
let site: StaticServer;
let origin: string;
let config: ReturnType<typeof parseLightConfig>;
const states: LightState[] = [];
const events: BridgeEvent[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-bridge-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  ddp = await udpReceiver();
  drgb = await udpReceiver();
  // Parsed by the same code as `sentio serve --config`; no glide, so a frame shows the state itself.
  config = parseLightConfig(
    {
      final: 'off',
      sinks: [
        { type: 'wled-ddp', host: '127.0.0.1', port: ddp.port, pixels: PIXELS, fps: 50, transitionMs: 0 },
        { type: 'wled-udp', host: '127.0.0.1', port: drgb.port, pixels: PIXELS, fps: 50, transitionMs: 0, protocol: 'drgb' },
      ],
    },
    'lights.json',
  );
  bridge = new LightBridge({
    mapper: new LightMapper(config.colour, config.smoothing),
    sinks: buildLightSetup(config).sinks,
    final: config.final,
    onState: (s) => states.push(s),
    onEvent: (e) => events.push(e),
  });
  await bridge.start();
  site = await startStaticServer({ root: dir, port: 0, ...bridgeRoutes(bridge) });
  origin = `http://127.0.0.1:${site.port}`;
});

after(async () => {
  await bridge?.close();
  await site?.close();
  await ddp?.close();
  await drgb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Opened = { ws: WebSocket; closed: Promise<{ code: number; reason: string }> };

/** Opens a bridge connection; resolves with the socket, or with the HTTP status of a refused handshake. Bounded. */
function connect(options: { token?: string | null; origin?: string | null; host?: string } = {}): Promise<Opened | { status: number; body: string }> {
  const token = options.token === undefined ? bridge.token : options.token;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`ws://${options.host ?? `127.0.0.1:${site.port}`}${BRIDGE_PATH}${query}`, options.origin === null ? {} : { origin: options.origin ?? origin });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no handshake answer within 3 s')), 3000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve({ ws, closed });
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => {});
  });
}

async function open(options?: Parameters<typeof connect>[0]): Promise<Opened> {
  const r = await connect(options);
  assert.ok('ws' in r, `handshake refused: ${JSON.stringify(r)}`);
  return r;
}

/** Resolves with the close code and reason, or fails after 3 s. */
async function closedWithin(o: Opened, ms = 3000): Promise<{ code: number; reason: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not closed within ${ms} ms`)), ms)));
  try {
    return await Promise.race([o.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const point = (time: number, over: Partial<BridgePoint> = {}) => pointMessage({ time, valence: 0.6, arousal: 0.5, latestLevelDb: -20, silent: false, ...over });
/** A message as a hostile or broken page might write it (pointMessage would clamp the values). */
const rawPoint = (over: Record<string, unknown>) => JSON.stringify({ type: 'point', time: 0, valence: 0, arousal: 0, latestLevelDb: -20, silent: false, ...over });

test('the page discovers the bridge at /sentio-serve.json: a 128-bit token, readable by this origin only', async () => {
  const r = await get(site.port, '/sentio-serve.json');
  assert.equal(r.status, 200);
  const info = JSON.parse(r.body) as { bridge: boolean; token: string };
  assert.equal(info.bridge, true);
  assert.match(info.token, /^[0-9a-f]{32}$/);
  assert.equal(info.token, bridge.token);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.ok(!Object.keys(r.headers).some((h) => h.startsWith('access-control-')), 'no CORS headers');
  // Even a request that says it comes from another site gets no CORS grant.
  const cross = await get(site.port, '/sentio-serve.json', { Origin: 'http://evil.example' });
  assert.ok(!Object.keys(cross.headers).some((h) => h.startsWith('access-control-')));
  assert.notEqual(new LightBridge({ mapper: new LightMapper(), sinks: [], final: 'keep' }).token, bridge.token, 'a token per run');
});

test('a handshake without this server\'s Origin is refused with 403 before the upgrade', async () => {
  const refusedBefore = bridge.stats.refused;
  for (const o of [null, 'http://evil.example', `http://127.0.0.1:${site.port + 1}`, `https://127.0.0.1:${site.port}`, 'null', `http://localhost:${site.port}`]) {
    const r = await connect({ origin: o });
    assert.ok('status' in r && r.status === 403, `Origin ${o}: ${JSON.stringify('status' in r ? r : 'opened')}`);
  }
  // Reached as localhost, the page's origin is http://localhost:port.
  const local = await open({ host: `localhost:${site.port}`, origin: `http://localhost:${site.port}` });
  local.ws.close();
  await closedWithin(local);
  const rebound = await connect({ host: `127.0.0.1:${site.port}`, origin: 'http://attacker.example' });
  assert.ok('status' in rebound && rebound.status === 403);
  assert.equal(bridge.stats.refused - refusedBefore, 7);
  assert.ok(events.some((e) => e.kind === 'refused' && e.status === 403 && /Origin/.test(e.reason)));
});

test('a missing or wrong token is refused with 403', async () => {
  const wrong = bridge.token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  for (const token of [null, '', wrong, bridge.token.slice(0, 31), `${bridge.token}0`, bridge.token.toUpperCase()]) {
    const r = await connect({ token });
    assert.ok('status' in r && r.status === 403, `token ${token}`);
    assert.match((r as { body: string }).body, /token/);
  }
  assert.ok(bridge.tokenMatches(bridge.token) && !bridge.tokenMatches(wrong) && !bridge.tokenMatches(null));
});

test('valid points from the page reach both strips in the colour LightMapper gives them', async () => {
  const c = await open();
  const sent = [
    { time: 0, valence: 0.7, arousal: 0.6, latestLevelDb: -18, silent: false },
    { time: 0.5, valence: 0.65, arousal: 0.55, latestLevelDb: -18.5, silent: false },
    { time: 1, valence: -0.6, arousal: -0.5, latestLevelDb: -25, silent: false },
    { time: 1.5, valence: -0.62, arousal: -0.52, latestLevelDb: -26, silent: false },
  ];
  const before = states.length;
  for (const p of sent) c.ws.send(pointMessage(p));
  // The same points through a fresh mapper of the same config: what the strips must show.
  const mapper = new LightMapper(config.colour, config.smoothing);
  const expected = sent.map((p) => mapper.push(p));
  await waitFor(() => states.length - before === sent.length, 2000, 'the points to be mapped');
  assert.deepEqual(states.slice(before), expected);
  const want = allOf(frameRgb(expected.at(-1)!));
  const since = [ddp.packets.length, drgb.packets.length];
  await waitFor(
    () => JSON.stringify(lastDdpPixels(ddp.packets.slice(since[0]))) === JSON.stringify(want) && JSON.stringify(lastDrgbPixels(drgb.packets.slice(since[1]))) === JSON.stringify(want),
    2000,
    `DDP and DRGB frames of ${JSON.stringify(want[0])}`,
  );
  assert.notDeepEqual(frameRgb(expected[0]), frameRgb(expected.at(-1)!), 'the colour really changed');
  c.ws.close();
  assert.equal((await closedWithin(c)).code, 1005);
});

test('invalid messages close the connection with a code and the reason; the lights ignore them', async () => {
  const cases: [string | Buffer, number, RegExp][] = [
    [rawPoint({ pad: 'x'.repeat(1100) }), BRIDGE_CLOSE.tooLarge, /message of 11\d\d bytes exceeds 1024/],
    // Far over the limit, ws refuses the frame itself before it is buffered (a bare 1009).
    ['x'.repeat(20_000), BRIDGE_CLOSE.tooLarge, /^$/],
    ['{"type":"point","time":0,"valence":NaN,"arousal":0,"latestLevelDb":-20,"silent":false}', BRIDGE_CLOSE.policy, /not JSON/],
    ['{"type":"point","time":0,"valence":1e999,"arousal":0,"latestLevelDb":-20,"silent":false}', BRIDGE_CLOSE.policy, /valence must be a finite number/],
    [rawPoint({ valence: 1.5 }), BRIDGE_CLOSE.policy, /valence must be a finite number in \[-1, 1\], got 1\.5/],
    [rawPoint({ arousal: -1.01 }), BRIDGE_CLOSE.policy, /arousal/],
    [rawPoint({ latestLevelDb: -300 }), BRIDGE_CLOSE.policy, /latestLevelDb/],
    [rawPoint({ time: -1 }), BRIDGE_CLOSE.policy, /time/],
    ['hello', BRIDGE_CLOSE.policy, /not JSON/],
    ['{"type":"colour","rgb":[255,0,0]}', BRIDGE_CLOSE.policy, /unknown message type/],
    [rawPoint({ rgb: 1 }), BRIDGE_CLOSE.policy, /unknown key 'rgb'/],
    [rawPoint({ silent: 'no' }), BRIDGE_CLOSE.policy, /silent/],
    [Buffer.from(point(0)), BRIDGE_CLOSE.binary, /binary/],
  ];
  for (const [message, code, reason] of cases) {
    const c = await open();
    const before = bridge.stats.points;
    c.ws.send(message, { binary: Buffer.isBuffer(message) });
    const closed = await closedWithin(c);
    assert.equal(closed.code, code, `${String(message).slice(0, 60)}: ${closed.reason}`);
    assert.match(closed.reason, reason);
    assert.equal(bridge.stats.points, before, 'nothing reached the lights');
  }
  // Time going back on one connection: the first points are used, the one before them closes it.
  const c = await open();
  const before = bridge.stats.points;
  c.ws.send(point(10));
  c.ws.send(point(10));
  c.ws.send(point(9.5));
  const closed = await closedWithin(c);
  assert.equal(closed.code, BRIDGE_CLOSE.policy);
  assert.match(closed.reason, /time 9\.5 is before the previous point's 10/);
  assert.equal(bridge.stats.points - before, 2);
});

test(`rate limit: a burst of ${BRIDGE_RATE_BURST} is taken, the message after it closes the connection`, async () => {
  const c = await open();
  const before = bridge.stats.points;
  for (let i = 0; i < BRIDGE_RATE_BURST + 15; i++) c.ws.send(point(i * 0.5));
  const closed = await closedWithin(c);
  assert.equal(closed.code, BRIDGE_CLOSE.policy);
  assert.match(closed.reason, /rate limit: more than 10 messages per second/);
  // The bucket refills while the burst arrives, so one or two more may pass; never the whole flood.
  const taken = bridge.stats.points - before;
  assert.ok(taken >= BRIDGE_RATE_BURST && taken <= BRIDGE_RATE_BURST + 2, `${taken} taken`);
  // A page at the protocol's pace (2/s, here sped up to 8/s) is never limited.
  const steady = await open();
  const start = bridge.stats.points;
  for (let i = 0; i < 30; i++) {
    steady.ws.send(point(i * 0.5));
    await new Promise((r) => setTimeout(r, 125));
  }
  await waitFor(() => bridge.stats.points - start === 30, 2000, 'all 30 paced points');
  assert.equal(steady.ws.readyState, WebSocket.OPEN);
  steady.ws.close();
  await closedWithin(steady);
});

test('last writer wins: a new connection takes over and the old one is closed with 4409', async () => {
  const first = await open();
  first.ws.send(point(0, { valence: 0.8, arousal: 0.8 }));
  await waitFor(() => states.at(-1)?.valence === 0.8, 2000, 'the first page\'s point');
  const second = await open();
  const replaced = await closedWithin(first);
  assert.equal(replaced.code, BRIDGE_CLOSE.replaced);
  assert.match(replaced.reason, /another connection took over/);
  // The second page has its own stream: time starts again at 0 and its smoothing starts fresh.
  second.ws.send(point(0, { valence: -0.9, arousal: 0.1 }));
  await waitFor(() => states.at(-1)?.valence === -0.9, 2000, 'the second page\'s point, unsmoothed by the first');
  second.ws.close();
  await closedWithin(second);
});

test('shutdown closes the page\'s connection with 1001 and leaves the strips in the final state (off: black)', async () => {
  const c = await open();
  c.ws.send(point(0, { valence: 0.9, arousal: 0.9 }));
  await waitFor(() => (lastDdpPixels(ddp.packets)?.[0].r ?? 0) > 0, 2000, 'a lit strip');
  await bridge.close();
  const closed = await closedWithin(c);
  assert.equal(closed.code, BRIDGE_CLOSE.shutdown);
  await waitFor(() => JSON.stringify(lastDdpPixels(ddp.packets)) === JSON.stringify(allOf({ r: 0, g: 0, b: 0 })), 1000, 'a black DDP frame');
  await waitFor(() => JSON.stringify(lastDrgbPixels(drgb.packets)) === JSON.stringify(allOf({ r: 0, g: 0, b: 0 })), 1000, 'a black DRGB packet');
  const r = await connect();
  assert.ok('status' in r && r.status === 503, 'no connections while stopping');
});

test('without a light config there is no bridge: {"bridge": false} and /bridge is 404', async () => {
  const plain = await startStaticServer({ root: dir, port: 0, ...bridgeRoutes(null) });
  try {
    assert.deepEqual(JSON.parse((await get(plain.port, '/sentio-serve.json')).body), { bridge: false });
    const ws = new WebSocket(`ws://127.0.0.1:${plain.port}${BRIDGE_PATH}?token=x`, { origin: `http://127.0.0.1:${plain.port}` });
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), 3000);
      ws.once('unexpected-response', (_q, res) => {
        clearTimeout(timer);
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.once('open', () => resolve(101));
    });
    assert.equal(status, 404);
  } finally {
    await plain.close();
  }
});
