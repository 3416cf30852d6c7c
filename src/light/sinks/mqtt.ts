/**
 * MQTT sinks, over one MQTT.js client each:
 *
 * - {@link MqttLightSink} drives one light that speaks Home Assistant's MQTT JSON light schema
 *   (zigbee2mqtt, ESPHome, Tasmota, …): on its command topic, e.g. `zigbee2mqtt/living-lamp/set`,
 *   `{"state":"ON","brightness":0–255,"color":{"r","g","b"},"transition":seconds}`, changes only
 *   (plus a keepalive) and at most `maxRate` a second (default 2: zigbee lights and their mesh
 *   fall behind above that). The lamp fades between updates itself (`transition`), so the frame
 *   loop does not glide.
 * - {@link HomeAssistantPublisher} publishes Sentio itself to Home Assistant through MQTT
 *   discovery: retained `<prefix>/sensor/<id>/<object>/config` entries (valence, arousal,
 *   quadrant, mood, colour, brightness) under one device, one JSON state topic read by each
 *   sensor's `value_template`, and an availability topic (`online` retained after each connect,
 *   `offline` as the retained last will and on close).
 *
 * Reconnection is MQTT.js's (`reconnectPeriod`): its `close` and `connect` events set the sink
 * offline and online again, and every (re)connect subscribes and announces afresh, since a broker
 * without persistence forgets retained messages and subscriptions when it restarts. The frame
 * loop's own retries only wait for that client (its `disconnect` leaves the client to reconnect;
 * only closing the sink ends it). A broker that refuses the login makes MQTT.js give up; the next
 * retry of the loop then starts a fresh client, with the loop's backoff.
 */
import { randomBytes } from 'node:crypto';
import { connect as mqttConnect, ErrorWithReasonCode, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { VERSION } from '../../version.ts';
import { rgbToHex } from '../color.ts';
import type { FinalState, Rgb } from '../types.ts';
import { asObject, checkKeys, COMMON_SINK_KEYS, ConfigError, integerOption, numberOption, stringOption, type CommonSinkOptions, type ConfigObject } from './config.ts';
import { FrameLoopSink, type Frame, type FrameLoopOptions } from './sink.ts';

/** How to reach the broker. */
export interface MqttConnectionOptions {
  /** `mqtt://host:1883`, `mqtts://…`, `ws://…` or `wss://…`. */
  url: string;
  username?: string;
  password?: string;
  /** MQTT.js's wait between reconnect attempts, ms. Default 1000. */
  reconnectMs?: number;
}

export const MQTT_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss'] as const;

/** The broker URL without credentials, for names and messages. */
function brokerName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });

