/**
 * `sentio reproduce malik2017`: Malik et al. (2017) on DEAM, the MediaEval 2015 dynamic
 * task. For each feature set (the published 260 baseline features, and log mel-band
 * energies computed from the audio) and each sequence length (60, 30, 20, 10 label frames
 * of 0.5 s), the `crnn` is trained on the development clips with 5 seeds and scored on
 * the evaluation songs and on the development clips (Table 1); `crnn-nb` is trained on the
 * baseline features (Table 2). Protocol and the paper's numbers: index.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { loadDeam, resolveDeamLayout, splitMediaEval2015 } from '../data/deam.ts';
import type { Song } from '../data/types.ts';
import { aggregateRuns } from '../eval/aggregate.ts';
import { describeSource, loadSeries, rmseRecord, runRecipe, type FeatureSource, type SequenceRecipe, type SeriesSong } from '../train/sequence-model.ts';
import { MALIK2017, seedList, type MalikFeatures, type MalikRow, type ReproduceOptions } from './index.ts';
import type { ComparisonRow, ComparisonTable, ReproduceReport } from './table.ts';

const METRICS = ['valence', 'arousal', 'average'] as const;

/** The development and evaluation songs of one feature set, or why it cannot run. */
interface FeatureData {
  features: MalikFeatures;
  source: FeatureSource;
  development: SeriesSong[];
  evaluation: SeriesSong[];
}

/** Where one feature set's rows come from in this DEAM folder, or the reason it is absent. */
function sourceFor(features: MalikFeatures, root: string, songs: readonly Song[], cacheDir: string | undefined): FeatureSource | string {
  if (features === 'baseline') {
    const dir = resolveDeamLayout(root).featuresDir;
    return dir ? { kind: 'deam-csv', featuresDir: dir } : `no features/ folder under ${root} (DEAM's features.zip)`;
  }
  if (!songs.some((s) => s.audioPath)) return `no audio under ${root} (DEAM_audio.zip → MEMD_audio/<id>.mp3)`;
  return { kind: 'audio', set: MALIK2017.features.logmel.featureSet, cacheDir };
}

/** Loads one feature set's label frames for both sides of the split; notes what was skipped. */
async function loadFeatureData(features: MalikFeatures, source: FeatureSource, dev: readonly Song[], evaluation: readonly Song[], notes: string[], log: (l: string) => void): Promise<FeatureData | null> {
  const songs = [...dev, ...evaluation];
  const every = Math.max(25, Math.ceil(songs.length / 10));
  log(`${features}: reading ${describeSource(source)} for ${songs.length} songs`);
  const loaded = await loadSeries(songs, source, [{ kind: 'label-frames', stats: 'mean' }], (done, total) => {
    if (done % every === 0 && done < total) log(`${features}: ${done}/${total} songs`);
  });
  const series = loaded.series[0];
  const devIds = new Set(dev.map((s) => s.id));
  const data: FeatureData = { features, source, development: series.filter((s) => devIds.has(s.id)), evaluation: series.filter((s) => !devIds.has(s.id)) };
  if (loaded.skipped.length > 0) {
    const shown = loaded.skipped.slice(0, 3).map((s) => `${s.id}: ${s.reason}`).join('; ');
    notes.push(`${features}: ${loaded.skipped.length} song(s) skipped (${shown}${loaded.skipped.length > 3 ? '; …' : ''})`);
  }
  if (loaded.droppedLabels > 0) notes.push(`${features}: ${loaded.droppedLabels} label(s) past the end of their song's features were not scored`);
  if (data.development.length === 0 || data.evaluation.length === 0) {
    notes.push(`${features}: not run, ${data.development.length} development and ${data.evaluation.length} evaluation songs have features`);
    return null;
  }
  log(`${features}: ${data.development.length} development clips, ${data.evaluation.length} evaluation songs`);
  return data;
}

