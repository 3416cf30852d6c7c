/**
 * `crnn` and `crnn-nb`: the stacked convolutional and recurrent network of Malik et al.
 * 2017 (seed 000, Fig. 1 / Fig. 2 and §3.5). One 2-D conv layer (8 filters, 3×3, batch
 * norm, ReLU, dropout, ElasticNet on weights and activity) over the [time × features]
 * image, then per branch a time-distributed linear FC (8), a bidirectional GRU (8, tanh,
 * forward/backward concatenated, dropout) and a time-distributed maxout output.
 * `crnn` has two branches (arousal, valence; output order is valence, arousal);
 * `crnn-nb` one branch predicting both.
 */
import { tf } from './backend.ts';
import { ActivityElasticNet, batchNorm, Maxout, SeedSequence } from './layers.ts';
import type { Architecture, InputShape } from './types.ts';

export interface CrnnOptions {
  [key: string]: number | string | boolean;
  convFilters: number;
  /** Conv kernel size along time and feature axes. */
  kernelSize: number;
  fcUnits: number;
  gruUnits: number;
  /** Dropout for the CNN and the GRU (0.25 with baseline features, 0.75 with log-mel). */
  dropout: number;
  l1: number;
  l2: number;
  maxoutPieces: number;
}

export const crnnDefaults: CrnnOptions = {
  convFilters: 8,
  kernelSize: 3,
  fcUnits: 8,
  gruUnits: 8,
  dropout: 0.25,
  l1: 0.1,
  l2: 0.001,
  maxoutPieces: 2,
};

function buildCrnn(o: CrnnOptions, input: InputShape, seed: number, branches: 1 | 2): tf.LayersModel {
  const seeds = new SeedSequence(seed);
  const x = tf.input({ shape: [input.frames, input.dims] });
  const elastic = () => tf.regularizers.l1l2({ l1: o.l1, l2: o.l2 });
  let h = tf.layers.reshape({ targetShape: [input.frames, input.dims, 1] }).apply(x) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({
      filters: o.convFilters,
      kernelSize: o.kernelSize,
      padding: 'same',
      kernelInitializer: seeds.glorot(),
      kernelRegularizer: elastic(),
    })
    .apply(h) as tf.SymbolicTensor;
  // ElasticNet on the CNN's activity, applied by the trainer (tfjs has no activityRegularizer).
  h = new ActivityElasticNet({ l1: o.l1, l2: o.l2 }).apply(h) as tf.SymbolicTensor;
  h = batchNorm().apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: o.dropout }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [input.frames, input.dims * o.convFilters] }).apply(h) as tf.SymbolicTensor;
  const branch = (outputs: number): tf.SymbolicTensor => {
    // The paper's time-distributed FC: a Dense on [batch, frames, features] maps the last axis
    // of every frame with one shared kernel, exactly what TimeDistributed(Dense) does, but as
    // one matrix product — tfjs runs TimeDistributed as a per-step loop (Unpack was ~40 % of
    // a 60-frame batch).
    let b = tf.layers.dense({ units: o.fcUnits, activation: 'linear', kernelInitializer: seeds.glorot() }).apply(h) as tf.SymbolicTensor;
    b = tf.layers
      .bidirectional({
        layer: tf.layers.gru({
          units: o.gruUnits,
          returnSequences: true,
          activation: 'tanh',
          dropout: o.dropout,
          kernelInitializer: seeds.glorot(),
          recurrentInitializer: seeds.glorot(),
        }) as tf.RNN,
        mergeMode: 'concat',
      })
      .apply(b) as tf.SymbolicTensor;
    return new Maxout({ units: outputs, pieces: o.maxoutPieces, seed: seeds.seed() }).apply(b) as tf.SymbolicTensor;
  };
  let y: tf.SymbolicTensor;
  if (branches === 2) {
    const arousal = branch(1);
    const valence = branch(1);
    y = tf.layers.concatenate({ axis: -1 }).apply([valence, arousal]) as tf.SymbolicTensor;
  } else {
    y = branch(2);
  }
  return tf.model({ inputs: x, outputs: y });
}

export const crnn: Architecture<CrnnOptions> = {
  name: 'crnn',
  description: 'Malik et al. 2017 stacked CRNN: conv(8) → two branches of FC(8) → BiGRU(8) → maxout',
  source: 'seed 000, Fig. 1 and §3.5',
  defaults: crnnDefaults,
  featureSet: 'emobase260',
  defaultFrames: 10,
  output: 'sequence',
  build: (o, input, seed) => buildCrnn(o, input, seed, 2),
};

export const crnnNb: Architecture<CrnnOptions> = {
  name: 'crnn-nb',
  description: 'Malik et al. 2017 CRNN without branches: conv(8) → FC(8) → BiGRU(8) → maxout(2)',
  source: 'seed 000, Fig. 2',
  defaults: crnnDefaults,
  featureSet: 'emobase260',
  defaultFrames: 10,
  output: 'sequence',
  build: (o, input, seed) => buildCrnn(o, input, seed, 1),
};
