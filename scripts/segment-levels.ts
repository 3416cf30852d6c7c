/**
 * The quietest 0.5 s segments of real music, to check that the analyser's silence gate
 * (`src/analyze/silence.ts`) stays clear of it: decodes every audio file under the given folders at
 * its own rate (as `sentio analyze` does), meters each 0.5 s segment with the analyser's own meter,
 * and prints per folder: the quietest segment and its file, the 1st percentile and median of the
 * per-file minimum, the segments below SILENCE_GATE_DB and the longest run of them, the quietest
 * stretch of MIN_SILENCE_SECONDS (its loudest segment, i.e. how far the stretch rule is from
 * firing), and the segments the gate actually gates.
 *   node --import tsx scripts/segment-levels.ts test/fixtures/emomusic ../shared/datasets/4q
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { MIN_SILENCE_SECONDS, SILENCE_GATE_DB, silentSegments } from '../src/analyze/silence.ts';
import { streamAudioFile } from '../src/audio/file.ts';
import { AUDIO_EXTENSIONS } from '../src/cli/inputs.ts';
import { LEVEL_SEGMENT_SECONDS, SegmentLevelMeter } from '../src/features/segment-levels.ts';

async function audioFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await audioFiles(p)));
    else if (AUDIO_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out.sort();
}

/** Levels of every segment of `file`, dB; the last, partial segment included (as the analyser gates it). */
async function segmentLevels(file: string): Promise<number[]> {
  const levels: number[] = [];
  let meter: SegmentLevelMeter | undefined;
  for await (const chunk of streamAudioFile(file, { sampleRate: null }, (info) => (meter = new SegmentLevelMeter(info.sampleRate, LEVEL_SEGMENT_SECONDS, (k, db) => (levels[k] = db))))) meter!.push(chunk);
  meter?.finish();
  return levels;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error('usage: node --import tsx scripts/segment-levels.ts <folder>...');
  process.exit(2);
}
console.log(`gate: ${SILENCE_GATE_DB} dB (RMS of a 0.5 s segment re full scale) for at least ${MIN_SILENCE_SECONDS} s`);
const stretch = Math.round(MIN_SILENCE_SECONDS / LEVEL_SEGMENT_SECONDS);
for (const folder of folders) {
  const files = await audioFiles(folder);
  const minima: number[] = [];
  let quietest = { db: Infinity, file: '', time: 0 };
  let quietestStretch = { db: Infinity, file: '', time: 0 };
  let longestRun = { segments: 0, file: '', time: 0 };
  let segments = 0;
  let below = 0;
  let belowFiles = 0;
  let gated = 0;
  for (const file of files) {
    const levels = await segmentLevels(file);
    segments += levels.length;
    const quiet = levels.map((db) => db < SILENCE_GATE_DB);
    below += quiet.filter(Boolean).length;
    if (quiet.includes(true)) belowFiles++;
    gated += silentSegments(levels, levels.length, LEVEL_SEGMENT_SECONDS).filter(Boolean).length;
    let run = 0;
    quiet.forEach((q, k) => {
      run = q ? run + 1 : 0;
      if (run > longestRun.segments) longestRun = { segments: run, file, time: (k - run + 1) * LEVEL_SEGMENT_SECONDS };
    });
    const k = levels.indexOf(Math.min(...levels));
    minima.push(levels[k]);
    if (levels[k] < quietest.db) quietest = { db: levels[k], file, time: k * LEVEL_SEGMENT_SECONDS };
    for (let s = 0; s + stretch <= levels.length; s++) {
      const loudest = Math.max(...levels.slice(s, s + stretch));
      if (loudest < quietestStretch.db) quietestStretch = { db: loudest, file, time: s * LEVEL_SEGMENT_SECONDS };
    }
  }
  minima.sort((a, b) => a - b);
  console.log(`${folder}: ${files.length} files, ${segments} segments`);
  console.log(`  quietest segment ${quietest.db.toFixed(1)} dB (${quietest.file} at ${quietest.time} s)`);
  console.log(`  per-file minimum: 1st percentile ${percentile(minima, 0.01).toFixed(1)} dB, median ${percentile(minima, 0.5).toFixed(1)} dB`);
  console.log(`  below ${SILENCE_GATE_DB} dB: ${below} segments in ${belowFiles} files; longest run ${longestRun.segments * LEVEL_SEGMENT_SECONDS} s (${longestRun.file || '-'} at ${longestRun.time} s)`);
  if (Number.isFinite(quietestStretch.db)) console.log(`  quietest ${MIN_SILENCE_SECONDS} s stretch: loudest segment ${quietestStretch.db.toFixed(1)} dB (${quietestStretch.file} at ${quietestStretch.time} s)`);
  console.log(`  gated: ${gated} segments`);
}
