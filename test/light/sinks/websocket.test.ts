import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { ConfigError } from '../../../src/light/sinks/config.ts';
import {
  createWebSocketSink,
  parseWebSocketConfig,
  WebSocketSink,
  type WebSocketFrameMessage,
  type WebSocketSinkOptions,
} from '../../../src/light/sinks/websocket.ts';
import { lightState, waitFor } from '../../helpers/light-state.ts';

function options(over: Partial<WebSocketSinkOptions> = {}): WebSocketSinkOptions {
  return { type: 'websocket', host: '127.0.0.1', port: 0, fps: 20, delayMs: 0, transitionMs: 0, maxBufferedBytes: 64 * 1024, backoffMs: [50, 200], ...over };
}

/** A sink closed when the test ends, passed or failed: a running one keeps the process alive. */
function owned(t: TestContext, sink: WebSocketSink): WebSocketSink {
  t.after(() => sink.close('restore'));
  return sink;
}

interface Client {
  ws: WebSocket;
  messages: { at: number; message: WebSocketFrameMessage }[];
  closeCode: number | null;
}

async function client(t: TestContext, port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const c: Client = { ws, messages: [], closeCode: null };
  ws.on('message', (data) => c.messages.push({ at: performance.now(), message: JSON.parse(String(data)) as WebSocketFrameMessage }));
  ws.on('close', (code) => (c.closeCode = code));
  t.after(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return c;
}

test('parseWebSocketConfig: defaults (127.0.0.1, port 8765, 10 fps) and errors naming the key', () => {
  assert.deepEqual(parseWebSocketConfig({ type: 'websocket' }, 'sinks[0]', { delayMs: 200 }), {
    type: 'websocket',
    host: '127.0.0.1',
    port: 8765,
    fps: 10,
    delayMs: 200,
    transitionMs: 500,
    maxBufferedBytes: 65536,
  });
  assert.equal(parseWebSocketConfig({ type: 'websocket', host: '0.0.0.0', delayMs: 0 }, 'sinks[0]', { delayMs: 200 }).delayMs, 0);
  const cases: [unknown, RegExp][] = [
    [{ type: 'websocket', path: '/x' }, /^sinks\[1\]: unknown key 'path'/],
    [{ type: 'websocket', host: 'bad host' }, /^sinks\[1\]\.host: not an IP address or host name/],
    [{ type: 'websocket', port: 0 }, /^sinks\[1\]\.port: must be an integer in 1–65535, got 0/],
    [{ type: 'websocket', fps: 0 }, /^sinks\[1\]\.fps: must be a number in 1–60/],
    [{ type: 'websocket', maxBufferedBytes: 10 }, /^sinks\[1\]\.maxBufferedBytes: must be an integer in 1024–16777216/],
    [{ type: 'ws' }, /^sinks\[1\]\.type: must be one of websocket/],
  ];
  for (const [entry, message] of cases) {
    assert.throws(() => parseWebSocketConfig(entry, 'sinks[1]', { delayMs: 0 }), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(entry));
  }
});

test('websocket: listens on 127.0.0.1 by default; two clients receive the same frames', async (t) => {
  const sink = owned(t, new WebSocketSink(options({ host: parseWebSocketConfig({ type: 'websocket' }, 's', { delayMs: 0 }).host })));
  await sink.start();
  assert.equal(sink.status, 'online');
  assert.equal((sink.server!.address() as AddressInfo).address, '127.0.0.1');
  assert.equal(sink.name, `websocket ws://127.0.0.1:${sink.port}`);
  const a = await client(t, sink.port);
  const b = await client(t, sink.port);
  await waitFor(() => sink.clientCount === 2, 2000, 'two clients');
  sink.update(lightState({ rgb: { r: 200, g: 100, b: 50 }, brightness: 0.5, valence: 0.4, arousal: -0.2, quadrant: 'Q4', mood: 'calm', silent: false, time: 12.5 }));
  await waitFor(() => a.messages.length >= 6 && b.messages.length >= 6, 2000, 'six frames each');
  const n = Math.min(a.messages.length, b.messages.length);
  assert.deepEqual(
    a.messages.slice(0, n).map((m) => m.message),
    b.messages.slice(0, n).map((m) => m.message),
  );
  assert.deepEqual(a.messages[0].message, {
    time: 12.5,
    valence: 0.4,
    arousal: -0.2,
    quadrant: 'Q4',
    mood: 'calm',
    silent: false,
    rgb: { r: 200, g: 100, b: 50 },
    brightness: 0.5,
    hex: '#643219',
  });
  // A steady stream at its fps while the colour holds.
  const gaps = a.messages.slice(1).map((m, i) => m.at - a.messages[i].at);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  assert.ok(mean > 35 && mean < 80, `mean gap ${mean.toFixed(1)} ms at 20 fps`);
});

test('websocket: the glided colour is what goes out', async (t) => {
  const sink = owned(t, new WebSocketSink(options({ transitionMs: 400, fps: 50 })));
  await sink.start();
  const a = await client(t, sink.port);
  await waitFor(() => sink.clientCount === 1, 2000, 'the client');
  sink.update(lightState({ rgb: { r: 0, g: 0, b: 0 }, brightness: 1 }));
  await sleep(100);
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 200, g: 0, b: 0 }, brightness: 1 }));
  await waitFor(() => a.messages.some((m) => m.at > t0 + 500), 2000, 'frames after the glide');
  const reds = a.messages.filter((m) => m.at > t0).map((m) => m.message.rgb.r);
  assert.ok(reds.some((r) => r > 20 && r < 180), `intermediate colours during the glide: ${reds.join(' ')}`);
  for (let i = 1; i < reds.length; i++) assert.ok(reds[i] >= reds[i - 1], 'rising');
  assert.equal(reds.at(-1), 200);
});

