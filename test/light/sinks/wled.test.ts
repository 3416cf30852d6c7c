import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../../src/light/sinks/config.ts';
import {
  createWledSink,
  parseWledConfig,
  WledJsonSink,
  type WledDdpOptions,
  type WledJsonOptions,
  type WledUdpOptions,
} from '../../../src/light/sinks/wled.ts';
import type { LightSink, SinkStatus } from '../../../src/light/types.ts';
import { lightState, waitFor } from '../../helpers/light-state.ts';

// ---------------------------------------------------------------------------------------------
// Receivers: real sockets and servers on 127.0.0.1, decoding what a WLED would receive.

interface Packet {
  at: number;
  data: Buffer;
}

class UdpReceiver {
  readonly packets: Packet[] = [];
  private constructor(
    private socket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (data) => this.packets.push({ at: performance.now(), data }));
  }

  static async open(port = 0): Promise<UdpReceiver> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return new UdpReceiver(socket, (socket.address() as AddressInfo).port);
  }

  /** Non-empty packets (the sinks' probes are empty or header-only) from `since` on. */
  after(since: number): Packet[] {
    return this.packets.filter((p) => p.at >= since);
  }

  private closed = false;

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

interface DdpPacket {
  version: number;
  push: boolean;
  otherFlags: number;
  sequence: number;
  dataType: number;
  destination: number;
  offset: number;
  length: number;
  data: Buffer;
}

/** The DDP header, byte by byte (not with the sink's own code). */
function decodeDdp(b: Buffer): DdpPacket {
  assert.ok(b.length >= 10, `DDP packet of ${b.length} bytes`);
  const offset = ((b[4] << 24) >>> 0) + (b[5] << 16) + (b[6] << 8) + b[7];
  const length = (b[8] << 8) + b[9];
  assert.equal(b.length, 10 + length, 'data length field = bytes after the header');
  return {
    version: b[0] >> 6,
    push: (b[0] & 0x01) === 1,
    otherFlags: b[0] & 0x3e,
    sequence: b[1],
    dataType: b[2],
    destination: b[3],
    offset,
    length,
    data: b.subarray(10),
  };
}

/** DDP packets grouped into frames: each ends with the packet that has PUSH. */
function ddpFrames(packets: Packet[]): DdpPacket[][] {
  const frames: DdpPacket[][] = [];
  let current: DdpPacket[] = [];
  for (const p of packets) {
    const d = decodeDdp(p.data);
    if (d.destination !== 1) continue; // the reconnect probe (status id), which WLED drops
    current.push(d);
    if (d.push) {
      frames.push(current);
      current = [];
    }
  }
  return frames;
}

function pixelsOf(data: Buffer): [number, number, number][] {
  assert.equal(data.length % 3, 0);
  const out: [number, number, number][] = [];
  for (let i = 0; i < data.length; i += 3) out.push([data[i], data[i + 1], data[i + 2]]);
  return out;
}

function assertAll(pixels: [number, number, number][], rgb: [number, number, number], what: string): void {
  for (let i = 0; i < pixels.length; i++) assert.deepEqual(pixels[i], rgb, `${what}: pixel ${i}`);
}

interface Realtime {
  type: number;
  timeout: number;
  start: number;
  pixels: [number, number, number][];
}

/** A DRGB (2) or DNRGB (4) packet, byte by byte. */
function decodeRealtime(b: Buffer): Realtime {
  const type = b[0];
  if (type === 2) return { type, timeout: b[1], start: 0, pixels: pixelsOf(b.subarray(2)) };
  assert.equal(type, 4, `packet type ${type}`);
  return { type, timeout: b[1], start: (b[2] << 8) + b[3], pixels: pixelsOf(b.subarray(4)) };
}

const nonEmpty = (ps: Packet[]) => ps.filter((p) => p.data.length > 0);

function statusLog(sink: LightSink): SinkStatus[] {
  const log: SinkStatus[] = [];
  sink.onStatus((s) => log.push(s));
  return log;
}

/** Closes a sink when the test ends, passed or failed: a running sink keeps the test process alive. */
function owned<T extends LightSink>(t: TestContext, sink: T): T {
  t.after(() => sink.close('restore'));
  return sink;
}

