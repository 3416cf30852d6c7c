/**
 * `sentio serve` as a real process (the bin through tsx): it prints the URL it bound, serves the
 * page, drives a WLED-like UDP receiver from the page's bridge points, and SIGTERM / SIGINT close
 * it within a bounded time with 143 / 130, leaving the strip in its final state. Usage and config
 * errors go through main() in-process.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { pointMessage } from '../../src/light/bridge-protocol.ts';
import { runCli, sentioArgs } from '../helpers/cli.ts';
import { waitFor } from '../helpers/light-state.ts';
import { get, rawRequest } from '../serve/raw-http.ts';
import { udpReceiver } from '../serve/udp-receiver.ts';

let dir: string;
const INDEX = '<!doctype html><title>sentio test page</title>';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-serve-cli-'));
  await writeFile(join(dir, 'index.html'), INDEX);
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: URL;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `sentio serve …` and waits (at most 30 s: tsx compiles on first start) for the URL it prints. */
async function serve(...args: string[]): Promise<Served> {
  const child = spawn(process.execPath, sentioArgs('serve', '--port', '0', '--root', dir, ...args), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let m: RegExpExecArray | null = null;
  while (!(m = /^sentio serve: (http:\/\/\S+\/) /m.exec(stdout))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`no URL printed: ${stdout} ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, url: new URL(m[1]), stdout: () => stdout, stderr: () => stderr, exit };
}

/** Sends `signal` and resolves with the exit code and how long it took; SIGKILL after 5 s fails the test. */
async function stop(s: Served, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  s.child.kill(signal);
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  const code = await s.exit;
  clearTimeout(timer);
  return { code, ms: performance.now() - t0 };
}

test('the real process: the page, the bridge to a WLED receiver, and SIGTERM → 143 with the strip left off', { timeout: 60_000 }, async () => {
  const rx = await udpReceiver();
  const config = join(dir, 'lights.json');
  await writeFile(config, JSON.stringify({ sinks: [{ type: 'wled-ddp', host: '127.0.0.1', port: rx.port, pixels: 4, transitionMs: 0 }] }));
  const s = await serve('--config', config, '--final', 'off');
  try {
    assert.equal(s.url.hostname, '127.0.0.1', 'loopback by default');
    assert.ok(!/warning/.test(s.stderr()), s.stderr());
    const port = Number(s.url.port);
    const page = await get(port, '/');
    assert.equal(page.status, 200);
    assert.equal(page.body, INDEX);
    const info = JSON.parse((await get(port, '/sentio-serve.json')).body) as { bridge: boolean; token: string };
    assert.equal(info.bridge, true);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${info.token}`, { origin: `http://127.0.0.1:${port}` });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no bridge connection within 5 s')), 5000).unref();
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(pointMessage({ time: 0, valence: 0.8, arousal: 0.7, latestLevelDb: -15, silent: false }));
    await waitFor(() => rx.packets.some((p) => p.length === 22 && p.subarray(10).some((b) => b > 0)), 5000, 'a lit DDP frame');
    await waitFor(() => /page connected/.test(s.stderr()), 2000, 'the connection in the log');
    const { code, ms } = await stop(s, 'SIGTERM');
    assert.equal(code, 143, s.stderr());
    assert.ok(ms < 3000, `exited ${ms.toFixed(0)} ms after SIGTERM`);
    assert.match(s.stderr(), /stopped by SIGTERM; lights left 'off'/);
    assert.equal(await closed, 1001, 'the page was told the server is going away');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(rx.packets.at(-1)!.subarray(10).every((b) => b === 0), 'the last frame is black');
  } finally {
    s.child.kill('SIGKILL');
    rx.close();
  }
});

