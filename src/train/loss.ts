// The training loss of spec/TRAINING.md: CrossEntropy(trend_logits, label) plus
// vol_loss_weight × MSE(vol_pred, vol_target), with optional per-class weights that
// reduce as PyTorch's CrossEntropyLoss(weight=w) does: sum(w_y · nll) / sum(w_y).

import * as tf from '../tf.ts';
import type { Outputs } from '../model/transformer.ts';

export interface LossTargets {
  label: tf.Tensor1D; // int32 (B,)
  vol: tf.Tensor1D; // (B,) standardized volatility target
}

export interface LossOptions {
  volLossWeight: number;
  classWeights?: readonly [number, number, number];
}

export function trainingLoss(out: Outputs, targets: LossTargets, opts: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(out.trendLogits); // (B, 3)
    const oneHot = tf.oneHot(targets.label, 3).toFloat(); // (B, 3)
    const nll = logProbs.mul(oneHot).sum(1).neg(); // (B,)
    let ce: tf.Scalar;
    if (opts.classWeights === undefined) {
      ce = nll.mean();
    } else {
      const w = oneHot.matMul(tf.tensor2d([...opts.classWeights], [3, 1])).reshape([-1]); // (B,) weight of each label
      ce = nll.mul(w).sum().div(w.sum());
    }
    if (opts.volLossWeight === 0) return ce;
    const mse = out.volPred.reshape([-1]).sub(targets.vol).square().mean();
    return ce.add(mse.mul(opts.volLossWeight));
  });
}
