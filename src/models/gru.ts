/**
 * `gru-parallel` and `gru-forked`: Havránek 2021 (seed 003). A GRU (hidden 30) over 60
 * steps of 50 ms `pyaa68` features, its last output through dropout (0.25) and three FC
 * layers (ReLU, tanh output). Parallel: two separate networks, one per dimension. Forked:
 * one shared GRU, two FC heads. Trained with Adam 1e-3 and weight decay 1e-3, which is
 * PyTorch's coupled L2 penalty: we add it as an L2 regulariser of wd/2 on every weight,
 * whose gradient is wd·w, exactly what torch.optim.Adam(weight_decay=wd) adds.
 * Ensembles of N members are formed at the model-folder level (mean of outputs).
 */
import { tf } from './backend.ts';
import { SeedSequence } from './layers.ts';
import type { Architecture, InputShape } from './types.ts';

export interface GruOptions {
  [key: string]: number | string | boolean;
  hidden: number;
  fc1: number;
  fc2: number;
  dropout: number;
  weightDecay: number;
}

export const gruDefaults: GruOptions = { hidden: 30, fc1: 32, fc2: 16, dropout: 0.25, weightDecay: 0.001 };

function head(h: tf.SymbolicTensor, o: GruOptions, s: SeedSequence, outputs: number): tf.SymbolicTensor {
  const reg = () => (o.weightDecay > 0 ? tf.regularizers.l2({ l2: o.weightDecay / 2 }) : undefined);
  let y = tf.layers.dropout({ rate: o.dropout }).apply(h) as tf.SymbolicTensor;
  y = tf.layers.dense({ units: o.fc1, activation: 'relu', kernelRegularizer: reg(), kernelInitializer: s.heNormal() }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.dense({ units: o.fc2, activation: 'relu', kernelRegularizer: reg(), kernelInitializer: s.heNormal() }).apply(y) as tf.SymbolicTensor;
  return tf.layers.dense({ units: outputs, activation: 'tanh', kernelRegularizer: reg(), kernelInitializer: s.glorot() }).apply(y) as tf.SymbolicTensor;
}

function gru(x: tf.SymbolicTensor, o: GruOptions, s: SeedSequence): tf.SymbolicTensor {
  const reg = () => (o.weightDecay > 0 ? tf.regularizers.l2({ l2: o.weightDecay / 2 }) : undefined);
  return tf.layers
    .gru({ units: o.hidden, returnSequences: false, kernelInitializer: s.glorot(), recurrentInitializer: s.glorot(), kernelRegularizer: reg(), recurrentRegularizer: reg() })
    .apply(x) as tf.SymbolicTensor;
}

function build(o: GruOptions, input: InputShape, seed: number, forked: boolean): tf.LayersModel {
  const s = new SeedSequence(seed);
  const x = tf.input({ shape: [input.frames, input.dims] });
  let valence: tf.SymbolicTensor;
  let arousal: tf.SymbolicTensor;
  if (forked) {
    const shared = gru(x, o, s);
    valence = head(shared, o, s, 1);
    arousal = head(shared, o, s, 1);
  } else {
    valence = head(gru(x, o, s), o, s, 1);
    arousal = head(gru(x, o, s), o, s, 1);
  }
  const y = tf.layers.concatenate({ axis: -1 }).apply([valence, arousal]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

const common = {
  source: 'seed 003 (Havránek 2021), table 1',
  defaults: gruDefaults,
  featureSet: 'pyaa68',
  defaultFrames: 60,
  output: 'window' as const,
};

export const gruParallel: Architecture<GruOptions> = {
  ...common,
  name: 'gru-parallel',
  description: 'Havránek 2021: separate GRU(30) → 3 FC networks for valence and arousal',
  build: (o, input, seed) => build(o, input, seed, false),
};

export const gruForked: Architecture<GruOptions> = {
  ...common,
  name: 'gru-forked',
  description: 'Havránek 2021: one shared GRU(30), two 3-layer FC heads',
  build: (o, input, seed) => build(o, input, seed, true),
};
