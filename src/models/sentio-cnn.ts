/**
 * `sentio-cnn`: a deeper CNN on frame-level log-mel windows, our candidate for the default
 * model (issue 4 asks to try one beside the seed architectures). Mel bands are channels of
 * a 1-D convolution over time, which costs a fraction of a 2-D CNN on two cores; each block
 * is conv → BN → ReLU → conv → BN → ReLU → max-pool(2) → dropout, and the last feature map is
 * summarised by global average and max pooling (so any window length works at inference)
 * before a small dense head to (valence, arousal) in [-1, 1].
 */
import { tf } from './backend.ts';
import { batchNorm, SeedSequence } from './layers.ts';
import type { Architecture, InputShape } from './types.ts';

export interface SentioCnnOptions {
  [key: string]: number | string | boolean;
  /** Filters per block, comma-separated. */
  filters: string;
  kernelSize: number;
  dropout: number;
  dense: number;
  denseDropout: number;
  l2: number;
}

export const sentioCnnDefaults: SentioCnnOptions = { filters: '64,96,128', kernelSize: 3, dropout: 0.2, dense: 64, denseDropout: 0.4, l2: 1e-4 };

export function parseFilters(filters: string): number[] {
  const out = String(filters).split(/[,\s]+/).filter(Boolean).map(Number);
  if (!out.length || out.some((f) => !Number.isInteger(f) || f <= 0)) throw new RangeError(`filters must be positive integers like "64,96,128", got "${filters}"`);
  return out;
}

function build(o: SentioCnnOptions, input: InputShape, seed: number): tf.LayersModel {
  const s = new SeedSequence(seed);
  const reg = () => (o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined);
  const x = tf.input({ shape: [input.frames, input.dims] });
  let h: tf.SymbolicTensor = x;
  const apply = (layer: tf.layers.Layer) => (h = layer.apply(h) as tf.SymbolicTensor);
  for (const f of parseFilters(o.filters)) {
    for (let i = 0; i < 2; i++) {
      apply(tf.layers.conv1d({ filters: f, kernelSize: o.kernelSize, padding: 'same', useBias: false, kernelInitializer: s.heNormal(), kernelRegularizer: reg() }));
      apply(batchNorm());
      apply(tf.layers.activation({ activation: 'relu' }));
    }
    apply(tf.layers.maxPooling1d({ poolSize: 2 }));
    apply(tf.layers.dropout({ rate: o.dropout }));
  }
  const avg = tf.layers.globalAveragePooling1d().apply(h) as tf.SymbolicTensor;
  const max = tf.layers.globalMaxPooling1d().apply(h) as tf.SymbolicTensor;
  h = tf.layers.concatenate().apply([avg, max]) as tf.SymbolicTensor;
  apply(tf.layers.dense({ units: o.dense, activation: 'relu', kernelInitializer: s.heNormal(), kernelRegularizer: reg() }));
  apply(tf.layers.dropout({ rate: o.denseDropout }));
  apply(tf.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: s.glorot() }));
  return tf.model({ inputs: x, outputs: h });
}

export const sentioCnn: Architecture<SentioCnnOptions> = {
  name: 'sentio-cnn',
  description: 'Conv1D blocks over log-mel frames (bands as channels) → global avg+max pooling → dense → (valence, arousal)',
  source: 'Sentio (issue 4: a deeper CNN on frame-level log-mel)',
  defaults: sentioCnnDefaults,
  featureSet: 'logmel',
  defaultFrames: 128,
  output: 'window',
  build,
};