test('websocket: a client that does not read misses frames instead of buffering without bound', async (t) => {
  const limit = 1024;
  const sink = owned(t, new WebSocketSink(options({ fps: 60, maxBufferedBytes: limit })));
  await sink.start();
  const fast = await client(t, sink.port);
  await waitFor(() => sink.clientCount === 1, 2000, 'the first client');
  // The second connection's socket is corked on the server side: writes pile up in user space,
  // as they do for a client whose kernel buffers are full (which takes megabytes on loopback).
  const corked = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) =>
    sink.server!.once('connection', (ws, req) => {
      req.socket.cork();
      resolve({ ws, socket: req.socket });
    }),
  );
  const slow = await client(t, sink.port);
  const { ws: serverSide, socket } = await corked;
  sink.update(lightState());
  const t0 = performance.now();
  await sleep(600);
  const message = JSON.stringify(fast.messages[0].message).length;
  assert.ok(serverSide.bufferedAmount > 0, 'the corked client has data waiting');
  assert.ok(serverSide.bufferedAmount <= limit + 2 * message, `buffered ${serverSide.bufferedAmount} bytes for the slow client (limit ${limit})`);
  assert.ok(sink.stats.dropped > 10, `${sink.stats.dropped} frames dropped for the slow client`);
  const received = fast.messages.filter((m) => m.at > t0).length;
  assert.ok(received >= 0.6 * 60 * 0.6, `the other client got ${received} frames in 0.6 s at 60 fps`);
  assert.equal(slow.messages.length, 0);
  // Uncorked, it catches up and gets frames again.
  const dropped = sink.stats.dropped;
  socket.uncork();
  await waitFor(() => slow.messages.length > 0, 2000, 'frames for the slow client once it reads');
  const before = slow.messages.length;
  await waitFor(() => slow.messages.length > before + 5, 2000, 'a stream again');
  assert.ok(sink.stats.dropped - dropped < 10, 'no more drops once it keeps up');
});

test('websocket: close() sends the final state to every client, closes them with 1001, within 1 s', async (t) => {
  const sink = owned(t, new WebSocketSink(options()));
  await sink.start();
  const a = await client(t, sink.port);
  const b = await client(t, sink.port);
  await waitFor(() => sink.clientCount === 2, 2000, 'two clients');
  sink.update(lightState({ rgb: { r: 10, g: 20, b: 30 }, brightness: 1 }));
  await waitFor(() => a.messages.length > 2, 2000, 'frames');
  const t0 = performance.now();
  await sink.close('off');
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(sink.status, 'closed');
  await waitFor(() => a.closeCode !== null && b.closeCode !== null, 1000, 'both closed');
  for (const c of [a, b]) {
    assert.equal(c.closeCode, 1001);
    const last = c.messages.at(-1)!.message;
    assert.equal(last.final, 'off');
    assert.equal(last.brightness, 0);
    assert.equal(last.hex, '#000000');
    assert.deepEqual(last.rgb, { r: 10, g: 20, b: 30 });
  }
  const keep = owned(t, new WebSocketSink(options()));
  await keep.start();
  const c = await client(t, keep.port);
  keep.update(lightState({ rgb: { r: 10, g: 20, b: 30 }, brightness: 0.5 }));
  await keep.close('keep');
  await waitFor(() => c.closeCode !== null, 1000, 'closed');
  assert.deepEqual(
    { final: c.messages.at(-1)!.message.final, hex: c.messages.at(-1)!.message.hex },
    { final: 'keep', hex: '#050a0f' },
  );
});

test('websocket: a port in use is offline (and retried), not a crash', async (t) => {
  const first = owned(t, new WebSocketSink(options()));
  await first.start();
  const second = owned(t, createWebSocketSink(options({ port: first.port })) as WebSocketSink);
  const statuses: string[] = [];
  second.onStatus((s, detail) => statuses.push(`${s} ${detail}`));
  await second.start();
  assert.equal(second.status, 'offline');
  assert.match(statuses[0], /^offline .*EADDRINUSE/);
  const port = first.port;
  await first.close('restore');
  second.update(lightState());
  await waitFor(() => second.status === 'online', 3000, 'online once the port is free');
  assert.equal(second.port, port);
});
