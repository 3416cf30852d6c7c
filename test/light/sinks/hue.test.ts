/**
 * The Hue sink against a local HTTP server speaking the bridge's v1 API (lights, groups, the
 * `[{"error": …}]` answers), recording every request and when it came: bodies, xy inside the
 * lamp's gamut, the rate per light and per group, restore, errors, a bridge that goes away and
 * comes back. The colour maths is checked against Philips' known values.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, afterEach, before, describe, test } from 'node:test';
import { quadrantOf } from '../../../src/data/types.ts';
import { emotionToRgb, moodWord } from '../../../src/light/color.ts';
import { ConfigError } from '../../../src/light/sinks/config.ts';
import {
  clampToGamut,
  HUE_GAMUTS,
  hueRestoreBodies,
  HueSink,
  hueStateBody,
  parseHueConfig,
  rgbToXy,
  rgbToXyUnclamped,
  type Gamut,
  type Xy,
} from '../../../src/light/sinks/hue.ts';
import type { LightState, Rgb, SinkStatus } from '../../../src/light/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

function colourState(rgb: Rgb, brightness = 1): LightState {
  return { rgb, brightness, valence: 0.5, arousal: 0.5, quadrant: 'Q1', mood: 'happy', silent: false, time: 0 };
}

function emotionState(valence: number, arousal: number, brightness = 0.8): LightState {
  return { rgb: emotionToRgb(valence, arousal), brightness, valence, arousal, quadrant: quadrantOf(valence, arousal), mood: moodWord(valence, arousal), silent: false, time: 0 };
}

const RED = { r: 255, g: 0, b: 0 };
const GREEN = { r: 0, g: 255, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };

/** Barycentric test, written apart from the sink's, with slack for the 4-decimal rounding. */
function insideTriangle(p: Xy, [a, b, c]: Gamut, slack = 2e-4): boolean {
  const d = (b.y - c.y) * (a.x - c.x) + (c.x - b.x) * (a.y - c.y);
  const l1 = ((b.y - c.y) * (p.x - c.x) + (c.x - b.x) * (p.y - c.y)) / d;
  const l2 = ((c.y - a.y) * (p.x - c.x) + (a.x - c.x) * (p.y - c.y)) / d;
  return l1 >= -slack && l2 >= -slack && 1 - l1 - l2 >= -slack;
}

/** The distance from `p` to the triangle's edges, by sampling each edge finely. */
function sampledDistance(p: Xy, gamut: Gamut): number {
  let best = Infinity;
  for (let e = 0; e < 3; e++) {
    const [a, b] = [gamut[e], gamut[(e + 1) % 3]];
    for (let i = 0; i <= 5000; i++) {
      const t = i / 5000;
      best = Math.min(best, Math.hypot(a.x + t * (b.x - a.x) - p.x, a.y + t * (b.y - a.y) - p.y));
    }
  }
  return best;
}

// ——————————————————————————————————————— A fake bridge ———————————————————————————————————————

interface Request {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  at: number;
}

interface FakeLight {
  state: Record<string, unknown>;
  capabilities?: Record<string, unknown>;
}

const USER = 'sentiotestuser';
const OWN_GAMUT: Gamut = [
  { x: 0.685, y: 0.3149 },
  { x: 0.178, y: 0.7253 },
  { x: 0.1241, y: 0.0578 },
];