/** The recipe of one configuration, with the protocol's training settings and any epoch override. */
function recipeFor(architecture: string, features: MalikFeatures, frames: number, o: ReproduceOptions): SequenceRecipe {
  return {
    architecture,
    options: { ...MALIK2017.features[features].architectureOptions },
    frames,
    ...MALIK2017.training,
    epochs: o.epochs ?? MALIK2017.training.epochs,
    members: 1,
    backend: o.backend,
  };
}

/** Per-seed RMSE records of one configuration: `evaluation.valence`, …, `development.average`. */
async function runSeeds(recipe: SequenceRecipe, data: FeatureData, seeds: readonly number[], label: string, report: ReproduceReport, table: string, log: (l: string) => void): Promise<Record<string, number>[]> {
  const records: Record<string, number>[] = [];
  for (const seed of seeds) {
    const run = await runRecipe(recipe, data.development, { evaluation: data.evaluation, development: data.development }, seed);
    const ev = rmseRecord(run.ensemble.evaluation);
    const dev = rmseRecord(run.ensemble.development);
    const metrics: Record<string, number> = {};
    for (const m of METRICS) {
      metrics[`evaluation.${m}`] = ev[m];
      metrics[`development.${m}`] = dev[m];
    }
    records.push(metrics);
    report.runs.push({ table, row: label, seed, metrics, seconds: run.seconds });
    log(`${label}, seed ${seed}: evaluation RMSE valence ${ev.valence.toFixed(3)} arousal ${ev.arousal.toFixed(3)}; development ${dev.average.toFixed(3)} (${run.epochsTrained[0]} epochs, ${run.parameters} parameters, ${run.seconds.toFixed(1)} s)`);
  }
  return records;
}

/** A table row from the paper's row and our per-seed records on one side (evaluation/development). */
function row(label: string, paper: MalikRow | undefined, records: Record<string, number>[] | undefined, side: 'evaluation' | 'development', note?: string): ComparisonRow {
  const agg = records && records.length > 0 ? aggregateRuns(records) : undefined;
  return {
    label,
    paper: { valence: paper?.valence, arousal: paper?.arousal, average: paper?.average },
    ours: Object.fromEntries(METRICS.map((m) => [m, agg?.[`${side}.${m}`]])),
    paperRuns: paper ? MALIK2017.seeds.length : undefined,
    note,
  };
}

/** What the user changed against the paper's protocol, one line each. */
function deviations(o: ReproduceOptions, lengths: readonly number[], seeds: readonly number[]): string[] {
  const out: string[] = [];
  if (seeds.length !== MALIK2017.seeds.length) out.push(`${seeds.length} seed(s) instead of ${MALIK2017.seeds.length}`);
  if (o.epochs !== undefined && o.epochs !== MALIK2017.training.epochs) out.push(`at most ${o.epochs} epoch(s) instead of ${MALIK2017.training.epochs}`);
  const paperLengths = MALIK2017.lengths as readonly number[];
  if (lengths.length !== paperLengths.length || lengths.some((l) => !paperLengths.includes(l))) out.push(`sequence lengths ${lengths.join(', ')} instead of ${paperLengths.join(', ')}`);
  if (o.features && o.features.length < 2) out.push(`features: ${o.features.join(', ')} only`);
  return out;
}

