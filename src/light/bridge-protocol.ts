/**
 * The lights bridge between the web page and `sentio serve`: the one place its protocol is
 * defined. Browser-safe (no Node imports): the page builds its messages with it and the server
 * validates what it receives with it.
 *
 * 1. The page asks `GET /sentio-serve.json` ({@link BRIDGE_INFO_PATH}). `sentio serve --config
 *    lights.json` answers `{"bridge": true, "token": "<per-run token>"}`; anything else (a 404, a
 *    plain static server, `{"bridge": false}`) means there is no bridge ({@link parseBridgeInfo}).
 * 2. The page opens a WebSocket to `ws(s)://<host>/bridge?token=<token>` ({@link bridgeSocketUrl}).
 * 3. It sends one JSON text message per 0.5 s point ({@link BridgePoint}, {@link pointMessage});
 *    the server runs its own LightMapper and sinks on them. Nothing flows back.
 *
 * A connection carries one stream: `time` never decreases on it. A new stream (another file, a
 * seek backwards, the microphone after a file) opens a new connection, so the server should
 * start a fresh LightMapper per connection (a restarted smoother would otherwise glide from the
 * old song).
 *
 * @module
 */

/** Where the page learns whether it is served with a bridge, and the token. */
export const BRIDGE_INFO_PATH = '/sentio-serve.json';
/** The WebSocket path; the token goes in the `token` query parameter. */
export const BRIDGE_PATH = '/bridge';
/** Largest message accepted, bytes of UTF-8 (a point with full-precision numbers is about 150). */
export const BRIDGE_MAX_MESSAGE_BYTES = 1024;
/** Accepted `latestLevelDb`, dB re full scale: far below the analyser's −120 dB floor to above any clipping. */
export const BRIDGE_LEVEL_RANGE_DB = [-200, 20] as const;
/** Close codes of the bridge's WebSocket: the server closes with them, the page reads them. */
export const BRIDGE_CLOSE = {
  /** The server is stopping. */
  shutdown: 1001,
  /** A binary frame: the protocol is JSON text. */
  binary: 1003,
  /** A message the protocol refuses, or the rate limit exceeded (RFC 6455: policy violation; the reason says which). */
  policy: 1008,
  /** A message over {@link BRIDGE_MAX_MESSAGE_BYTES}. */
  tooLarge: 1009,
  /** A newer connection took over the lights (private-use range; 409 as in HTTP Conflict). */
  replaced: 4409,
} as const;

/**
 * Sustained messages per second a connection may send: five times the 2 a page sends, with a
 * burst of {@link BRIDGE_RATE_BURST}, because a page whose main thread stalled catches up with
 * its points at once.
 */
export const BRIDGE_RATE_PER_SECOND = 10;
/** Messages a connection may send at once (a 10 s stall's points). */
export const BRIDGE_RATE_BURST = 20;

/** One 0.5 s point from the page: what `LightMapper.push` reads (`LightInputPoint`) and nothing else. */
export interface BridgePoint {
  type: 'point';
  /** Stream time of the point, s: ≥ 0 and never decreasing on one connection. */
  time: number;
  /** [-1, 1]. */
  valence: number;
  /** [-1, 1]. */
  arousal: number;
  /** RMS level of the newest 0.5 s of audio when the point was made, dBFS, within {@link BRIDGE_LEVEL_RANGE_DB}. */
  latestLevelDb: number;
  /** The analyser's silence flag for the point's segment. */
  silent: boolean;
}

/** The keys of a point message, in the order {@link pointMessage} writes them. */
export const BRIDGE_POINT_KEYS = ['type', 'time', 'valence', 'arousal', 'latestLevelDb', 'silent'] as const;

export type PointValidation = { ok: true; point: BridgePoint } | { ok: false; error: string };

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

const tooLong = (bytes: number): PointValidation => ({ ok: false, error: `message of ${bytes} bytes exceeds ${BRIDGE_MAX_MESSAGE_BYTES}` });

const finiteIn = (x: unknown, lo: number, hi: number): x is number => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi;

