/**
 * WLED (https://kno.wled.ge) sinks: a streamed pixel protocol (DDP or WLED's UDP realtime) for an
 * LED strip that follows the music frame by frame, or the JSON API for slow, smooth updates.
 *
 * Facts taken from WLED's source (wled00/udp.cpp, wled00/e131.cpp, wled00/json.cpp,
 * src/dependencies/e131/ESPAsyncE131.h), not guessed:
 *
 * - **DDP** (UDP 4048): 10-byte header — flags 0x40 (version 1) | 0x01 (PUSH, "render now") on a
 *   frame's last packet; sequence number 1–15 (0 = unused) in the low nibble of byte 1; data type
 *   0x0B (`DDP_TYPE_RGB24`: RGB, 8 bits a channel — WLED's own DDP sender writes 0x0B, and WLED
 *   releases before May 2026 *reject* any other type, including the legacy 0x01); destination 1
 *   (`DDP_ID_DISPLAY`); 32-bit big-endian byte offset; 16-bit big-endian data length; at most
 *   1440 bytes (480 pixels) a packet. DDP has no timeout field: WLED leaves realtime mode after
 *   its own "realtime timeout" (Sync settings, 2500 ms by default; 65000 ms means never).
 * - **UDP realtime** (the notifier port, 21324): byte 0 = 2 (DRGB, pixels from 0, ≤ 490) or
 *   4 (DNRGB, bytes 2–3 a big-endian start index, ≤ 489 a packet); byte 1 = timeout in seconds.
 *   WLED holds realtime mode for `timeout × 1000 + 1` ms after each packet; 255 (255 001 ms) means
 *   forever; 0 cancels realtime mode at once (the packet's pixels are ignored). Once a packet has
 *   locked realtime forever, later timeouts no longer shorten it (`realtimeLock` skips
 *   `UINT32_MAX`); only a 0 packet (or the WLED UI) ends it.
 * - **JSON API**: `POST /json/state`; `tt` is a transition (100 ms units) for this call only
 *   (`transition` would also change the user's default); top-level `bri` with `"on": true` and
 *   `bri` 0 switches the strip *on* at its last brightness, so `bri` is kept ≥ 1; a segment's colour
 *   shows only under the Solid effect, so `"fx": 0` is sent with it.
 *
 * Final states (what `close()` leaves the strip in):
 *
 * | final   | wled-udp                                | wled-ddp                                       | wled-json                              |
 * |---------|-----------------------------------------|------------------------------------------------|----------------------------------------|
 * | restore | a timeout-0 packet: WLED's own effect at once | nothing more: WLED's effect after its realtime timeout | the state read at connect, posted back |
 * | keep    | the last frame, timeout 255 (forever)   | the last frame, held for WLED's realtime timeout | the last colour, posted once more      |
 * | off     | black, timeout 255 (dark until released) | black, for WLED's realtime timeout            | `{"on": false}` (a segment: its `on`)  |
 *
 * Final UDP packets are sent twice: one lost datagram would otherwise leave the strip wrong.
 * For a strip that must really stay on the last colour (or dark) after Sentio, use wled-udp or
 * set WLED's realtime timeout to 65000 ms.
 *
 * Offline detection over UDP, which has no connection: the socket is `connect()`ed, so the
 * kernel reports ICMP "port unreachable" (WLED rebooting, or its DDP/realtime receiver
 * disabled) as ECONNREFUSED, and an unanswered ARP as EHOSTUNREACH, on the socket; the next send
 * then fails and the sink goes offline. Reconnecting sends a probe WLED ignores (an empty datagram
 * to the realtime port; a DDP header addressed to the status id, which WLED drops) and waits
 * {@link UDP_PROBE_MS} for such an error. A device that drops packets silently (a firewall) stays
 * "online": UDP cannot tell.
 *
 * Gradient (the pixel protocols, `gradient: true`): the strip shows the colour history of the last
 * `gradientSeconds`, newest at the segment's first pixel and oldest at its last, so each change of
 * mood enters at one end and flows along the strip; with it off the whole segment is one colour.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import { isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FinalState, LightSink } from '../types.ts';
import {
  asObject,
  booleanOption,
  checkKeys,
  choiceOption,
  COMMON_SINK_KEYS,
  ConfigError,
  hostOption,
  integerOption,
  numberOption,
  portOption,
  type CommonSinkOptions,
} from './config.ts';
import { FrameLoopSink, frameRgb, type Frame } from './sink.ts';

export const WLED_SINK_TYPES = ['wled-ddp', 'wled-udp', 'wled-json'] as const;
export type WledSinkType = (typeof WLED_SINK_TYPES)[number];
export type UdpRealtimeProtocol = 'auto' | 'drgb' | 'dnrgb';
export const UDP_REALTIME_PROTOCOLS: readonly UdpRealtimeProtocol[] = ['auto', 'drgb', 'dnrgb'];

export const DDP_PORT = 4048;
export const UDP_REALTIME_PORT = 21324;
export const DDP_HEADER_BYTES = 10;
export const DDP_MAX_PIXELS = 480;
export const DRGB_MAX_PIXELS = 490;
export const DNRGB_MAX_PIXELS = 489;
export const DDP_FLAG_VERSION_1 = 0x40;
export const DDP_FLAG_PUSH = 0x01;
export const DDP_TYPE_RGB24 = 0x0b;
export const DDP_ID_DISPLAY = 1;
const DDP_ID_STATUS = 251;
/** How long a UDP (re)connect waits for the kernel to report the port unreachable, ms. */
export const UDP_PROBE_MS = 100;
/** WLED's "stay in realtime mode forever" timeout byte. */
export const REALTIME_FOREVER = 255;
/** Largest `pixels`: more than any WLED controller drives. */
export const MAX_PIXELS = 16384;