/** The frame loop over one MQTT.js client: connection state, events, and a clean end. */
abstract class MqttSink extends FrameLoopSink {
  protected client: MqttClient | null = null;
  /** Connected and announced (subscriptions made, birth messages sent) on the current connection. */
  private ready = false;
  /** Counts connections of the current client; work for an older one is dropped. */
  protected generation = 0;
  /** The broker refused the login: MQTT.js stops retrying, so the next connect makes a new client. */
  private refused = false;
  private lastError = '';
  private readonly waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    loop: FrameLoopOptions,
    protected readonly connection: MqttConnectionOptions,
  ) {
    super(loop);
  }

  /** Client id, last will, …: merged over the common client options. */
  protected abstract clientOptions(): IClientOptions;
  /** Runs on every (re)connect before the sink counts as online: subscribe, announce. */
  protected abstract onConnected(client: MqttClient): Promise<void>;
  protected onMessage(_topic: string, _payload: Buffer, _packet: IPublishPacket): void {}
  /** Runs while closing on a live connection, before the clean DISCONNECT (bounded to 120 ms). */
  protected async goodbye(_client: MqttClient): Promise<void> {}

  /** Resolves once the client is connected and announced; rejects when an attempt fails. */
  protected async connect(signal: AbortSignal): Promise<void> {
    if (this.client && this.refused) {
      this.client.end(true);
      this.client = null;
    }
    if (!this.client) this.client = this.createClient();
    if (this.ready) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => (cleanup(), resolve()),
        reject: (e: Error) => (cleanup(), reject(e)),
      };
      const onAbort = () => waiter.reject(new Error(this.lastError || 'no connection to the broker'));
      const cleanup = () => {
        this.waiters.delete(waiter);
        signal.removeEventListener('abort', onAbort);
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort);
    });
  }

  private createClient(): MqttClient {
    this.refused = false;
    this.generation = 0;
    const client = mqttConnect(this.connection.url, {
      reconnectPeriod: this.connection.reconnectMs ?? 1000,
      connectTimeout: 5000,
      // A dead link is noticed within 1.5 keepalives (15 s) even without a TCP reset.
      keepalive: 10,
      clean: true,
      // Frames are only worth their moment: never replay stale ones after a reconnect.
      queueQoSZero: false,
      // Subscriptions are made again in onConnected on every connect.
      resubscribe: false,
      username: this.connection.username,
      password: this.connection.password,
      ...this.clientOptions(),
    });
    client.on('connect', () => this.handleConnect(client));
    client.on('close', () => this.handleClose(client));
    client.on('error', (e) => {
      if (client !== this.client) return;
      this.lastError = e.message;
      if (e instanceof ErrorWithReasonCode && e.message.startsWith('Connection refused')) this.refused = true;
    });
    client.on('message', (topic, payload, packet) => {
      if (client === this.client) this.onMessage(topic, payload, packet);
    });
    return client;
  }

  private handleConnect(client: MqttClient): void {
    if (client !== this.client || this.status === 'closed') return;
    const generation = ++this.generation;
    const settle = (error?: unknown) => {
      if (client !== this.client || generation !== this.generation || !client.connected || this.status === 'closed') return;
      // A failed announce (a broker ACL, say) still leaves a working connection: sends report their own errors.
      this.lastError = error === undefined ? '' : `announcing: ${error instanceof Error ? error.message : String(error)}`;
      this.ready = true;
      for (const w of [...this.waiters]) w.resolve();
      if (this.status === 'offline') this.setStatus('online', 'broker connection back');
    };
    this.onConnected(client).then(() => settle(), settle);
  }

  private handleClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasReady = this.ready;
    this.ready = false;
    const reason = this.lastError || 'connection closed';
    for (const w of [...this.waiters]) w.reject(new Error(`${brokerName(this.connection.url)}: ${reason}`));
    if (wasReady && this.status === 'online') this.setStatus('offline', `lost the broker connection: ${reason}`);
  }

  /** Publishes and waits for the write (QoS 0) or the broker's PUBACK (QoS 1). */
  protected async publish(topic: string, payload: string, options: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    const client = this.client;
    if (!client || !client.connected) throw new Error(`${brokerName(this.connection.url)}: not connected`);
    await client.publishAsync(topic, payload, { qos: options.qos, retain: options.retain ?? false });
  }

  /** Only closing ends the client; after a failure MQTT.js reconnects on its own (see the file comment). */
  protected async disconnect(): Promise<void> {
    if (this.status !== 'closed') return;
    const client = this.client;
    this.client = null;
    this.ready = false;
    for (const w of [...this.waiters]) w.reject(new Error('closed'));
    if (!client) return;
    if (!client.connected) {
      client.end(true);
      return;
    }
    await withTimeout(this.goodbye(client), 120).catch(() => {});
    // A clean DISCONNECT (the broker then drops the last will); a stuck socket is cut after 100 ms.
    const cut = setTimeout(() => client.stream?.destroy(), 100);
    await withTimeout(client.endAsync(false), 110).catch(() => {});
    clearTimeout(cut);
    client.stream?.destroy();
  }
}

/** `rgb × brightness` as a lamp takes it: the colour at full level (largest channel 255) and that level, 0–1. */
export function colorAndLevel(frame: Pick<Frame, 'rgb' | 'brightness'>): { color: Rgb; level: number } {
  const { r, g, b } = frame.rgb;
  const peak = Math.max(r, g, b, 0);
  const level = Math.max(0, Math.min(1, frame.brightness)) * Math.min(1, peak / 255);
  if (peak <= 0) return { color: { r: 0, g: 0, b: 0 }, level: 0 };
  const c = (x: number) => Math.max(0, Math.min(255, Math.round((x / peak) * 255)));
  return { color: { r: c(r), g: c(g), b: c(b) }, level };
}

// ————————————————————————————————————————— MQTT light —————————————————————————————————————————

