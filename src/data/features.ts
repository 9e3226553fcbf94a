// Per-bar model inputs (spec/DATA.md §3-4): five log-ratio features against the previous
// close, forty order-book features, and their standardization with given statistics.
// bot/preprocess.py is the same arithmetic in numpy; keep the two in step.

import type { Bars } from './types.ts';
import { OB_LEVELS, ORDER_BOOK_DIM } from './names.ts';

export { OB_LEVELS, ORDER_BOOK_DIM };
export const INPUT_DIM = 5;
/** Standardized features are clipped to [-CLIP, CLIP]. */
export const CLIP = 10;
/** The export's names for the five bar features, in order (spec/EXPORT.md). */
export const FEATURE_NAMES = [
  'ln_open_prev_close', 'ln_high_prev_close', 'ln_low_prev_close', 'ln_close_prev_close', 'ln1p_volume',
] as const;

/** Writes the raw features of bar t (t >= 1: bar 0 has no previous close) to out[at..at+5). */
export function barFeaturesAt(bars: Bars, t: number, out: Float64Array, at = 0): void {
  const prev = bars.close[t - 1];
  out[at] = Math.log(bars.open[t] / prev);
  out[at + 1] = Math.log(bars.high[t] / prev);
  out[at + 2] = Math.log(bars.low[t] / prev);
  out[at + 3] = Math.log(bars.close[t] / prev);
  out[at + 4] = Math.log1p(bars.volume[t]);
}

/**
 * Writes the raw order-book features of bar t to out[at..at+40): prices as
 * ln(px / mid) * 1e4, sizes as ln(1 + sz); a missing level (price 0), or a snapshot
 * without both best prices, gives 0.
 */
export function orderBookFeaturesAt(ob: Float64Array, t: number, out: Float64Array, at = 0): void {
  const base = t * ORDER_BOOK_DIM;
  const bid1 = ob[base];
  const ask1 = ob[base + 2 * OB_LEVELS];
  const mid = bid1 > 0 && ask1 > 0 ? (bid1 + ask1) / 2 : 0;
  for (let side = 0; side < 4; side += 2) {
    for (let i = 0; i < OB_LEVELS; i++) {
      const px = ob[base + side * OB_LEVELS + i];
      const sz = ob[base + (side + 1) * OB_LEVELS + i];
      out[at + side * OB_LEVELS + i] = px > 0 && mid > 0 ? Math.log(px / mid) * 1e4 : 0;
      out[at + (side + 1) * OB_LEVELS + i] = Math.log1p(sz);
    }
  }
}

export interface Stats {
  mean: number[];
  std: number[];
}

export type RowFn = (t: number, out: Float64Array) => void;

/** Mean and population std (ddof 0; 0 becomes 1) of `row(t)` over t = first..last, two passes. */
export function featureStats(dim: number, first: number, last: number, row: RowFn): Stats {
  const x = new Float64Array(dim);
  const sum = new Float64Array(dim);
  const n = last - first + 1;
  for (let t = first; t <= last; t++) {
    row(t, x);
    for (let j = 0; j < dim; j++) sum[j] += x[j];
  }
  const mean = Array.from(sum, (s) => (n > 0 ? s / n : 0));
  const ss = new Float64Array(dim);
  for (let t = first; t <= last; t++) {
    row(t, x);
    for (let j = 0; j < dim; j++) ss[j] += (x[j] - mean[j]) ** 2;
  }
  const std = Array.from(ss, (s) => (n > 0 && s > 0 ? Math.sqrt(s / n) : 1));
  return { mean, std };
}

/** `row(t)` standardized and clipped for every t in first..last, into a (N x dim) Float32Array. */
export function standardizeRows(dim: number, n: number, first: number, stats: Stats, clip: number, row: RowFn): Float32Array {
  const out = new Float32Array(n * dim);
  const x = new Float64Array(dim);
  for (let t = first; t < n; t++) {
    row(t, x);
    for (let j = 0; j < dim; j++) {
      const z = (x[j] - stats.mean[j]) / stats.std[j];
      out[t * dim + j] = z > clip ? clip : z < -clip ? -clip : z;
    }
  }
  return out;
}
