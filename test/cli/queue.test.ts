/**
 * The queue commands' edges: bad `--redis` URLs, an unreachable server and one that never answers
 * (one line naming the address, exit 2, in bounded time; as real processes and in-process), other
 * usage errors, and against a real redis-server the texts of `queue add`, `queue status` and
 * `queue results` for a queue that is not done yet. The analysis itself is in
 * test/cli/queue-worker.test.ts and test/queue/queue.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/processes.ts';
import { RedisServer, redisSkip, silentServer } from '../helpers/redis.ts';
import { startSentio } from '../helpers/sentio-process.ts';

const CLIP = 'test/fixtures/emomusic/3.mp3';
/** Longest a child may run before it is killed and the test fails. */
const CHILD_LIMIT_MS = 30_000;

/** Runs the real `sentio` with `args`; resolves with its exit code, stderr and wall time. */
async function sentio(...args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t = performance.now();
  const child = startSentio(args, CHILD_LIMIT_MS);
  const { code } = await child.exited;
  return { code, stderr: child.stderr(), ms: performance.now() - t };
}

describe('unreachable or badly named Redis: one line naming the address, exit 2', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let silentPort: number;
  let closedPort: number;
  before(async () => {
    silent = await silentServer();
    silentPort = silent.port;
    closedPort = await freePort();
  });
  after(() => silent.close());

  test('real processes: a bad URL, a closed port, a server that never answers (--connect-timeout 1)', async () => {
    const [bad, refused, mute] = await Promise.all([
      sentio('worker', '--redis', 'localhost:6379'),
      sentio('queue', 'add', CLIP, '--redis', `redis://127.0.0.1:${closedPort}`),
      sentio('worker', '--redis', `redis://127.0.0.1:${silentPort}`, '--connect-timeout', '1'),
    ]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "sentio: --redis 'localhost:6379': unsupported scheme 'localhost' (e.g. redis://127.0.0.1:6379 or rediss://user:password@host:6380/2)\n");
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `sentio: cannot reach Redis at redis://127.0.0.1:${closedPort}: connection refused\n`);
    assert.equal(mute.code, 2);
    assert.equal(mute.stderr, `sentio: no answer from Redis at redis://127.0.0.1:${silentPort} within 1.0 s\n`);
    // Node, tsx and the command line start in about a second here; the wait itself is the 1 s given.
    assert.ok(mute.ms < 10_000, `${mute.ms} ms`);
  });

  test('every queue command, in-process: URLs, hosts, timeouts', async () => {
    const cases: [string[], string][] = [
      [['queue', 'status', '--redis', 'http://127.0.0.1:6379'], "sentio: --redis 'http://127.0.0.1:6379': unsupported scheme 'http'"],
      [['queue', 'results', '--redis', 'redis://h:70000'], "sentio: --redis 'redis://h:70000': port must be 1–65535, got 70000"],
      [['queue', 'add', CLIP, '--redis', 'redis://:pw@h/db1'], "sentio: --redis 'redis://:***@h/db1': the path must be a database number, got '/db1'"],
      [['queue', 'status', '--redis', `redis://127.0.0.1:${closedPort}/4`], `sentio: cannot reach Redis at redis://127.0.0.1:${closedPort}/4: connection refused`],
      [['queue', 'results', '--redis', `redis://127.0.0.1:${silentPort}`, '--connect-timeout', '0.5'], `sentio: no answer from Redis at redis://127.0.0.1:${silentPort} within 0.5 s`],
      [['queue', 'status', '--redis', 'redis://no-such-host.invalid'], 'sentio: cannot reach Redis at redis://no-such-host.invalid:6379: unknown host'],
    ];
    for (const [args, start] of cases) {
      const t = performance.now();
      const run = await runCli(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.ok(run.stderr.startsWith(start) && run.stderr.endsWith('\n') && run.stderr.split('\n').length === 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.ok(performance.now() - t < 6000, `${args.join(' ')}: ${performance.now() - t} ms`);
    }
    // An earlier output is left as it was: the address is checked before the output is opened.
    const dir = await mkdtemp(join(tmpdir(), 'sentio-queue-out-'));
    const out = join(dir, 'moods.jsonl');
    await writeFile(out, '{"file":"/a.mp3","error":"kept"}\n');
    const run = await runCli('queue', 'results', '--redis', `redis://127.0.0.1:${closedPort}`, '--out', out);
    assert.equal(run.code, 2);
    assert.equal(await readFile(out, 'utf8'), '{"file":"/a.mp3","error":"kept"}\n');
    await rm(dir, { recursive: true });
  });
});