/** Options of the two streamed pixel protocols. */
interface PixelSinkOptions {
  host: string;
  port: number;
  /** Pixels driven (the segment's length). */
  pixels: number;
  /** Index of the first driven pixel. */
  start: number;
  fps: number;
  /** Colour history along the strip instead of one colour. */
  gradient: boolean;
  /** History the gradient shows, seconds (newest at the first pixel). */
  gradientSeconds: number;
  delayMs: number;
  /** Glide between estimates, ms. */
  transitionMs: number;
  /** Frame-loop tuning not in the config (tests shorten them). */
  sendTimeoutMs?: number;
  backoffMs?: readonly [number, number];
}

export interface WledDdpOptions extends PixelSinkOptions {
  type: 'wled-ddp';
}

export interface WledUdpOptions extends PixelSinkOptions {
  type: 'wled-udp';
  /** As configured; 'auto' is resolved by {@link udpPacketKind}. */
  protocol: UdpRealtimeProtocol;
  /** WLED returns to its own effect this long after the last packet, s (1–254). */
  timeoutSeconds: number;
}

export interface WledJsonOptions {
  type: 'wled-json';
  host: string;
  port: number;
  /** Segment id; absent: the segments selected in WLED (the whole strip by default) and the master brightness. */
  segment?: number;
  /** At most this many POSTs a second. */
  updatesPerSecond: number;
  /** WLED's own fade to each new colour (`tt`), ms, sent in 100 ms units. */
  transitionMs: number;
  delayMs: number;
  sendTimeoutMs?: number;
  backoffMs?: readonly [number, number];
}

export type WledOptions = WledDdpOptions | WledUdpOptions | WledJsonOptions;

const PIXEL_KEYS = ['host', 'port', 'pixels', 'start', 'fps', 'gradient', 'gradientSeconds', 'transitionMs'] as const;
const KEYS: Record<WledSinkType, readonly string[]> = {
  'wled-ddp': [...COMMON_SINK_KEYS, ...PIXEL_KEYS],
  'wled-udp': [...COMMON_SINK_KEYS, ...PIXEL_KEYS, 'protocol', 'timeoutSeconds'],
  'wled-json': [...COMMON_SINK_KEYS, 'host', 'port', 'segment', 'updatesPerSecond', 'transitionMs'],
};

/**
 * Validates one `sinks[]` entry of a WLED type. `common.delayMs` is the default output delay
 * (the config's top-level one); the entry's own `delayMs` wins.
 */
