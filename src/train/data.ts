// What the training loop needs from a prepared dataset (src/data): the samples of each
// split, batches built on demand, and what the baselines and trading read-out use.

import type { SplitName } from '../data/types.ts';

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