class FakeBridge {
  readonly requests: Request[] = [];
  readonly lights = new Map<string, FakeLight>();
  readonly groups = new Map<string, string[]>();
  /** When set, every PUT answers with this error item (HTTP 200, as the bridge does). */
  putError: { type: number; description: string } | null = null;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
  }

  /** Stops listening and cuts open keep-alive connections, like a bridge losing power. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  puts(path: string): Request[] {
    return this.requests.filter((r) => r.method === 'PUT' && r.path === path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      const url = req.url ?? '';
      const reply = (json: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const m = /^\/api\/([^/]+)(\/.*)$/.exec(url);
      if (!m) return void (res.writeHead(404), res.end());
      const [, user, path] = m;
      this.requests.push({ method: req.method ?? '', path, body, at: performance.now() });
      if (user !== USER) return reply([{ error: { type: 1, address: '/', description: 'unauthorized user' } }]);
      let r: RegExpExecArray | null;
      if (req.method === 'GET' && (r = /^\/lights\/(\d+)$/.exec(path))) {
        const light = this.lights.get(r[1]);
        if (!light) return reply([{ error: { type: 3, address: `/lights/${r[1]}`, description: `resource, /lights/${r[1]}, not available` } }]);
        return reply({ state: light.state, type: 'Extended color light', name: `Lamp ${r[1]}`, modelid: 'LCT015', ...(light.capabilities && { capabilities: light.capabilities }) });
      }
      if (req.method === 'GET' && (r = /^\/groups\/(\d+)$/.exec(path))) {
        const members = this.groups.get(r[1]);
        if (!members) return reply([{ error: { type: 3, address: `/groups/${r[1]}`, description: `resource, /groups/${r[1]}, not available` } }]);
        return reply({ name: `Room ${r[1]}`, lights: members, type: 'Room', action: { on: true } });
      }
      if (req.method === 'PUT' && (r = /^\/(lights\/\d+\/state|groups\/\d+\/action)$/.exec(path)) && body) {
        if (this.putError) return reply([{ error: { ...this.putError, address: path } }]);
        const light = /^lights\/(\d+)/.exec(r[1]);
        if (light) Object.assign(this.lights.get(light[1])?.state ?? {}, body);
        return reply(Object.entries(body).map(([k, v]) => ({ success: { [`/${r![1]}/${k}`]: v } })));
      }
      reply([{ error: { type: 4, address: path, description: `method, ${req.method}, not available for resource, ${path}` } }]);
    });
  }
}

function statuses(sink: HueSink): { status: SinkStatus; detail: string }[] {
  const seen: { status: SinkStatus; detail: string }[] = [];
  sink.onStatus((status, detail) => seen.push({ status, detail }));
  return seen;
}

/** Sinks still open when a test ends (a failed assertion): closed, so no timer keeps the run alive. */
const open: HueSink[] = [];
function opened(sink: HueSink): HueSink {
  open.push(sink);
  return sink;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close('keep')));
});

const gaps = (rs: Request[]) => rs.slice(1).map((r, i) => r.at - rs[i].at);

// ——————————————————————————————————————————— Tests ———————————————————————————————————————————