export function parseWledConfig(entry: unknown, where: string, common: CommonSinkOptions): WledOptions {
  const obj = asObject(entry, where);
  const type = choiceOption(obj, 'type', where, WLED_SINK_TYPES);
  checkKeys(obj, KEYS[type], where);
  const delayMs = obj.delayMs === undefined ? common.delayMs : numberOption(obj, 'delayMs', where, 0, 10_000);
  const host = hostOption(obj, 'host', where);
  if (type === 'wled-json') {
    const segment = obj.segment === undefined ? undefined : integerOption(obj, 'segment', where, 0, 31);
    return {
      type,
      host,
      port: portOption(obj, 'port', where, 80),
      ...(segment === undefined ? {} : { segment }),
      updatesPerSecond: numberOption(obj, 'updatesPerSecond', where, 0.1, 10, 2),
      transitionMs: numberOption(obj, 'transitionMs', where, 0, 60_000, 500),
      delayMs,
    };
  }
  const pixels = integerOption(obj, 'pixels', where, 1, MAX_PIXELS);
  // DNRGB's start index is 16 bits; DDP's byte offset is wider, but no WLED has more pixels.
  const start = integerOption(obj, 'start', where, 0, 65536 - pixels, 0);
  const base: PixelSinkOptions = {
    host,
    port: portOption(obj, 'port', where, type === 'wled-ddp' ? DDP_PORT : UDP_REALTIME_PORT),
    pixels,
    start,
    fps: numberOption(obj, 'fps', where, 1, 60, 40),
    gradient: booleanOption(obj, 'gradient', where, false),
    gradientSeconds: numberOption(obj, 'gradientSeconds', where, 0.1, 60, 4),
    delayMs,
    transitionMs: numberOption(obj, 'transitionMs', where, 0, 60_000, 500),
  };
  if (type === 'wled-ddp') return { type, ...base };
  const protocol = choiceOption(obj, 'protocol', where, UDP_REALTIME_PROTOCOLS, 'auto');
  if (protocol === 'drgb' && (start !== 0 || pixels > DRGB_MAX_PIXELS)) {
    throw new ConfigError(`${where}.protocol: drgb addresses pixels 0–${DRGB_MAX_PIXELS - 1} only (start ${start}, pixels ${pixels}); use dnrgb or auto`);
  }
  // 255 would lock the strip in realtime mode forever after a crash; the final state 'keep' does that on purpose.
  const timeoutSeconds = integerOption(obj, 'timeoutSeconds', where, 1, 254, 2);
  return { type, ...base, protocol, timeoutSeconds };
}

export function createWledSink(options: WledOptions): LightSink {
  switch (options.type) {
    case 'wled-ddp':
      return new WledDdpSink(options);
    case 'wled-udp':
      return new WledUdpSink(options);
    case 'wled-json':
      return new WledJsonSink(options);
  }
}

