/**
 * How much a window recipe's out-of-fold predictions depend on the level the music is played
 * at: the recipe's artist-grouped cross-validation (`crossValidate`, so exactly what
 * `--cv-only` trains), where every held-out song is also predicted played quieter and louder
 * (its frames level-shifted by `shiftLevel`, which matches extraction from scaled audio).
 * Prints, per gain, the pooled macro-F1, how far the song-level valence and arousal move, and
 * how many songs change quadrant.
 *   node --import tsx scripts/level-sensitivity.ts models/default/train.json          # ±6 dB
 *   node --import tsx scripts/level-sensitivity.ts recipe.json -6 -3 3 6
 * Needs a `sentio-frames` or `sentio-voice` recipe.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { quadrantOf } from '../src/data/types.ts';
import { shiftLevel } from '../src/features/sentio-frames.ts';
import { indexFrames } from '../src/features/window-input.ts';
import { crossValidate, predictSongs, prepareData, scoreClips, type WindowModelConfig } from '../src/train/window-model.ts';

const [recipePath, ...gainArgs] = process.argv.slice(2);
if (!recipePath) throw new Error('usage: scripts/level-sensitivity.ts <window recipe.json> [gain dB ...]');
const config = JSON.parse(readFileSync(recipePath, 'utf8')) as WindowModelConfig;
// Dataset paths in a recipe are relative to the recipe, as `sentio train` reads them.
config.dataset.path = path.resolve(path.dirname(recipePath), config.dataset.path);
const gainsDb = gainArgs.length ? gainArgs.map(Number) : [-6, 6];
const data = await prepareData(config);
const atGain: [number, number][][] = gainsDb.map(() => new Array(data.songs.length));
const cv = await crossValidate(config, data, (fold, r) => console.log(`fold ${fold}: macro-F1 ${r.quadrants.macroF1.toFixed(3)}`), {
  onFoldEnsemble(ensemble, test) {
    gainsDb.forEach((g, j) => {
      // Only the held-out songs are shifted: training saw them at no level at all.
      const clips = data.clips.slice();
      for (const i of test) clips[i] = indexFrames(shiftLevel(data.clips[i].frames as Parameters<typeof shiftLevel>[0], g));
      for (const [i, p] of predictSongs(ensemble, { ...data, clips }, test)) atGain[j][i] = p;
    });
  },
});
const all = data.songs.map((_, i) => i);
const nominal = cv.predictions;
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
console.log(`${config.name}: macro-F1 ${cv.meanStd.macroF1.mean.toFixed(3)} (fold mean), ${cv.overall.quadrants.macroF1.toFixed(3)} pooled, at the files' own level`);
gainsDb.forEach((g, j) => {
  const p = atGain[j];
  const dv = mean(all.map((i) => Math.abs(p[i][0] - nominal[i][0])));
  const da = mean(all.map((i) => Math.abs(p[i][1] - nominal[i][1])));
  const signedA = mean(all.map((i) => p[i][1] - nominal[i][1]));
  const changed = all.filter((i) => quadrantOf(...p[i]) !== quadrantOf(...nominal[i])).length;
  console.log(`${g > 0 ? '+' : ''}${g} dB: pooled macro-F1 ${scoreClips(data.songs, all, p, 0).quadrants.macroF1.toFixed(3)}, mean |Δvalence| ${dv.toFixed(3)}, mean |Δarousal| ${da.toFixed(3)} (signed ${signedA >= 0 ? '+' : ''}${signedA.toFixed(3)}), quadrant changed for ${changed} of ${data.songs.length} songs`);
});
