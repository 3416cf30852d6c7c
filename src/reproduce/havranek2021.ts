/**
 * `sentio reproduce havranek2021`: Havránek (2021) on the 1000 Songs database. pyaa68
 * features of every clip; the expected-value and RBF-SVR baselines on each 0.5 s
 * fragment's feature means and stds; `gru-parallel` networks on 60-row windows, 5 per
 * ensemble, 5 seeds; RMSE of arousal and valence on the 125 evaluation songs (Table 2).
 * Protocol and the paper's numbers: index.ts.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../data/csv.ts';
import { loadEmoMusic } from '../data/emomusic.ts';
import { groupKFold } from '../data/splits.ts';
import type { Song } from '../data/types.ts';
import { meanStd, type MeanStd } from '../eval/aggregate.ts';
import { MeanRegressor } from '../models/mean.ts';
import { SvrModel } from '../models/svr.ts';
import { loadSeries, rmseRecord, runRecipe, scoreSongs, type SequenceRecipe, type SeriesSong, type SongPrediction } from '../train/sequence-model.ts';
import { HAVRANEK2021, seedList, type HavranekRow, type ReproduceOptions } from './index.ts';
import type { ComparisonRow, ReproduceReport } from './table.ts';

/** The published files the loader cannot do without. */
const REQUIRED_FILES = ['arousal_cont_average.csv', 'valence_cont_average.csv'];