const hostPort = (host: string, port: number) => (isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

/** The packet kind a UDP realtime sink sends: DRGB when it reaches every pixel from 0, else DNRGB. */
export function udpPacketKind(o: Pick<WledUdpOptions, 'protocol' | 'start' | 'pixels'>): 'drgb' | 'dnrgb' {
  if (o.protocol !== 'auto') return o.protocol;
  return o.start === 0 && o.pixels <= DRGB_MAX_PIXELS ? 'drgb' : 'dnrgb';
}

/**
 * DDP packets of one frame. `rgb` holds the driven pixels (3 bytes each) from pixel `start`;
 * `nextSequence` is called once a packet (1–15).
 */
export function ddpPackets(rgb: Uint8Array, start: number, nextSequence: () => number): Buffer[] {
  const packets: Buffer[] = [];
  const maxBytes = DDP_MAX_PIXELS * 3;
  for (let at = 0; at < rgb.length; at += maxBytes) {
    const data = rgb.subarray(at, Math.min(rgb.length, at + maxBytes));
    const p = Buffer.alloc(DDP_HEADER_BYTES + data.length);
    const last = at + maxBytes >= rgb.length;
    p[0] = DDP_FLAG_VERSION_1 | (last ? DDP_FLAG_PUSH : 0);
    p[1] = nextSequence() & 0x0f;
    p[2] = DDP_TYPE_RGB24;
    p[3] = DDP_ID_DISPLAY;
    p.writeUInt32BE(start * 3 + at, 4);
    p.writeUInt16BE(data.length, 8);
    p.set(data, DDP_HEADER_BYTES);
    packets.push(p);
  }
  return packets;
}

/** UDP realtime packets of one frame: one DRGB packet, or DNRGB packets of ≤ 489 pixels. */
export function udpRealtimePackets(kind: 'drgb' | 'dnrgb', rgb: Uint8Array, start: number, timeoutSeconds: number): Buffer[] {
  if (kind === 'drgb') {
    if (start !== 0 || rgb.length > DRGB_MAX_PIXELS * 3) throw new RangeError('DRGB reaches pixels 0–489 only');
    const p = Buffer.alloc(2 + rgb.length);
    p[0] = 2;
    p[1] = timeoutSeconds;
    p.set(rgb, 2);
    return [p];
  }
  const packets: Buffer[] = [];
  const maxBytes = DNRGB_MAX_PIXELS * 3;
  for (let at = 0; at < rgb.length; at += maxBytes) {
    const data = rgb.subarray(at, Math.min(rgb.length, at + maxBytes));
    const p = Buffer.alloc(4 + data.length);
    p[0] = 4;
    p[1] = timeoutSeconds;
    p.writeUInt16BE(start + at / 3, 2);
    p.set(data, 4);
    packets.push(p);
  }
  return packets;
}

/** A connected UDP socket that remembers the errors the kernel reports asynchronously (ICMP). */
class UdpLink {
  private socket: dgram.Socket | null = null;
  private error: Error | null = null;

  async open(host: string, port: number, probe: Buffer, signal: AbortSignal): Promise<void> {
    this.close();
    const { address, family } = await lookup(host);
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.socket = socket;
    this.error = null;
    // Always listened to: an unhandled 'error' would crash the process.
    socket.on('error', (e) => {
      if (this.socket === socket) this.error = e;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      await this.sendRaw([probe]);
      await sleep(UDP_PROBE_MS, undefined, { signal });
      if (this.error) throw this.error;
    } catch (e) {
      if (this.socket === socket) this.close();
      throw e;
    }
    if (signal.aborted) {
      this.close();
      throw new Error('connect aborted');
    }
  }

  send(packets: readonly Buffer[]): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    return this.sendRaw(packets);
  }

  private sendRaw(packets: readonly Buffer[]): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('not connected'));
    return Promise.all(
      packets.map(
        (p) =>
          new Promise<void>((resolve, reject) => {
            try {
              socket.send(p, (e) => (e ? reject(e) : resolve()));
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          }),
      ),
    ).then(() => undefined);
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    try {
      socket.close();
    } catch {
      // Already closed.
    }
  }
}

/** Turns frames into pixel bytes: one colour, or the colour history along the strip. */
class PixelRenderer {
  /** Rendered colours (× brightness, not rounded) with their times, oldest first. */
  private readonly history: { t: number; r: number; g: number; b: number }[] = [];

  constructor(
    private readonly pixels: number,
    private readonly gradient: boolean,
    private readonly gradientMs: number,
  ) {}

  render(frame: Pick<Frame, 'rgb' | 'brightness'>, now: number): Uint8Array {
    const out = new Uint8Array(this.pixels * 3);
    if (!this.gradient || this.pixels === 1) {
      const { r, g, b } = frameRgb(frame);
      for (let i = 0; i < out.length; i += 3) {
        out[i] = r;
        out[i + 1] = g;
        out[i + 2] = b;
      }
      return out;
    }
    const k = Math.max(0, Math.min(1, frame.brightness));
    const h = this.history;
    h.push({ t: now, r: frame.rgb.r * k, g: frame.rgb.g * k, b: frame.rgb.b * k });
    while (h.length > 2 && h[1].t < now - this.gradientMs) h.shift();
    const c = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
    // Pixel i shows the colour of `i / (pixels − 1) × gradientSeconds` ago; times fall as i grows,
    // so one walk back through the history serves all pixels. Before the history is that long the
    // oldest colour fills the rest.
    let j = h.length - 1;
    for (let i = 0; i < this.pixels; i++) {
      const t = now - (i / (this.pixels - 1)) * this.gradientMs;
      while (j > 0 && h[j].t > t) j--;
      const a = h[j];
      const b = h[j + 1];
      let r = a.r;
      let g = a.g;
      let bl = a.b;
      if (b && t > a.t) {
        const u = (t - a.t) / (b.t - a.t);
        r += (b.r - a.r) * u;
        g += (b.g - a.g) * u;
        bl += (b.b - a.b) * u;
      }
      out[i * 3] = c(r);
      out[i * 3 + 1] = c(g);
      out[i * 3 + 2] = c(bl);
    }
    return out;
  }

