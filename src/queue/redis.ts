/**
 * The `--redis URL` of the queue commands: parsing it, showing it (never with its password), and
 * connecting within a bounded time. ioredis reconnects forever by default, so a bad host would
 * hang a command; here the first connection either succeeds within `connectTimeoutMs` or fails
 * with one line naming the address. After that, a worker reconnects for as long as it runs (a
 * Redis restart is survived), and a one-shot command gives up after an outage of
 * `connectTimeoutMs`.
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** A parsed `redis://` or `rediss://` (TLS) URL. */
export interface RedisAddress {
  /** The address as messages show it: scheme, host, port and a non-default db, no credentials. */
  display: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** A `--redis` value that is not a usable URL. */
export class RedisUrlError extends Error {}

/** Redis could not be reached (or refused us) at startup, or went away for longer than a command waits. */
export class RedisUnreachableError extends Error {}

/** How long a command waits for Redis before giving up, by default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const EXAMPLE = 'e.g. redis://127.0.0.1:6379 or rediss://user:password@host:6380/2';

/** Parses `text` as `redis[s]://[user[:password]@]host[:port][/db]`; throws {@link RedisUrlError} naming it. */
export function parseRedisUrl(text: string): RedisAddress {
  // Never echo a password: `redis://user:secret@host` is shown as `redis://user:***@host`.
  const shown = text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*:)[^/@]*@/i, '$1***@');
  const bad = (why: string) => new RedisUrlError(`--redis '${shown}': ${why} (${EXAMPLE})`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const port = /^[a-z]+:\/\/[^/]*:(\d+)(\/|$)/i.exec(text)?.[1];
    throw bad(port !== undefined && Number(port) > 65535 ? `port must be 1–65535, got ${port}` : 'not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`unsupported scheme '${url.protocol.replace(/:$/, '')}'`);
  if (!url.hostname) throw bad('no host');
  if (url.search || url.hash) throw bad('unexpected query or fragment');
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port must be 1–65535, got ${url.port}`);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw bad(`the path must be a database number, got '/${dbText}'`);
  const db = dbText === '' ? 0 : Number(dbText);
  const tls = url.protocol === 'rediss:';
  // IPv6 hosts keep their brackets in `hostname`; the socket wants them without.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    display: `${url.protocol}//${url.host}${url.port === '' ? ':6379' : ''}${db ? `/${db}` : ''}`,
    host,
    port,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls,
  };
}

/**
 * ioredis options for BullMQ (which creates, duplicates and closes the connections). `persistent`
 * (a worker): reconnect forever, at most 2 s apart. Otherwise: stop retrying once an outage has
 * lasted about `timeoutMs`, so that a command fails instead of waiting for ever.
 */
export function connectionOptions(a: RedisAddress, o: { persistent: boolean; timeoutMs: number }): RedisOptions {
  const retries = Math.max(1, Math.ceil(o.timeoutMs / 500));
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    username: a.username,
    password: a.password,
    tls: a.tls ? { servername: a.host } : undefined,
    connectTimeout: o.timeoutMs,
    // BullMQ requires null for a worker's blocking connection; a command's own retries are bounded below.
    maxRetriesPerRequest: null,
    retryStrategy: o.persistent ? (times: number) => Math.min(100 * times, 2000) : (times: number) => (times > retries ? null : 500),
  };
}

/** Why a connection attempt failed, in a few words (the error code when there is one). */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = err?.message ?? String(e);
  if (err?.code === 'ECONNREFUSED') return 'connection refused';
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') return `unknown host (${err.code})`;
  if (err?.code === 'ETIMEDOUT') return 'connection timed out';
  return text.split('\n')[0];
}

/**
 * Connects once and sends PING, all within `timeoutMs` (TCP connect, TLS, AUTH, SELECT and the
 * reply): resolves when Redis answers, else throws {@link RedisUnreachableError} with one line
 * naming the address. Checked before BullMQ starts, whose connections would retry silently.
 */
export async function checkRedis(a: RedisAddress, timeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS): Promise<void> {
  const client = new Redis({
    ...connectionOptions(a, { persistent: false, timeoutMs }),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // ioredis waits up to 2 s for a socket it ends to close, which would hold the process after a failure.
    disconnectTimeout: 100,
  });
  let lastError: unknown;
  // Without a listener ioredis prints every failed attempt as an "Unhandled error event".
  client.on('error', (e) => (lastError = e));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnreachableError(`no answer from Redis at ${a.display} within ${(timeoutMs / 1000).toFixed(1)} s`)), timeoutMs);
  });
  const attempt = (async () => {
    await client.connect();
    await client.ping();
  })();
  // When the timeout wins, the attempt still fails later (the client is disconnected): not unhandled.
  attempt.catch(() => {});
  try {
    await Promise.race([attempt, timeout]);
  } catch (e) {
    if (e instanceof RedisUnreachableError) throw e;
    // The event carries the cause (ECONNREFUSED…); the rejection often only says "Connection is closed".
    const why = reason(lastError ?? e);
    if (/WRONGPASS|NOAUTH|NOPERM|invalid password/i.test(why)) throw new RedisUnreachableError(`Redis at ${a.display} refused the login: ${why}`);
    throw new RedisUnreachableError(`cannot reach Redis at ${a.display}: ${why}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Whether `e` says the connection to Redis is gone (as opposed to an error of a command). */
export function isConnectionError(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  if (err?.code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(err.code)) return true;
  return /Connection is closed|Reached the max retries|Stream isn't writeable|connect ETIMEDOUT/i.test(err?.message ?? '');
}
