/**
 * The frame loop every light sink runs on. Emotion estimates arrive every 0.5 s; lights want a
 * steady stream (realtime protocols drop out of realtime mode when it stops) or, for bulbs and
 * bridges, no more than a few updates a second. The loop
 *   - holds each estimate back by the output delay (speakers that lag: Bluetooth, multi-room),
 *   - glides from the colour on show to the newest estimate over `transitionMs`,
 *   - sends at `fps`, never faster than the device's `minIntervalMs`, repeating while the colour
 *     holds when `repeat` is set (else only changes, plus a keepalive),
 *   - never waits for the device: while a send is in flight new frames are dropped (the newest is
 *     sent next), and a send that takes longer than `sendTimeoutMs` counts as a failure,
 *   - on failure marks the sink offline and reconnects with exponential backoff.
 * Subclasses only open, send and close their transport.
 */
import { FINAL_STATES, type FinalState, type LightSink, type LightState, type Rgb, type SinkStatus } from '../types.ts';

export interface FrameLoopOptions {
  /** Frames per second of the loop: 30–50 for realtime protocols, a few for bulbs. */
  fps: number;
  /** Least time between two sends to the device, ms (its rate limit). Default 0. */
  minIntervalMs?: number;
  /** Output delay, ms: each estimate is shown this long after it arrives. Default 0. */
  delayMs?: number;
  /** Time to glide from one estimate to the next, ms. Default 500 (one hop). */
  transitionMs?: number;
  /** Keep sending while the colour holds (realtime protocols). Default false: changes only. */
  repeat?: boolean;
  /** Without `repeat`: resend the unchanged state this often, ms. Default 10 000. */
  keepaliveMs?: number;
  /** A send (or connect) taking longer than this is a failure, ms. Default 2000. */
  sendTimeoutMs?: number;
  /** Reconnect backoff: first wait and cap, ms. Default [250, 5000]. */
  backoffMs?: readonly [number, number];
}

/** What one frame of the loop shows. */
export interface Frame {
  /** Full-brightness colour, glided (0–255, not rounded). */
  rgb: Rgb;
  /** 0–1, glided. */
  brightness: number;
  /** The newest target due: its data fields (valence, quadrant, …) for sinks that publish them. */
  state: LightState;
}