test('SIGINT → 130; without lights the discovery says no bridge and /bridge does not exist', { timeout: 60_000 }, async () => {
  const s = await serve();
  try {
    const port = Number(s.url.port);
    assert.deepEqual(JSON.parse((await get(port, '/sentio-serve.json')).body), { bridge: false });
    assert.match(s.stdout(), /no lights/);
    const upgrade = await rawRequest(
      port,
      `GET /bridge?token=x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    assert.equal(upgrade.status, 404);
    const { code, ms } = await stop(s, 'SIGINT');
    assert.equal(code, 130, s.stderr());
    assert.ok(ms < 3000, `exited ${ms.toFixed(0)} ms after SIGINT`);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test('--host 0.0.0.0 warns that the page is reachable from the network, and answers at this machine\'s addresses only', { timeout: 60_000 }, async () => {
  const rx = await udpReceiver();
  const s = await serve('--host', '0.0.0.0', '--wled', `127.0.0.1:${rx.port}`, '--pixels', '2');
  try {
    const port = Number(s.url.port);
    await waitFor(() => /warning/.test(s.stderr()), 2000, 'the warning');
    assert.match(s.stderr(), /warning: listening on 0\.0\.0\.0, not on this machine only: the page and the lights \(whoever opens the page can drive them\) can be reached from the network/);
    assert.equal((await get(port, '/')).status, 200);
    const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (lan) {
      assert.match(s.stderr(), new RegExp(`http://${lan.address.replace(/\./g, '\\.')}:${port}/`));
      assert.equal((await get(port, '/', { Host: `${lan.address}:${port}` })).status, 200, 'the LAN address is a name of this server');
    }
    assert.equal((await get(port, '/', { Host: `rebound.example:${port}` })).status, 421);
    assert.equal((await stop(s, 'SIGTERM')).code, 143);
  } finally {
    s.child.kill('SIGKILL');
    rx.close();
  }
});

test('usage and config errors: exit 2 with one line, before anything listens', async () => {
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ sinks: [{ type: 'wled-ddp', host: '127.0.0.1', pixels: 4, port: 70000 }] }));
  const empty = join(dir, 'empty.json');
  await writeFile(empty, '{}');
  const cases: [string[], RegExp][] = [
    [['--port', '70000'], /--port must be an integer in 0–65535/],
    [['--port', 'http'], /--port must be/],
    [['--host', 'http://0.0.0.0'], /--host must be an IP address or host name/],
    [['--root', join(dir, 'nowhere')], /--root .*nowhere: no index\.html there/],
    [['--config', bad], /bad\.json: sinks\[0\]\.port: must be an integer in 1–65535, got 70000/],
    [['--config', join(dir, 'missing.json')], /missing\.json: cannot read the light config \(ENOENT\)/],
    [['--config', empty], /no sinks: nothing for the bridge to drive/],
    [['--final', 'off'], /--final goes with --config or a sink flag/],
    [['--final', 'dim', '--wled', '127.0.0.1'], /--final/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli('serve', '--root', dir, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '', 'no URL printed');
  }
});

test('a port in use: exit 1 naming it', async () => {
  const s = await serve();
  try {
    const r = await runCli('serve', '--root', dir, '--port', s.url.port);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${s.url.port}: the port is in use`));
  } finally {
    await stop(s, 'SIGTERM');
  }
});

test('sentio serve --help lists the options and the bridge', async () => {
  const r = await runCli('serve', '--help');
  assert.equal(r.code, 0);
  for (const flag of ['--port', '--host', '--allow-host', '--root', '--config', '--wled', '--final', '/sentio-serve.json', '143 SIGTERM']) assert.ok(r.stdout.includes(flag), flag);
});

test('not built: the default root (the package\'s own dist/web) is missing → exit 1, "run npm run build"', { timeout: 60_000 }, async () => {
  // A package folder without dist/: the bin copied, the sources and dependencies linked in, and
  // --preserve-symlinks so that the sources see that folder as their package.
  const pkg = join(dir, 'pkg');
  await mkdir(join(pkg, 'bin'), { recursive: true });
  await copyFile(resolve('bin/sentio.js'), join(pkg, 'bin', 'sentio.js'));
  await copyFile(resolve('package.json'), join(pkg, 'package.json'));
  await symlink(resolve('src'), join(pkg, 'src'));
  await symlink(resolve('node_modules'), join(pkg, 'node_modules'));
  const child = spawn(process.execPath, ['--preserve-symlinks', '--import', 'tsx', join(pkg, 'bin', 'sentio.js'), 'serve', '--port', '0'], { cwd: pkg });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(timer);
  assert.equal(code, 1, stderr);
  assert.equal(stderr, `sentio serve: the web page is not built (no ${join(pkg, 'dist', 'web', 'index.html')}); run npm run build\n`);
  assert.equal(stdout, '');
});
