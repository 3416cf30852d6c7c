/**
 * `sentio-mlp`: the default model's network — a small MLP over window statistics of the
 * `sentio-frames` descriptors (mean, standard deviation and mean absolute frame-to-frame
 * change of each, over a few seconds of context). Gaussian input noise and dropout keep it
 * from memorising 720 clips; ensembles of several seeds are averaged at the model-folder level.
 */
import { tf } from './backend.ts';
import { SeedSequence } from './layers.ts';
import type { Architecture, InputShape } from './types.ts';

export interface SentioMlpOptions {
  [key: string]: number | string | boolean;
  hidden1: number;
  hidden2: number;
  dropout: number;
  inputNoise: number;
  l2: number;
}

export const sentioMlpDefaults: SentioMlpOptions = { hidden1: 256, hidden2: 64, dropout: 0.5, inputNoise: 0.3, l2: 1e-4 };

function build(o: SentioMlpOptions, input: InputShape, seed: number): tf.LayersModel {
  const s = new SeedSequence(seed);
  const reg = () => (o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined);
  const x = tf.input({ shape: [input.frames, input.dims] });
  let h = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  if (o.inputNoise > 0) h = tf.layers.gaussianNoise({ stddev: o.inputNoise }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: o.hidden1, activation: 'relu', kernelInitializer: s.heNormal(), kernelRegularizer: reg() }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: o.dropout }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: o.hidden2, activation: 'relu', kernelInitializer: s.heNormal(), kernelRegularizer: reg() }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: o.dropout * 0.6 }).apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: s.glorot() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

export const sentioMlp: Architecture<SentioMlpOptions> = {
  name: 'sentio-mlp',
  description: 'MLP over window statistics of sentio-frames (mean, std, mean |Δ|) → (valence, arousal)',
  source: 'Sentio default model (issue 4)',
  defaults: sentioMlpDefaults,
  featureSet: 'sentio-frames',
  defaultFrames: 1,
  output: 'window',
  build,
};