  /** A frame of one colour for every pixel (the final 'off'). */
  solid(rgb: { r: number; g: number; b: number }): Uint8Array {
    const out = new Uint8Array(this.pixels * 3);
    for (let i = 0; i < out.length; i += 3) {
      out[i] = rgb.r;
      out[i + 1] = rgb.g;
      out[i + 2] = rgb.b;
    }
    return out;
  }
}

const BLACK = { r: 0, g: 0, b: 0 };

/** Shared by the DDP and UDP realtime sinks: the socket, the renderer, the streaming loop settings. */
abstract class WledPixelSink extends FrameLoopSink {
  readonly name: string;
  protected readonly link = new UdpLink();
  protected readonly renderer: PixelRenderer;

  constructor(
    protected readonly config: PixelSinkOptions,
    name: string,
    private readonly probe: Buffer,
  ) {
    super({
      fps: config.fps,
      delayMs: config.delayMs,
      transitionMs: config.transitionMs,
      // Realtime mode ends when packets stop: keep streaming while the colour holds.
      repeat: true,
      ...(config.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: config.sendTimeoutMs }),
      ...(config.backoffMs === undefined ? {} : { backoffMs: config.backoffMs }),
    });
    this.name = name;
    this.renderer = new PixelRenderer(config.pixels, config.gradient, config.gradientSeconds * 1000);
  }

  protected connect(signal: AbortSignal): Promise<void> {
    return this.link.open(this.config.host, this.config.port, this.probe, signal);
  }

  protected async disconnect(): Promise<void> {
    this.link.close();
  }

  /** The final packets are sent twice: a lost datagram would leave the strip in the wrong state. */
  protected async sendTwice(packets: readonly Buffer[]): Promise<void> {
    await this.link.send(packets);
    await this.link.send(packets);
  }
}

export class WledDdpSink extends WledPixelSink {
  private sequence = 0;

  constructor(ddp: WledDdpOptions) {
    // A header WLED drops (destination = status id, no data): it only has to reach the port.
    const probe = Buffer.from([DDP_FLAG_VERSION_1, 0, DDP_TYPE_RGB24, DDP_ID_STATUS, 0, 0, 0, 0, 0, 0]);
    super(ddp, `wled-ddp ${hostPort(ddp.host, ddp.port)}`, probe);
  }

  private readonly nextSequence = () => (this.sequence = (this.sequence % 15) + 1);

  protected send(frame: Frame): Promise<void> {
    return this.link.send(ddpPackets(this.renderer.render(frame, performance.now()), this.config.start, this.nextSequence));
  }

  protected async sendFinal(mode: FinalState, last: Frame | null): Promise<void> {
    // 'restore': nothing to send; DDP has no "leave realtime" — WLED's own timeout ends it.
    if (mode === 'restore') return;
    const rgb = mode === 'off' || !last ? this.renderer.solid(BLACK) : this.renderer.render(last, performance.now());
    await this.sendTwice(ddpPackets(rgb, this.config.start, this.nextSequence));
  }
}

export class WledUdpSink extends WledPixelSink {
  readonly kind: 'drgb' | 'dnrgb';

  constructor(private readonly udp: WledUdpOptions) {
    const kind = udpPacketKind(udp);
    // An empty datagram: WLED's parsePacket() sees no packet, but a closed port still answers ICMP.
    super(udp, `wled-udp ${hostPort(udp.host, udp.port)} ${kind}`, Buffer.alloc(0));
    this.kind = kind;
  }

  protected send(frame: Frame): Promise<void> {
    return this.link.send(udpRealtimePackets(this.kind, this.renderer.render(frame, performance.now()), this.config.start, this.udp.timeoutSeconds));
  }

