/**
 * The protocols of the two source papers that `sentio reproduce` re-runs, as data: dataset
 * and split, features, sequence lengths, seeds, hyper-parameters, and the numbers each
 * paper reports (transcribed from the seed texts in ../shared/seeds; a test checks the
 * transcription against them). The runners are malik2017.ts and havranek2021.ts.
 *
 * Where a paper is silent we choose, and say so in `choices` (printed with every run).
 */
import type { BackendName } from '../models/backend.ts';
import type { SequenceRecipe } from '../train/sequence-model.ts';

/** A value as a paper prints it: mean, and the ± std when it gives one. */
export interface PaperValue {
  mean: number;
  std?: number;
}

const pv = (mean: number, std?: number): PaperValue => (std === undefined ? { mean } : { mean, std });

/** RMSE triple of one row of Malik et al.'s tables. */
export interface MalikRow {
  valence: PaperValue;
  arousal: PaperValue;
  average: PaperValue;
}

/** Training settings shared by the networks of a protocol (the recipe fields it fixes). */
export type TrainingSettings = Pick<SequenceRecipe, 'epochs' | 'batchSize' | 'learningRate' | 'loss' | 'validationFraction' | 'patience'>;

/** Seeds 1..n, or the paper's own seeds when `n` is not given. */
export const seedList = (paperSeeds: readonly number[], n: number | undefined): number[] => (n === undefined ? [...paperSeeds] : Array.from({ length: n }, (_, i) => i + 1));

// ---------------------------------------------------------------------------------------
// Malik et al. 2017 (seed 000)
// ---------------------------------------------------------------------------------------

export type MalikFeatures = 'baseline' | 'logmel';

