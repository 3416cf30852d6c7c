/**
 * How much a model's song-level output depends on how much of the top of the spectrum a file's
 * codec kept. Each file is analysed as it is and again low-passed by a round trip through a
 * lower sample rate (the band-limited resampler passes up to 0.9 × the intermediate rate's
 * Nyquist: 16 kHz keeps 7.2 kHz, 18 kHz 8.1 kHz, 20 kHz 9 kHz, 22.05 kHz 9.9 kHz,
 * 32 kHz 14.4 kHz), as MP3 encoders at low bitrates cut it. Prints how far valence and arousal
 * move against the file as it is, per file and on average.
 *   node --import tsx scripts/bandwidth-sensitivity.ts test/fixtures/emomusic/*.mp3
 *   node --import tsx scripts/bandwidth-sensitivity.ts --model DIR a.mp3 b.flac
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, loadModel } from '../src/analyze/node.ts';
import { decodeAudio } from '../src/audio/decode.ts';
import { resample } from '../src/audio/resample.ts';

/** Intermediate sample rates of the low-pass round trips, Hz. */
const THROUGH_RATES = [16000, 18000, 20000, 22050, 32000];

const { values, positionals: files } = parseArgs({ options: { model: { type: 'string' } }, allowPositionals: true });
if (!files.length) throw new Error('usage: scripts/bandwidth-sensitivity.ts [--model DIR] <audio file> ...');
const model = await loadModel(values.model);
const moved = THROUGH_RATES.map(() => ({ valence: [] as number[], arousal: [] as number[] }));
for (const file of files) {
  const audio = await decodeAudio(readFileSync(file), { sampleRate: null, name: file });
  const rate = audio.sampleRate;
  const asIs = await analyze(audio.samples, { model, sampleRate: rate, name: file });
  const cells: string[] = [];
  for (const [j, through] of THROUGH_RATES.entries()) {
    if (through >= rate) {
      cells.push('–');
      continue;
    }
    const limited = resample(resample(audio.samples, rate, through), through, rate);
    const r = await analyze(limited, { model, sampleRate: rate, name: file });
    const dv = r.summary.valence - asIs.summary.valence;
    const da = r.summary.arousal - asIs.summary.arousal;
    moved[j].valence.push(Math.abs(dv));
    moved[j].arousal.push(Math.abs(da));
    cells.push(`${dv >= 0 ? '+' : ''}${dv.toFixed(3)} / ${da >= 0 ? '+' : ''}${da.toFixed(3)}`);
  }
  console.log(`${path.basename(file)} (${rate} Hz; V ${asIs.summary.valence.toFixed(3)}, A ${asIs.summary.arousal.toFixed(3)}): ΔV / ΔA through ${THROUGH_RATES.join(', ')} Hz: ${cells.join(' | ')}`);
}
const mean = (x: number[]) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN);
for (const [j, through] of THROUGH_RATES.entries()) {
  if (!moved[j].valence.length) continue;
  console.log(`through ${through} Hz (kept up to ${((0.45 * through) / 1000).toFixed(1)} kHz): mean |Δvalence| ${mean(moved[j].valence).toFixed(3)}, mean |Δarousal| ${mean(moved[j].arousal).toFixed(3)} over ${moved[j].valence.length} files`);
}