/** A JSON-schema light command (or state) payload. */
export type MqttLightPayload = Record<string, unknown>;

export interface MqttLightOptions extends MqttConnectionOptions {
  /** Command topic, e.g. `zigbee2mqtt/living-lamp/set`. */
  topic: string;
  /** Where the light reports its state (the command topic without `/set`); null: none, so 'restore' turns it off. */
  stateTopic: string | null;
  /** Most updates a second. Default 2. */
  maxRate?: number;
  /** The lamp's own fade per update, s. Default one update interval (1 / maxRate). */
  transitionSeconds?: number;
  /** What `brightness` full on is (Home Assistant's `brightness_scale`). Default 255. */
  brightnessScale?: number;
  /** Output delay, ms. Default 0. */
  delayMs?: number;
  /** Where notices go (no state seen to restore). Default: stderr. */
  warn?: (message: string) => void;
}

/** The command payload for a frame: ON with brightness, colour and the fade, or OFF when it rounds to black. */
export function mqttLightCommand(frame: Pick<Frame, 'rgb' | 'brightness'>, options: { brightnessScale: number; transitionSeconds: number }): MqttLightPayload {
  const { color, level } = colorAndLevel(frame);
  const brightness = Math.min(options.brightnessScale, Math.round(level * options.brightnessScale));
  const transition = Math.round(options.transitionSeconds * 1000) / 1000;
  // Brightness 0 with state ON is undefined in the schema (zigbee2mqtt turns off, others ignore it).
  if (brightness <= 0) return { state: 'OFF', transition };
  return { state: 'ON', brightness, color, transition };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The command that puts a light back as its state payload described it: on/off, brightness, and
 * the colour in the light's own `color_mode` (colour temperature, xy, hs or rgb), so a white lamp
 * comes back white rather than as the nearest RGB.
 */
export function restoreCommand(seen: MqttLightPayload, transitionSeconds = 0): MqttLightPayload {
  if (String(seen.state).toUpperCase() !== 'ON') return { state: 'OFF' };
  const command: MqttLightPayload = { state: 'ON' };
  if (typeof seen.brightness === 'number') command.brightness = seen.brightness;
  const color = isRecord(seen.color) ? seen.color : {};
  const pick = (...keys: string[]) => (keys.every((k) => typeof color[k] === 'number') ? Object.fromEntries(keys.map((k) => [k, color[k]])) : null);
  const mode = typeof seen.color_mode === 'string' ? seen.color_mode : '';
  if (mode === 'color_temp' && typeof seen.color_temp === 'number') command.color_temp = seen.color_temp;
  else {
    const c =
      mode === 'xy' ? pick('x', 'y')
      : mode === 'hs' ? (pick('h', 's') ?? pick('hue', 'saturation'))
      : mode.startsWith('rgb') ? pick('r', 'g', 'b')
      : (pick('x', 'y') ?? pick('r', 'g', 'b') ?? pick('h', 's') ?? pick('hue', 'saturation'));
    if (c) command.color = c;
    else if (typeof seen.color_temp === 'number') command.color_temp = seen.color_temp;
  }
  if (transitionSeconds > 0) command.transition = transitionSeconds;
  return command;
}

/**
 * One MQTT JSON-schema light. Final states: 'off' publishes `{"state":"OFF"}`; 'keep' leaves the
 * light as it is; 'restore' publishes the state the light reported before Sentio's first command
 * (the retained state delivered on subscribing, or a report that came before the first command;
 * later reports only echo Sentio's commands). When none was seen (no state topic, or the light
 * does not retain its state: zigbee2mqtt retains only with the device's `retain` option) it says
 * so through `warn` and turns the light off instead.
 */
export class MqttLightSink extends MqttSink {
  readonly name: string;
  readonly topic: string;
  readonly stateTopic: string | null;
  private readonly brightnessScale: number;
  private readonly transitionSeconds: number;
  private readonly warn: (message: string) => void;
  private original: MqttLightPayload | null = null;
  private commandsSent = 0;

  constructor(options: MqttLightOptions) {
    const maxRate = options.maxRate ?? 2;
    if (!(maxRate > 0 && maxRate <= 20)) throw new RangeError(`maxRate must be in (0, 20], got ${maxRate}`);
    super(
      {
        fps: Math.min(50, Math.max(10, 4 * maxRate)),
        minIntervalMs: 1000 / maxRate,
        delayMs: options.delayMs ?? 0,
        transitionMs: 0,
        repeat: false,
      },
      options,
    );
    this.topic = options.topic;
    this.stateTopic = options.stateTopic;
    this.brightnessScale = options.brightnessScale ?? 255;
    this.transitionSeconds = options.transitionSeconds ?? 1 / maxRate;
    this.warn = options.warn ?? ((m) => process.stderr.write(`sentio: ${m}\n`));
    this.name = `mqtt-light ${brokerName(options.url)} ${options.topic}`;
  }

  /** The state 'restore' would put back (null: none seen). */
  get restoreState(): MqttLightPayload | null {
    return this.original;
  }

  protected clientOptions(): IClientOptions {
    return { clientId: `sentio-light-${randomBytes(4).toString('hex')}` };
  }

  protected async onConnected(client: MqttClient): Promise<void> {
    if (this.stateTopic) await client.subscribeAsync(this.stateTopic, { qos: 1 });
  }

  protected override onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (topic !== this.stateTopic) return;
    let state: unknown;
    try {
      state = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // not the JSON schema (a plain "ON"): nothing to restore from
    }
    if (!isRecord(state) || typeof state.state !== 'string') return;
    // Retained on the first subscription: what the light was before Sentio. Anything else only before the first command.
    if (this.commandsSent === 0 || (packet.retain && this.generation === 1 && this.original === null)) this.original = state;
  }

  protected async send(frame: Frame): Promise<void> {
    this.commandsSent++;
    const command = mqttLightCommand(frame, { brightnessScale: this.brightnessScale, transitionSeconds: this.transitionSeconds });
    await this.publish(this.topic, JSON.stringify(command), { qos: 0 });
  }

  protected async sendFinal(mode: FinalState): Promise<void> {
    if (mode === 'keep') return;
    let command: MqttLightPayload = { state: 'OFF' };
    if (mode === 'restore') {
      if (this.original) command = restoreCommand(this.original, this.transitionSeconds);
      else
        this.warn(
          `${this.name}: no state seen on ${this.stateTopic ?? '(no state topic)'} before the first command, so nothing to restore; turning the light off`,
        );
    }
    await this.publish(this.topic, JSON.stringify(command), { qos: 1 });
  }
}

