/**
 * Philips Hue through the bridge's REST API v1 (plain HTTP on the LAN):
 * `PUT /api/<user>/lights/<id>/state` with `{"on":true,"bri":1–254,"xy":[x,y],"transitiontime":n}`
 * (n in units of 100 ms) and, for configured groups, `PUT /api/<user>/groups/<id>/action`.
 *
 * Colour: sRGB → CIE xy as Philips documents it ("RGB to xy color conversion", Hue SDK design
 * notes): the sRGB gamma expansion, the Wide-gamut D65 RGB → XYZ matrix, x = X/(X+Y+Z),
 * y = Y/(X+Y+Z); then, when the point lies outside the lamp's gamut triangle (Philips' gamuts
 * A, B, C), the closest point on the triangle. The gamut is the configured one, else the one the
 * lamp reports at connect (`capabilities.control.colorgamut`), else C (current colour lamps).
 * Brightness goes in `bri`, from `brightness × max(r,g,b)/255` (what a pixel would show).
 *
 * Pacing: each light and each group is its own frame loop ({@link HueSink} bundles them), so
 * the rate limit holds per light: `maxRate` (default 5, at most 10) a second per light, and the
 * lights together keep to the ~10 commands/s Philips gives as a bridge's budget (with n lights
 * each gets at most 10/n a second); each group at most 1 a second, as Philips asks, with a 1 s
 * fade. Changes only, plus a keepalive; the lamp fades between updates (`transitiontime` = one
 * update interval), so the loop does not glide.
 *
 * The bridge reports failures with HTTP 200 and `[{"error":{"type","address","description"}}]`:
 * any error item fails the request with its description (counted in `stats.errors`; the light goes
 * offline and is retried with the loop's backoff).
 */
import { isIP } from 'node:net';
import type { FinalState, LightSink, LightState, Rgb, SinkStatus } from '../types.ts';
import { asObject, checkKeys, COMMON_SINK_KEYS, ConfigError, choiceOption, hostOption, numberOption, portOption, stringOption, type CommonSinkOptions } from './config.ts';
import { FrameLoopSink, type Frame } from './sink.ts';

// ——————————————————————————————————————————— Colour ———————————————————————————————————————————

export interface Xy {
  x: number;
  y: number;
}

/** A lamp's colour triangle: its red, green and blue corners in CIE 1931 xy. */
export type Gamut = readonly [red: Xy, green: Xy, blue: Xy];
export type GamutName = 'A' | 'B' | 'C';
export const GAMUT_NAMES: readonly GamutName[] = ['A', 'B', 'C'];

/** Philips' published gamuts: A (LivingColors, early Bloom/Iris), B (first Hue bulbs), C (later Hue colour lamps). */
export const HUE_GAMUTS: Record<GamutName, Gamut> = {
  A: [
    { x: 0.704, y: 0.296 },
    { x: 0.2151, y: 0.7106 },
    { x: 0.138, y: 0.08 },
  ],
  B: [
    { x: 0.675, y: 0.322 },
    { x: 0.409, y: 0.518 },
    { x: 0.167, y: 0.04 },
  ],
  C: [
    { x: 0.6915, y: 0.3083 },
    { x: 0.17, y: 0.7 },
    { x: 0.1532, y: 0.0475 },
  ],
};

/** sRGB 0–255 → CIE xy before any gamut (null for black, which has no chromaticity). */
export function rgbToXyUnclamped({ r, g, b }: Rgb): Xy | null {
  const expand = (c: number) => {
    const v = Math.max(0, Math.min(1, c / 255));
    return v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92;
  };
  const [R, G, B] = [expand(r), expand(g), expand(b)];
  // Philips' Wide-gamut D65 matrix.
  const X = R * 0.664511 + G * 0.154324 + B * 0.162028;
  const Y = R * 0.283881 + G * 0.668433 + B * 0.047685;
  const Z = R * 0.000088 + G * 0.07231 + B * 0.986039;
  const sum = X + Y + Z;
  return sum > 0 ? { x: X / sum, y: Y / sum } : null;
}

const cross = (a: Xy, b: Xy) => a.x * b.y - a.y * b.x;
const sub = (a: Xy, b: Xy): Xy => ({ x: a.x - b.x, y: a.y - b.y });

/** Whether `p` lies in the triangle (edges included, within 1e-9). */
export function inGamut(p: Xy, [red, green, blue]: Gamut): boolean {
  const v1 = sub(green, red);
  const v2 = sub(blue, red);
  const q = sub(p, red);
  const d = cross(v1, v2);
  const s = cross(q, v2) / d;
  const t = cross(v1, q) / d;
  const eps = 1e-9;
  return s >= -eps && t >= -eps && s + t <= 1 + eps;
}