/** Closes a receiver when the test ends (close is idempotent). */
function ownedRx<T extends { close(): Promise<void> }>(t: TestContext, rx: T): T {
  t.after(() => rx.close());
  return rx;
}

const FAST = { sendTimeoutMs: 500, backoffMs: [50, 200] as const };

function ddpOptions(port: number, over: Partial<WledDdpOptions> = {}): WledDdpOptions {
  return { type: 'wled-ddp', host: '127.0.0.1', port, pixels: 10, start: 0, fps: 40, gradient: false, gradientSeconds: 4, delayMs: 0, transitionMs: 0, ...FAST, ...over };
}

function udpOptions(port: number, over: Partial<WledUdpOptions> = {}): WledUdpOptions {
  return { type: 'wled-udp', host: '127.0.0.1', port, pixels: 10, start: 0, fps: 40, gradient: false, gradientSeconds: 4, delayMs: 0, transitionMs: 0, protocol: 'auto', timeoutSeconds: 2, ...FAST, ...over };
}

async function timed<T>(p: Promise<T>): Promise<number> {
  const t0 = performance.now();
  await p;
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------------
// Config

test('parseWledConfig: defaults per type and the entry delay over the common one', () => {
  const ddp = parseWledConfig({ type: 'wled-ddp', host: '192.168.1.40', pixels: 60 }, 'sinks[0]', { delayMs: 120 });
  assert.deepEqual(ddp, {
    type: 'wled-ddp',
    host: '192.168.1.40',
    port: 4048,
    pixels: 60,
    start: 0,
    fps: 40,
    gradient: false,
    gradientSeconds: 4,
    delayMs: 120,
    transitionMs: 500,
  });
  const udp = parseWledConfig({ type: 'wled-udp', host: 'wled.local', pixels: 600, start: 5, delayMs: 0 }, 'sinks[1]', { delayMs: 120 });
  assert.equal(udp.type, 'wled-udp');
  assert.equal(udp.port, 21324);
  assert.equal(udp.delayMs, 0);
  assert.ok(udp.type === 'wled-udp' && udp.protocol === 'auto' && udp.timeoutSeconds === 2);
  const json = parseWledConfig({ type: 'wled-json', host: '10.0.0.2', segment: 2 }, 'sinks[2]', { delayMs: 0 });
  assert.deepEqual(json, { type: 'wled-json', host: '10.0.0.2', port: 80, segment: 2, updatesPerSecond: 2, transitionMs: 500, delayMs: 0 });
  assert.equal(createWledSink(udp).name, 'wled-udp wled.local:21324 dnrgb');
  assert.equal(createWledSink(ddp).name, 'wled-ddp 192.168.1.40:4048');
  assert.equal(createWledSink(json).name, 'wled-json 10.0.0.2:80 seg 2');
});

test('parseWledConfig: a bad entry is refused naming its key', () => {
  const cases: [unknown, RegExp][] = [
    ['wled', /^sinks\[3\]: must be an object/],
    [{ type: 'wled-dmx', host: 'a', pixels: 1 }, /^sinks\[3\]\.type: must be one of wled-ddp, wled-udp, wled-json/],
    [{ type: 'wled-ddp', host: 'a', pixels: 1, colour: 'red' }, /^sinks\[3\]: unknown key 'colour'/],
    [{ type: 'wled-ddp', host: 'a', pixels: 1, protocol: 'drgb' }, /^sinks\[3\]: unknown key 'protocol'/],
    [{ type: 'wled-json', host: 'a', pixels: 10 }, /^sinks\[3\]: unknown key 'pixels'/],
    [{ type: 'wled-ddp', pixels: 1 }, /^sinks\[3\]\.host: required/],
    [{ type: 'wled-ddp', host: 'not a host!', pixels: 1 }, /^sinks\[3\]\.host: not an IP address or host name/],
    [{ type: 'wled-ddp', host: 'a', port: 70000, pixels: 1 }, /^sinks\[3\]\.port: must be an integer in 1–65535, got 70000/],
    [{ type: 'wled-ddp', host: 'a' }, /^sinks\[3\]\.pixels: required/],
    [{ type: 'wled-ddp', host: 'a', pixels: 0 }, /^sinks\[3\]\.pixels: must be an integer in 1–16384, got 0/],
    [{ type: 'wled-ddp', host: 'a', pixels: 2.5 }, /^sinks\[3\]\.pixels: must be an integer/],
    [{ type: 'wled-ddp', host: 'a', pixels: 100, start: 65500 }, /^sinks\[3\]\.start: must be an integer in 0–65436/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, fps: 100 }, /^sinks\[3\]\.fps: must be a number in 1–60, got 100/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, fps: '40' }, /^sinks\[3\]\.fps: must be a number/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, protocol: 'warls' }, /^sinks\[3\]\.protocol: must be one of auto, drgb, dnrgb/],
    [{ type: 'wled-udp', host: 'a', pixels: 600, protocol: 'drgb' }, /^sinks\[3\]\.protocol: drgb addresses pixels 0–489 only/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, start: 1, protocol: 'drgb' }, /^sinks\[3\]\.protocol: drgb/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, timeoutSeconds: 255 }, /^sinks\[3\]\.timeoutSeconds: must be an integer in 1–254, got 255/],
    [{ type: 'wled-udp', host: 'a', pixels: 10, timeoutSeconds: 0 }, /^sinks\[3\]\.timeoutSeconds/],
    [{ type: 'wled-ddp', host: 'a', pixels: 10, gradient: 'yes' }, /^sinks\[3\]\.gradient: must be true or false/],
    [{ type: 'wled-ddp', host: 'a', pixels: 10, gradientSeconds: 0 }, /^sinks\[3\]\.gradientSeconds: must be a number in 0\.1–60/],
    [{ type: 'wled-ddp', host: 'a', pixels: 10, delayMs: -5 }, /^sinks\[3\]\.delayMs: must be a number in 0–10000/],
    [{ type: 'wled-json', host: 'a', segment: -1 }, /^sinks\[3\]\.segment: must be an integer in 0–31, got -1/],
    [{ type: 'wled-json', host: 'a', updatesPerSecond: 50 }, /^sinks\[3\]\.updatesPerSecond: must be a number in 0\.1–10, got 50/],
    [{ type: 'wled-json', host: 'a', transitionMs: -1 }, /^sinks\[3\]\.transitionMs/],
  ];
  for (const [entry, message] of cases) {
    assert.throws(() => parseWledConfig(entry, 'sinks[3]', { delayMs: 0 }), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(entry));
  }
});

