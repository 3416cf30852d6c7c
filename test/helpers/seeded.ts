/** Seeded test signals and chunkings, shared by the analyser's streaming and silence tests. */
import type { EmotionStream, LivePoint } from '../../src/analyze/stream.ts';

/** Seeded uniform numbers in (0, 1) (Park–Miller minimal standard generator). */
export function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** `samples` of white (Gaussian, Box–Muller, seeded) noise at an RMS level in dB re full scale. */
export function whiteNoise(samples: number, levelDb: number, seed: number): Float32Array {
  const rnd = random(seed);
  const sigma = 10 ** (levelDb / 20);
  return Float32Array.from({ length: samples }, () => sigma * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
}

/** Streams `samples` in seeded chunks from 1 sample to 1 s, skewed towards small ones (many 1-sample chunks). */
export function streamInChunks(stream: EmotionStream, samples: Float32Array, seed: number): LivePoint[] {
  const points: LivePoint[] = [];
  const rnd = random(seed);
  for (let i = 0; i < samples.length; ) {
    const n = Math.max(1, Math.floor(rnd() ** 4 * stream.sampleRate));
    points.push(...stream.push(samples.subarray(i, i + n)));
    i += n;
  }
  points.push(...stream.finish());
  return points;
}
