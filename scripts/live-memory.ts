/**
 * RSS of the streaming analyser over a 2-hour synthetic stream (chords with a pulse and noise,
 * pushed a minute at a time): prints the resident set size every 10 minutes of audio.
 *   node --import tsx scripts/live-memory.ts [minutes=120]
 */
import { loadModel } from '../src/analyze/node.ts';
import { EmotionStream } from '../src/analyze/stream.ts';

const minutes = Number(process.argv[2] ?? 120);
const rate = 22050;
const model = await loadModel();
const stream = new EmotionStream(model, { sampleRate: rate });
let seed = 5;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
const minute = Float32Array.from({ length: rate * 60 }, (_, i) => {
  const t = i / rate;
  const pulse = 0.5 + 0.5 * Math.cos(2 * Math.PI * 2 * t);
  return (0.2 * pulse * (Math.sin(2 * Math.PI * 220 * t) + 0.6 * Math.sin(2 * Math.PI * 277.2 * t) + 0.5 * Math.sin(2 * Math.PI * 329.6 * t))) / 2 + 0.02 * rnd();
});
const t0 = performance.now();
let points = 0;
for (let m = 1; m <= minutes; m++) {
  points += stream.push(minute).length;
  if (m % 10 === 0) console.log(`${String(m).padStart(4)} min  ${points} points  RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB  heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
}
points += stream.finish().length;
console.log(`${minutes} min of audio in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${points} points`);
