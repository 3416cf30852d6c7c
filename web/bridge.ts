/**
 * The page's side of the lights bridge (protocol: src/light/bridge-protocol.ts). When the page is
 * served by `sentio serve --config lights.json`, `/sentio-serve.json` gives a per-run token and
 * the page sends every 0.5 s point over a WebSocket; the server drives the lights. Anywhere else
 * (a static server, a file host) the bridge is "not available" and the page works without it.
 *
 * A dropped connection is retried with backoff (250 ms doubling to 5 s, as the light sinks do),
 * fetching the token again each time: a restarted server has a new one. Points are not queued
 * while the socket is down (the lights want the newest, not a backlog); the newest is sent as
 * soon as the socket opens. A point earlier than the last one sent starts a new connection,
 * since the protocol keeps time non-decreasing per connection. At most one message goes out per
 * {@link BRIDGE_SEND_INTERVAL_MS}: fast playback shows more points than that, and the newest
 * waits for its turn. A server that hands the lights to another page (BRIDGE_CLOSE.replaced) is not
 * retried until this page starts a new stream, so two open pages do not take the lights from
 * each other in turn.
 */
import { BRIDGE_CLOSE, BRIDGE_INFO_PATH, bridgeSocketUrl, parseBridgeInfo, pointMessage, type BridgePoint } from './sentio.js';

export type BridgeState =
  | { kind: 'checking' }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'replaced'; detail: string }
  | { kind: 'error'; detail: string; retryInMs: number };

/** Reconnect backoff, ms: first wait and cap. */
export const BRIDGE_BACKOFF_MS = [250, 5000] as const;
/**
 * Least time between two messages, ms: 4 a second, twice the normal 2 and under the
 * BRIDGE_RATE_PER_SECOND (10) a second `sentio serve` allows a connection (bridge-protocol.ts).
 */
export const BRIDGE_SEND_INTERVAL_MS = 250;

type Point = Omit<BridgePoint, 'type'>;

export class BridgeClient {
  #state: BridgeState = { kind: 'checking' };
  #socket: WebSocket | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #backoffMs: number = BRIDGE_BACKOFF_MS[0];
  /** The newest point, sent when a socket opens. */
  #latest: Point | null = null;
  /** The newest point has not been sent on the current socket yet. */
  #pending = false;
  #lastSendAt = -Infinity;
  #pacer: ReturnType<typeof setTimeout> | undefined;
  /** Time of the last point sent on the current socket. */
  #lastSentTime = -Infinity;
  #closed = false;
  /** Bumped by every connection attempt, so a slower earlier attempt gives up instead of opening a second socket. */
  #attempts = 0;
  /** Messages sent, for the page's handle and tests. */
  sent = 0;

  constructor(
    private readonly onState: (state: BridgeState) => void,
    private readonly page: { protocol: string; host: string; origin: string } = location,
  ) {}

  get state(): BridgeState {
    return this.#state;
  }

  /** Looks for the bridge and connects when there is one. */
  start(): void {
    void this.#connect();
  }

  /** Sends a point now if connected; else it is the one sent on (re)connection. */
  send(point: Point): void {
    if (this.#closed) return;
    if (point.time < this.#lastSentTime) this.newStream();
    this.#latest = point;
    this.#pending = true;
    const socket = this.#socket;
    if (socket?.readyState === WebSocket.OPEN) this.#sendLatest(socket);
  }

  /** A new stream (file, seek back, microphone): the next points go on a fresh connection. */
  newStream(): void {
    const used = this.#lastSentTime > -Infinity;
    this.#latest = null;
    this.#pending = false;
    this.#lastSentTime = -Infinity;
    // The user started something new here: take the lights back from the page that had them.
    if (this.#state.kind === 'replaced') {
      void this.#connect();
      return;
    }
    // A connection that has carried no point yet can carry the new stream.
    if (used && this.#socket) {
      const old = this.#socket;
      this.#socket = null;
      old.onclose = null;
      old.close(1000, 'new stream');
      clearTimeout(this.#retry);
      void this.#connect();
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#pacer);
    this.#socket?.close(1000, 'page closed');
    this.#socket = null;
  }

  #setState(state: BridgeState): void {
    this.#state = state;
    this.onState(state);
  }

  #sendLatest(socket: WebSocket): void {
    const point = this.#latest;
    if (!point || !this.#pending || point.time < this.#lastSentTime) return;
    const wait = this.#lastSendAt + BRIDGE_SEND_INTERVAL_MS - performance.now();
    if (wait > 0) {
      // Whichever socket is open when the turn comes (a new stream may have replaced this one).
      this.#pacer ??= setTimeout(() => {
        this.#pacer = undefined;
        const current = this.#socket;
        if (current?.readyState === WebSocket.OPEN) this.#sendLatest(current);
      }, wait);
      return;
    }
    socket.send(pointMessage(point));
    this.#pending = false;
    this.#lastSendAt = performance.now();
    this.#lastSentTime = point.time;
    this.sent++;
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const attempt = ++this.#attempts;
    let token: string | null;
    try {
      const response = await fetch(new URL(BRIDGE_INFO_PATH, this.page.origin), { cache: 'no-store' });
      if (attempt !== this.#attempts) return;
      // 404 (a plain static server) or {"bridge": false}: no lights here, and no retrying.
      token = response.ok ? parseBridgeInfo(await response.json().catch(() => null)) : null;
      if (!token) {
        this.#setState({ kind: 'unavailable', detail: response.ok ? 'the server has no lights configured' : 'the page is not served by sentio serve' });
        return;
      }
    } catch (e) {
      if (attempt === this.#attempts) this.#retryLater(`cannot reach the server (${(e as Error).message})`);
      return;
    }
    if (attempt !== this.#attempts || this.#closed) return;
    this.#setState({ kind: 'connecting' });
    const socket = new WebSocket(bridgeSocketUrl(this.page, token));
    this.#socket = socket;
    socket.onopen = () => {
      this.#backoffMs = BRIDGE_BACKOFF_MS[0];
      this.#lastSentTime = -Infinity;
      this.#pending = this.#latest !== null;
      this.#setState({ kind: 'connected' });
      this.#sendLatest(socket);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (event.code === BRIDGE_CLOSE.replaced) {
        this.#setState({ kind: 'replaced', detail: event.reason || 'another connection took over the lights' });
        return;
      }
      // The browser gives no reason for a refused handshake (a wrong token): code 1006 then.
      this.#retryLater(event.reason ? `closed: ${event.reason} (${event.code})` : `connection closed (${event.code})`);
    };
  }

  #retryLater(detail: string): void {
    if (this.#closed) return;
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(BRIDGE_BACKOFF_MS[1], wait * 2);
    this.#setState({ kind: 'error', detail, retryInMs: wait });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#connect(), wait);
  }
}

/** The bridge state in words, for the page. */
export function describeBridge(state: BridgeState): string {
  switch (state.kind) {
    case 'checking':
      return 'looking for the lights bridge…';
    case 'unavailable':
      return `not available (${state.detail})`;
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return 'connected';
    case 'replaced':
      return `handed over: ${state.detail} (choosing a file or listening here takes them back)`;
    case 'error':
      return `error: ${state.detail}; retrying in ${(state.retryInMs / 1000).toFixed(state.retryInMs < 1000 ? 2 : 0)} s`;
  }
}