describe('colour', () => {
  test('sRGB → xy: Philips` known values', () => {
    const white = rgbToXyUnclamped({ r: 255, g: 255, b: 255 })!;
    assert.ok(Math.abs(white.x - 0.3227) < 5e-4 && Math.abs(white.y - 0.329) < 5e-4, `white ${JSON.stringify(white)}`);
    const red = rgbToXyUnclamped(RED)!;
    assert.ok(Math.abs(red.x - 0.7006) < 5e-4 && Math.abs(red.y - 0.2993) < 5e-4, `red ${JSON.stringify(red)}`);
    assert.equal(rgbToXyUnclamped({ r: 0, g: 0, b: 0 }), null);
    // Chromaticity does not depend on the level, only on the ratios (in linear light).
    const dim = rgbToXyUnclamped({ r: 128, g: 128, b: 128 })!;
    assert.ok(Math.abs(dim.x - white.x) < 1e-9 && Math.abs(dim.y - white.y) < 1e-9);
    // Red lies outside gamut C, beyond its red corner: it clamps onto the corner.
    const c = rgbToXy(RED, HUE_GAMUTS.C)!;
    assert.ok(Math.abs(c.x - 0.6915) < 2e-4 && Math.abs(c.y - 0.3083) < 2e-4, `red in C ${JSON.stringify(c)}`);
    // White is inside every gamut: unchanged.
    for (const g of Object.values(HUE_GAMUTS)) assert.deepEqual(clampToGamut(white, g), white);
  });

  test('saturated red, green and blue land in each gamut, at its closest point', () => {
    for (const [name, gamut] of Object.entries(HUE_GAMUTS)) {
      for (const rgb of [RED, GREEN, BLUE, { r: 255, g: 0, b: 255 }, { r: 0, g: 255, b: 255 }]) {
        const raw = rgbToXyUnclamped(rgb)!;
        const xy = rgbToXy(rgb, gamut)!;
        assert.ok(insideTriangle(xy, gamut), `${JSON.stringify(rgb)} in gamut ${name}: ${JSON.stringify(xy)}`);
        if (!insideTriangle(raw, gamut, 0)) {
          const moved = Math.hypot(xy.x - raw.x, xy.y - raw.y);
          assert.ok(moved <= sampledDistance(raw, gamut) + 2e-4, `${JSON.stringify(rgb)} in ${name}: moved ${moved}, closest edge ${sampledDistance(raw, gamut)}`);
        }
      }
    }
  });

  test('state body: bri 1–254 from brightness × colour level, off when black', () => {
    assert.deepEqual(hueStateBody({ rgb: RED, brightness: 1 }, HUE_GAMUTS.C, 2), { on: true, bri: 254, xy: [0.6915, 0.3083], transitiontime: 2 });
    assert.equal(hueStateBody({ rgb: { r: 0, g: 0, b: 128 }, brightness: 1 }, HUE_GAMUTS.C, 2).bri, 127);
    assert.equal(hueStateBody({ rgb: RED, brightness: 0.003 }, HUE_GAMUTS.C, 2).bri, 1);
    assert.deepEqual(hueStateBody({ rgb: RED, brightness: 0.001 }, HUE_GAMUTS.C, 4), { on: false, transitiontime: 4 });
    assert.deepEqual(hueStateBody({ rgb: { r: 0, g: 0, b: 0 }, brightness: 1 }, HUE_GAMUTS.C, 4), { on: false, transitiontime: 4 });
  });

  test('restore bodies follow the light`s colormode; an off light gets its colour back, then off', () => {
    assert.deepEqual(hueRestoreBodies({ on: true, bri: 144, xy: [0.5, 0.4], ct: 300, colormode: 'xy' }, 2), [{ on: true, bri: 144, xy: [0.5, 0.4], transitiontime: 2 }]);
    assert.deepEqual(hueRestoreBodies({ on: true, bri: 10, xy: [0.5, 0.4], ct: 300, colormode: 'ct' }), [{ on: true, bri: 10, ct: 300, transitiontime: 0 }]);
    assert.deepEqual(hueRestoreBodies({ on: true, bri: 10, hue: 1000, sat: 200, colormode: 'hs' }), [{ on: true, bri: 10, hue: 1000, sat: 200, transitiontime: 0 }]);
    assert.deepEqual(hueRestoreBodies({ on: false, bri: 200, ct: 366, colormode: 'ct' }, 2), [{ bri: 200, ct: 366, transitiontime: 0 }, { on: false }]);
    assert.deepEqual(hueRestoreBodies({ on: false }), [{ on: false }]);
  });
});