/** Runs the protocol on the DEAM folder `o.dataPath` and returns the paper-vs-ours report. */
export async function runMalik2017(o: ReproduceOptions): Promise<ReproduceReport> {
  const log = o.log ?? (() => {});
  if (!existsSync(o.dataPath) || !statSync(o.dataPath).isDirectory()) throw new Error(`${o.dataPath}: no such folder (expected the DEAM root)`);
  const seeds = seedList(MALIK2017.seeds, o.seeds);
  const lengths = o.lengths ?? [...MALIK2017.lengths];
  const wanted: MalikFeatures[] = o.features ?? ['baseline', 'logmel'];
  const songs = loadDeam(o.dataPath, o.developmentIds ? { developmentIds: o.developmentIds } : {});
  const split = splitMediaEval2015(songs.filter((s) => s.dynamic));
  if (split.development.length === 0 || split.evaluation.length === 0) {
    throw new Error(`${o.dataPath}: DEAM needs dynamic annotations (arousal.csv, valence.csv) for development clips (ids ≤ 2000) and evaluation songs (ids 2001–2058); found ${split.development.length} and ${split.evaluation.length}`);
  }
  const report: ReproduceReport = {
    paper: 'malik2017',
    citation: MALIK2017.citation,
    dataset: MALIK2017.dataset,
    data: o.dataPath,
    protocol: {
      'development clips': split.development.length,
      'evaluation songs': split.evaluation.length,
      features: wanted,
      'sequence lengths': lengths,
      seeds,
      architecture: `${MALIK2017.architecture} (Table 1), ${MALIK2017.architectureNb} (Table 2)`,
      training: `Adam lr ${MALIK2017.training.learningRate}, ${MALIK2017.training.loss} loss, batch ${MALIK2017.training.batchSize}, up to ${o.epochs ?? MALIK2017.training.epochs} epochs`,
      backend: o.backend ?? 'wasm',
    },
    deviations: deviations(o, lengths, seeds),
    choices: [...MALIK2017.choices],
    notes: [],
    tables: [],
    runs: [],
  };
  if (!o.developmentIds) report.notes.push(`all ${split.development.length} development clips with dynamic labels were used (pass --development-ids for the paper's 431)`);

  const loaded: FeatureData[] = [];
  for (const f of wanted) {
    const source = sourceFor(f, o.dataPath, songs, o.cacheDir);
    if (typeof source === 'string') {
      report.notes.push(`${f}: not run, ${source}`);
      continue;
    }
    const data = await loadFeatureData(f, source, split.development, split.evaluation, report.notes, log);
    if (data) loaded.push(data);
  }
  if (loaded.length === 0) throw new Error(`${o.dataPath}: nothing to run — ${report.notes.filter((n) => n.includes('not run')).join('; ')}`);

  // Table 1(a)/(b): CRNN by sequence length, in the paper's row order (longest first).
  const ordered = [...lengths].sort((a, b) => b - a);
  for (const data of loaded) {
    const paper = data.features === 'baseline' ? MALIK2017.table1a : MALIK2017.table1b;
    const tag = data.features === 'baseline' ? 'table1a' : 'table1b';
    const byLength = new Map<number, Record<string, number>[]>();
    for (const L of ordered) {
      byLength.set(L, await runSeeds(recipeFor(MALIK2017.architecture, data.features, L, o), data, seeds, `${data.features} L=${L}`, report, tag, log));
    }
    for (const side of ['evaluation', 'development'] as const) {
      report.tables.push({
        id: `${tag}-${side}`,
        title: `Table 1(${tag.slice(-1)}): CRNN, ${MALIK2017.features[data.features].label} — ${side} RMSE`,
        rowHeader: 'seq. length',
        metrics: [...METRICS],
        digits: 3,
        rows: ordered.map((L) => row(String(L), (paper[side] as Record<number, MalikRow>)[L], byLength.get(L), side)),
      });
    }
  }

  // Table 2: CRNN_NB on the baseline features at the longest length run.
  const baseline = loaded.find((d) => d.features === 'baseline');
  const nbLength = ordered[0];
  const nbRecords = baseline ? await runSeeds(recipeFor(MALIK2017.architectureNb, 'baseline', nbLength, o), baseline, seeds, `crnn-nb L=${nbLength}`, report, 'table2', log) : undefined;
  if (!baseline) report.notes.push('Table 2 (CRNN_NB): not run, it needs the baseline features');
  const table2: ComparisonTable = {
    id: 'table2',
    title: `Table 2: evaluation RMSE, baseline features (CRNN_NB at sequence length ${nbLength})`,
    rowHeader: 'method',
    metrics: [...METRICS],
    digits: 3,
    rows: [
      { ...row('Li et al. [25]', MALIK2017.table2.li, undefined, 'evaluation', 'BLSTM ensemble, not re-implemented'), paperRuns: undefined },
      row('CRNN_NB', MALIK2017.table2.crnnNb, nbRecords, 'evaluation'),
    ],
  };
  report.tables.push(table2);
  return report;
}
