// Adam and gradient-norm clipping with PyTorch 1.13 semantics (torch.optim.Adam with
// amsgrad=False, maximize=False; torch.nn.utils.clip_grad_norm_), as TF.js ops on the flat
// parameter map keyed by state_dict names (spec/TRAINING.md: weight_decay, grad_clip_norm).

import * as tf from '../tf.ts';
import { UserError } from '../errors.ts';

export interface AdamOptions {
  learningRate: number;
  /** L2 added to the gradient (`grad += wd * param`), not decoupled as AdamW. */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** One parameter's state, as torch's `optimizer.state_dict()['state'][i]`. */
export interface AdamParamState {
  step: number;
  exp_avg: Float32Array;
  exp_avg_sq: Float32Array;
}

/** Host copy for checkpoints: keys are state_dict names; data row-major like the param. */
export interface AdamHostState {
  version: 1;
  state: Map<string, AdamParamState>;
}

interface Moments {
  step: number;
  m: tf.Tensor;
  v: tf.Tensor;
}

export class Adam {
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private lr: number;
  // Created lazily on a parameter's first gradient and counted per parameter, as torch
  // does: a parameter that gets no gradient in a step (e.g. the `pos_encoder.pe` buffer,
  // or a branch cut off from the loss) is not touched and its step does not advance.
  private readonly moments = new Map<string, Moments>();

  constructor(
    readonly params: Map<string, tf.Variable>,
    options: AdamOptions,
  ) {
    this.lr = options.learningRate;
    this.weightDecay = options.weightDecay ?? 0;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  get learningRate(): number {
    return this.lr;
  }

  /** The scheduler changes the rate between steps; the next step uses it. */
  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  /**
   * One update from `grads` (same keys and shapes as the parameters; keys without a
   * gradient are skipped). The gradients stay owned by the caller and are not modified.
   */
  step(grads: Map<string, tf.Tensor>): void {
    for (const [key, grad] of grads) {
      const param = this.params.get(key);
      if (param === undefined) throw new Error(`Adam: gradient for unknown parameter "${key}"`);
      if (!sameShape(param.shape, grad.shape)) {
        throw new Error(`Adam: gradient for "${key}" has shape [${grad.shape}], parameter [${param.shape}]`);
      }
      const old = this.moments.get(key);
      const step = (old?.step ?? 0) + 1;
      // Bias corrections in double precision, exactly as torch computes them in Python.
      const bias1 = 1 - this.beta1 ** step;
      const bias2Sqrt = Math.sqrt(1 - this.beta2 ** step);
      const stepSize = this.lr / bias1;
      const next = tf.tidy(() => {
        // Operation order follows torch's CPU kernels (add with alpha, addcmul, addcdiv),
        // so float32 rounding matches step for step. Functional ops, because tfjs-core
        // alone does not register the chained `tensor.add(...)` methods.
        const g = this.weightDecay !== 0 ? tf.add(grad, tf.mul(param, this.weightDecay)) : grad;
        const m0 = old?.m ?? tf.zerosLike(param);
        const v0 = old?.v ?? tf.zerosLike(param);
        const m = tf.add(tf.mul(m0, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(v0, this.beta2), tf.mul(tf.mul(g, 1 - this.beta2), g));
        const denom = tf.add(tf.div(tf.sqrt(v), bias2Sqrt), this.eps);
        param.assign(tf.sub(param, tf.div(tf.mul(m, stepSize), denom)));
        return { m, v };
      });
      old?.m.dispose();
      old?.v.dispose();
      this.moments.set(key, { step, m: next.m, v: next.v });
    }
  }

  /** Copies the moments to the host (asynchronously, so a GPU backend is not stalled); see readParams. */
  async exportState(): Promise<AdamHostState> {
    const state = new Map<string, AdamParamState>();
    for (const [key, { step, m, v }] of this.moments) {
      const [mData, vData] = await Promise.all([m.data(), v.data()]);
      state.set(key, { step, exp_avg: (mData as Float32Array).slice(), exp_avg_sq: (vData as Float32Array).slice() });
    }
    return { version: 1, state };
  }

  /** Replaces all state with a checkpoint's (which comes from storage, so it is checked). */
  importState(host: AdamHostState): void {
    if (host.version !== 1) {
      throw new UserError(`The checkpoint's optimizer state has version ${String(host.version)}; this app reads version 1.`);
    }
    const loaded = new Map<string, Moments>();
    try {
      for (const [key, s] of host.state) {
        const param = this.params.get(key);
        if (param === undefined) {
          throw new UserError(`The checkpoint's optimizer state has an entry for "${key}", which this model does not have.`);
        }
        if (!Number.isInteger(s.step) || s.step < 1) {
          throw new UserError(`The checkpoint's optimizer state for "${key}" has step ${s.step}; expected a whole number of at least 1.`);
        }
        for (const [name, arr] of [['exp_avg', s.exp_avg], ['exp_avg_sq', s.exp_avg_sq]] as const) {
          if (arr.length !== param.size) {
            throw new UserError(`The checkpoint's optimizer ${name} for "${key}" has ${arr.length} values; the parameter has ${param.size}.`);
          }
        }
        loaded.set(key, {
          step: s.step,
          m: tf.tensor(s.exp_avg, param.shape, 'float32'),
          v: tf.tensor(s.exp_avg_sq, param.shape, 'float32'),
        });
      }
    } catch (e) {
      for (const { m, v } of loaded.values()) tf.dispose([m, v]);
      throw e;
    }
    this.disposeMoments();
    for (const [key, mo] of loaded) this.moments.set(key, mo);
  }

  /** Frees the moments; the parameters belong to the model and stay. */
  dispose(): void {
    this.disposeMoments();
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

export interface ClippedGrads {
  /** New tensors owned by the caller (also when clipping is off), same keys as the input. */
  grads: Map<string, tf.Tensor>;
  /** Total L2 norm before clipping, a scalar owned by the caller; read it with `await data()`. */
  totalNorm: tf.Scalar;
}

/**
 * torch.nn.utils.clip_grad_norm_(norm_type=2): the norm of the per-tensor L2 norms, and
 * every gradient scaled by min(1, maxNorm / (total + 1e-6)). `maxNorm` 0 turns clipping
 * off (the setting's meaning) but still reports the norm. The input tensors are untouched,
 * and like torch (error_if_nonfinite=False) a NaN norm turns the gradients into NaN, which
 * the loop's NaN-loss check then catches.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClippedGrads {
  const keys = [...grads.keys()];
  // tidy keeps only tensors it can find in plain arrays and objects, not in a Map.
  const [totalNorm, ...clipped] = tf.tidy(() => {
    const tensors = keys.map((k) => grads.get(k)!);
    const total =
      tensors.length === 0 ? tf.scalar(0) : tf.norm(tf.stack(tensors.map((g) => tf.norm(g))));
    // Multiplying by the clamped coefficient always (1 when below the limit) mirrors torch
    // and keeps the decision on the device instead of reading the norm back each step.
    const coef = maxNorm > 0 ? tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1) : null;
    return [total, ...tensors.map((g) => (coef === null ? tf.clone(g) : tf.mul(g, coef)))];
  });
  return { grads: new Map(keys.map((k, i) => [k, clipped[i]])), totalNorm: totalNorm as tf.Scalar };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