  protected async sendFinal(mode: FinalState, last: Frame | null): Promise<void> {
    const type = this.kind === 'drgb' ? 2 : 4;
    if (mode === 'restore') return this.sendTwice([Buffer.from([type, 0])]);
    const rgb = mode === 'off' || !last ? this.renderer.solid(BLACK) : this.renderer.render(last, performance.now());
    await this.sendTwice(udpRealtimePackets(this.kind, rgb, this.config.start, REALTIME_FOREVER));
  }
}

/** Largest response read from WLED (its state with many segments is a few kB). */
const MAX_RESPONSE_BYTES = 1 << 20;

export class WledJsonSink extends FrameLoopSink {
  readonly name: string;
  private agent: http.Agent | null = null;
  /** The state read at the first connect: what 'restore' posts back. */
  private restoreState: Record<string, unknown> | null = null;

  constructor(private readonly json: WledJsonOptions) {
    super({
      // Ticks often enough to send a new colour soon after the rate limit allows it.
      fps: Math.max(10, json.updatesPerSecond),
      minIntervalMs: 1000 / json.updatesPerSecond,
      delayMs: json.delayMs,
      // WLED fades itself (`tt`): a glide here would only add steps a 2/s stream cannot show.
      transitionMs: 0,
      repeat: false,
      ...(json.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: json.sendTimeoutMs }),
      ...(json.backoffMs === undefined ? {} : { backoffMs: json.backoffMs }),
    });
    this.name = `wled-json ${hostPort(json.host, json.port)}${json.segment === undefined ? '' : ` seg ${json.segment}`}`;
  }

  /** The state WLED reported at connect (null before), for the live view and tests. */
  get savedState(): Readonly<Record<string, unknown>> | null {
    return this.restoreState;
  }

  private request(method: 'GET' | 'POST', body: unknown, signal: AbortSignal): Promise<string> {
    const agent = this.agent;
    if (!agent) return Promise.reject(new Error('not connected'));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: this.json.host,
          port: this.json.port,
          path: '/json/state',
          method,
          agent,
          signal,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response over ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) reject(new Error(`${method} /json/state: HTTP ${status} ${text.slice(0, 200)}`));
            else resolve(text);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  protected async connect(signal: AbortSignal): Promise<void> {
    this.agent?.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const text = await this.request('GET', undefined, signal);
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      throw new Error(`GET /json/state: not JSON: ${text.slice(0, 100)}`);
    }
    if (!state || typeof state !== 'object' || Array.isArray(state) || typeof (state as Record<string, unknown>).on !== 'boolean') {
      throw new Error(`GET /json/state: not a WLED state: ${text.slice(0, 100)}`);
    }
    // Only the first: after a reconnect WLED shows Sentio's colours, not the user's state.
    this.restoreState ??= state as Record<string, unknown>;
  }

  /** The body that shows `frame`. */
  private body(frame: Pick<Frame, 'rgb' | 'brightness'>): Record<string, unknown> {
    const c = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
    // Never 0: `"on": true, "bri": 0` turns WLED on at its last brightness.
    const bri = Math.max(1, c(frame.brightness * 255));
    const seg: Record<string, unknown> = { col: [[c(frame.rgb.r), c(frame.rgb.g), c(frame.rgb.b)]], fx: 0 };
    const tt = Math.round(this.json.transitionMs / 100);
    if (this.json.segment === undefined) return { on: true, bri, tt, seg };
    return { on: true, tt, seg: [{ id: this.json.segment, on: true, bri, ...seg }] };
  }

  protected async send(frame: Frame, signal: AbortSignal): Promise<void> {
    await this.request('POST', this.body(frame), signal);
  }

  protected async sendFinal(mode: FinalState, last: Frame | null, signal: AbortSignal): Promise<void> {
    let body: unknown;
    if (mode === 'restore') body = this.restoreState;
    else if (mode === 'off') body = this.json.segment === undefined ? { on: false } : { seg: [{ id: this.json.segment, on: false }] };
    else body = last ? this.body(last) : undefined;
    if (body) await this.request('POST', body, signal);
  }

  protected async disconnect(): Promise<void> {
    this.agent?.destroy();
    this.agent = null;
  }
}
