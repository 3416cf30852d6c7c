/**
 * What a hyper-parameter search can optimise. Kept apart from search.ts (which pulls in
 * training and tfjs) so the command line can list the choices without loading them.
 */

/** The cross-validation metrics of a trial, as `flatMetrics` names them. */
export const TRIAL_METRICS = ['macroF1', 'accuracy', 'arousalHalf', 'valenceHalf', 'valenceRmse', 'arousalRmse', 'valenceR', 'arousalR'] as const;
export type TrialMetric = (typeof TRIAL_METRICS)[number];

/** What `--metric` can optimise: a trial metric, or the mean RMSE / r of valence and arousal. */
export const OBJECTIVES: Record<string, { direction: 'max' | 'min'; value: (means: Record<TrialMetric, number>) => number }> = {
  macroF1: { direction: 'max', value: (m) => m.macroF1 },
  accuracy: { direction: 'max', value: (m) => m.accuracy },
  arousalHalf: { direction: 'max', value: (m) => m.arousalHalf },
  valenceHalf: { direction: 'max', value: (m) => m.valenceHalf },
  valenceRmse: { direction: 'min', value: (m) => m.valenceRmse },
  arousalRmse: { direction: 'min', value: (m) => m.arousalRmse },
  rmse: { direction: 'min', value: (m) => (m.valenceRmse + m.arousalRmse) / 2 },
  valenceR: { direction: 'max', value: (m) => m.valenceR },
  arousalR: { direction: 'max', value: (m) => m.arousalR },
  r: { direction: 'max', value: (m) => (m.valenceR + m.arousalR) / 2 },
};

