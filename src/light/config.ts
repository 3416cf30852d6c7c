/**
 * The light configuration of `sentio live` (`--config lights.json`, or the same entries made
 * from flags): colour mapping, smoothing, the final state, the output delay and the sinks.
 * Everything is validated before anything starts; a bad entry is refused with its place and
 * key named. Node-only (the sinks open sockets).
 *
 *   {
 *     "colour": { "palette": "circumplex", ... },          // docs/colour.md
 *     "smoothing": { "timeConstantSeconds": 2, "hysteresis": 0.08 },
 *     "final": "restore",                                   // keep | restore | off
 *     "delayMs": 0,                                         // output delay of every sink
 *     "sinks": [ { "type": "wled-ddp", "host": "192.168.1.40", "pixels": 60 }, ... ]
 *   }
 */
import { readFile } from 'node:fs/promises';
import { parseColourConfig, type ColourOptions } from './palette.ts';
import { parseSmoothingConfig, type SmoothingOptions } from './smoothing.ts';
import { asObject, checkKeys, choiceOption, ConfigError, numberOption, type CommonSinkOptions, type ConfigObject } from './sinks/config.ts';
import { createHueSink, parseHueConfig } from './sinks/hue.ts';
import { createHomeAssistantSink, createMqttLightSink, parseHomeAssistantConfig, parseMqttLightConfig } from './sinks/mqtt.ts';
import { createWebSocketSink, parseWebSocketConfig } from './sinks/websocket.ts';
import { createWledSink, parseWledConfig, WLED_SINK_TYPES } from './sinks/wled.ts';
import { FINAL_STATES, type FinalState, type LightSink } from './types.ts';

/** A sink type: how its entry is checked and how the sink is made from the checked options. */
interface SinkKind<T> {
  parse(entry: unknown, where: string, common: CommonSinkOptions): T;
  create(options: T): LightSink;
}

const kind = <T>(parse: SinkKind<T>['parse'], create: SinkKind<T>['create']): SinkKind<unknown> => ({ parse, create: create as (o: unknown) => LightSink });

const SINK_KINDS: Record<string, SinkKind<unknown>> = {
  ...Object.fromEntries(WLED_SINK_TYPES.map((t) => [t, kind(parseWledConfig, createWledSink)])),
  'mqtt-light': kind(parseMqttLightConfig, createMqttLightSink),
  'home-assistant': kind(parseHomeAssistantConfig, createHomeAssistantSink),
  hue: kind(parseHueConfig, createHueSink),
  websocket: kind(parseWebSocketConfig, createWebSocketSink),
};

export const SINK_TYPES: readonly string[] = Object.keys(SINK_KINDS);

const TOP_KEYS = ['colour', 'smoothing', 'final', 'delayMs', 'sinks'] as const;

export interface LightConfig {
  colour: ColourOptions;
  smoothing: SmoothingOptions;
  final: FinalState;
  delayMs: number;
  /** Checked options per sink, in order, with their type. */
  sinks: { type: string; options: unknown }[];
  /** The entries as given, for merging flags into a file's config. */
  raw: ConfigObject & { sinks: unknown[] };
}

/** Checks a parsed lights.json (`source` names it in errors). */
export function parseLightConfig(json: unknown, source: string): LightConfig {
  const obj = asObject(json, source);
  checkKeys(obj, TOP_KEYS, source);
  const delayMs = numberOption(obj, 'delayMs', source, 0, 10_000, 0);
  const final = choiceOption(obj, 'final', source, FINAL_STATES, 'restore');
  if (obj.sinks !== undefined && !Array.isArray(obj.sinks)) throw new ConfigError(`${source}.sinks: must be a list of sink entries`);
  const entries = (obj.sinks ?? []) as unknown[];
  const sinks = entries.map((entry, i) => {
    const where = `${source}: sinks[${i}]`;
    const type = asObject(entry, where).type;
    const k = typeof type === 'string' ? SINK_KINDS[type] : undefined;
    if (!k) throw new ConfigError(`${where}.type: must be one of ${SINK_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    return { type: type as string, options: k.parse(entry, where, { delayMs }) };
  });
  return {
    colour: parseColourConfig(obj.colour, `${source}: colour`),
    smoothing: parseSmoothingConfig(obj.smoothing, `${source}: smoothing`),
    final,
    delayMs,
    sinks,
    raw: { ...obj, sinks: entries },
  };
}

/** Makes the sinks of a checked config (nothing is opened until they start). */
export function buildLightSetup(config: LightConfig): { sinks: LightSink[] } {
  return { sinks: config.sinks.map((s) => SINK_KINDS[s.type].create(s.options)) };
}

/** The sink flags of `sentio live`. */
export interface LightFlags {
  /** WLED over DDP: host or host:port. */
  wled?: string;
  /** Pixels of the --wled strip. */
  pixels?: string;
  /** WebSocket server: port or host:port (host defaults to 127.0.0.1). */
  websocket?: string;
  /** Publish to Home Assistant through MQTT discovery at this broker URL. */
  homeAssistant?: string;
  /** Drive an MQTT light (Home Assistant JSON schema) whose command topic is --mqtt-topic, at this broker URL. */
  mqttLight?: string;
  mqttTopic?: string;
}

/** `host[:port]` split; the port stays undefined when absent. */
function hostAndPort(value: string, flag: string): { host: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
  if (!m) throw new ConfigError(`${flag}: expected host or host:port, got '${value}'`);
  return { host: m[1].replace(/^\[|\]$/g, ''), ...(m[2] ? { port: Number(m[2]) } : {}) };
}

/** The sink entries the flags describe, checked like a config file's. */
export function sinkEntriesFromFlags(flags: LightFlags): ConfigObject[] {
  const entries: ConfigObject[] = [];
  if (flags.wled) entries.push({ type: 'wled-ddp', ...hostAndPort(flags.wled, '--wled'), pixels: flags.pixels === undefined ? 30 : Number(flags.pixels) });
  else if (flags.pixels !== undefined) throw new ConfigError('--pixels: goes with --wled');
  if (flags.websocket) {
    const value = /^\d+$/.test(flags.websocket) ? `127.0.0.1:${flags.websocket}` : flags.websocket;
    entries.push({ type: 'websocket', ...hostAndPort(value, '--websocket') });
  }
  if (flags.homeAssistant) entries.push({ type: 'home-assistant', url: flags.homeAssistant });
  if (flags.mqttLight) {
    if (!flags.mqttTopic) throw new ConfigError('--mqtt-light: needs --mqtt-topic (the light\'s command topic, e.g. zigbee2mqtt/lamp/set)');
    entries.push({ type: 'mqtt-light', url: flags.mqttLight, topic: flags.mqttTopic });
  } else if (flags.mqttTopic) throw new ConfigError('--mqtt-topic: goes with --mqtt-light');
  return entries;
}

/**
 * The light config of a command: the file `file` (none: an empty config), with the entries of
 * the sink flags appended to its sinks, checked as one. Throws a ConfigError naming the file.
 */
export async function loadLightConfig(file: string | undefined, flags: LightFlags): Promise<LightConfig> {
  let json: unknown = {};
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${file}: cannot read the light config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${file}: not JSON (${(e as Error).message})`);
    }
  }
  const source = file || 'flags';
  const base = parseLightConfig(json, source);
  const extra = sinkEntriesFromFlags(flags);
  return extra.length ? parseLightConfig({ ...base.raw, sinks: [...base.raw.sinks, ...extra] }, source) : base;
}
