/**
 * Part 2 of bench/live.ts: the delay from a sound to its colour on a light.
 *
 * Stimulus: a calm 4Q clip (Q3) followed at once by an energetic one (Q2), the pair among the
 * first clips of each folder whose analysed arousal differs most. It is streamed 0.5 s at a
 * time; for every point the lamp colour (LightMapper: smoothing, hysteresis, palette, gate)
 * is taken at the stream time the point is emitted. Progress from the calm colour (mean over
 * the 5 s before the change) to the energetic one (mean over 20–30 s after it) is the
 * projection on the line between them; the report gives the stream time after the change at
 * which the lamp first covers 10 %, 50 % and 90 % of the way, with the default smoothing and
 * with smoothing off. Then the sink: a WLED DDP sink at 40 fps sends to a UDP receiver on
 * 127.0.0.1, and the time from `update()` to the first packet showing the new colour, and to
 * the packet that completes the glide, is measured 20 times.
 */
import { createSocket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/analyze/node.ts';
import { EmotionStream } from '../src/analyze/stream.ts';
import type { EmotionModel } from '../src/analyze/emotion-model.ts';
import { loadAudioFile } from '../src/audio/file.ts';
import { frameRgb } from '../src/light/sinks/sink.ts';
import { createWledSink } from '../src/light/sinks/wled.ts';
import { LightMapper } from '../src/light/smoothing.ts';
import { DEFAULT_COLOUR_OPTIONS } from '../src/light/palette.ts';
import { DEFAULT_SMOOTHING_OPTIONS } from '../src/light/smoothing.ts';
import type { LightState, Rgb } from '../src/light/types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FOURQ = path.resolve(root, '../shared/datasets/4q/audio');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pickClips(model: EmotionModel): Promise<{ calm: string; energetic: string }> {
  const pick = async (quadrant: string, sign: 1 | -1) => {
    const dir = path.join(FOURQ, quadrant);
    const files = readdirSync(dir).filter((f) => f.endsWith('.mp3')).sort().slice(0, 8);
    let best = { file: '', arousal: -Infinity };
    for (const f of files) {
      const r = await analyze(path.join(dir, f), { model });
      if (sign * r.summary.arousal > best.arousal) best = { file: path.join(dir, f), arousal: sign * r.summary.arousal };
    }
    return best.file;
  };
  return { calm: await pick('Q3', -1), energetic: await pick('Q2', 1) };
}

/** Stream-time series of the lamp colour (rgb × brightness) for `y`, one entry per point. */
function lampSeries(model: EmotionModel, y: Float32Array, rate: number, timeConstantSeconds: number): { at: number; rgb: Rgb }[] {
  const stream = new EmotionStream(model, { sampleRate: rate });
  const mapper = new LightMapper(DEFAULT_COLOUR_OPTIONS, { ...DEFAULT_SMOOTHING_OPTIONS, timeConstantSeconds });
  const out: { at: number; rgb: Rgb }[] = [];
  const take = (points: ReturnType<EmotionStream['push']>) => {
    for (const p of points) out.push({ at: p.emittedAt, rgb: frameRgb(mapper.push(p)) });
  };
  for (let i = 0; i < y.length; i += rate / 2) take(stream.push(y.subarray(i, i + rate / 2)));
  take(stream.finish());
  return out;
}

function crossings(series: { at: number; rgb: Rgb }[], step: number): number[] {
  const mean = (from: number, to: number) => {
    const s = series.filter((p) => p.at >= from && p.at < to);
    return [0, 1, 2].map((c) => s.reduce((a, p) => a + [p.rgb.r, p.rgb.g, p.rgb.b][c], 0) / s.length);
  };
  const before = mean(step - 5, step);
  const after = mean(step + 20, step + 30);
  const d = after.map((v, c) => v - before[c]);
  const norm = d.reduce((a, v) => a + v * v, 0);
  const progress = (rgb: Rgb) => [rgb.r, rgb.g, rgb.b].reduce((a, v, c) => a + (v - before[c]) * d[c], 0) / norm;
  return [0.1, 0.5, 0.9].map((q) => (series.find((p) => p.at >= step && progress(p.rgb) >= q)?.at ?? NaN) - step);
}

async function sinkLatency(): Promise<{ first: number[]; settled: number[] }> {
  const socket = createSocket('udp4');
  const arrivals: { t: number; r: number }[] = [];
  socket.on('message', (m: Buffer) => arrivals.push({ t: performance.now(), r: m[10] }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sink = createWledSink({ type: 'wled-ddp', host: '127.0.0.1', port: socket.address().port, pixels: 60, start: 0, fps: 40, gradient: false, gradientSeconds: 4, delayMs: 0, transitionMs: 500 });
  await sink.start();
  const state = (r: number): LightState => ({ rgb: { r, g: 0, b: 0 }, brightness: 1, valence: 0, arousal: 0, quadrant: 'Q1', mood: 'happy', silent: false, time: 0 });
  const first: number[] = [];
  const settled: number[] = [];
  let level = 0;
  sink.update(state(level));
  await sleep(700);
  for (let i = 0; i < 20; i++) {
    level = level === 0 ? 255 : 0;
    arrivals.length = 0;
    const t0 = performance.now();
    sink.update(state(level));
    await sleep(700);
    const moved = arrivals.find((a) => a.r !== 255 - level);
    const done = arrivals.find((a) => a.r === level);
    first.push((moved?.t ?? NaN) - t0);
    settled.push((done?.t ?? NaN) - t0);
  }
  await sink.close('off');
  socket.close();
  return { first, settled };
}

const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];

export async function delayBenchmark(model: EmotionModel): Promise<void> {
  console.log('2. Delay from a sound to its colour:');
  let clips;
  try {
    clips = await pickClips(model);
  } catch (e) {
    console.log(`   skipped: the 4Q clips are not readable (${(e as Error).message})`);
    return;
  }
  const calm = await loadAudioFile(clips.calm, { sampleRate: 22050 });
  const energetic = await loadAudioFile(clips.energetic, { sampleRate: 22050 });
  const y = new Float32Array(calm.samples.length + energetic.samples.length);
  y.set(calm.samples);
  y.set(energetic.samples, calm.samples.length);
  const step = calm.duration;
  console.log(`   ${path.basename(clips.calm)} (Q3, ${calm.duration.toFixed(1)} s) then ${path.basename(clips.energetic)} (Q2): lamp colour's progress after the change, stream time`);
  for (const tau of [...new Set([DEFAULT_SMOOTHING_OPTIONS.timeConstantSeconds, 2, 0])]) {
    const [p10, p50, p90] = crossings(lampSeries(model, y, 22050, tau), step);
    console.log(`   smoothing τ = ${tau} s: 10 % after ${p10.toFixed(1)} s, 50 % after ${p50.toFixed(1)} s, 90 % after ${p90.toFixed(1)} s`);
  }
  const { first, settled } = await sinkLatency();
  console.log(`   WLED DDP sink, 40 fps, to a UDP receiver on 127.0.0.1, 20 changes: first packet of the new colour after median ${median(first).toFixed(1)} ms (max ${Math.max(...first).toFixed(1)}), glide complete after median ${median(settled).toFixed(0)} ms (max ${Math.max(...settled).toFixed(0)})`);
}
