// Scoring a split in eval mode: the loss, predictions and volatility estimates of every
// sample, then the metrics of TRAINING.md beside the majority and persistence baselines.

import * as tf from '../tf.ts';
import type { ModelConfig } from '../model/config.ts';
import { forward, type Params } from '../model/transformer.ts';
import { trainingLoss, type LossOptions } from './loss.ts';
import { splitMetrics, type SplitMetrics } from './metrics.ts';
import type { TrainingData } from './data.ts';

export type { SplitMetrics };

const evalBatchSize = 256;

export interface Predictions {
  loss: number; // mean over the split's samples
  predicted: Int32Array;
  probabilities: Float32Array; // N×3 softmax
  volPredicted: Float32Array;
  truth: Int32Array;
  volTarget: Float32Array;
}

export async function predictSplit(c: ModelConfig, params: Params, data: TrainingData, t: Int32Array, loss: LossOptions): Promise<Predictions> {
  const n = t.length;
  const out: Predictions = {
    loss: 0,
    predicted: new Int32Array(n),
    probabilities: new Float32Array(3 * n),
    volPredicted: new Float32Array(n),
    truth: new Int32Array(n),
    volTarget: new Float32Array(n),
  };
  let lossSum = 0;
  for (let start = 0; start < n; start += evalBatchSize) {
    const b = data.batch(t.subarray(start, Math.min(n, start + evalBatchSize)));
    const [batchLoss, probs, vol] = tf.tidy(() => {
      const x = tf.tensor3d(b.x, [b.size, b.x.length / (b.size * 5), 5]);
      const o = forward(c, params, x, tf.tensor2d(b.ob, [b.size, 40]), { training: false });
      const l = trainingLoss(o, { label: tf.tensor1d(b.label, 'int32'), vol: tf.tensor1d(b.vol) }, loss);
      return [l, tf.softmax(o.trendLogits), o.volPred.reshape([-1])];
    });
    const [l, p, v] = await Promise.all([batchLoss.data(), probs.data(), vol.data()]);
    tf.dispose([batchLoss, probs, vol]);
    lossSum += l[0] * b.size;
    out.probabilities.set(p, 3 * start);
    out.volPredicted.set(v, start);
    out.truth.set(b.label, start);
    out.volTarget.set(b.vol, start);
    for (let i = 0; i < b.size; i++) {
      const row = 3 * i;
      out.predicted[start + i] = p[row] >= p[row + 1] ? (p[row] >= p[row + 2] ? 0 : 2) : p[row + 1] >= p[row + 2] ? 1 : 2;
    }
  }
  out.loss = n === 0 ? NaN : lossSum / n;
  return out;
}

export async function evaluateSplit(
  c: ModelConfig,
  params: Params,
  data: TrainingData,
  split: 'validation' | 'test',
  loss: LossOptions,
  costBps: number,
): Promise<SplitMetrics> {
  const t = data.splits[split];
  const p = await predictSplit(c, params, data, t, loss);
  return splitMetrics({
    loss: p.loss,
    predicted: p.predicted,
    truth: p.truth,
    volPredicted: p.volPredicted,
    volTarget: p.volTarget,
    trainLabels: data.labels(data.splits.train),
    closes: data.closes,
    t,
    horizon: data.horizon,
    theta: data.theta,
    barSeconds: data.barSeconds,
    costBps,
  });
}