// ————————————————————————————————————— Home Assistant publisher —————————————————————————————————————

export interface HomeAssistantOptions extends MqttConnectionOptions {
  /** Node id in the discovery topics and prefix of the unique ids ([a-zA-Z0-9_-]). Default `sentio`. */
  id?: string;
  /** Device name in Home Assistant. Default `Sentio`. */
  name?: string;
  /** Home Assistant's discovery prefix. Default `homeassistant`. */
  discoveryPrefix?: string;
  /** Home Assistant's birth/will topic: `online` there makes Sentio announce itself again. Default `homeassistant/status`. */
  statusTopic?: string;
  /** Where state and availability go. Default `sentio/<id>`. */
  baseTopic?: string;
  /** Most state publishes a second. Default 2. */
  rate?: number;
  /** Output delay, ms. Default 0. */
  delayMs?: number;
}

/** The JSON published on the state topic for each frame. */
export interface HomeAssistantState {
  valence: number;
  arousal: number;
  quadrant: string;
  mood: string;
  /** Full-level colour, `#rrggbb`. */
  color: string;
  /** Brightness, 0–100 %. */
  brightness: number;
  silent: boolean;
}

export function homeAssistantState(frame: Frame): HomeAssistantState {
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    valence: r3(frame.state.valence),
    arousal: r3(frame.state.arousal),
    quadrant: frame.state.quadrant,
    mood: frame.state.mood,
    color: rgbToHex(frame.rgb),
    brightness: Math.round(Math.max(0, Math.min(1, frame.brightness)) * 100),
    silent: frame.state.silent,
  };
}

interface SensorSpec {
  object: keyof HomeAssistantState;
  name: string;
  icon: string;
  extra?: Record<string, unknown>;
}