function closestOnSegment(a: Xy, b: Xy, p: Xy): Xy {
  const ab = sub(b, a);
  const t = Math.max(0, Math.min(1, (ab.x * (p.x - a.x) + ab.y * (p.y - a.y)) / (ab.x * ab.x + ab.y * ab.y)));
  return { x: a.x + t * ab.x, y: a.y + t * ab.y };
}

/** `p` itself when inside the gamut, else the closest point on the triangle's edges. */
export function clampToGamut(p: Xy, gamut: Gamut): Xy {
  if (inGamut(p, gamut)) return p;
  const [red, green, blue] = gamut;
  const candidates = [closestOnSegment(red, green, p), closestOnSegment(green, blue, p), closestOnSegment(blue, red, p)];
  const dist = (q: Xy) => (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
  return candidates.reduce((best, q) => (dist(q) < dist(best) ? q : best));
}

/** sRGB → the xy a lamp of `gamut` shows, rounded to the bridge's 4 decimals (null for black). */
export function rgbToXy(rgb: Rgb, gamut: Gamut): Xy | null {
  const p = rgbToXyUnclamped(rgb);
  if (!p) return null;
  const q = clampToGamut(p, gamut);
  return { x: Math.round(q.x * 1e4) / 1e4, y: Math.round(q.y * 1e4) / 1e4 };
}

/** A bridge state body for a frame: on with bri 1–254 and xy, or off when it rounds to black. */
export function hueStateBody(frame: Pick<Frame, 'rgb' | 'brightness'>, gamut: Gamut, transitiontime: number): HueBody {
  const { r, g, b } = frame.rgb;
  const level = Math.max(0, Math.min(1, frame.brightness)) * Math.min(1, Math.max(r, g, b, 0) / 255);
  const xy = rgbToXy(frame.rgb, gamut);
  const bri = Math.round(level * 254);
  if (!xy || bri < 1) return { on: false, transitiontime };
  return { on: true, bri, xy: [xy.x, xy.y], transitiontime };
}

// ——————————————————————————————————————————— Bridge ———————————————————————————————————————————

/** A JSON body for the bridge. */
export type HueBody = Record<string, unknown>;

/** An error item of the bridge's `[{"error": …}]` answer. */
export class HueApiError extends Error {
  constructor(
    readonly type: number,
    readonly address: string,
    readonly description: string,
  ) {
    super(`Hue bridge error ${type} at ${address}: ${description}`);
    this.name = 'HueApiError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `GET /lights/<id>`'s `state` (the fields Sentio reads and puts back). */
export interface HueLightState {
  on: boolean;
  bri?: number;
  xy?: [number, number];
  ct?: number;
  hue?: number;
  sat?: number;
  colormode?: string;
}

function readLightState(v: unknown): HueLightState | null {
  if (!isRecord(v) || typeof v.on !== 'boolean') return null;
  const s: HueLightState = { on: v.on };
  if (typeof v.bri === 'number') s.bri = v.bri;
  if (Array.isArray(v.xy) && v.xy.length === 2 && v.xy.every((n) => typeof n === 'number')) s.xy = [v.xy[0] as number, v.xy[1] as number];
  for (const k of ['ct', 'hue', 'sat'] as const) if (typeof v[k] === 'number') s[k] = v[k] as number;
  if (typeof v.colormode === 'string') s.colormode = v.colormode;
  return s;
}

/** The gamut a light reports (`capabilities.control.colorgamut`, or its `colorgamuttype`), if any. */
function reportedGamut(light: Record<string, unknown>): Gamut | null {
  const control = isRecord(light.capabilities) && isRecord(light.capabilities.control) ? light.capabilities.control : null;
  if (!control) return null;
  const g = control.colorgamut;
  if (Array.isArray(g) && g.length === 3 && g.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number'))) {
    const [r, gr, b] = (g as number[][]).map(([x, y]) => ({ x, y }));
    return [r, gr, b];
  }
  const type = control.colorgamuttype;
  return typeof type === 'string' && (GAMUT_NAMES as readonly string[]).includes(type) ? HUE_GAMUTS[type as GamutName] : null;
}

/**
 * The bodies that put a light back as `GET` found it: colour in its own `colormode` (ct, xy or
 * hue/sat) and bri; a light that was off gets its colour back first (while still on, as the
 * bridge refuses changes to an off light) and then `{"on":false}`.
 */
export function hueRestoreBodies(saved: HueLightState, transitiontime = 0): HueBody[] {
  const attrs: HueBody = {};
  if (saved.bri !== undefined) attrs.bri = saved.bri;
  if (saved.colormode === 'ct' && saved.ct !== undefined) attrs.ct = saved.ct;
  else if (saved.colormode === 'hs' && saved.hue !== undefined && saved.sat !== undefined) Object.assign(attrs, { hue: saved.hue, sat: saved.sat });
  else if (saved.xy) attrs.xy = saved.xy;
  if (saved.on) return [{ on: true, ...attrs, transitiontime }];
  return Object.keys(attrs).length ? [{ ...attrs, transitiontime: 0 }, { on: false }] : [{ on: false }];
}

/** One request to the bridge; an HTTP failure or any `error` item in the answer throws. */
async function hueRequest(base: string, method: 'GET' | 'PUT', path: string, body: HueBody | undefined, signal: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, signal, ...(body && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  } catch (e) {
    // fetch's own message is only "fetch failed": the cause says what (ECONNREFUSED, …).
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : null;
    throw new Error(`${method} ${path}: ${cause ? cause.message : e instanceof Error ? e.message : String(e)}`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: not JSON: ${text.slice(0, 200)}`);
  }
  if (Array.isArray(json)) {
    for (const item of json) {
      if (isRecord(item) && isRecord(item.error)) {
        const { type, address, description } = item.error;
        throw new HueApiError(typeof type === 'number' ? type : 0, String(address ?? path), String(description ?? 'unknown error'));
      }
    }
  }
  return json;
}

// ——————————————————————————————————————————— Sinks ———————————————————————————————————————————

export interface HueTarget {
  kind: 'light' | 'group';
  id: string;
}

interface ChannelOptions {
  base: string;
  target: HueTarget;
  name: string;
  gamut: Gamut | null;
  rate: number;
  transitiontime: number;
  delayMs: number;
  /** Lights this channel must not restore (a group's members that are also configured as lights). */
  restoredElsewhere: ReadonlySet<string>;
}

/** One light or group: its own frame loop, rate and saved state. */
export class HueChannelSink extends FrameLoopSink {
  readonly name: string;
  readonly target: HueTarget;
  private readonly base: string;
  private gamut: Gamut;
  private readonly gamutFixed: boolean;
  private readonly transitiontime: number;
  private readonly restoredElsewhere: ReadonlySet<string>;
  /** Light id → state at the first connect (for a group: its members'), what 'restore' puts back. */
  private saved: Map<string, HueLightState> | null = null;

  constructor(options: ChannelOptions) {
    super({ fps: Math.min(50, Math.max(10, 4 * options.rate)), minIntervalMs: 1000 / options.rate, delayMs: options.delayMs, transitionMs: 0, repeat: false });
    this.name = options.name;
    this.target = options.target;
    this.base = options.base;
    this.gamut = options.gamut ?? HUE_GAMUTS.C;
    this.gamutFixed = options.gamut !== null;
    this.transitiontime = options.transitiontime;
    this.restoredElsewhere = options.restoredElsewhere;
  }

  /** The gamut the colours are clamped to (configured, or reported by the lamp at connect). */
  get colorGamut(): Gamut {
    return this.gamut;
  }

  /** The states 'restore' puts back, by light id (empty until the first connect). */
  get savedStates(): ReadonlyMap<string, HueLightState> {
    return this.saved ?? new Map();
  }

  private get statePath(): string {
    return this.target.kind === 'light' ? `/lights/${this.target.id}/state` : `/groups/${this.target.id}/action`;
  }

  /** Reads the state to restore, once: on later reconnects the light shows Sentio's own colours. */
  protected async connect(signal: AbortSignal): Promise<void> {
    const { kind, id } = this.target;
    const found = await hueRequest(this.base, 'GET', `/${kind === 'light' ? 'lights' : 'groups'}/${id}`, undefined, signal);
    if (!isRecord(found)) throw new Error(`GET /${kind}s/${id}: not a ${kind}`);
    if (this.saved) return;
    const saved = new Map<string, HueLightState>();
    if (kind === 'light') {
      const state = readLightState(found.state);
      if (!state) throw new Error(`GET /lights/${id}: no state in the answer`);
      saved.set(id, state);
      if (!this.gamutFixed) this.gamut = reportedGamut(found) ?? this.gamut;
    } else {
      const members = Array.isArray(found.lights) ? found.lights.map(String) : [];
      // One xy for the whole group: the first member's gamut (unless configured).
      let gamut = this.gamutFixed ? this.gamut : null;
      for (const m of members) {
        const light = await hueRequest(this.base, 'GET', `/lights/${m}`, undefined, signal);
        if (!isRecord(light)) continue;
        const state = readLightState(light.state);
        if (state && !this.restoredElsewhere.has(m)) saved.set(m, state);
        gamut ??= reportedGamut(light);
      }
      if (gamut) this.gamut = gamut;
    }
    this.saved = saved;
  }

  protected async send(frame: Frame, signal: AbortSignal): Promise<void> {
    await hueRequest(this.base, 'PUT', this.statePath, hueStateBody(frame, this.gamut, this.transitiontime), signal);
  }

  protected async sendFinal(mode: FinalState, _last: Frame | null, signal: AbortSignal): Promise<void> {
    if (mode === 'keep') return;
    if (mode === 'off') {
      await hueRequest(this.base, 'PUT', this.statePath, { on: false }, signal);
      return;
    }
    await Promise.all(
      [...(this.saved ?? [])].map(async ([light, state]) => {
        const bodies = hueRestoreBodies(state, this.transitiontime);
        for (const [i, body] of bodies.entries()) {
          // The colour for a light that was off is a nicety; turning it off again is what matters.
          const last = i === bodies.length - 1;
          await hueRequest(this.base, 'PUT', `/lights/${light}/state`, body, signal).catch((e: unknown) => {
            if (last) throw e;
          });
        }
      }),
    );
  }

  protected async disconnect(): Promise<void> {
    // Plain HTTP: nothing to close (fetch's keep-alive pool drops idle sockets on its own).
  }
}

export interface HueOptions {
  /** The bridge's address (IP or host name). */
  bridge: string;
  /** HTTP port. Default 80. */
  port?: number;
  /** The whitelisted user name (what `POST /api` with the link button gave). */
  user: string;
  lights: readonly string[];
  groups?: readonly string[];
  /** Overrides the gamut the lamps report. */
  gamut?: GamutName;
  /** Updates a second per light, at most 10. Default 5. */
  maxRate?: number;
  /** Output delay, ms. Default 0. */
  delayMs?: number;
}

const STATUS_ORDER: readonly SinkStatus[] = ['offline', 'connecting', 'online'];

/**
 * All configured lights and groups of one bridge as one sink. Its status is the worst of its
 * channels' (offline if any is, online when all are). Final states: 'off' puts `{"on":false}`
 * to every light and group; 'keep' leaves them; 'restore' puts back each light's state as read
 * with `GET /lights/<id>` at the first connect (a group's member lights, each, for groups).
 */
export class HueSink implements LightSink {
  readonly name: string;
  readonly channels: readonly HueChannelSink[];
  private currentStatus: SinkStatus = 'connecting';
  private readonly listeners: ((status: SinkStatus, detail: string) => void)[] = [];

  constructor(options: HueOptions) {
    const lights = options.lights.map(String);
    const groups = (options.groups ?? []).map(String);
    if (lights.length + groups.length === 0) throw new RangeError('a Hue sink needs at least one light or group');
    const maxRate = options.maxRate ?? 5;
    if (!(maxRate > 0 && maxRate <= 10)) throw new RangeError(`maxRate must be in (0, 10], got ${maxRate}`);
    const host = isIP(options.bridge) === 6 ? `[${options.bridge}]` : options.bridge;
    const address = options.port && options.port !== 80 ? `${host}:${options.port}` : host;
    const base = `http://${address}/api/${encodeURIComponent(options.user)}`;
    const gamut = options.gamut ? HUE_GAMUTS[options.gamut] : null;
    // The bridge takes ~10 light commands a second in all.
    const lightRate = Math.min(maxRate, 10 / Math.max(1, lights.length));
    const restoredElsewhere = new Set(lights);
    const common = { base, gamut, delayMs: options.delayMs ?? 0, restoredElsewhere };
    this.channels = [
      ...lights.map(
        (id) => new HueChannelSink({ ...common, target: { kind: 'light', id }, name: `hue ${address} light ${id}`, rate: lightRate, transitiontime: Math.max(1, Math.round(10 / lightRate)) }),
      ),
      ...groups.map((id) => new HueChannelSink({ ...common, target: { kind: 'group', id }, name: `hue ${address} group ${id}`, rate: 1, transitiontime: 10 })),
    ];
    this.name = `hue ${address}${lights.length ? ` lights ${lights.join(',')}` : ''}${groups.length ? ` groups ${groups.join(',')}` : ''}`;
    for (const c of this.channels) c.onStatus((_, detail) => this.refresh(c, detail));
  }

  get status(): SinkStatus {
    return this.currentStatus;
  }

  get stats(): { sent: number; dropped: number; errors: number } {
    const sum = { sent: 0, dropped: 0, errors: 0 };
    for (const c of this.channels) for (const k of ['sent', 'dropped', 'errors'] as const) sum[k] += c.stats[k];
    return sum;
  }

  onStatus(listener: (status: SinkStatus, detail: string) => void): void {
    this.listeners.push(listener);
  }

  private refresh(changed: HueChannelSink, detail: string): void {
    const all = this.channels.map((c) => c.status);
    const next: SinkStatus = all.every((s) => s === 'closed') ? 'closed' : STATUS_ORDER.find((s) => all.includes(s)) ?? 'online';
    if (next === this.currentStatus) return;
    this.currentStatus = next;
    const why = next === 'offline' || next === 'online' ? `${changed.target.kind} ${changed.target.id}${detail ? `: ${detail}` : ''}` : detail;
    for (const l of this.listeners) l(next, why);
  }

  async start(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.start()));
  }

  update(state: LightState): void {
    for (const c of this.channels) c.update(state);
  }

  async close(final: FinalState): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close(final)));
  }
}