// ---------------------------------------------------------------------------------------------
// DDP

test('wled-ddp: header fields, split frames with PUSH on the last packet, sequence 1–15, pixel values', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  // 1000 pixels from pixel 10: packets of 480, 480 and 40 pixels.
  const sink = owned(t, createWledSink(ddpOptions(rx.port, { pixels: 1000, start: 10 })));
  await sink.start();
  assert.equal(sink.status, 'online');
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 200, g: 100, b: 51 }, brightness: 0.6 }));
  await waitFor(() => ddpFrames(rx.after(t0)).length >= 8, 3000, '8 DDP frames');
  const frames = ddpFrames(rx.after(t0));
  const sequences: number[] = [];
  for (const frame of frames) {
    assert.equal(frame.length, 3, 'packets a frame');
    assert.deepEqual(
      frame.map((p) => p.push),
      [false, false, true],
      'PUSH on the last packet only',
    );
    assert.deepEqual(
      frame.map((p) => p.offset),
      [10 * 3, (10 + 480) * 3, (10 + 960) * 3],
      'byte offsets',
    );
    assert.deepEqual(
      frame.map((p) => p.length),
      [1440, 1440, 120],
      'data lengths',
    );
    for (const p of frame) {
      assert.equal(p.version, 1);
      assert.equal(p.otherFlags, 0, 'no flags besides version and push');
      assert.equal(p.dataType, 0x0b, 'RGB24, 8 bits a channel');
      assert.equal(p.destination, 1, 'default output');
      // 200 × 0.6 = 120, 100 × 0.6 = 60, 51 × 0.6 = 30.6 → 31
      assertAll(pixelsOf(p.data), [120, 60, 31], 'colour × brightness');
      sequences.push(p.sequence);
    }
  }
  for (let i = 1; i < sequences.length; i++) {
    assert.ok(sequences[i] >= 1 && sequences[i] <= 15, `sequence ${sequences[i]}`);
    assert.equal(sequences[i], (sequences[i - 1] % 15) + 1, 'sequence numbers cycle 1…15 a packet');
  }
  assert.equal(new Set(sequences).size, 15, 'all of 1–15 used');
});

