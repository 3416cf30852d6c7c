/**
 * A WebSocket server sink: each frame of the loop goes to every connected client as one JSON
 * text message ({@link WebSocketFrameMessage}) — for browser visualisers, stage software or
 * anything else that wants the mood as data. Bound to 127.0.0.1 unless `host` says otherwise,
 * since the feed is unauthenticated.
 *
 * A client that does not keep up (its unsent data over `maxBufferedBytes`) misses frames until
 * it has caught up, instead of the server buffering for it without bound; each missed frame
 * counts in `stats.dropped`. The last message before close carries `final`: the mode, with the
 * final target (for 'off' at brightness 0, hex `#000000`); then clients are closed with 1001
 * ("going away").
 */
import { WebSocket, WebSocketServer } from 'ws';
import { rgbToHex } from '../color.ts';
import type { Quadrant } from '../../data/types.ts';
import type { FinalState, LightSink, Rgb } from '../types.ts';
import { asObject, checkKeys, choiceOption, COMMON_SINK_KEYS, hostOption, integerOption, numberOption, portOption, type CommonSinkOptions } from './config.ts';
import { FrameLoopSink, frameRgb, type Frame } from './sink.ts';

export interface WebSocketSinkOptions {
  type: 'websocket';
  /** Address to listen on; default 127.0.0.1. */
  host: string;
  /** Port to listen on; 0 picks a free one (see {@link WebSocketSink.port}). */
  port: number;
  fps: number;
  delayMs: number;
  /** Glide between estimates, ms. */
  transitionMs: number;
  /** A client with more unsent bytes than this misses frames. */
  maxBufferedBytes: number;
  sendTimeoutMs?: number;
  backoffMs?: readonly [number, number];
}

/** One message: the state's data fields and the colour on show (glided). */
export interface WebSocketFrameMessage {
  time: number;
  valence: number;
  arousal: number;
  quadrant: Quadrant;
  mood: string;
  silent: boolean;
  /** Glided colour at full brightness, 0–255 integers. */
  rgb: Rgb;
  /** Glided brightness, 0–1. */
  brightness: number;
  /** `#rrggbb` of what a plain pixel shows: rgb × brightness. */
  hex: string;
  /** Only on the last message, sent at close. */
  final?: FinalState;
}

export const WEBSOCKET_DEFAULT_PORT = 8765;
const KEYS = [...COMMON_SINK_KEYS, 'host', 'port', 'fps', 'transitionMs', 'maxBufferedBytes'] as const;

export function parseWebSocketConfig(entry: unknown, where: string, common: CommonSinkOptions): WebSocketSinkOptions {
  const obj = asObject(entry, where);
  const type = choiceOption(obj, 'type', where, ['websocket'] as const);
  checkKeys(obj, KEYS, where);
  return {
    type,
    host: hostOption(obj, 'host', where, '127.0.0.1'),
    port: portOption(obj, 'port', where, WEBSOCKET_DEFAULT_PORT),
    fps: numberOption(obj, 'fps', where, 1, 60, 10),
    delayMs: obj.delayMs === undefined ? common.delayMs : numberOption(obj, 'delayMs', where, 0, 10_000),
    transitionMs: numberOption(obj, 'transitionMs', where, 0, 60_000, 500),
    maxBufferedBytes: integerOption(obj, 'maxBufferedBytes', where, 1024, 16 * 1024 * 1024, 64 * 1024),
  };
}

export function createWebSocketSink(options: WebSocketSinkOptions): LightSink {
  return new WebSocketSink(options);
}

/** The message for `frame`. */
export function frameMessage(frame: Frame, final?: FinalState): WebSocketFrameMessage {
  const { state } = frame;
  const r = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  const off = final === 'off';
  return {
    time: state.time,
    valence: state.valence,
    arousal: state.arousal,
    quadrant: state.quadrant,
    mood: state.mood,
    silent: state.silent,
    rgb: { r: r(frame.rgb.r), g: r(frame.rgb.g), b: r(frame.rgb.b) },
    brightness: off ? 0 : Math.round(Math.max(0, Math.min(1, frame.brightness)) * 1000) / 1000,
    hex: off ? '#000000' : rgbToHex(frameRgb(frame)),
    ...(final ? { final } : {}),
  };
}

export class WebSocketSink extends FrameLoopSink {
  private wss: WebSocketServer | null = null;

  constructor(private readonly ws: WebSocketSinkOptions) {
    super({
      fps: ws.fps,
      delayMs: ws.delayMs,
      transitionMs: ws.transitionMs,
      // A steady stream: clients can draw each message and take silence on the socket as a stall.
      repeat: true,
      ...(ws.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: ws.sendTimeoutMs }),
      ...(ws.backoffMs === undefined ? {} : { backoffMs: ws.backoffMs }),
    });
  }

  get name(): string {
    const host = this.ws.host.includes(':') ? `[${this.ws.host}]` : this.ws.host;
    return `websocket ws://${host}:${this.port}`;
  }

  /** The port listened on (the configured one until listening). */
  get port(): number {
    const a = this.wss?.address();
    return a && typeof a === 'object' ? a.port : this.ws.port;
  }

  get clientCount(): number {
    return this.wss?.clients.size ?? 0;
  }

  /** The listening server (null while offline): for embedding, e.g. to watch connections. */
  get server(): WebSocketServer | null {
    return this.wss;
  }

  protected connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Clients only listen; a small payload limit keeps a misbehaving one from costing memory.
      const wss = new WebSocketServer({ host: this.ws.host, port: this.ws.port, maxPayload: 4096 });
      const onError = (e: Error) => {
        wss.close();
        reject(e);
      };
      wss.once('error', onError);
      wss.once('listening', () => {
        wss.off('error', onError);
        // After listening the server has nothing left to fail on; a listener keeps stray errors from crashing.
        wss.on('error', () => {});
        this.wss = wss;
        resolve();
      });
      wss.on('connection', (client) => {
        client.on('error', () => client.terminate());
      });
    });
  }

  private broadcast(message: WebSocketFrameMessage): void {
    const wss = this.wss;
    if (!wss) throw new Error('not listening');
    const text = JSON.stringify(message);
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (client.bufferedAmount > this.ws.maxBufferedBytes) {
        this.stats.dropped++;
        continue;
      }
      client.send(text);
    }
  }

  protected async send(frame: Frame): Promise<void> {
    this.broadcast(frameMessage(frame));
  }

  protected async sendFinal(mode: FinalState, last: Frame | null): Promise<void> {
    if (last) this.broadcast(frameMessage(last, mode));
  }

  protected async disconnect(): Promise<void> {
    const wss = this.wss;
    this.wss = null;
    if (!wss) return;
    const clients = [...wss.clients];
    // Close handshakes first (queued after any final message), then cut whoever does not answer.
    await Promise.race([
      Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.readyState === WebSocket.CLOSED) return resolve();
              c.once('close', () => resolve());
              c.close(1001, 'sentio stopped');
            }),
        ),
      ),
      new Promise<void>((resolve) => setTimeout(resolve, 150).unref()),
    ]);
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