/** Throws a one-line error naming `root` unless it looks like the 1000 Songs database. */
function checkLayout(root: string): void {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root}: no such folder (expected the 1000 Songs database root)`);
  const missing = REQUIRED_FILES.filter((f) => !existsSync(path.join(root, f)));
  if (missing.length > 0) throw new Error(`${root}: not the 1000 Songs database layout, ${missing.join(' and ')} missing`);
}

/** Song id → genre from `songs_info.csv` (for the genre-stratified validation split); empty without it. */
function readGenres(root: string): Map<string, string> {
  const file = path.join(root, 'songs_info.csv');
  const out = new Map<string, string>();
  if (existsSync(file)) for (const r of readCsv(file)) out.set(r.song_id, r.Genre ?? '');
  return out;
}

/**
 * The development songs the SVR trains on: all but a genre-stratified 1/5 (§2: 495 of
 * 619), drawn with a fixed seed so that the single SVR run is repeatable.
 */
function svrTrainingSongs<T extends { id: string }>(songs: readonly T[], genres: Map<string, string>): T[] {
  const k = Math.min(Math.round(1 / HAVRANEK2021.validationFraction), songs.length);
  if (k < 2) return songs.slice();
  const folds = groupKFold(songs.map((s) => s.id), k, 1, songs.map((s) => genres.get(s.id) ?? ''));
  return folds[0].train.map((i) => songs[i]);
}

/** Each song's label-frame rows as an array of row views, the input of the classical models. */
function rowsOf(songs: readonly SeriesSong[]): Float32Array[] {
  return songs.flatMap((s) => Array.from({ length: s.rows.rows }, (_, i) => s.rows.data.subarray(i * s.rows.cols, (i + 1) * s.rows.cols)));
}

/** Per-song predictions from flat per-row predictions in song order. */
function splitBySong(songs: readonly SeriesSong[], p: { valence: number[]; arousal: number[] }): SongPrediction[] {
  let o = 0;
  return songs.map((s) => {
    const n = s.rows.rows;
    const out = { valence: Float64Array.from(p.valence.slice(o, o + n)), arousal: Float64Array.from(p.arousal.slice(o, o + n)) };
    o += n;
    return out;
  });
}

/** Targets of every label of the songs, in song order. */
function targetsOf(songs: readonly SeriesSong[]): { valence: number[]; arousal: number[] } {
  return { valence: songs.flatMap((s) => s.labels.valence), arousal: songs.flatMap((s) => s.labels.arousal) };
}

/** A table row; `ours` holds per-run arousal/valence RMSEs. */
function row(label: string, paper: HavranekRow, ours: { arousal: MeanStd; valence: MeanStd } | undefined): ComparisonRow {
  return { label, paper: { arousal: paper.arousal, valence: paper.valence }, ours: { arousal: ours?.arousal, valence: ours?.valence }, paperRuns: paper.n };
}

/** Mean ± std of the arousal and valence RMSE of several runs. */
function aggregateRmse(records: { arousal: number; valence: number }[]): { arousal: MeanStd; valence: MeanStd } {
  return { arousal: meanStd(records.map((r) => r.arousal)), valence: meanStd(records.map((r) => r.valence)) };
}

/** What the user changed against the paper's protocol. */
function deviations(o: ReproduceOptions, seeds: number, members: number, epochs: number): string[] {
  const out: string[] = [];
  if (seeds !== HAVRANEK2021.seeds.length) out.push(`${seeds} seed(s) instead of ${HAVRANEK2021.seeds.length}`);
  if (members !== HAVRANEK2021.members) out.push(`${members} network(s) per ensemble instead of ${HAVRANEK2021.members}`);
  if (epochs !== HAVRANEK2021.training.epochs) out.push(`${epochs} epoch(s) instead of ${HAVRANEK2021.training.epochs}`);
  if (o.lengths) out.push('--lengths is ignored: the networks read 60 feature rows, as in the paper');
  return out;
}

/** Splits the songs with audio by the official 2013 set; notes how many lack audio. */
function officialSplit(songs: readonly Song[], notes: string[]): { development: Song[]; evaluation: Song[] } {
  const labelled = songs.filter((s) => s.dynamic && s.split);
  const withAudio = labelled.filter((s) => s.audioPath);
  if (withAudio.length < labelled.length) notes.push(`${labelled.length - withAudio.length} of ${labelled.length} songs have no clip in clips/ and were left out`);
  return { development: withAudio.filter((s) => s.split === 'development'), evaluation: withAudio.filter((s) => s.split === 'evaluation') };
}

/** Runs the protocol on the 1000 Songs folder `o.dataPath` and returns the paper-vs-ours report. */
export async function runHavranek2021(o: ReproduceOptions): Promise<ReproduceReport> {
  const log = o.log ?? (() => {});
  checkLayout(o.dataPath);
  const seeds = seedList(HAVRANEK2021.seeds, o.seeds);
  const members = o.members ?? HAVRANEK2021.members;
  const epochs = o.epochs ?? HAVRANEK2021.training.epochs;
  const notes: string[] = [];
  const split = officialSplit(loadEmoMusic(o.dataPath, o.audioDir ? { audioDir: o.audioDir } : {}), notes);
  if (split.development.length === 0 || split.evaluation.length === 0) {
    throw new Error(`${o.dataPath}: needs development and evaluation songs with clips (${o.audioDir ?? 'clips'}/<id>.mp3) and dynamic labels; found ${split.development.length} and ${split.evaluation.length}`);
  }

  const all = [...split.development, ...split.evaluation];
  const every = Math.max(25, Math.ceil(all.length / 10));
  log(`${HAVRANEK2021.featureSet}: features of ${all.length} clips`);
  const loaded = await loadSeries(all, { kind: 'audio', set: HAVRANEK2021.featureSet, cacheDir: o.cacheDir }, [{ kind: 'feature-rows' }, { kind: 'label-frames', stats: 'mean-std' }], (done, total) => {
    if (done % every === 0 && done < total) log(`${HAVRANEK2021.featureSet}: ${done}/${total} clips`);
  });
  if (loaded.skipped.length > 0) notes.push(`${loaded.skipped.length} song(s) skipped (${loaded.skipped.slice(0, 3).map((s) => `${s.id}: ${s.reason}`).join('; ')})`);
  if (loaded.droppedLabels > 0) notes.push(`${loaded.droppedLabels} label(s) past the end of their clip's audio were not scored`);
  const devIds = new Set(split.development.map((s) => s.id));
  const [rowsSongs, fragmentSongs] = loaded.series;
  const isDev = (s: SeriesSong) => devIds.has(s.id);
  const devFragments = fragmentSongs.filter(isDev);
  const evalFragments = fragmentSongs.filter((s) => !isDev(s));
  if (devFragments.length === 0 || evalFragments.length === 0) throw new Error(`${o.dataPath}: no development or no evaluation clip has usable features`);

  const report: ReproduceReport = {
    paper: 'havranek2021',
    citation: HAVRANEK2021.citation,
    dataset: HAVRANEK2021.dataset,
    data: o.dataPath,
    protocol: {
      'development songs': devFragments.length,
      'evaluation songs': evalFragments.length,
      features: `${HAVRANEK2021.featureSet} (50 ms rows; fragment mean and std for the baselines)`,
      seeds,
      networks: `${HAVRANEK2021.architecture}, ${HAVRANEK2021.sequenceFrames}-row windows, ${members} per ensemble, ${epochs} epoch(s), batch ${HAVRANEK2021.training.batchSize}, Adam lr ${HAVRANEK2021.training.learningRate}, weight decay ${HAVRANEK2021.architectureOptions.weightDecay}`,
      svr: `RBF, C = ${HAVRANEK2021.svr.C}`,
      backend: o.backend ?? 'wasm',
    },
    deviations: deviations(o, seeds.length, members, epochs),
    choices: [...HAVRANEK2021.choices],
    notes,
    tables: [],
    runs: [],
  };

  // Baselines: one deterministic run each.
  const expected = MeanRegressor.train(targetsOf(devFragments));
  const evalInputs = rowsOf(evalFragments);
  const expectedScore = rmseRecord(scoreSongs(evalFragments, splitBySong(evalFragments, expected.predict(evalInputs))));
  report.runs.push({ table: 'table2', row: 'expected value', seed: 0, metrics: { ...expectedScore }, seconds: 0 });
  log(`expected value: RMSE arousal ${expectedScore.arousal.toFixed(4)} valence ${expectedScore.valence.toFixed(4)}`);

  const svrSongs = svrTrainingSongs(devFragments, readGenres(o.dataPath));
  const svrStarted = performance.now();
  const svrInputs = rowsOf(svrSongs);
  log(`SVR: training on ${svrSongs.length} songs (${svrInputs.length} fragments)`);
  const svr = await SvrModel.train(svrInputs, targetsOf(svrSongs), { C: HAVRANEK2021.svr.C });
  let svrScore;
  try {
    svrScore = rmseRecord(scoreSongs(evalFragments, splitBySong(evalFragments, svr.predict(evalInputs))));
  } finally {
    svr.free();
  }
  const svrSeconds = (performance.now() - svrStarted) / 1000;
  report.runs.push({ table: 'table2', row: 'SVR', seed: 0, metrics: { ...svrScore }, seconds: svrSeconds });
  log(`SVR: RMSE arousal ${svrScore.arousal.toFixed(4)} valence ${svrScore.valence.toFixed(4)} (${svrSeconds.toFixed(1)} s)`);

  // Networks: per seed one ensemble; its members double as the single-network runs.
  const recipe: SequenceRecipe = {
    architecture: HAVRANEK2021.architecture,
    options: { ...HAVRANEK2021.architectureOptions },
    frames: HAVRANEK2021.sequenceFrames,
    ...HAVRANEK2021.training,
    epochs,
    members,
    backend: o.backend,
  };
  const devRows = rowsSongs.filter(isDev);
  const evalRows = rowsSongs.filter((s) => !isDev(s));
  const singles: { arousal: number; valence: number }[] = [];
  const ensembles: { arousal: number; valence: number }[] = [];
  for (const seed of seeds) {
    const run = await runRecipe(recipe, devRows, { evaluation: evalRows }, seed);
    const ens = rmseRecord(run.ensemble.evaluation);
    ensembles.push(ens);
    report.runs.push({ table: 'table2', row: 'ensemble', seed, metrics: { ...ens }, seconds: run.seconds });
    run.members.forEach((m, k) => {
      const single = rmseRecord(m.evaluation);
      singles.push(single);
      report.runs.push({ table: 'table2', row: 'single parallel NN', seed: seed * 1000 + k, metrics: { ...single }, seconds: run.seconds / members });
    });
    log(`seed ${seed}: ensemble of ${members} RMSE arousal ${ens.arousal.toFixed(4)} valence ${ens.valence.toFixed(4)} (${run.parameters} parameters per network, ${run.seconds.toFixed(1)} s)`);
  }

  const p = HAVRANEK2021.table2;
  report.tables.push({
    id: 'table2',
    title: 'Table 2: RMSE on the evaluation set',
    rowHeader: 'model',
    metrics: ['arousal', 'valence'],
    digits: 4,
    rows: [
      row('Expected value', p.expected, aggregateRmse([expectedScore])),
      row('SVR', p.svr, aggregateRmse([svrScore])),
      row('Single parallel NN', p.single, aggregateRmse(singles)),
      row(`Ensemble (${members} network${members === 1 ? '' : 's'})`, p.ensemble, aggregateRmse(ensembles)),
    ],
  });
  report.protocol['network runs'] = `${ensembles.length} ensembles, ${singles.length} single networks`;
  return report;
}
