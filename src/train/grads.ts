// One backward pass: the TRAINING.md loss of a batch and its gradient for every
// trainable parameter, keyed by state_dict name. Used by the loop and by the parity tests.

import * as tf from '../tf.ts';
import type { ModelConfig } from '../model/config.ts';
import { forward, type Mode, type Params } from '../model/transformer.ts';
import { trainingLoss, type LossOptions, type LossTargets } from './loss.ts';

export interface TensorBatch extends LossTargets {
  x: tf.Tensor3D; // (B, T, 5)
  ob: tf.Tensor2D; // (B, 40)
}

export interface LossAndGrads {
  loss: tf.Scalar;
  grads: Map<string, tf.Tensor>;
}

export function lossAndGrads(c: ModelConfig, params: Map<string, tf.Variable>, batch: TensorBatch, opts: LossOptions, mode: Mode): LossAndGrads {
  // With vol_loss_weight 0 the loss is the guide's cross-entropy alone: vol_head gets no
  // gradient at all (PyTorch's `grad is None`), so Adam leaves it untouched, as torch does.
  const names = [...params]
    .filter(([name, v]) => v.trainable && !(opts.volLossWeight === 0 && name.startsWith('vol_head.')))
    .map(([name]) => name);
  const f = (...trainable: tf.Tensor[]) => {
    const p: Params = new Map(params);
    names.forEach((name, i) => p.set(name, trainable[i]));
    return trainingLoss(forward(c, p, batch.x, batch.ob, mode), batch, opts);
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params.get(n)!));
  return { loss: value as tf.Scalar, grads: new Map(names.map((n, i) => [n, grads[i]])) };
}
