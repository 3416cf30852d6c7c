/** Training losses over [..., 2] (valence, arousal) targets. */
import { tf } from '../models/backend.ts';

export type LossName = 'mse' | 'rmse' | 'weighted-mse' | 'huber' | 'tanh-bce';
export const LOSSES: readonly LossName[] = ['mse', 'rmse', 'weighted-mse', 'huber', 'tanh-bce'];

/**
 * `mse`; `rmse` (Malik et al.'s loss: square root of the batch MSE); `weighted-mse` with
 * per-dimension weights (valence, arousal), normalised to sum to 2 so it is on the MSE
 * scale; `huber` with δ = 0.5 (robust to a few wildly annotated songs); `tanh-bce`: binary
 * cross-entropy per dimension for tanh outputs, reading output t as the probability (1 + t)/2
 * that the value is positive and target y in [−1, 1] as the soft label (1 + y)/2. Its optimum
 * is still t = y, but unlike MSE through tanh its gradient does not vanish when an output
 * saturates on the wrong side, so the model is pushed hardest on the songs whose quadrant it
 * gets wrong — it trains like logistic regression on the signs.
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
    case 'tanh-bce':
      return (y, p) =>
        tf.tidy(() => {
          const label = tf.clipByValue(tf.div(tf.add(y, 1), 2), 0, 1);
          const prob = tf.clipByValue(tf.div(tf.add(p, 1), 2), 1e-6, 1 - 1e-6);
          const logLikelihood = tf.add(tf.mul(label, tf.log(prob)), tf.mul(tf.sub(1, label), tf.log(tf.sub(1, prob))));
          return tf.neg(tf.mean(logLikelihood)) as tf.Scalar;
        });
    default:
      throw new Error(`unknown loss '${String(name)}' (known: ${LOSSES.join(', ')})`);
  }
}
