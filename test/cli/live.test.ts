import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { analyze, loadModel } from '../../src/analyze/node.ts';
import type { EmotionModel } from '../../src/analyze/emotion-model.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { main } from '../../src/cli/main.ts';
import { sentioArgs } from '../helpers/cli.ts';
import type { LiveIo } from '../../src/cli/live.ts';
import { runLive as runLiveChain } from '../../src/analyze/live.ts';
import { DEFAULT_COLOUR_OPTIONS, silenceColour } from '../../src/light/palette.ts';
import { frameRgb } from '../../src/light/sinks/sink.ts';
import { LightMapper } from '../../src/light/smoothing.ts';
import type { LightState } from '../../src/light/types.ts';

const CLIP = 'test/fixtures/emomusic/3.mp3';
let dir: string;
let model: EmotionModel;
/** The clip as 44.1 kHz stereo s16le, as `arecord -f S16_LE -r 44100 -c 2` would send it. */
let pcm: Buffer;
let samples: Float32Array;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-live-'));
  model = await loadModel();
  const audio = await decodeAudio(new Uint8Array(await readFile(CLIP)), { sampleRate: null });
  assert.equal(audio.sampleRate, 44100);
  // Quantised to 16 bits here, so the offline reference below reads the same samples.
  samples = audio.samples.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
  pcm = Buffer.alloc(samples.length * 4);
  samples.forEach((v, i) => {
    pcm.writeInt16LE(Math.round(v * 32768), 4 * i);
    pcm.writeInt16LE(Math.round(v * 32768), 4 * i + 2);
  });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `sentio live` in-process with `stdin` as its input; `stopAfterMs` sends a SIGINT-like
 * stop that long after the start (the signal path of the real process is tested below).
 */
async function runLive(args: string[], stdin: PassThrough, stopAfterMs?: number, signal: 'SIGINT' | 'SIGTERM' = 'SIGINT'): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  let stop: (s: 'SIGINT' | 'SIGTERM') => void = () => {};
  const stopSignal = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => (stop = resolve));
  const timer = stopAfterMs === undefined ? undefined : setTimeout(() => stop(signal), stopAfterMs);
  const io: LiveIo & { isTTY: boolean } = { stdout, stderr, isTTY: false, stdin, stdoutIsTTY: false, stopSignal };
  const t0 = performance.now();
  const code = await main(['node', 'sentio', 'live', ...args], io);
  clearTimeout(timer);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - t0 };
}

/** A stdin that delivers `bytes` in seeded random pieces (odd sizes included), then closes. */
function feed(bytes: Buffer, seed = 1, close = true): PassThrough {
  const s = new PassThrough();
  let x = seed;
  const rnd = () => (x = (x * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() ** 3 * 200_000);
    s.write(bytes.subarray(i, i + n));
    i += n;
  }
  if (close) s.end();
  return s;
}

/** A UDP socket on a free loopback port collecting datagrams. */
async function udpReceiver(): Promise<{ socket: Socket; port: number; packets: Buffer[] }> {
  const socket = createSocket('udp4');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, packets };
}

test('raw s16le stereo on stdin, cut at odd byte counts: the JSON lines are the offline timeline', async () => {
  const r = await runLive(['--rate', '44100', '--channels', '2', '--jsonl', '--no-view', '--startup', 'full-window'], feed(pcm));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
  assert.deepEqual(Object.keys(lines[0]), ['time', 'valence', 'arousal', 'quadrant', 'color', 'levelDb', 'latestLevelDb', 'emittedAt', 'windowSeconds', 'silent']);
  const offline = await analyze(samples, { model, sampleRate: 44100 });
  assert.equal(lines.length, offline.timeline.length);
  lines.forEach((l, k) => {
    assert.equal(l.time, offline.timeline[k].time);
    // The lines are rounded to 4 decimals.
    assert.ok(Math.abs((l.valence as number) - offline.timeline[k].valence) <= 5.1e-5, `valence at ${l.time}`);
    assert.ok(Math.abs((l.arousal as number) - offline.timeline[k].arousal) <= 5.1e-5, `arousal at ${l.time}`);
  });
});