/**
 * Checks one received message (the text, or its bytes as `ws` hands them over) against the
 * protocol: at most {@link BRIDGE_MAX_MESSAGE_BYTES} bytes of UTF-8 JSON, an object with exactly
 * the {@link BRIDGE_POINT_KEYS}, `type` "point", finite numbers, valence and arousal in [-1, 1],
 * the level within {@link BRIDGE_LEVEL_RANGE_DB}, `silent` a boolean, and `time` ≥ 0 and ≥
 * `previousTime` (the last accepted point's time on the same connection, if any). Never throws.
 */
export function validatePoint(message: string | Uint8Array | ArrayBuffer, previousTime?: number | null): PointValidation {
  let text: string;
  if (typeof message === 'string') {
    // Every UTF-16 code unit is at least one UTF-8 byte, so a longer string is refused unencoded.
    const bytes = message.length > BRIDGE_MAX_MESSAGE_BYTES ? message.length : utf8.encode(message).length;
    if (bytes > BRIDGE_MAX_MESSAGE_BYTES) return tooLong(bytes);
    text = message;
  } else {
    const view = message instanceof Uint8Array ? message : new Uint8Array(message);
    if (view.length > BRIDGE_MAX_MESSAGE_BYTES) return tooLong(view.length);
    try {
      text = fromUtf8.decode(view);
    } catch {
      return { ok: false, error: 'message is not valid UTF-8' };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'message is not a JSON object' };
  const m = value as Record<string, unknown>;
  if (m.type !== 'point') return { ok: false, error: `unknown message type ${JSON.stringify(m.type)} (expected "point")` };
  for (const key of Object.keys(m)) {
    if (!(BRIDGE_POINT_KEYS as readonly string[]).includes(key)) return { ok: false, error: `unknown key '${key}' (allowed: ${BRIDGE_POINT_KEYS.join(', ')})` };
  }
  if (!finiteIn(m.time, 0, Number.MAX_VALUE)) return { ok: false, error: `time must be a finite number ≥ 0, got ${JSON.stringify(m.time)}` };
  if (previousTime !== undefined && previousTime !== null && m.time < previousTime) {
    return { ok: false, error: `time ${m.time} is before the previous point's ${previousTime} (a new stream needs a new connection)` };
  }
  for (const key of ['valence', 'arousal'] as const) {
    if (!finiteIn(m[key], -1, 1)) return { ok: false, error: `${key} must be a finite number in [-1, 1], got ${JSON.stringify(m[key])}` };
  }
  const [lo, hi] = BRIDGE_LEVEL_RANGE_DB;
  if (!finiteIn(m.latestLevelDb, lo, hi)) return { ok: false, error: `latestLevelDb must be a finite number in [${lo}, ${hi}], got ${JSON.stringify(m.latestLevelDb)}` };
  if (typeof m.silent !== 'boolean') return { ok: false, error: `silent must be true or false, got ${JSON.stringify(m.silent)}` };
  return { ok: true, point: { type: 'point', time: m.time, valence: m.valence as number, arousal: m.arousal as number, latestLevelDb: m.latestLevelDb, silent: m.silent } };
}

/**
 * The message for one point. Valence and arousal are clamped to [-1, 1] and the level to
 * {@link BRIDGE_LEVEL_RANGE_DB} (the model's outputs are in range already; float rounding in a
 * caller's arithmetic must not get a point refused); non-finite values throw a RangeError.
 */
export function pointMessage(p: Omit<BridgePoint, 'type'>): string {
  for (const key of ['time', 'valence', 'arousal', 'latestLevelDb'] as const) {
    if (!Number.isFinite(p[key])) throw new RangeError(`bridge point: ${key} is ${p[key]}`);
  }
  const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
  const point: BridgePoint = {
    type: 'point',
    time: Math.max(0, p.time),
    valence: clamp(p.valence, -1, 1),
    arousal: clamp(p.arousal, -1, 1),
    latestLevelDb: clamp(p.latestLevelDb, ...BRIDGE_LEVEL_RANGE_DB),
    silent: p.silent,
  };
  return JSON.stringify(point);
}

/** The token of a `GET /sentio-serve.json` body when it offers a bridge, else null (no bridge, or not that document). */
export function parseBridgeInfo(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const info = value as Record<string, unknown>;
  if (info.bridge !== true || typeof info.token !== 'string' || info.token === '') return null;
  return info.token;
}

/** The bridge's WebSocket URL for a page at `location` (wss for an https page). */
export function bridgeSocketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;
}