/** `rgb × brightness`, rounded to 0–255: what a plain RGB pixel shows. */
export function frameRgb(frame: Pick<Frame, 'rgb' | 'brightness'>): Rgb {
  const k = Math.max(0, Math.min(1, frame.brightness));
  const c = (x: number) => Math.max(0, Math.min(255, Math.round(x * k)));
  return { r: c(frame.rgb.r), g: c(frame.rgb.g), b: c(frame.rgb.b) };
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export abstract class FrameLoopSink implements LightSink {
  abstract readonly name: string;
  readonly stats = { sent: 0, dropped: 0, errors: 0 };
  protected readonly options: Required<FrameLoopOptions>;
  private currentStatus: SinkStatus = 'connecting';
  private readonly listeners: ((status: SinkStatus, detail: string) => void)[] = [];
  private readonly queue: { due: number; state: LightState }[] = [];
  private from: Frame | null = null;
  private to: Frame | null = null;
  private glideStart = 0;
  private last: Frame | null = null;
  private lastSentAt = -Infinity;
  private lastSentKey = '';
  private inFlight = false;
  /** The send in flight (settles, never rejects), so that close() can let it finish before the final state. */
  private sending: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private nextRetryAt = 0;
  private backoff: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private abort: AbortController | null = null;

  constructor(options: FrameLoopOptions) {
    if (!(options.fps > 0 && options.fps <= 200)) throw new RangeError(`fps must be in (0, 200], got ${options.fps}`);
    this.options = {
      minIntervalMs: 0,
      delayMs: 0,
      transitionMs: 500,
      repeat: false,
      keepaliveMs: 10_000,
      sendTimeoutMs: 2000,
      backoffMs: [250, 5000],
      ...options,
    };
    for (const key of ['minIntervalMs', 'delayMs', 'transitionMs', 'keepaliveMs', 'sendTimeoutMs'] as const) {
      if (!(this.options[key] >= 0)) throw new RangeError(`${key} must be ≥ 0, got ${this.options[key]}`);
    }
    this.backoff = this.options.backoffMs[0];
  }

  /** Opens the transport (socket, HTTP agent, broker connection); throws when the device cannot be reached. */
  protected abstract connect(signal: AbortSignal): Promise<void>;
  /** Sends one frame; throws (or rejects) on failure. `signal` aborts when the send times out. */
  protected abstract send(frame: Frame, signal: AbortSignal): Promise<void>;
  /** Leaves the device in `mode`; `last` is the frame last shown (null: nothing was shown). */
  protected abstract sendFinal(mode: FinalState, last: Frame | null, signal: AbortSignal): Promise<void>;
  /** Closes the transport. */
  protected abstract disconnect(): Promise<void>;

  get status(): SinkStatus {
    return this.currentStatus;
  }

  onStatus(listener: (status: SinkStatus, detail: string) => void): void {
    this.listeners.push(listener);
  }

  protected setStatus(status: SinkStatus, detail = ''): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const l of this.listeners) l(status, detail);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), 1000 / this.options.fps);
    await this.tryConnect();
  }

  update(state: LightState): void {
    if (this.currentStatus === 'closed') return;
    this.queue.push({ due: performance.now() + this.options.delayMs, state });
    // A stalled consumer never lets the queue grow without bound: only the newest matter.
    if (this.queue.length > 256) this.queue.splice(0, this.queue.length - 256);
    if (this.options.delayMs === 0) this.tick();
  }

  /** The frame on show now: the glide from the previous target to the newest due one. */
  protected frameAt(now: number): Frame | null {
    while (this.queue.length && this.queue[0].due <= now) {
      const { state } = this.queue.shift()!;
      this.from = this.last ?? { rgb: state.rgb, brightness: state.brightness, state };
      this.to = { rgb: state.rgb, brightness: state.brightness, state };
      this.glideStart = now;
    }
    if (!this.to || !this.from) return null;
    const t = this.options.transitionMs > 0 ? Math.min(1, (now - this.glideStart) / this.options.transitionMs) : 1;
    return {
      rgb: { r: lerp(this.from.rgb.r, this.to.rgb.r, t), g: lerp(this.from.rgb.g, this.to.rgb.g, t), b: lerp(this.from.rgb.b, this.to.rgb.b, t) },
      brightness: lerp(this.from.brightness, this.to.brightness, t),
      state: this.to.state,
    };
  }

  private tick(): void {
    const now = performance.now();
    const frame = this.frameAt(now);
    if (!frame) return;
    this.last = frame;
    if (this.currentStatus !== 'online') {
      if (this.currentStatus === 'offline' && now >= this.nextRetryAt) void this.tryConnect();
      return;
    }
    const rgb = frameRgb(frame);
    const key = `${rgb.r},${rgb.g},${rgb.b},${frame.state.quadrant},${frame.state.silent}`;
    const changed = key !== this.lastSentKey;
    if (!this.options.repeat && !changed && now - this.lastSentAt < this.options.keepaliveMs) return;
    if (this.inFlight || now - this.lastSentAt < this.options.minIntervalMs) {
      if (changed || this.options.repeat) this.stats.dropped++;
      return;
    }
    this.inFlight = true;
    this.lastSentAt = now;
    this.lastSentKey = key;
    const abort = (this.abort = new AbortController());
    this.sending = timeout(this.send(frame, abort.signal), this.options.sendTimeoutMs, `${this.name}: sending`)
      .then(() => {
        this.stats.sent++;
      })
      .catch((e: unknown) => {
        abort.abort();
        this.stats.errors++;
        this.lastSentKey = '';
        this.fail(e);
      })
      .finally(() => {
        this.inFlight = false;
        this.sending = null;
      });
  }

  private fail(e: unknown): void {
    if (this.currentStatus === 'closed') return;
    this.nextRetryAt = performance.now() + this.backoff;
    this.backoff = Math.min(this.options.backoffMs[1], this.backoff * 2);
    this.setStatus('offline', e instanceof Error ? e.message : String(e));
    void this.disconnect().catch(() => {});
  }

  private tryConnect(): Promise<void> {
    if (this.connecting) return this.connecting;
    if (this.currentStatus !== 'offline') this.setStatus('connecting');
    const abort = new AbortController();
    this.connecting = timeout(this.connect(abort.signal), this.options.sendTimeoutMs, `${this.name}: connecting`)
      .then(() => {
        // Closed while connecting: close() already ran disconnect(), before this transport existed.
        if (this.currentStatus === 'closed') return void this.disconnect().catch(() => {});
        this.backoff = this.options.backoffMs[0];
        this.setStatus('online');
      })
      .catch((e: unknown) => {
        abort.abort();
        this.fail(e);
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  async close(final: FinalState): Promise<void> {
    if (!FINAL_STATES.includes(final)) throw new RangeError(`final state must be one of ${FINAL_STATES.join(', ')}, got '${String(final)}'`);
    if (this.currentStatus === 'closed') return;
    clearInterval(this.timer);
    // The newest target, glide finished: the output delay does not hold back the end.
    const target = this.queue.at(-1)?.state ?? this.to?.state;
    const frame: Frame | null = target ? { rgb: target.rgb, brightness: target.brightness, state: target } : this.last;
    this.queue.length = 0;
    const wasOnline = this.currentStatus === 'online';
    this.currentStatus = 'closed';
    if (wasOnline) {
      const started = performance.now();
      // A frame still in flight must not land after the final state (two HTTP requests can be
      // served out of order, and a late colour would undo 'restore'): let it finish briefly, then abort it.
      if (this.sending) {
        await timeout(this.sending, 250, `${this.name}: last frame`).catch(() => {});
        this.abort?.abort();
      }
      const abort = new AbortController();
      const left = Math.max(100, 700 - (performance.now() - started));
      await timeout(this.sendFinal(final, frame, abort.signal), left, `${this.name}: final state`).catch(() => abort.abort());
    }
    await timeout(this.disconnect(), 250, `${this.name}: closing`).catch(() => {});
    for (const l of this.listeners) l('closed', '');
  }
}