export const MALIK2017 = {
  name: 'malik2017',
  citation:
    'Malik, Adavanne, Drossos, Virtanen, Ticha & Jarina (2017), "Stacked Convolutional and Recurrent Neural Networks for Music Emotion Recognition" (seed 000)',
  dataset:
    'DEAM (MediaEval 2015 Emotion in Music, dynamic task): development = the 45 s clips (ids ≤ 2000; the paper\'s 431 with --development-ids), 60 labels each (15.0–44.5 s); evaluation = the 58 full songs (ids 2001–2058)',
  /** §3.5: the sequence length 60 (one clip) and its factors. Rows in the paper's order. */
  lengths: [60, 30, 20, 10],
  /** §4: "five separate runs ... with different initialization of network weights". */
  seeds: [1, 2, 3, 4, 5],
  /** §3.2.1 baseline (DEAM's 260 openSMILE features) and §3.2.2 raw log mel-band energies. */
  features: {
    baseline: { label: 'baseline features (DEAM features/<id>.csv, 260 per 0.5 s)', architectureOptions: { dropout: 0.25 } },
    // §3.5: same network, only dropout raised to 0.75 (0.25 overfitted the log-mel input).
    logmel: { label: "log mel-band energies ('malik-logmel', 40 per 0.5 s, from MEMD_audio)", featureSet: 'malik-logmel', architectureOptions: { dropout: 0.75 } },
  } satisfies Record<MalikFeatures, { label: string; featureSet?: string; architectureOptions: Record<string, number> }>,
  /** §3.5: one conv (8), FC (8), BiGRU (8), dropout 0.25, L1 0.1, L2 0.001: the `crnn` registry defaults. */
  architecture: 'crnn',
  architectureNb: 'crnn-nb',
  training: {
    // The paper gives no epoch count; it picked configurations by development RMSE. We
    // train up to 100 epochs and stop on a held-out 10 % of the development songs.
    epochs: 100,
    batchSize: 32,
    // Adam "with the default parameters" (Keras: lr 0.001), RMSE as the loss.
    learningRate: 0.001,
    loss: 'rmse',
    validationFraction: 0.1,
    patience: 10,
  } satisfies TrainingSettings,
  choices: [
    'epochs: the paper gives none; up to 100, early stopping (patience 10) on a seeded 10 % of the development songs, best epoch kept',
    'development RMSE: scored on all development songs (the paper\'s "Development" columns are the fit on the training data)',
    'evaluation RMSE: one RMSE over every labelled 0.5 s frame of the evaluation songs (Eq. 1), no clipping of the outputs',
    'CRNN_NB (Table 2): baseline features at the longest sequence length run (60 by default), where §3.5 tuned the configuration',
    'inputs standardised per feature with statistics of the training songs',
    'the 431-clip development subset is not marked in DEAM: without --development-ids every 45 s clip with dynamic labels is used',
  ],
  /** Table 1(a): CRNN, baseline features, RMSE (mean ± std of 5 runs) by sequence length. */
  table1a: {
    evaluation: {
      60: { valence: pv(0.275, 0.004), arousal: pv(0.21, 0.004), average: pv(0.242, 0.002) },
      30: { valence: pv(0.268, 0.004), arousal: pv(0.205, 0.004), average: pv(0.236, 0.001) },
      20: { valence: pv(0.268, 0.003), arousal: pv(0.202, 0.007), average: pv(0.235, 0.002) },
      10: { valence: pv(0.267, 0.003), arousal: pv(0.203, 0.006), average: pv(0.235, 0.003) },
    },
    development: {
      60: { valence: pv(0.065, 0.002), arousal: pv(0.055, 0.001), average: pv(0.06, 0.001) },
      30: { valence: pv(0.06, 0.001), arousal: pv(0.053, 0.002), average: pv(0.057, 0.001) },
      20: { valence: pv(0.059, 0.001), arousal: pv(0.05, 0.001), average: pv(0.055, 0.001) },
      10: { valence: pv(0.059, 0.002), arousal: pv(0.052, 0.001), average: pv(0.055, 0.001) },
    },
  } satisfies Record<'evaluation' | 'development', Record<number, MalikRow>>,
  /** Table 1(b): CRNN, log mel-band energies. */
  table1b: {
    evaluation: {
      60: { valence: pv(0.276, 0.006), arousal: pv(0.252, 0.009), average: pv(0.264, 0.001) },
      30: { valence: pv(0.27, 0.003), arousal: pv(0.25, 0.004), average: pv(0.26, 0.001) },
      20: { valence: pv(0.27, 0.003), arousal: pv(0.248, 0.004), average: pv(0.259, 0.002) },
      10: { valence: pv(0.273, 0.008), arousal: pv(0.244, 0.006), average: pv(0.258, 0.002) },
    },
    development: {
      60: { valence: pv(0.083, 0.002), arousal: pv(0.073, 0.002), average: pv(0.078, 0.001) },
      30: { valence: pv(0.079, 0.001), arousal: pv(0.07, 0.001), average: pv(0.074, 0.001) },
      20: { valence: pv(0.079, 0.001), arousal: pv(0.069, 0.001), average: pv(0.074, 0) },
      10: { valence: pv(0.078, 0), arousal: pv(0.067, 0.001), average: pv(0.072, 0) },
    },
  } satisfies Record<'evaluation' | 'development', Record<number, MalikRow>>,
  /** Table 2: evaluation RMSE of Li et al. (not re-implemented here) and of CRNN_NB. */
  table2: {
    li: { valence: pv(0.285), arousal: pv(0.225), average: pv(0.255) },
    crnnNb: { valence: pv(0.279, 0.004), arousal: pv(0.231, 0.003), average: pv(0.255, 0.002) },
  } satisfies Record<string, MalikRow>,
} as const;

// ---------------------------------------------------------------------------------------
// Havránek 2021 (seed 003)
// ---------------------------------------------------------------------------------------

/** One row of Havránek's Table 2: evaluation RMSE and the number of runs behind it. */
export interface HavranekRow {
  arousal: PaperValue;
  valence: PaperValue;
  n: number;
}

