/**
 * Experiment behind `sentio-voice`: which descriptor groups lift the 4Q RBF SVM (libsvm) over the
 * default model's inputs (whole-clip `window-stats+descriptors` of `sentio-frames`)? Scored by
 * quadrant macro-F1 over three artist-grouped 5-fold splits (fold seeds 1–3), since one split
 * moves by ±0.01 with nothing changed.
 *   node --import tsx scripts/feature-ablation.ts            # sentio-frames vs sentio-voice, C 1 and 3
 *   node --import tsx scripts/feature-ablation.ts emobase    # + groups of emobase260 statistics
 */
import { fileURLToPath } from 'node:url';
import { load4Q } from '../src/data/fourq.ts';
import { cachedFeatures } from '../src/data/feature-cache.ts';
import { groupKFold } from '../src/data/splits.ts';
import { quadrantReport } from '../src/eval/metrics.ts';
import { emobase260Columns } from '../src/features/emobase260.ts';
import { getFeatureSet } from '../src/features/index.ts';
import { summarizeFrames } from '../src/features/summary.ts';
import { indexFrames, windowInputDims, writeWindowInput } from '../src/features/window-input.ts';
import { SvmClassifier } from '../src/models/svr.ts';

const songs = load4Q(fileURLToPath(new URL('../../shared/datasets/4q', import.meta.url)));
const quadrants = songs.map((s) => s.quadrant!);
const splits = [1, 2, 3].map((seed) => groupKFold(songs.map((s) => s.artist!), 5, seed, quadrants));

/** Whole-clip model input of every song under a frame-level set. */
async function clipInputs(setName: string): Promise<number[][]> {
  const set = getFeatureSet(setName);
  const rows: number[][] = [];
  for (const s of songs) {
    const frames = await cachedFeatures(s.audioPath!, set);
    const out = new Float32Array(windowInputDims('window-stats+descriptors', frames.cols));
    writeWindowInput('window-stats+descriptors', indexFrames(frames), 0, frames.rows, out);
    rows.push([...out]);
  }
  return rows;
}

async function score(name: string, X: number[][], C: number): Promise<void> {
  const f1: number[] = [];
  for (const folds of splits) {
    const pred: string[] = new Array(songs.length);
    for (const f of folds) {
      const clf = await SvmClassifier.train(f.train.map((i) => X[i]), f.train.map((i) => quadrants[i]), { C, probability: false });
      clf.predict(f.test.map((i) => X[i])).forEach((p, k) => (pred[f.test[k]] = p));
      clf.free();
    }
    f1.push(quadrantReport(pred as never, quadrants).macroF1);
  }
  const mean = f1.reduce((a, b) => a + b) / f1.length;
  console.log(`${name.padEnd(44)} C ${C}  macro-F1 ${mean.toFixed(3)}  (${f1.map((v) => v.toFixed(3)).join(' ')})`);
}

const frames = await clipInputs('sentio-frames');
const voice = await clipInputs('sentio-voice');
for (const C of [1, 3]) {
  await score('sentio-frames', frames, C);
  await score('sentio-voice', voice, C);
}
if (process.argv[2] === 'emobase') {
  // emobase260 per 0.5 s segment holds std and mean of each LLD over its 10 ms frames; the
  // clip summary takes their mean and std over segments.
  const names = emobase260Columns();
  const columns = [...names.map((c) => `${c}:mean`), ...names.map((c) => `${c}:std`)];
  const eb: number[][] = [];
  for (const s of songs) eb.push([...summarizeFrames(await cachedFeatures(s.audioPath!, getFeatureSet('emobase260'))).values]);
  const groups: Record<string, RegExp> = {
    'voice (F0, voicing, jitter, shimmer, HNR)': /^(F0|voicing|jitter|shimmer|logHNR)/,
    'MFCC': /mfcc/,
    'auditory spectrum': /audSpec|lengthL1norm/,
    'spectral shape': /fftMag_(spectral|fband|psy)/,
    'RMS, ZCR': /RMSenergy|zcr/,
    'within-segment std (10 ms scale)': /_stddev:/,
  };
  await score('emobase260', eb, 1);
  await score('sentio-frames + emobase260', frames.map((r, i) => [...r, ...eb[i]]), 1);
  for (const [group, re] of Object.entries(groups)) {
    const keep = columns.flatMap((c, j) => (re.test(c) ? [j] : []));
    await score(`sentio-frames + emobase260 ${group}`, frames.map((r, i) => [...r, ...keep.map((j) => eb[i][j])]), 1);
  }
  const withoutVoice = columns.flatMap((c, j) => (groups['voice (F0, voicing, jitter, shimmer, HNR)'].test(c) ? [] : [j]));
  await score('emobase260 without its voice group', eb.map((r) => withoutVoice.map((j) => r[j])), 1);
}
