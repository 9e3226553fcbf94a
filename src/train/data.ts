// What the training loop needs from a prepared dataset (src/data): the samples of each
// split, batches built on demand, and what the baselines and trading read-out use.

import type { Bars, SplitName } from '../data/types.ts';
import type { Dataset } from '../data/dataset.ts';
import { makeSampler } from '../data/sampler.ts';

/** A batch on the host: x (B×T×5), ob (B×40), labels and volatility targets (B). */
export interface HostBatch {
  size: number;
  x: Float32Array;
  ob: Float32Array;
  label: Int32Array;
  vol: Float32Array;
}

export interface TrainingData {
  splits: Record<SplitName, Int32Array>; // sample indices t (last input bar), chronological
  batch(t: ArrayLike<number>): HostBatch;
  labels(t: ArrayLike<number>): Int32Array;
  closes: Float64Array;
  horizon: number;
  theta: number;
  barSeconds: number;
}

/** `balanced` class weights: n / (3 · n_c) over the training labels, as scikit-learn. */
export function classWeightsOf(trainLabels: Int32Array): [number, number, number] {
  const counts = [0, 0, 0];
  for (const y of trainLabels) counts[y]++;
  return counts.map((n) => (n === 0 ? 0 : trainLabels.length / (3 * n))) as [number, number, number];
}

/** The loop's view of a prepared dataset (src/data) and its bars. */
export function trainingDataOf(dataset: Dataset, bars: Bars, timeframeMs: number): TrainingData {
  const sampler = makeSampler(dataset);
  return {
    splits: { train: sampler.indices('train'), validation: sampler.indices('validation'), test: sampler.indices('test') },
    batch: sampler.batch,
    labels: (t) => Int32Array.from(t, (i) => dataset.labels[i]),
    closes: bars.close,
    horizon: dataset.horizon,
    theta: dataset.theta,
    barSeconds: timeframeMs / 1000,
  };
}