describe('config', () => {
  test('parseHueConfig: defaults, ids, named errors', () => {
    assert.deepEqual(parseHueConfig({ type: 'hue', bridge: '192.168.1.2', user: 'abcDEF123-x', lights: [1, '2'] }, 'sinks[3]', { delayMs: 150 }), {
      bridge: '192.168.1.2',
      port: 80,
      user: 'abcDEF123-x',
      lights: ['1', '2'],
      groups: [],
      gamut: undefined,
      maxRate: 5,
      delayMs: 150,
    });
    const g = parseHueConfig({ type: 'hue', bridge: 'hue.local', user: 'u', lights: [], groups: [0, 3], gamut: 'B', maxRate: 2 }, 's');
    assert.deepEqual(g.groups, ['0', '3']);
    assert.equal(g.gamut, 'B');
    const bad = (entry: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => parseHueConfig({ type: 'hue', bridge: '192.168.1.2', user: 'u', lights: [1], ...entry }, 'sinks[3]'), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    bad({ bridge: 'http://192.168.1.2' }, /^sinks\[3\]\.bridge: not an IP address or host name/);
    bad({ user: 'a/../b' }, /^sinks\[3\]\.user: letters, digits/);
    bad({ user: undefined }, /^sinks\[3\]\.user: must be a non-empty string/);
    bad({ lights: [1, 'x'] }, /^sinks\[3\]\.lights\[1\]: a light or group id/);
    bad({ lights: '1' }, /^sinks\[3\]\.lights: must be an array/);
    bad({ lights: [1, 1] }, /^sinks\[3\]\.lights: id 1 listed twice/);
    bad({ lights: [] }, /^sinks\[3\]\.lights: no lights and no groups/);
    bad({ lights: undefined }, /^sinks\[3\]\.lights: required/);
    bad({ gamut: 'D' }, /^sinks\[3\]\.gamut: must be one of A, B, C/);
    bad({ maxRate: 11 }, /^sinks\[3\]\.maxRate: must be a number in 0\.1–10, got 11/);
    bad({ port: 0 }, /^sinks\[3\]\.port:/);
    bad({ light: [1] }, /^sinks\[3\]: unknown key 'light'/);
  });
});

describe('with a bridge', () => {
  const bridge = new FakeBridge();
  before(() => bridge.start());
  after(() => bridge.stop());

  const resetLights = () => {
    bridge.requests.length = 0;
    bridge.putError = null;
    bridge.lights.clear();
    bridge.groups.clear();
    // Light 1 reports its own triangle (a non-Philips lamp's), light 2 only its gamut type B; light 2 starts off, in ct mode.
    bridge.lights.set('1', {
      state: { on: true, bri: 144, hue: 13088, sat: 212, effect: 'none', xy: [0.5128, 0.4147], ct: 467, alert: 'none', colormode: 'xy', reachable: true },
      capabilities: { control: { colorgamuttype: 'other', colorgamut: [[0.685, 0.3149], [0.178, 0.7253], [0.1241, 0.0578]] } },
    });
    bridge.lights.set('2', { state: { on: false, bri: 200, xy: [0.4, 0.4], ct: 366, colormode: 'ct', reachable: true }, capabilities: { control: { colorgamuttype: 'B' } } });
    bridge.lights.set('3', { state: { on: true, bri: 50, hue: 40000, sat: 100, colormode: 'hs', reachable: true } });
    bridge.lights.set('4', { state: { on: true, bri: 60, xy: [0.3, 0.3], colormode: 'xy', reachable: true } });
    bridge.groups.set('7', ['1', '3', '4']);
  };

  test('lights: bodies in each lamp`s gamut, ≤ the rate per light, restore puts back the GET state', async () => {
    resetLights();
    // Two lights at maxRate 10 share the bridge's ~10/s: 5 each, a 200 ms interval and fade.
    const sink = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1', '2'], maxRate: 10 }));
    assert.equal(sink.name, `hue 127.0.0.1:${bridge.port} lights 1,2`);
    const seen = statuses(sink);
    await sink.start();
    assert.equal(sink.status, 'online');
    assert.deepEqual(
      bridge.requests.map((r) => `${r.method} ${r.path}`).sort(),
      ['GET /lights/1', 'GET /lights/2'],
    );
    assert.deepEqual(sink.channels[0].colorGamut, OWN_GAMUT);
    assert.deepEqual(sink.channels[1].colorGamut, HUE_GAMUTS.B);

    const colours = [RED, GREEN, BLUE];
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 1600; i++) {
      sink.update(colourState(colours[i % 3], 0.2 + 0.08 * (i % 10)));
      await sleep(50);
    }
    await sleep(250); // the last sends land
    for (const [id, gamut] of [
      ['1', OWN_GAMUT],
      ['2', HUE_GAMUTS.B],
    ] as const) {
      const puts = bridge.puts(`/lights/${id}/state`);
      assert.ok(puts.length >= 6 && puts.length <= 10, `1.6 s at 5/s: 7–9 PUTs to light ${id}, got ${puts.length}`);
      assert.ok(Math.min(...gaps(puts)) >= 200 - 40, `light ${id} at most 5/s: gaps ${gaps(puts).map(Math.round).join(', ')} ms`);
      for (const { body } of puts) {
        assert.deepEqual(Object.keys(body!).sort(), ['bri', 'on', 'transitiontime', 'xy']);
        const { on, bri, xy, transitiontime } = body as { on: boolean; bri: number; xy: [number, number]; transitiontime: number };
        assert.equal(on, true);
        assert.ok(Number.isInteger(bri) && bri >= 1 && bri <= 254, `bri ${bri}`);
        assert.ok(insideTriangle({ x: xy[0], y: xy[1] }, gamut), `light ${id}: xy ${xy} inside its gamut`);
        assert.equal(transitiontime, 2);
      }
      const redXy = rgbToXy(RED, gamut)!;
      assert.ok(
        puts.some(({ body }) => (body!.xy as number[])[0] === redXy.x && (body!.xy as number[])[1] === redXy.y),
        `red sent to light ${id} as its gamut's red (${redXy.x}, ${redXy.y})`,
      );
    }
    assert.ok(sink.stats.sent >= 12 && sink.stats.dropped > 0 && sink.stats.errors === 0, JSON.stringify(sink.stats));

    const before = bridge.requests.length;
    await sink.close('restore');
    const finals = bridge.requests.slice(before);
    assert.deepEqual(
      finals.filter((r) => r.path === '/lights/1/state').map((r) => r.body),
      [{ on: true, bri: 144, xy: [0.5128, 0.4147], transitiontime: 2 }],
    );
    assert.deepEqual(
      finals.filter((r) => r.path === '/lights/2/state').map((r) => r.body),
      [{ bri: 200, ct: 366, transitiontime: 0 }, { on: false }],
    );
    assert.equal(finals.length, 3, 'no frame after the final state');
    assert.deepEqual(bridge.lights.get('2')!.state.on, false);
    assert.deepEqual(
      seen.map((s) => s.status),
      ['online', 'closed'],
    );
  });

  test('groups: at most 1/s with a 1 s fade; restore puts back each member once', async () => {
    resetLights();
    const sink = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1'], groups: ['7'], maxRate: 5 }));
    await sink.start();
    assert.equal(sink.status, 'online');
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 2300; i++) {
      sink.update(emotionState(Math.cos(i / 4), Math.sin(i / 4)));
      await sleep(50);
    }
    const puts = bridge.puts('/groups/7/action');
    assert.ok(puts.length >= 2 && puts.length <= 3, `2.3 s at 1/s: 2–3 group PUTs, got ${puts.length}`);
    assert.ok(Math.min(...gaps(puts)) >= 1000 - 40, `group at most 1/s: gaps ${gaps(puts).map(Math.round).join(', ')} ms`);
    for (const { body } of puts) {
      assert.equal(body!.transitiontime, 10);
      // One xy for the group, in the first member's gamut (light 1's own triangle).
      assert.ok(insideTriangle({ x: (body!.xy as number[])[0], y: (body!.xy as number[])[1] }, OWN_GAMUT));
    }
    // The light on its own keeps its own, faster rate.
    assert.ok(bridge.puts('/lights/1/state').length >= 8);

    const before = bridge.requests.length;
    await sink.close('restore');
    const finals = bridge.requests.slice(before);
    assert.deepEqual(
      finals.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`).sort(),
      [
        'PUT /lights/1/state {"on":true,"bri":144,"xy":[0.5128,0.4147],"transitiontime":2}',
        'PUT /lights/3/state {"on":true,"bri":50,"hue":40000,"sat":100,"transitiontime":10}',
        'PUT /lights/4/state {"on":true,"bri":60,"xy":[0.3,0.3],"transitiontime":10}',
      ],
    );
  });

  test('final states: off puts {"on":false} to lights and groups; keep sends nothing', async () => {
    resetLights();
    const off = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1'], groups: ['7'] }));
    await off.start();
    off.update(colourState(GREEN));
    await waitFor(() => bridge.puts('/lights/1/state').length === 1 && bridge.puts('/groups/7/action').length === 1, 2000, 'the first PUTs');
    await off.close('off');
    assert.deepEqual(bridge.puts('/lights/1/state').at(-1)!.body, { on: false });
    assert.deepEqual(bridge.puts('/groups/7/action').at(-1)!.body, { on: false });

    resetLights();
    const keep = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1'] }));
    await keep.start();
    keep.update(colourState(BLUE));
    await waitFor(() => bridge.puts('/lights/1/state').length === 1, 2000, 'the first PUT');
    await keep.close('keep');
    await sleep(200);
    assert.equal(bridge.puts('/lights/1/state').length, 1);
  });

  test('bridge errors (HTTP 200 with an error array) take the light offline with the description, then it recovers', async () => {
    resetLights();
    const sink = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1'], maxRate: 5 }));
    const seen = statuses(sink);
    await sink.start();
    bridge.putError = { type: 201, description: 'parameter, bri, is not modifiable. Device is set to off.' };
    let i = 0;
    const feed = setInterval(() => sink.update(emotionState(Math.cos(i / 3), Math.sin(i++ / 3))), 50);
    try {
      await waitFor(() => sink.status === 'offline', 2000, 'offline on the error answer');
      assert.match(seen.find((s) => s.status === 'offline')!.detail, /^light 1: .*201.*parameter, bri, is not modifiable\. Device is set to off\./);
      assert.ok(sink.stats.errors >= 1);
      bridge.putError = null;
      const sentBefore = sink.stats.sent;
      await waitFor(() => sink.status === 'online' && sink.stats.sent > sentBefore, 5000, 'online and sending again');
    } finally {
      clearInterval(feed);
    }
    await sink.close('keep');

    // A user the bridge does not know: offline at connect, with the bridge's words.
    const stranger = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: 'nobody', lights: ['1'] }));
    const strangerSeen = statuses(stranger);
    await stranger.start();
    assert.equal(stranger.status, 'offline');
    assert.match(strangerSeen[0].detail, /unauthorized user/);
    await stranger.close('keep');
  });

  test('the bridge goes away and comes back on the same port: offline, then online and sending', async () => {
    resetLights();
    const sink = opened(new HueSink({ bridge: '127.0.0.1', port: bridge.port, user: USER, lights: ['1'], maxRate: 5 }));
    const seen = statuses(sink);
    await sink.start();
    let i = 0;
    const feed = setInterval(() => sink.update(emotionState(Math.cos(i / 3), Math.sin(i++ / 3))), 50);
    try {
      await waitFor(() => bridge.puts('/lights/1/state').length >= 2, 2000, 'PUTs before the outage');
      await bridge.stop();
      await waitFor(() => sink.status === 'offline', 3000, 'offline without the bridge');
      assert.match(seen.find((s) => s.status === 'offline')!.detail, /ECONNREFUSED|socket|closed|fetch failed/i);
      await bridge.start();
      const n = bridge.requests.length;
      await waitFor(() => sink.status === 'online', 6000, 'online again');
      await waitFor(() => bridge.requests.slice(n).some((r) => r.method === 'PUT'), 2000, 'PUTs after the outage');
      assert.ok(bridge.requests.slice(n).some((r) => r.method === 'GET' && r.path === '/lights/1'), 'reconnecting reads the light again');
    } finally {
      clearInterval(feed);
    }
    // The state to restore is still the one from before Sentio, not a colour it sent.
    assert.deepEqual(sink.channels[0].savedStates.get('1'), { on: true, bri: 144, xy: [0.5128, 0.4147], ct: 467, hue: 13088, sat: 212, colormode: 'xy' });
    await sink.close('keep');
    assert.deepEqual(
      seen.map((s) => s.status),
      ['online', 'offline', 'online', 'closed'],
    );
  });
});