test('a file as fast as possible gives the same lines as its PCM on stdin; a file refuses the PCM flags', async () => {
  const fromFile = await runLive([CLIP, '--jsonl', '--no-view'], new PassThrough());
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const fromStdin = await runLive(['--jsonl', '--no-view'], feed(pcm, 3));
  const strip = (s: string) => s.trim().split('\n').map((l) => { const o = JSON.parse(l); return [o.time, o.valence, o.arousal]; });
  const a = strip(fromFile.stdout);
  const b = strip(fromStdin.stdout);
  assert.equal(a.length, b.length);
  // The file is decoded as float, stdin carries 16-bit samples: equal to the 4th decimal.
  for (let k = 0; k < a.length; k++) for (let j = 1; j < 3; j++) assert.ok(Math.abs(a[k][j] - b[k][j]) < 2e-3, `point ${k}`);
  const bad = await runLive([CLIP, '--rate', '48000'], new PassThrough());
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--rate, --channels and --encoding describe raw PCM on stdin/);
});

test('plain view: one line per point with quadrant, mood, lamp colour and level', async () => {
  const r = await runLive([], feed(pcm.subarray(0, 44100 * 4 * 12)));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 24);
  for (const l of lines) assert.match(l, /^\s*\d+\.\d s {2}Q[1-4] \S+\s+valence [+−]\d\.\d\d {2}arousal [+−]\d\.\d\d {2}lamp #[0-9a-f]{6} {2}level -?\d+ dB$/);
});

test('bad input: one line, no stack trace, the right exit code', async () => {
  const closed = new PassThrough();
  closed.end();
  const empty = await runLive([], closed);
  assert.equal(empty.code, 1);
  assert.equal(empty.stderr, 'sentio: stdin: no audio: the input closed before any sample arrived\n');
  const rate = await runLive(['--rate', '44099'], feed(pcm.subarray(0, 1000)));
  assert.equal(rate.code, 2);
  assert.match(rate.stderr, /^sentio: stdin: sample rate 44099 Hz cannot be resampled/);
  const channels = await runLive(['--channels', '0'], feed(pcm.subarray(0, 1000)));
  assert.equal(channels.code, 2);
  const odd = await runLive(['--jsonl', '--no-view'], feed(pcm.subarray(0, 44100 * 4 * 3 + 3)));
  assert.equal(odd.code, 0, 'a partial sample at the end is not an error');
  assert.equal(odd.stdout.trim().split('\n').length, 6);
  const missing = await runLive(['nope.mp3'], new PassThrough());
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'sentio: nope.mp3: file not found\n');
  for (const r of [empty, rate, channels, missing]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('the light config is validated before anything starts: unknown keys and bad addresses are named', async () => {
  const receiver = await udpReceiver();
  try {
    const cases: [unknown, RegExp][] = [
      [{ sinks: [{ type: 'wled-ddp', host: '127.0.0.1', port: receiver.port, pixels: 10, colour: 'red' }] }, /sinks\[0\]: unknown key 'colour'/],
      [{ sinks: [{ type: 'wled-ddp', host: 'not a host!', pixels: 10 }] }, /sinks\[0\]\.host: not an IP address or host name/],
      [{ sinks: [{ type: 'wled-ddp', host: '127.0.0.1', port: 70000, pixels: 10 }] }, /sinks\[0\]\.port: must be an integer in 1–65535/],
      [{ sinks: [{ type: 'lamp9000' }] }, /sinks\[0\]\.type: must be one of/],
      [{ lights: [] }, /unknown key 'lights'/],
      [{ final: 'explode' }, /final: must be one of keep, restore, off/],
    ];
    for (const [config, message] of cases) {
      const path = join(dir, 'lights.json');
      await writeFile(path, JSON.stringify(config));
      const r = await runLive(['--config', path], feed(pcm.subarray(0, 44100 * 4 * 10)));
      assert.equal(r.code, 2, JSON.stringify(config));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '', 'nothing ran');
    }
    await writeFile(join(dir, 'broken.json'), '{"sinks": [');
    const broken = await runLive(['--config', join(dir, 'broken.json')], new PassThrough());
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.json: not JSON/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(receiver.packets.length, 0, 'no sink started');
  } finally {
    receiver.socket.close();
  }
});

test('Ctrl-C mid-stream stops within 1 s: exit 130, the strip gets its final state, sockets closed', async () => {
  const receiver = await udpReceiver();
  try {
    // stdin stays open (a live source): only the stop ends the run.
    const stdin = feed(pcm.subarray(0, 44100 * 4 * 8), 5, false);
    const stopAt = 2500;
    const r = await runLive(['--no-view', '--wled', `127.0.0.1:${receiver.port}`, '--pixels', '12', '--final', 'off'], stdin, stopAt);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms - stopAt < 1000, `stopped ${(r.ms - stopAt).toFixed(0)} ms after the signal`);
    assert.match(r.stderr, /stopped by SIGINT after \d+\.\d s of audio \(\d+ points\); lights left 'off'/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(receiver.packets.length > 10, `${receiver.packets.length} DDP packets`);
    const last = receiver.packets.at(-1)!;
    assert.equal(last.length, 10 + 12 * 3);
    assert.ok(last.subarray(10).every((b) => b === 0), 'the last frame is black (off)');
    const count = receiver.packets.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.packets.length, count, 'nothing is sent after the stop');
    stdin.destroy();
  } finally {
    receiver.socket.close();
  }
});