const SENSORS: readonly SensorSpec[] = [
  { object: 'valence', name: 'Valence', icon: 'mdi:emoticon-happy-outline', extra: { state_class: 'measurement', suggested_display_precision: 2 } },
  { object: 'arousal', name: 'Arousal', icon: 'mdi:lightning-bolt-outline', extra: { state_class: 'measurement', suggested_display_precision: 2 } },
  { object: 'quadrant', name: 'Quadrant', icon: 'mdi:chart-scatter-plot', extra: { device_class: 'enum', options: ['Q1', 'Q2', 'Q3', 'Q4'] } },
  { object: 'mood', name: 'Mood', icon: 'mdi:emoticon-outline' },
  { object: 'color', name: 'Colour', icon: 'mdi:palette' },
  { object: 'brightness', name: 'Brightness', icon: 'mdi:brightness-6', extra: { state_class: 'measurement', unit_of_measurement: '%' } },
];

/**
 * Sentio as a Home Assistant device. The final state does not apply (there is no lamp): closing
 * always publishes `offline` (retained) on the availability topic and disconnects cleanly; a crash
 * leaves the same `offline` through the last will.
 */
export class HomeAssistantPublisher extends MqttSink {
  readonly name: string;
  readonly id: string;
  readonly availabilityTopic: string;
  readonly stateTopic: string;
  readonly statusTopic: string;
  /** Discovery topic → config, published retained on each connect and on Home Assistant's `online`. */
  readonly discovery: ReadonlyMap<string, Record<string, unknown>>;
  private latest: HomeAssistantState | null = null;
  private offlineSent = false;

  constructor(options: HomeAssistantOptions) {
    const rate = options.rate ?? 2;
    if (!(rate > 0 && rate <= 10)) throw new RangeError(`rate must be in (0, 10], got ${rate}`);
    super({ fps: Math.min(50, Math.max(10, 4 * rate)), minIntervalMs: 1000 / rate, delayMs: options.delayMs ?? 0, transitionMs: 0, repeat: false }, options);
    const id = options.id ?? 'sentio';
    if (!/^[a-zA-Z0-9_-]+$/.test(id)) throw new RangeError(`id must be letters, digits, '_' or '-', got '${id}'`);
    this.id = id;
    const base = options.baseTopic ?? `sentio/${id}`;
    const prefix = options.discoveryPrefix ?? 'homeassistant';
    this.availabilityTopic = `${base}/availability`;
    this.stateTopic = `${base}/state`;
    this.statusTopic = options.statusTopic ?? 'homeassistant/status';
    this.name = `home-assistant ${brokerName(options.url)} ${id}`;
    const device = {
      identifiers: [`sentio_${id}`],
      name: options.name ?? 'Sentio',
      manufacturer: 'Sentio',
      model: 'Music emotion recognition',
      sw_version: VERSION,
    };
    const discovery = new Map<string, Record<string, unknown>>();
    for (const s of SENSORS) {
      discovery.set(`${prefix}/sensor/${id}/${s.object}/config`, {
        name: s.name,
        unique_id: `sentio_${id}_${s.object}`,
        state_topic: this.stateTopic,
        value_template: `{{ value_json.${s.object} }}`,
        availability_topic: this.availabilityTopic,
        payload_available: 'online',
        payload_not_available: 'offline',
        icon: s.icon,
        ...s.extra,
        device,
        origin: { name: 'Sentio', sw_version: VERSION },
      });
    }
    this.discovery = discovery;
  }

