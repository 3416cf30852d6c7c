/**
 * The lights bridge of `sentio serve`: the page analyses the music, sends its 0.5 s points back
 * over a WebSocket (src/light/bridge-protocol.ts), and the server drives the configured sinks
 * with them through a {@link LightMapper}, the same mapper → sinks chain as `sentio live`.
 *
 * Who may drive the lights (checked before the upgrade, refused with 403):
 * - the Origin header must be this server's own origin, `http://<Host>` (the Host itself was
 *   checked against the names the server answers to: hosts.ts), so another site's page cannot
 *   connect, even one that learnt the token;
 * - the `token` query parameter must be this run's random 128-bit token, compared in constant
 *   time. The page reads it from `GET /sentio-serve.json`, which carries no CORS headers, so only
 *   pages of this origin can read it; a WebSocket is not bound by CORS, hence both checks.
 *
 * One connection drives the lights at a time, and the newest wins: the protocol opens a new
 * connection for each new stream (another file, a seek back), and a reloaded tab's old socket may
 * linger half-open, so refusing newcomers would lock the user out; the connection it replaces is
 * closed with {@link BRIDGE_CLOSE.replaced}. Each connection starts a fresh mapper (its own time
 * base). Every message is validated ({@link validatePoint}); a refused message, a binary frame or
 * more than the rate limit closes the connection with a code and the reason, since a page that
 * sends them is broken or hostile and a clear close is what its developer can act on.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  BRIDGE_CLOSE,
  BRIDGE_INFO_PATH,
  BRIDGE_MAX_MESSAGE_BYTES,
  BRIDGE_PATH,
  BRIDGE_RATE_BURST,
  BRIDGE_RATE_PER_SECOND,
  validatePoint,
} from '../light/bridge-protocol.ts';
import { LightChain } from '../light/chain.ts';
import type { LightMapper } from '../light/smoothing.ts';
import type { FinalState, LightSink, LightState } from '../light/types.ts';
import { refuseUpgrade, type StaticServerOptions, type UpgradeRequest } from './static.ts';

export type BridgeEvent =
  | { kind: 'connected'; remote: string }
  | { kind: 'closed'; remote: string; code: number; reason: string }
  | { kind: 'refused'; remote: string; status: number; reason: string };

export interface LightBridgeOptions {
  /** Turns points into light states; reset for every connection. */
  mapper: LightMapper;
  sinks: readonly LightSink[];
  /** What the sinks are left showing at close. */
  final: FinalState;
  /** Every light state made, after the sinks got it (tests, a view). */
  onState?: (state: LightState) => void;
  /** Connections made, closed and refused (the CLI logs them). */
  onEvent?: (event: BridgeEvent) => void;
  /** Per-run token; default 16 random bytes, hex. */
  token?: string;
}

/** A token bucket: `rate` per second, at most `burst` at once. */
class RateLimit {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** RFC 6455 allows 123 bytes of close reason. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= 123 ? text : `${bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '')}...`;
}

export class LightBridge {
  readonly token: string;
  readonly stats = { points: 0, connections: 0, refused: 0 };
  private readonly tokenDigest: Buffer;
  // ws cuts off frames over maxPayload with a bare 1009; the margin lets the bridge refuse a
  // message just over the protocol's limit itself, saying how large it was.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * BRIDGE_MAX_MESSAGE_BYTES, perMessageDeflate: false });
  private current: WebSocket | null = null;
  private closing = false;

  private readonly chain: LightChain;

  constructor(private readonly options: LightBridgeOptions) {
    this.chain = new LightChain(options.mapper, options.sinks);
    this.token = options.token ?? randomBytes(16).toString('hex');
    this.tokenDigest = digest(this.token);
  }

  get sinks(): readonly LightSink[] {
    return this.options.sinks;
  }

  /** Starts the sinks (an unreachable device is offline and retried, not an error). */
  async start(): Promise<void> {
    await this.chain.start();
  }

  /** Whether `given` is this run's token; constant time in its content (digests of equal length are compared). */
  tokenMatches(given: string | null): boolean {
    return given !== null && timingSafeEqual(digest(given), this.tokenDigest);
  }