test('silence is analysed and the lamp dims (silence gate): the strip ends on the calm dim state', async () => {
  const receiver = await udpReceiver();
  try {
    // 6 s of music, then 8 s of digital silence.
    const silence = Buffer.alloc(44100 * 4 * 8);
    const r = await runLive(['--jsonl', '--no-view', '--wled', `127.0.0.1:${receiver.port}`, '--pixels', '4', '--final', 'keep'], feed(Buffer.concat([pcm.subarray(0, 44100 * 4 * 6), silence])));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { time: number; levelDb: number });
    assert.equal(lines.length, 28, 'silence is analysed: a point every 0.5 s');
    assert.ok(lines.filter((l) => l.time >= 6).every((l) => l.levelDb === -120));
    // Datagrams already sent are read on the next turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const dim = frameRgb(silenceColour(DEFAULT_COLOUR_OPTIONS));
    assert.deepEqual([...receiver.packets.at(-1)!.subarray(10, 13)], [dim.r, dim.g, dim.b]);
  } finally {
    receiver.socket.close();
  }
});

test('through the live chain, music lights the lamp and silence dims it at once, without flicker', async () => {
  const states: LightState[] = [];
  const music = samples.subarray(0, 44100 * 10);
  async function* input() {
    for (let i = 0; i < music.length; i += 22050) yield music.subarray(i, i + 22050);
    for (let i = 0; i < 20; i++) yield new Float32Array(22050);
  }
  await runLiveChain(input(), { model, sampleRate: 44100, mapper: new LightMapper(), onPoint: (_p, light) => states.push(light!) });
  const silentFrom = states.findIndex((s) => s.silent);
  // The gate reads the newest input, not the analysed segment 4.25 s back: it closes on the first point after the music stops.
  assert.ok(silentFrom > 0 && Math.abs(states[silentFrom].time - (10 - 4.25)) <= 0.75, `silent from point ${silentFrom} (t=${states[silentFrom]?.time})`);
  assert.ok(states.slice(silentFrom).every((s) => s.silent && s.mood === 'silence'), 'the gate stays closed: no flicker');
  assert.ok(states.slice(0, silentFrom).every((s) => !s.silent && s.brightness > DEFAULT_COLOUR_OPTIONS.silenceBrightness * 3));
  assert.equal(states.at(-1)!.brightness, DEFAULT_COLOUR_OPTIONS.silenceBrightness);
});

test('the real process: SIGTERM and SIGINT end it cleanly with 143 and 130', { timeout: 60_000 }, async () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    const child = spawn(process.execPath, sentioArgs('live', '--jsonl', '--no-view'), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {}); // the pipe closes when the child exits
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    // 10 s of audio, stdin left open: the process waits for more until the signal.
    child.stdin.write(pcm.subarray(0, 44100 * 4 * 10));
    const deadline = Date.now() + 30_000;
    while (stdout.split('\n').length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = performance.now();
    child.kill(signal);
    const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(exit, code, stderr);
    assert.ok(performance.now() - t0 < 1000, `${signal}: exited ${(performance.now() - t0).toFixed(0)} ms after the signal`);
    assert.match(stderr, new RegExp(`stopped by ${signal}`));
    for (const line of stdout.trim().split('\n')) JSON.parse(line);
  }
});