  protected clientOptions(): IClientOptions {
    return {
      clientId: `sentio-${this.id}-${randomBytes(4).toString('hex')}`,
      will: { topic: this.availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
  }

  protected async onConnected(client: MqttClient): Promise<void> {
    await client.subscribeAsync(this.statusTopic, { qos: 1 });
    await this.announce();
  }

  /** Discovery configs, then `online`, then the latest state, so Home Assistant never shows stale or unknown values. */
  private async announce(): Promise<void> {
    await Promise.all([...this.discovery].map(([topic, config]) => this.publish(topic, JSON.stringify(config), { qos: 1, retain: true })));
    await this.publish(this.availabilityTopic, 'online', { qos: 1, retain: true });
    this.offlineSent = false;
    if (this.latest) await this.publish(this.stateTopic, JSON.stringify(this.latest), { qos: 0 });
  }

  protected override onMessage(topic: string, payload: Buffer): void {
    // Home Assistant's birth message: it (re)started and may have lost non-retained entities.
    if (topic === this.statusTopic && payload.toString('utf8').trim() === 'online') this.announce().catch(() => {});
  }

  protected async send(frame: Frame): Promise<void> {
    this.latest = homeAssistantState(frame);
    await this.publish(this.stateTopic, JSON.stringify(this.latest), { qos: 0 });
  }

  private async publishOffline(): Promise<void> {
    await this.publish(this.availabilityTopic, 'offline', { qos: 1, retain: true });
    this.offlineSent = true;
  }

  protected async sendFinal(): Promise<void> {
    await this.publishOffline();
  }

  protected override async goodbye(): Promise<void> {
    if (!this.offlineSent) await this.publishOffline();
  }
}

// ——————————————————————————————————————————— Config ———————————————————————————————————————————

/** A broker URL with an MQTT scheme; credentials belong in `username`/`password`, not in it. */
function urlOption(obj: ConfigObject, where: string): string {
  const v = obj.url;
  if (v === undefined) throw new ConfigError(`${where}.url: required (a broker URL such as mqtt://127.0.0.1:1883)`);
  if (typeof v !== 'string') throw new ConfigError(`${where}.url: must be a string, got ${JSON.stringify(v)}`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${where}.url: not a URL: ${JSON.stringify(v)} (e.g. mqtt://127.0.0.1:1883)`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!(MQTT_SCHEMES as readonly string[]).includes(scheme)) throw new ConfigError(`${where}.url: scheme '${scheme}' is not one of ${MQTT_SCHEMES.join(', ')} (got ${JSON.stringify(v)})`);
  if (!url.hostname) throw new ConfigError(`${where}.url: no host in ${JSON.stringify(v)}`);
  if (url.username || url.password) throw new ConfigError(`${where}.url: put credentials in 'username' and 'password', not in the URL`);
  return v;
}

/** A topic to publish or subscribe to: no wildcards, no NUL. */
function topicOption(obj: ConfigObject, key: string, where: string, fallback?: string): string {
  const v = stringOption(obj, key, where, fallback);
  if (/[+#\0]/.test(v)) throw new ConfigError(`${where}.${key}: a topic without wildcards (+, #), got ${JSON.stringify(v)}`);
  if (Buffer.byteLength(v) > 65535) throw new ConfigError(`${where}.${key}: longer than MQTT's 65535 bytes`);
  return v;
}

function credentials(obj: ConfigObject, where: string): { username?: string; password?: string } {
  const username = obj.username === undefined ? undefined : stringOption(obj, 'username', where);
  if (obj.password !== undefined && typeof obj.password !== 'string') throw new ConfigError(`${where}.password: must be a string, got ${JSON.stringify(obj.password)}`);
  const password = obj.password as string | undefined;
  if (password !== undefined && username === undefined) throw new ConfigError(`${where}.password: needs 'username' too`);
  return { ...(username !== undefined && { username }), ...(password !== undefined && { password }) };
}

const delayOption = (obj: ConfigObject, where: string, defaults: Partial<CommonSinkOptions>) => numberOption(obj, 'delayMs', where, 0, 10_000, defaults.delayMs ?? 0);

/** A validated `mqtt-light` entry: every default filled in. */
export type MqttLightConfig = MqttLightOptions & Required<Pick<MqttLightOptions, 'maxRate' | 'transitionSeconds' | 'brightnessScale' | 'delayMs'>>;

export const MQTT_LIGHT_KEYS = [...COMMON_SINK_KEYS, 'url', 'topic', 'stateTopic', 'maxRate', 'transitionSeconds', 'brightnessScale', 'username', 'password'] as const;

/**
 * `{"type": "mqtt-light", "url": "mqtt://127.0.0.1:1883", "topic": "zigbee2mqtt/lamp/set",
 * "stateTopic"?: (topic without /set), "maxRate"?: 2, "transitionSeconds"?: 1/maxRate,
 * "brightnessScale"?: 255, "username"?, "password"?, "delayMs"?}` → options; a ConfigError names the bad key.
 */
export function parseMqttLightConfig(entry: unknown, where = 'sink', defaults: Partial<CommonSinkOptions> = {}): MqttLightConfig {
  const obj = asObject(entry, where);
  checkKeys(obj, MQTT_LIGHT_KEYS, where);
  if (obj.type !== 'mqtt-light') throw new ConfigError(`${where}.type: must be 'mqtt-light', got ${JSON.stringify(obj.type)}`);
  const url = urlOption(obj, where);
  const topic = topicOption(obj, 'topic', where);
  const derived = topic.endsWith('/set') && topic.length > 4 ? topic.slice(0, -4) : undefined;
  const stateTopic = obj.stateTopic === undefined && derived === undefined ? null : topicOption(obj, 'stateTopic', where, derived);
  if (stateTopic === topic) throw new ConfigError(`${where}.stateTopic: must differ from the command topic (${topic})`);
  const maxRate = numberOption(obj, 'maxRate', where, 0.1, 20, 2);
  return {
    url,
    topic,
    stateTopic,
    maxRate,
    transitionSeconds: numberOption(obj, 'transitionSeconds', where, 0, 60, Math.round(1000 / maxRate) / 1000),
    brightnessScale: integerOption(obj, 'brightnessScale', where, 1, 65535, 255),
    delayMs: delayOption(obj, where, defaults),
    ...credentials(obj, where),
  };
}

/** A validated `home-assistant` entry: every default filled in. */
export type HomeAssistantConfig = HomeAssistantOptions & Required<Pick<HomeAssistantOptions, 'id' | 'name' | 'discoveryPrefix' | 'statusTopic' | 'baseTopic' | 'rate' | 'delayMs'>>;

export const HOME_ASSISTANT_KEYS = [...COMMON_SINK_KEYS, 'url', 'id', 'name', 'discoveryPrefix', 'statusTopic', 'baseTopic', 'rate', 'username', 'password'] as const;

/**
 * `{"type": "home-assistant", "url": "mqtt://…", "id"?: "sentio", "name"?: "Sentio",
 * "discoveryPrefix"?: "homeassistant", "statusTopic"?: "homeassistant/status",
 * "baseTopic"?: "sentio/<id>", "rate"?: 2, "username"?, "password"?, "delayMs"?}` → options.
 */
export function parseHomeAssistantConfig(entry: unknown, where = 'sink', defaults: Partial<CommonSinkOptions> = {}): HomeAssistantConfig {
  const obj = asObject(entry, where);
  checkKeys(obj, HOME_ASSISTANT_KEYS, where);
  if (obj.type !== 'home-assistant') throw new ConfigError(`${where}.type: must be 'home-assistant', got ${JSON.stringify(obj.type)}`);
  const url = urlOption(obj, where);
  const id = stringOption(obj, 'id', where, 'sentio');
  // Home Assistant's rule for node and object ids in discovery topics.
  if (!/^[a-zA-Z0-9_-]+$/.test(id)) throw new ConfigError(`${where}.id: letters, digits, '_' and '-' only (Home Assistant's node_id), got ${JSON.stringify(id)}`);
  const discoveryPrefix = topicOption(obj, 'discoveryPrefix', where, 'homeassistant');
  if (discoveryPrefix.endsWith('/')) throw new ConfigError(`${where}.discoveryPrefix: no trailing '/', got ${JSON.stringify(discoveryPrefix)}`);
  const baseTopic = topicOption(obj, 'baseTopic', where, `sentio/${id}`);
  if (baseTopic.endsWith('/')) throw new ConfigError(`${where}.baseTopic: no trailing '/', got ${JSON.stringify(baseTopic)}`);
  return {
    url,
    id,
    name: stringOption(obj, 'name', where, 'Sentio'),
    discoveryPrefix,
    statusTopic: topicOption(obj, 'statusTopic', where, 'homeassistant/status'),
    baseTopic,
    rate: numberOption(obj, 'rate', where, 0.1, 10, 2),
    delayMs: delayOption(obj, where, defaults),
    ...credentials(obj, where),
  };
}

/** The sink for a validated `mqtt-light` entry. */
export function createMqttLightSink(options: MqttLightOptions): MqttLightSink {
  return new MqttLightSink(options);
}

/** The sink for a validated `home-assistant` entry. */
export function createHomeAssistantSink(options: HomeAssistantOptions): HomeAssistantPublisher {
  return new HomeAssistantPublisher(options);
}