test('wled-ddp: keeps streaming at its fps while the colour holds; final keep/off/restore', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const sink = owned(t, createWledSink(ddpOptions(rx.port, { fps: 40, transitionMs: 500 })));
  await sink.start();
  sink.update(lightState({ rgb: { r: 0, g: 0, b: 255 }, brightness: 1 }));
  const t0 = performance.now();
  await sleep(500);
  const n = ddpFrames(rx.after(t0)).length;
  assert.ok(n >= 12 && n <= 24, `${n} frames in 0.5 s at 40 fps`);

  // A new target mid-glide: 'keep' leaves the strip on the target itself, not the glide.
  sink.update(lightState({ rgb: { r: 255, g: 0, b: 0 }, brightness: 0.5 }));
  const tClose = performance.now();
  const ms = await timed(sink.close('keep'));
  assert.ok(ms < 1000, `close took ${ms} ms`);
  assert.equal(sink.status, 'closed');
  await sleep(50);
  const last = ddpFrames(rx.after(tClose)).at(-1);
  assert.ok(last, 'a final frame');
  assertAll(pixelsOf(last[0].data), [128, 0, 0], 'keep: the last target');
  const count = rx.packets.length;
  await sleep(150);
  assert.equal(rx.packets.length, count, 'nothing after close');

  // 'off' = black; 'restore' sends nothing (WLED's realtime timeout ends it).
  const off = owned(t, createWledSink(ddpOptions(rx.port)));
  await off.start();
  off.update(lightState());
  await waitFor(() => rx.packets.length > count + 2, 2000, 'frames');
  const tOff = performance.now();
  await off.close('off');
  await sleep(50);
  const black = ddpFrames(rx.after(tOff)).at(-1);
  assert.ok(black);
  assertAll(pixelsOf(black[0].data), [0, 0, 0], 'off: black');

  const restore = owned(t, createWledSink(ddpOptions(rx.port)));
  await restore.start();
  restore.update(lightState());
  await waitFor(() => ddpFrames(rx.after(tOff + 60)).length > 2, 2000, 'frames');
  await restore.close('restore');
  const tAfter = performance.now();
  await sleep(100);
  assert.equal(rx.after(tAfter).length, 0, 'restore: nothing sent after close');
});

// ---------------------------------------------------------------------------------------------
// UDP realtime

test('wled-udp: DRGB for a short strip, timeout byte, pixel values; restore sends timeout 0', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const sink = owned(t, createWledSink(udpOptions(rx.port, { pixels: 30, timeoutSeconds: 3 })));
  await sink.start();
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 10, g: 200, b: 100 }, brightness: 0.25 }));
  await waitFor(() => nonEmpty(rx.after(t0)).length >= 5, 2000, 'DRGB packets');
  for (const p of nonEmpty(rx.after(t0))) {
    assert.equal(p.data.length, 2 + 30 * 3);
    const d = decodeRealtime(p.data);
    assert.equal(d.type, 2, 'DRGB');
    assert.equal(d.timeout, 3);
    // 10/4 = 2.5 → 3 (round half up), 200/4 = 50, 100/4 = 25
    assertAll(d.pixels, [3, 50, 25], 'colour × brightness');
  }
  const tClose = performance.now();
  assert.ok((await timed(sink.close('restore'))) < 1000);
  await sleep(50);
  const final = nonEmpty(rx.after(tClose)).map((p) => [...p.data]);
  assert.ok(final.length >= 1, 'a final packet');
  assert.deepEqual(final.at(-1), [2, 0], 'timeout 0: WLED leaves realtime mode at once');
});

