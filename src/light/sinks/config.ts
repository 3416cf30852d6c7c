/**
 * Checks for the light configuration (`sentio live --config lights.json`): each sink's entry
 * is validated before anything starts, and a bad one is refused with its place and key named
 * (`sinks[1].port: must be an integer in 1–65535, got 70000`).
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ConfigObject = Record<string, unknown>;

/** `value` as a plain object, or a ConfigError naming `where`. */
export function asObject(value: unknown, where: string): ConfigObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where}: must be an object, got ${JSON.stringify(value)}`);
  return value as ConfigObject;
}

/** Refuses keys outside `allowed`, naming the first unknown one and the allowed ones. */
export function checkKeys(obj: ConfigObject, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ConfigError(`${where}: unknown key '${key}' (allowed: ${allowed.join(', ')})`);
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Whether `v` is an IPv4 or IPv6 address. Written without `node:net` so the colour and smoothing
 * options (which use these checks) stay usable in the browser; the WHATWG URL parser, in both,
 * validates IPv6.
 */
export function isIpAddress(v: string): boolean {
  if (IPV4.test(v)) return true;
  if (!v.includes(':') || /[^0-9a-f:.]/i.test(v)) return false;
  try {
    new URL(`http://[${v}]/`);
    return true;
  } catch {
    return false;
  }
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** A host: an IPv4/IPv6 address or a DNS name. */
export function hostOption(obj: ConfigObject, key: string, where: string, fallback?: string): string {
  const v = obj[key] ?? fallback;
  if (v === undefined) throw new ConfigError(`${where}.${key}: required (an IP address or host name)`);
  if (typeof v !== 'string' || !(isIpAddress(v) || HOSTNAME.test(v))) throw new ConfigError(`${where}.${key}: not an IP address or host name: ${JSON.stringify(v)}`);
  return v;
}

export function integerOption(obj: ConfigObject, key: string, where: string, min: number, max: number, fallback?: number): number {
  const v = obj[key] ?? fallback;
  if (v === undefined) throw new ConfigError(`${where}.${key}: required (an integer in ${min}–${max})`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${where}.${key}: must be an integer in ${min}–${max}, got ${JSON.stringify(v)}`);
  return v;
}

export const portOption = (obj: ConfigObject, key: string, where: string, fallback?: number) => integerOption(obj, key, where, 1, 65535, fallback);

export function numberOption(obj: ConfigObject, key: string, where: string, min: number, max: number, fallback?: number): number {
  const v = obj[key] ?? fallback;
  if (v === undefined) throw new ConfigError(`${where}.${key}: required (a number in ${min}–${max})`);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ConfigError(`${where}.${key}: must be a number in ${min}–${max}, got ${JSON.stringify(v)}`);
  return v;
}

export function stringOption(obj: ConfigObject, key: string, where: string, fallback?: string): string {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(`${where}.${key}: must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function booleanOption(obj: ConfigObject, key: string, where: string, fallback: boolean): boolean {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'boolean') throw new ConfigError(`${where}.${key}: must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function choiceOption<T extends string>(obj: ConfigObject, key: string, where: string, choices: readonly T[], fallback?: T): T {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) throw new ConfigError(`${where}.${key}: must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Options every sink entry takes besides its own: pacing and the output delay. */
export interface CommonSinkOptions {
  /** Output delay, ms (defaults to the config's top-level `delayMs`). */
  delayMs: number;
}

export const COMMON_SINK_KEYS = ['type', 'delayMs'] as const;