export const HAVRANEK2021 = {
  name: 'havranek2021',
  citation: 'Havránek (2021), "Real-Time Music Emotion Recognition" (seed 003)',
  dataset:
    '1000 Songs for Emotional Analysis of Music (744 songs after de-duplication): the MediaEval 2013 split of songs_info.csv, 619 development / 125 evaluation songs, labels every 0.5 s from 15 s',
  /** §3: pyAudioAnalysis' 68 short-term features, 50 ms windows and steps. */
  featureSet: 'pyaa68',
  /** §2: the 619 development songs split 495/124 for tuning, stratified by genre; the SVR trains on the 495. */
  validationFraction: 124 / 619,
  seeds: [1, 2, 3, 4, 5],
  /** Table 1: GRU hidden 30, sequence 60 feature windows, dropout 0.25, batch 32; §5.2: Adam 1e-3, weight decay 1e-3, MSE, 5 epochs. */
  architecture: 'gru-parallel',
  architectureOptions: { hidden: 30, dropout: 0.25, weightDecay: 0.001 },
  sequenceFrames: 60,
  /** §5.3: the final ensemble averages 5 networks. */
  members: 5,
  training: { epochs: 5, batchSize: 32, learningRate: 0.001, loss: 'mse', validationFraction: 0, patience: 0 } satisfies TrainingSettings,
  /** §4: RBF kernel, C = 0.1, on each fragment's per-feature mean and std. */
  svr: { C: 0.1 },
  choices: [
    'each network reads the 60 pyaa68 rows (3 s) ending where its 0.5 s label fragment ends, and predicts that label',
    'inputs standardised per feature with statistics of the training songs; FC sizes 32 and 16 (not given in the paper)',
    'networks train on all 619 development songs for 5 epochs (§6); the SVR on the genre-stratified 495 (§6), the expected value on all 619',
    '"single parallel NN" pools every member of every run (seeds × members networks); "ensemble" is one value per seed',
    'RMSE over every labelled 0.5 s fragment of the evaluation songs that has audio (the value at 45.0 s has none)',
  ],
  /** Table 2: RMSE on the evaluation set (mean ± std over N runs). */
  table2: {
    expected: { arousal: pv(0.287), valence: pv(0.2315), n: 1 },
    svr: { arousal: pv(0.2211), valence: pv(0.2153), n: 1 },
    single: { arousal: pv(0.2179, 0.007), valence: pv(0.2143, 0.0055), n: 10 },
    ensemble: { arousal: pv(0.2085, 0.0019), valence: pv(0.208, 0.0014), n: 5 },
  } satisfies Record<string, HavranekRow>,
} as const;

// ---------------------------------------------------------------------------------------
// Running a protocol
// ---------------------------------------------------------------------------------------

export type PaperName = 'malik2017' | 'havranek2021';
export const PAPERS: readonly PaperName[] = ['malik2017', 'havranek2021'];
export const isPaperName = (name: string): name is PaperName => (PAPERS as readonly string[]).includes(name);

/**
 * What a user may change. Every override but `backend` and `cacheDir` leaves the paper's
 * protocol, and the report says so: such numbers are a smoke test, not a reproduction.
 */
export interface ReproduceOptions {
  /** Dataset root (DEAM for malik2017, the 1000 Songs database for havranek2021). */
  dataPath: string;
  /** Number of runs (seeds 1..N). Default: the paper's 5. */
  seeds?: number;
  /** Epochs per network. Default: the protocol's. */
  epochs?: number;
  /** Malik: sequence lengths to run. Default 60, 30, 20, 10. */
  lengths?: number[];
  /** Malik: feature sets to run. Default both (each needs its part of DEAM). */
  features?: MalikFeatures[];
  /** Malik: ids of the MediaEval 2015 development clips (the paper's 431). */
  developmentIds?: string[];
  /** Havránek: networks per ensemble. Default 5. */
  members?: number;
  /** Havránek: folder of the `<id>.mp3` clips. Default `<dataPath>/clips`. */
  audioDir?: string;
  backend?: BackendName;
  /** Feature cache folder for features computed from audio. */
  cacheDir?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}