test('wled-udp: DNRGB for a long strip from a start pixel; keep = timeout 255, off = black', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const sink = owned(t, createWledSink(udpOptions(rx.port, { pixels: 600, start: 5 })));
  await sink.start();
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 255, g: 255, b: 255 }, brightness: 0.5 }));
  await waitFor(() => nonEmpty(rx.after(t0)).length >= 6, 2000, 'DNRGB packets');
  const packets = nonEmpty(rx.after(t0)).map((p) => decodeRealtime(p.data));
  for (let i = 0; i + 1 < packets.length; i += 2) {
    const [a, b] = [packets[i], packets[i + 1]];
    assert.deepEqual([a.type, b.type], [4, 4], 'DNRGB');
    assert.deepEqual([a.timeout, b.timeout], [2, 2]);
    assert.deepEqual([a.start, a.pixels.length], [5, 489]);
    assert.deepEqual([b.start, b.pixels.length], [5 + 489, 111]);
    assertAll([...a.pixels, ...b.pixels], [128, 128, 128], 'colour × brightness');
  }
  const tClose = performance.now();
  await sink.close('keep');
  await sleep(50);
  const keep = nonEmpty(rx.after(tClose)).map((p) => decodeRealtime(p.data));
  assert.ok(keep.length >= 2);
  for (const d of keep.slice(-2)) {
    assert.equal(d.timeout, 255, 'keep: realtime forever');
    assertAll(d.pixels, [128, 128, 128], 'keep: last colour');
  }

  const off = owned(t, createWledSink(udpOptions(rx.port, { pixels: 20 })));
  await off.start();
  off.update(lightState());
  await waitFor(() => nonEmpty(rx.after(tClose + 60)).length >= 2, 2000, 'frames');
  const tOff = performance.now();
  await off.close('off');
  await sleep(50);
  const black = nonEmpty(rx.after(tOff)).map((p) => decodeRealtime(p.data)).at(-1);
  assert.ok(black);
  assert.equal(black.type, 2);
  assert.equal(black.timeout, 255, 'off: dark until released');
  assertAll(black.pixels, [0, 0, 0], 'off: black');
});

test('wled-udp: gradient shows the colour history along the strip, newest at the first pixel', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const pixels = 50;
  const sink = owned(t, createWledSink(udpOptions(rx.port, { pixels, gradient: true, gradientSeconds: 0.5, fps: 60 })));
  await sink.start();
  sink.update(lightState({ rgb: { r: 0, g: 0, b: 200 }, brightness: 1 }));
  await sleep(700);
  const tB = performance.now();
  sink.update(lightState({ rgb: { r: 200, g: 0, b: 0 }, brightness: 1 }));
  await waitFor(() => nonEmpty(rx.after(tB + 250)).length > 0, 2000, 'a packet 250 ms after the change');
  const mid = nonEmpty(rx.after(tB + 250))[0];
  const age = mid.at - tB;
  const px = decodeRealtime(mid.data).pixels;
  assert.deepEqual(px[0], [200, 0, 0], 'first pixel: the newest colour');
  assert.deepEqual(px[pixels - 1], [0, 0, 200], 'last pixel: the colour of 0.5 s ago');
  // Red fades out and blue in, monotonically, from the first pixel to the last.
  for (let i = 1; i < pixels; i++) {
    assert.ok(px[i][0] <= px[i - 1][0] && px[i][2] >= px[i - 1][2], `pixel ${i} ${px[i]} after ${px[i - 1]}`);
    assert.ok(Math.abs(px[i][0] + px[i][2] - 200) <= 1, `pixel ${i} is a mix of the two`);
  }
  // The change has travelled age / 0.5 s of the strip (within the frames' timing).
  const redPixels = px.filter((p) => p[0] > 100).length;
  const expected = (age / 500) * (pixels - 1);
  assert.ok(Math.abs(redPixels - expected) <= 6, `${redPixels} red pixels, expected about ${expected.toFixed(1)} (age ${age.toFixed(0)} ms)`);

  await waitFor(() => nonEmpty(rx.after(tB + 650)).length > 0, 2000, 'a packet 0.65 s after the change');
  assertAll(decodeRealtime(nonEmpty(rx.after(tB + 650))[0].data).pixels, [200, 0, 0], 'history all red after 0.5 s');
});