test('usage errors of the queue commands: exit 2 before anything connects', async () => {
  // Port 1: were anything to connect, the message would say "cannot reach" instead.
  const redis = ['--redis', 'redis://127.0.0.1:1'];
  const empty = await mkdtemp(join(tmpdir(), 'sentio-queue-empty-'));
  const cases: [string[], RegExp][] = [
    [['worker', ...redis, '--jobs', '0'], /^sentio: --jobs must be a positive integer, got '0'\n$/],
    [['worker', ...redis, '--path-map', 'music=/data'], /^sentio: --path-map 'music=\/data': expected FROM=TO with two absolute paths/],
    [['worker', ...redis, '--lock-duration', 'soon'], /^sentio: --lock-duration must be a positive number of seconds, got 'soon'\n$/],
    [['queue', 'status', ...redis, '--queue', 'a:b'], /^sentio: --queue 'a:b': use 1–100 letters, digits/],
    [['queue', 'status', ...redis, '--connect-timeout', '-1'], /^sentio: --connect-timeout must be a positive number of seconds/],
    [['queue', 'results', ...redis, '--resume'], /^sentio: --resume needs --out/],
    [['queue', 'results', ...redis, '--format', 'table'], /argument 'table' is invalid/],
    [['queue', 'add', empty, ...redis], /^sentio: no audio files found in /],
    [['queue', 'status'], /required option '--redis <url>' not specified/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(...args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
  // A model folder that is not one is the worker's own error (exit 1), also before connecting.
  const model = await runCli('worker', ...redis, '--model', join(tmpdir(), 'sentio-no-model'));
  assert.equal(model.code, 1);
  assert.match(model.stderr, /^sentio: .*sentio-no-model: not a Sentio model folder/);
  await rm(empty, { recursive: true });
});

describe('queue add, status and results on a real Redis, nothing analysed yet', { skip: redisSkip() }, () => {
  let server: RedisServer;
  let dir: string;
  before(async () => {
    server = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'sentio-queue-cli-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('add prints its summary; status lists the counts; results says what is still to come', async () => {
    const list = join(dir, 'list.txt');
    await writeFile(list, `${join(process.cwd(), CLIP)}\n${join(process.cwd(), 'test/fixtures/emomusic/4.mp3')}\n`);
    const add = await runCli('queue', 'add', list, CLIP, '--redis', server.url, '--queue', 'cli');
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stdout, `queue 'cli' at ${server.url}: 2 files: 2 added, 0 already queued, 0 already done\n`);

    const status = await runCli('queue', 'status', '--redis', server.url, '--queue', 'cli');
    assert.equal(status.code, 0, status.stderr);
    assert.equal(
      status.stdout,
      [`queue 'cli' at ${server.url}`, '  waiting    2', '  active     0', '  done       0 (0.0 %)', '  failed     0', '  workers    0', '  throughput -', '  ETA        -', ''].join('\n'),
    );

    const results = await runCli('queue', 'results', '--redis', server.url, '--queue', 'cli');
    assert.equal(results.code, 0, results.stderr);
    assert.equal(results.stdout, '');
    assert.equal(results.stderr, 'sentio: wrote 0 results\nsentio: 2 files are not analysed yet (0 active); run this again to add them\n');
    const json = await runCli('queue', 'results', '--redis', server.url, '--queue', 'cli', '--format', 'json', '--out', join(dir, 'r.json'));
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stderr, /run this again with --resume to add them\n$/);
  });
});