// ——————————————————————————————————————————— Config ———————————————————————————————————————————

/** Light and group ids: integers or digit strings, as the v1 API numbers them. */
function idsOption(obj: Record<string, unknown>, key: string, where: string): string[] {
  const v = obj[key] ?? [];
  if (!Array.isArray(v)) throw new ConfigError(`${where}.${key}: must be an array of ids, got ${JSON.stringify(v)}`);
  const ids = v.map((id, i) => {
    if ((typeof id === 'number' && Number.isInteger(id) && id >= 0) || (typeof id === 'string' && /^\d+$/.test(id))) return String(id);
    throw new ConfigError(`${where}.${key}[${i}]: a light or group id (like 1 or "1"), got ${JSON.stringify(id)}`);
  });
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new ConfigError(`${where}.${key}: id ${dup} listed twice`);
  return ids;
}

export const HUE_KEYS = [...COMMON_SINK_KEYS, 'bridge', 'port', 'user', 'lights', 'groups', 'gamut', 'maxRate'] as const;

/** A validated `hue` entry: every default filled in. */
export type HueConfig = Omit<Required<HueOptions>, 'gamut'> & { gamut?: GamutName };

/**
 * `{"type": "hue", "bridge": host, "port"?: 80, "user": "…", "lights": [ids], "groups"?: [ids],
 * "gamut"?: "A"|"B"|"C" (default: what each lamp reports, else C), "maxRate"?: 5, "delayMs"?}` →
 * options; a ConfigError names the bad key.
 */