test('wled-udp: offline when the receiver goes away (ICMP port unreachable), online again when it is back', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const sink = owned(t, createWledSink(udpOptions(rx.port)));
  const log = statusLog(sink);
  await sink.start();
  assert.equal(sink.status, 'online');
  sink.update(lightState());
  await waitFor(() => nonEmpty(rx.packets).length >= 3, 2000, 'frames');
  await rx.close();
  await waitFor(() => sink.status === 'offline', 2000, 'offline');
  assert.ok(sink.stats.errors >= 1);
  // The probe keeps it offline while nothing listens (no online/offline flapping).
  await sleep(400);
  assert.equal(sink.status, 'offline');
  const back = ownedRx(t, await UdpReceiver.open(rx.port));
  const tBack = performance.now();
  await waitFor(() => sink.status === 'online', 3000, 'online again');
  await waitFor(() => nonEmpty(back.after(tBack)).length >= 3, 2000, 'frames again');
  assert.deepEqual(log, ['online', 'offline', 'online']);
});

test('wled-ddp: an absent receiver at start is offline, not an error', async (t) => {
  const rx = await UdpReceiver.open();
  await rx.close();
  const sink = owned(t, createWledSink(ddpOptions(rx.port)));
  await sink.start();
  assert.equal(sink.status, 'offline');
  assert.ok((await timed(sink.close('off'))) < 1000);
  assert.equal(sink.status, 'closed');
});

test('wled-udp: the output delay holds a new colour back by delayMs', async (t) => {
  const rx = ownedRx(t, await UdpReceiver.open());
  const sink = owned(t, createWledSink(udpOptions(rx.port, { delayMs: 300 })));
  await sink.start();
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 0, g: 255, b: 0 }, brightness: 1 }));
  await waitFor(() => nonEmpty(rx.after(t0)).length > 0, 2000, 'the first frame');
  const first = nonEmpty(rx.after(t0))[0].at - t0;
  assert.ok(first >= 300 && first < 500, `first frame ${first.toFixed(0)} ms after update`);
  await sleep(100);
  const t1 = performance.now();
  sink.update(lightState({ rgb: { r: 255, g: 0, b: 0 }, brightness: 1 }));
  await waitFor(() => nonEmpty(rx.after(t1)).some((p) => p.data[2] === 255), 2000, 'the red frame');
  for (const p of nonEmpty(rx.after(t1))) {
    if (p.at - t1 < 300) assert.deepEqual(decodeRealtime(p.data).pixels[0], [0, 255, 0], 'still green within the delay');
  }
  const red = nonEmpty(rx.after(t1)).find((p) => p.data[2] === 255)!;
  assert.ok(red.at - t1 >= 300 && red.at - t1 < 500, `red ${(red.at - t1).toFixed(0)} ms after update`);
});

// ---------------------------------------------------------------------------------------------
// JSON API

const WLED_STATE = {
  on: true,
  bri: 77,
  transition: 7,
  ps: -1,
  pl: -1,
  nl: { on: false, dur: 60, mode: 1, tbri: 0, rem: -1 },
  udpn: { send: false, recv: true, sgrp: 1, rgrp: 1 },
  lor: 0,
  mainseg: 0,
  seg: [{ id: 0, start: 0, stop: 60, len: 60, grp: 1, spc: 0, of: 0, on: true, frz: false, bri: 255, cct: 127, col: [[255, 160, 0], [0, 0, 0], [0, 0, 0]], fx: 9, sx: 128, ix: 128, pal: 0, sel: true, rev: false, mi: false }],
};

interface Recorded {
  at: number;
  method: string;
  url: string;
  body: unknown;
}

class WledHttp {
  readonly requests: Recorded[] = [];
  private constructor(
    private server: http.Server,
    readonly port: number,
  ) {}

  /** When each POST was answered, in order. */
  readonly answered: number[] = [];