  private refuse(req: IncomingMessage, socket: Duplex, status: number, reason: string): void {
    this.stats.refused++;
    this.options.onEvent?.({ kind: 'refused', remote: req.socket.remoteAddress ?? '?', status, reason });
    refuseUpgrade(socket, status, reason);
  }

  /** The upgrade handler for {@link BRIDGE_PATH}: origin and token first, then the WebSocket. */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, request: UpgradeRequest): void => {
    if (this.closing) return this.refuse(req, socket, 503, 'the server is stopping');
    const origin = req.headers.origin;
    if (origin === undefined) return this.refuse(req, socket, 403, 'no Origin header: only the page this server serves may drive the lights');
    if (origin.toLowerCase() !== request.origin) return this.refuse(req, socket, 403, `Origin ${origin.slice(0, 100)} is not this server's page`);
    if (!this.tokenMatches(request.query.get('token'))) return this.refuse(req, socket, 403, `missing or wrong token (the page reads it from ${BRIDGE_INFO_PATH})`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req.socket.remoteAddress ?? '?'));
  };

  private connected(ws: WebSocket, remote: string): void {
    if (this.closing) return ws.close(BRIDGE_CLOSE.shutdown, 'the server is stopping');
    this.current?.close(BRIDGE_CLOSE.replaced, 'another connection took over the lights');
    this.current = ws;
    this.stats.connections++;
    // A new connection is a new stream (bridge-protocol.ts): its own time base and smoothing.
    this.options.mapper.reset();
    const limit = new RateLimit(BRIDGE_RATE_PER_SECOND, BRIDGE_RATE_BURST);
    let previousTime: number | null = null;
    this.options.onEvent?.({ kind: 'connected', remote });
    const violation = (code: number, reason: string) => {
      ws.close(code, closeReason(reason));
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // After close() a few frames may still arrive; only the live connection drives the lights.
      if (ws !== this.current || ws.readyState !== ws.OPEN) return;
      if (isBinary) return violation(BRIDGE_CLOSE.binary, 'binary frames are not accepted: send JSON text');
      if (!limit.take()) return violation(BRIDGE_CLOSE.policy, `rate limit: more than ${BRIDGE_RATE_PER_SECOND} messages per second`);
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (bytes.length > BRIDGE_MAX_MESSAGE_BYTES) return violation(BRIDGE_CLOSE.tooLarge, `message of ${bytes.length} bytes exceeds ${BRIDGE_MAX_MESSAGE_BYTES}`);
      const checked = validatePoint(bytes, previousTime);
      if (!checked.ok) return violation(BRIDGE_CLOSE.policy, checked.error);
      previousTime = checked.point.time;
      const state = this.chain.push(checked.point);
      this.stats.points++;
      this.options.onState?.(state);
    });
    // ws reports its own refusals (too large, bad UTF-8, bad frames) here and closes with their code.
    ws.on('error', () => {});
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.current === ws) this.current = null;
      this.options.onEvent?.({ kind: 'closed', remote, code, reason: reason.toString('utf8') });
    });
  }

  /** `GET /sentio-serve.json`. */
  info(): { bridge: true; token: string } {
    return { bridge: true, token: this.token };
  }

  /** Closes the connection (1001) and leaves every sink in its final state. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const clients = [...this.wss.clients];
    for (const ws of clients) ws.close(BRIDGE_CLOSE.shutdown, 'the server is stopping');
    // A client that does not answer the close handshake is cut off rather than waited for.
    await Promise.race([
      Promise.all(clients.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()))))),
      new Promise((resolve) => setTimeout(resolve, 300).unref()),
    ]);
    for (const ws of this.wss.clients) ws.terminate();
    await this.chain.close(this.options.final);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** The discovery document and the WebSocket endpoint of a bridge (or the document saying there is none). */
export function bridgeRoutes(bridge: LightBridge | null): Required<Pick<StaticServerOptions, 'documents' | 'upgrades'>> {
  return {
    documents: { [BRIDGE_INFO_PATH]: () => (bridge ? bridge.info() : { bridge: false }) },
    upgrades: bridge ? { [BRIDGE_PATH]: bridge.upgrade } : {},
  };
}
