/**
 * `sentio-crnn`: the CRNN of seed 002 — two Conv1D blocks over time (64, 64 → pool →
 * 128, 128 → pool, batch norm, dropout), an LSTM stack (128 → 64), and a dense head
 * (64 → 32, L2 0.01, dropout) to valence and arousal (tanh). Options from seed 001's
 * review: bidirectional recurrent layers and multi-head self-attention on the recurrent
 * output (pooled over time before the head).
 */
import { tf } from './backend.ts';
import { batchNorm, SeedSequence, SelfAttention } from './layers.ts';
import type { Architecture, InputShape } from './types.ts';

export interface SentioCrnnOptions {
  [key: string]: number | string | boolean;
  filters1: number;
  filters2: number;
  lstm1: number;
  lstm2: number;
  dense1: number;
  dense2: number;
  dropoutConv1: number;
  dropoutConv2: number;
  dropoutRnn: number;
  dropoutDense: number;
  l2: number;
  bidirectional: boolean;
  /** Attention heads on the recurrent output; 0 = no attention. */
  attentionHeads: number;
}

export const sentioCrnnDefaults: SentioCrnnOptions = {
  filters1: 64,
  filters2: 128,
  lstm1: 128,
  lstm2: 64,
  dense1: 64,
  dense2: 32,
  dropoutConv1: 0.2,
  dropoutConv2: 0.3,
  dropoutRnn: 0.3,
  dropoutDense: 0.3,
  l2: 0.01,
  bidirectional: false,
  attentionHeads: 0,
};

function build(o: SentioCrnnOptions, input: InputShape, seed: number): tf.LayersModel {
  const s = new SeedSequence(seed);
  const x = tf.input({ shape: [input.frames, input.dims] });
  let h: tf.SymbolicTensor = x;
  const conv = (filters: number) =>
    (h = tf.layers.conv1d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: s.heNormal() }).apply(h) as tf.SymbolicTensor);
  const bn = () => (h = batchNorm().apply(h) as tf.SymbolicTensor);
  const pool = () => (h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor);
  const drop = (rate: number) => (h = tf.layers.dropout({ rate }).apply(h) as tf.SymbolicTensor);
  conv(o.filters1); bn(); conv(o.filters1); bn(); pool(); drop(o.dropoutConv1);
  conv(o.filters2); bn(); conv(o.filters2); pool(); drop(o.dropoutConv2);
  const rnn = (units: number, returnSequences: boolean) => {
    const cell = tf.layers.lstm({ units, returnSequences, dropout: o.dropoutRnn, kernelInitializer: s.glorot(), recurrentInitializer: s.glorot() });
    const layer = o.bidirectional ? tf.layers.bidirectional({ layer: cell as tf.RNN, mergeMode: 'concat' }) : cell;
    h = layer.apply(h) as tf.SymbolicTensor;
  };
  const attention = o.attentionHeads > 0;
  rnn(o.lstm1, true);
  rnn(o.lstm2, attention);
  if (attention) {
    const d = (o.bidirectional ? 2 : 1) * o.lstm2;
    h = new SelfAttention({ heads: o.attentionHeads, keyDim: Math.max(8, Math.floor(d / o.attentionHeads)), seed: s.seed() }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.globalAveragePooling1d().apply(h) as tf.SymbolicTensor;
  }
  const l2 = () => tf.regularizers.l2({ l2: o.l2 });
  h = tf.layers.dense({ units: o.dense1, activation: 'relu', kernelRegularizer: l2(), kernelInitializer: s.heNormal() }).apply(h) as tf.SymbolicTensor;
  drop(o.dropoutDense);
  h = tf.layers.dense({ units: o.dense2, activation: 'relu', kernelRegularizer: l2(), kernelInitializer: s.heNormal() }).apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: s.glorot() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

export const sentioCrnn: Architecture<SentioCrnnOptions> = {
  name: 'sentio-crnn',
  description: 'Seed 002 CRNN: Conv1D 64,64 → pool → 128,128 → pool → LSTM 128 → 64 → dense 64 → 32 → (valence, arousal)',
  source: 'seed 002 (architecture), seed 001 (bidirectional, attention)',
  defaults: sentioCrnnDefaults,
  featureSet: 'logmel',
  defaultFrames: 128,
  output: 'window',
  build,
};