  /** `stallPosts`: accept POSTs and never answer them (a hung device); `postDelayMs`: answer them late (a slow one). */
  static async open(options: { stallPosts?: boolean; postDelayMs?: number; port?: number; state?: object } = {}): Promise<WledHttp> {
    let self: WledHttp | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        self!.requests.push({ at: performance.now(), method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : undefined });
        if (req.url !== '/json/state') {
          res.writeHead(404).end();
        } else if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.state ?? WLED_STATE));
        } else if (!options.stallPosts) {
          setTimeout(() => {
            self!.answered.push(performance.now());
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
          }, options.postDelayMs ?? 0);
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    self = new WledHttp(server, (server.address() as AddressInfo).port);
    return self;
  }

  posts(since = 0): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST' && r.at >= since);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get listening(): boolean {
    return this.server.listening;
  }
}

function jsonOptions(port: number, over: Partial<WledJsonOptions> = {}): WledJsonOptions {
  return { type: 'wled-json', host: '127.0.0.1', port, updatesPerSecond: 2, transitionMs: 500, delayMs: 0, ...FAST, ...over };
}

test('wled-json: body fields, at most 2 updates a second, restore posts back the state read at connect', async (t) => {
  const server = ownedRx(t, await WledHttp.open());
  const sink = owned(t, createWledSink(jsonOptions(server.port)));
  await sink.start();
  assert.equal(sink.status, 'online');
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.url]),
    [['GET', '/json/state']],
  );
  assert.deepEqual((sink as WledJsonSink).savedState, WLED_STATE);
  // A new colour every 40 ms for 1.6 s: far more than the device may take.
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < 1600; i++) {
    sink.update(lightState({ rgb: { r: i % 256, g: 100, b: 50 }, brightness: 0.5 }));
    await sleep(40);
  }
  const posts = server.posts(t0);
  assert.ok(posts.length >= 3 && posts.length <= 4, `${posts.length} POSTs in 1.6 s`);
  for (let k = 1; k < posts.length; k++) {
    const gap = posts[k].at - posts[k - 1].at;
    assert.ok(gap >= 480, `POSTs ${gap.toFixed(0)} ms apart`);
  }
  assert.ok(sink.stats.dropped > 0, 'rate-limited frames are counted as dropped');
  const body = posts[0].body as { on: boolean; bri: number; tt: number; seg: { col: number[][]; fx: number } };
  assert.equal(posts[0].url, '/json/state');
  assert.equal(body.on, true);
  assert.equal(body.bri, 128, '0.5 × 255 → 128');
  assert.equal(body.tt, 5, '500 ms in 100 ms units');
  assert.equal(body.seg.fx, 0, 'Solid, so the colour shows');
  assert.deepEqual(body.seg.col, [[0, 100, 50]]);
  const tClose = performance.now();
  assert.ok((await timed(sink.close('restore'))) < 1000);
  const last = server.posts(tClose).at(-1);
  assert.ok(last, 'a final POST');
  assert.deepEqual(last.body, WLED_STATE, 'restore: the GET state posted back');
});

test('wled-json: a segment gets its own id, on and bri; off turns the segment off; keep posts the last colour', async (t) => {
  const server = ownedRx(t, await WledHttp.open());
  const sink = owned(t, createWledSink(jsonOptions(server.port, { segment: 1, transitionMs: 1000 })));
  await sink.start();
  const t0 = performance.now();
  sink.update(lightState({ rgb: { r: 1, g: 2, b: 3 }, brightness: 0.001 }));
  await waitFor(() => server.posts(t0).length >= 1, 2000, 'a POST');
  assert.deepEqual(server.posts(t0)[0].body, { on: true, tt: 10, seg: [{ id: 1, on: true, bri: 1, col: [[1, 2, 3]], fx: 0 }] }, 'bri never 0 while on');
  sink.update(lightState({ rgb: { r: 9, g: 8, b: 7 }, brightness: 1 }));
  const tClose = performance.now();
  await sink.close('keep');
  assert.deepEqual(server.posts(tClose).at(-1)?.body, { on: true, tt: 10, seg: [{ id: 1, on: true, bri: 255, col: [[9, 8, 7]], fx: 0 }] });

  const off = owned(t, createWledSink(jsonOptions(server.port, { segment: 1 })));
  await off.start();
  off.update(lightState());
  const tOff = performance.now();
  await off.close('off');
  assert.deepEqual(server.posts(tOff).at(-1)?.body, { seg: [{ id: 1, on: false }] });

  const whole = owned(t, createWledSink(jsonOptions(server.port)));
  await whole.start();
  whole.update(lightState());
  const tWhole = performance.now();
  await whole.close('off');
  assert.deepEqual(server.posts(tWhole).at(-1)?.body, { on: false });
});