export function parseHueConfig(entry: unknown, where = 'sink', defaults: Partial<CommonSinkOptions> = {}): HueConfig {
  const obj = asObject(entry, where);
  checkKeys(obj, HUE_KEYS, where);
  if (obj.type !== 'hue') throw new ConfigError(`${where}.type: must be 'hue', got ${JSON.stringify(obj.type)}`);
  const user = stringOption(obj, 'user', where);
  // It goes into the URL path.
  if (!/^[A-Za-z0-9_-]+$/.test(user)) throw new ConfigError(`${where}.user: letters, digits, '-' and '_' only (the bridge's user name), got ${JSON.stringify(user)}`);
  if (obj.lights === undefined && obj.groups === undefined) throw new ConfigError(`${where}.lights: required (an array of light ids, like [1, 2])`);
  const lights = idsOption(obj, 'lights', where);
  const groups = idsOption(obj, 'groups', where);
  if (lights.length + groups.length === 0) throw new ConfigError(`${where}.lights: no lights and no groups to drive`);
  return {
    bridge: hostOption(obj, 'bridge', where),
    port: portOption(obj, 'port', where, 80),
    user,
    lights,
    groups,
    gamut: obj.gamut === undefined ? undefined : choiceOption(obj, 'gamut', where, GAMUT_NAMES),
    maxRate: numberOption(obj, 'maxRate', where, 0.1, 10, 5),
    delayMs: numberOption(obj, 'delayMs', where, 0, 10_000, defaults.delayMs ?? 0),
  };
}

/** The sink for a validated `hue` entry. */
export function createHueSink(options: HueOptions): HueSink {
  return new HueSink(options);
}
