/** What every architecture in the registry provides. */
import type { tf } from './backend.ts';

/** Hyper-parameters: plain JSON values so they can be searched, saved and printed. */
export type Options = Record<string, number | string | boolean>;

export interface InputShape {
  /** Time steps per example (feature frames). */
  frames: number;
  /** Feature dimensions per frame. */
  dims: number;
}

export interface Architecture<O extends Options = Options> {
  name: string;
  description: string;
  /** Where it comes from (seed document and section), for the model card. */
  source: string;
  /** Default hyper-parameters; every key can be overridden (CLI `--set key=value`, search). */
  defaults: O;
  /** Feature set it was designed for (overridable). */
  featureSet: string;
  /** Frames per example by default (e.g. 60 steps of 0.5 s). */
  defaultFrames: number;
  /**
   * `sequence`: one (valence, arousal) per input frame, shape [batch, frames, 2];
   * `window`: one per example, shape [batch, 2].
   */
  output: 'sequence' | 'window';
  build(options: O, input: InputShape, seed: number): tf.LayersModel;
}