test('wled-json: the final state is posted only after the colour in flight was answered', async (t) => {
  // A slow device (each POST answered after 150 ms): a restore sent beside the colour could be
  // applied before it, and the late colour would stay on the strip.
  const server = ownedRx(t, await WledHttp.open({ postDelayMs: 150 }));
  const sink = owned(t, createWledSink(jsonOptions(server.port)));
  await sink.start();
  sink.update(lightState({ rgb: { r: 50, g: 60, b: 70 } }));
  await waitFor(() => server.posts().length === 1, 2000, 'the colour POST');
  await sink.close('restore');
  const posts = server.posts();
  assert.equal(posts.length, 2);
  assert.deepEqual(posts[1].body, WLED_STATE);
  assert.ok(server.answered.length >= 1 && posts[1].at >= server.answered[0], 'restore arrived after the colour was answered');
});

test('wled-json: offline when the device goes away, online and posting again when it is back', async (t) => {
  const server = ownedRx(t, await WledHttp.open());
  const sink = owned(t, createWledSink(jsonOptions(server.port, { updatesPerSecond: 10 })));
  const log = statusLog(sink);
  await sink.start();
  let colour = 0;
  const tick = setInterval(() => sink.update(lightState({ rgb: { r: colour++ % 256, g: 0, b: 0 } })), 50);
  t.after(() => clearInterval(tick));
  await waitFor(() => server.posts().length >= 2, 2000, 'POSTs');
  await server.close();
  await waitFor(() => sink.status === 'offline', 2000, 'offline');
  // After a reboot the device reports another state; 'restore' must still post the one from before Sentio.
  const rebooted = { ...WLED_STATE, bri: 5, seg: [{ ...WLED_STATE.seg[0], col: [[1, 1, 1]], fx: 0 }] };
  const back = ownedRx(t, await WledHttp.open({ port: server.port, state: rebooted }));
  await waitFor(() => sink.status === 'online', 3000, 'online again');
  await waitFor(() => back.posts().length >= 2, 2000, 'POSTs again');
  assert.deepEqual(log.slice(0, 3), ['online', 'offline', 'online']);
  assert.equal(back.requests.filter((r) => r.method === 'GET').length, 1, 'the reconnect read the state');
  clearInterval(tick);
  await sink.close('restore');
  assert.deepEqual(back.posts().at(-1)?.body, WLED_STATE);
});

test('a stalled WLED (POSTs never answered) delays neither the caller nor another sink', async (t) => {
  const stalled = ownedRx(t, await WledHttp.open({ stallPosts: true }));
  const rx = ownedRx(t, await UdpReceiver.open());
  const json = owned(t, createWledSink(jsonOptions(stalled.port, { sendTimeoutMs: 2000 })));
  const udp = owned(t, createWledSink(udpOptions(rx.port, { fps: 40 })));
  await Promise.all([json.start(), udp.start()]);
  assert.equal(json.status, 'online');
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < 1000; i++) {
    const state = lightState({ rgb: { r: i % 256, g: 50, b: 50 } });
    const t = performance.now();
    json.update(state);
    udp.update(state);
    slowest = Math.max(slowest, performance.now() - t);
    await sleep(25);
  }
  const elapsed = performance.now() - t0;
  assert.ok(slowest < 20, `update() took up to ${slowest.toFixed(1)} ms`);
  assert.equal(stalled.posts(t0).length, 1, 'one POST, hanging; the others dropped while it hangs');
  assert.ok(json.stats.dropped > 0);
  const frames = nonEmpty(rx.after(t0)).length;
  assert.ok(frames >= 0.7 * 40 * (elapsed / 1000), `${frames} UDP frames in ${elapsed.toFixed(0)} ms at 40 fps`);
  const ms = await timed(json.close('restore'));
  assert.ok(ms < 1000, `close of the stalled sink took ${ms.toFixed(0)} ms`);
});
