/** Training losses over [..., 2] (valence, arousal) targets. */
import { tf } from '../models/backend.ts';

export type LossName = 'mse' | 'rmse' | 'weighted-mse' | 'huber';
export const LOSSES: readonly LossName[] = ['mse', 'rmse', 'weighted-mse', 'huber'];

/**
 * `mse`; `rmse` (Malik et al.'s loss: square root of the batch MSE); `weighted-mse` with
 * per-dimension weights (valence, arousal), normalised to sum to 2 so it is on the MSE
 * scale; `huber` with δ = 0.5 (robust to a few wildly annotated songs).
 */
export function lossFunction(name: LossName, weights: [number, number] = [1, 1]): (y: tf.Tensor, pred: tf.Tensor) => tf.Scalar {
  switch (name) {
    case 'mse':
      return (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar;
    case 'rmse':
      return (y, p) => tf.sqrt(tf.losses.meanSquaredError(y, p).add(1e-8)) as tf.Scalar;
    case 'weighted-mse': {
      const s = (weights[0] + weights[1]) / 2;
      const w = tf.tensor1d([weights[0] / s, weights[1] / s]);
      return (y, p) => tf.mean(tf.mul(tf.squaredDifference(y, p), w)) as tf.Scalar;
    }
    case 'huber':
      return (y, p) => tf.losses.huberLoss(y, p, undefined, 0.5) as tf.Scalar;
    default:
      throw new Error(`unknown loss '${String(name)}' (known: ${LOSSES.join(', ')})`);
  }
}
