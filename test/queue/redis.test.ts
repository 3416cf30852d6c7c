/**
 * `--redis` URLs and the bounded first connection: parsing (what is accepted, what is refused and
 * how it is named, never with the password), and `checkRedis` against a closed port, a server that
 * accepts and never answers, a real Redis, and a real Redis that wants a password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkRedis, connectionOptions, parseRedisUrl, RedisUnreachableError, RedisUrlError } from '../../src/queue/redis.ts';
import { freePort } from '../helpers/processes.ts';
import { RedisServer, redisSkip, silentServer } from '../helpers/redis.ts';

test('redis:// and rediss:// URLs: host, port, db, credentials; shown without the password', () => {
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6390'), { display: 'redis://127.0.0.1:6390', host: '127.0.0.1', port: 6390, db: 0, username: undefined, password: undefined, tls: false });
  assert.deepEqual(parseRedisUrl('redis://cache.example'), { display: 'redis://cache.example:6379', host: 'cache.example', port: 6379, db: 0, username: undefined, password: undefined, tls: false });
  const full = parseRedisUrl('rediss://ops:p%40ss@db.example:6380/3');
  assert.deepEqual(full, { display: 'rediss://db.example:6380/3', host: 'db.example', port: 6380, db: 3, username: 'ops', password: 'p@ss', tls: true });
  assert.equal(parseRedisUrl('redis://:secret@h/').password, 'secret');
  assert.equal(parseRedisUrl('redis://[::1]:7000').host, '::1');
  assert.deepEqual(connectionOptions(full, { persistent: false, timeoutMs: 1000 }).tls, { servername: 'db.example' });
});

test('bad URLs are refused with one line naming them (password masked)', () => {
  const cases: [string, RegExp][] = [
    ['localhost:6379', /^--redis 'localhost:6379': unsupported scheme 'localhost' \(e\.g\. redis:\/\/127\.0\.0\.1:6379/],
    ['127.0.0.1', /^--redis '127\.0\.0\.1': not a URL/],
    ['http://127.0.0.1:6379', /unsupported scheme 'http'/],
    ['redis://', /^--redis 'redis:\/\/': no host/],
    ['redis://h:99999', /port must be 1–65535, got 99999/],
    ['redis://h:0', /port must be 1–65535, got 0/],
    ['redis://h/x', /the path must be a database number, got '\/x'/],
    ['redis://h?db=1', /unexpected query or fragment/],
    ['redis://ops:hunter2@h/x', /^--redis 'redis:\/\/ops:\*\*\*@h\/x': /],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => parseRedisUrl(url), (e: Error) => e instanceof RedisUrlError && message.test(e.message) && !e.message.includes('\n') && !e.message.includes('hunter2'), url);
  }
});

test('retry strategies: a worker reconnects for ever (capped at 2 s); a command gives up after its timeout', () => {
  const a = parseRedisUrl('redis://127.0.0.1:1');
  const worker = connectionOptions(a, { persistent: true, timeoutMs: 5000 }).retryStrategy!;
  assert.equal(worker(1), 100);
  assert.equal(worker(1000), 2000);
  const command = connectionOptions(a, { persistent: false, timeoutMs: 2000 }).retryStrategy!;
  assert.equal(command(4), 500);
  assert.equal(command(5), null);
});

describe('checkRedis: the first connection is bounded in time', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let silentPort: number;
  before(async () => {
    silent = await silentServer();
    silentPort = silent.port;
  });
  after(() => silent.close());

  test('a closed port: "connection refused", at once', async () => {
    const port = await freePort();
    const t = performance.now();
    await assert.rejects(checkRedis(parseRedisUrl(`redis://127.0.0.1:${port}`), 5000), (e: Error) => e instanceof RedisUnreachableError && e.message === `cannot reach Redis at redis://127.0.0.1:${port}: connection refused`);
    assert.ok(performance.now() - t < 2000, `${performance.now() - t} ms`);
  });

  test('a server that never answers: given up after the timeout', async () => {
    const t = performance.now();
    await assert.rejects(checkRedis(parseRedisUrl(`redis://127.0.0.1:${silentPort}/2`), 700), (e: Error) => e instanceof RedisUnreachableError && e.message === `no answer from Redis at redis://127.0.0.1:${silentPort}/2 within 0.7 s`);
    const ms = performance.now() - t;
    assert.ok(ms >= 650 && ms < 2500, `${ms} ms`);
  });
});

describe('checkRedis against a real redis-server', { skip: redisSkip() }, () => {
  let open: RedisServer;
  let locked: RedisServer;
  before(async () => {
    open = await RedisServer.start();
    locked = await RedisServer.start(['--requirepass', 'right']);
  });
  after(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  test('answers: resolves', async () => {
    await checkRedis(parseRedisUrl(open.url), 5000);
    await checkRedis(parseRedisUrl(`redis://:right@127.0.0.1:${locked.port}`), 5000);
  });

  test('a wrong or missing password: "refused the login", the password not shown', async () => {
    await assert.rejects(checkRedis(parseRedisUrl(`redis://:wrong@127.0.0.1:${locked.port}`), 5000), (e: Error) => e instanceof RedisUnreachableError && e.message.startsWith(`Redis at redis://127.0.0.1:${locked.port} refused the login: WRONGPASS`) && !e.message.includes('wrong@'));
    await assert.rejects(checkRedis(parseRedisUrl(`redis://127.0.0.1:${locked.port}`), 5000), (e: Error) => e instanceof RedisUnreachableError && /refused the login: NOAUTH/.test(e.message));
  });
});
