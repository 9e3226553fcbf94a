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

/** The index of ln(close / previous close) among them: the bar's one-bar log return. */
export const CLOSE_FEATURE = 3;

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
function orderBookFeaturesAt(ob: Float64Array, t: number, out: Float64Array, at = 0): void {
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

/** The raw bar features of every bar, an (N, 5) matrix; row 0 (no previous close) is zeros. */
export function barFeatureMatrix(bars: Bars): Float64Array {
  const m = new Float64Array(bars.length * INPUT_DIM);
  for (let t = 1; t < bars.length; t++) barFeaturesAt(bars, t, m, t * INPUT_DIM);
  return m;
}

/** The raw order-book features of every bar, an (N, 40) matrix. */
export function orderBookFeatureMatrix(ob: Float64Array): Float64Array {
  const n = ob.length / ORDER_BOOK_DIM;
  const m = new Float64Array(ob.length);
  for (let t = 0; t < n; t++) orderBookFeaturesAt(ob, t, m, t * ORDER_BOOK_DIM);
  return m;
}

/** Mean and population std (ddof 0; 0 becomes 1) of each column over rows first..last of an (N, dim) matrix, two passes. */
export function columnStats(m: Float64Array, dim: number, first: number, last: number): Stats {
  const count = last - first + 1;
  const sum = new Float64Array(dim);
  for (let t = first; t <= last; t++) for (let j = 0; j < dim; j++) sum[j] += m[t * dim + j];
  const mean = Float64Array.from(sum, (s) => (count > 0 ? s / count : 0));
  const ss = new Float64Array(dim);
  for (let t = first; t <= last; t++) {
    for (let j = 0; j < dim; j++) {
      const d = m[t * dim + j] - mean[j];
      ss[j] += d * d;
    }
  }
  return { mean: Array.from(mean), std: Array.from(ss, (s) => (count > 0 && s > 0 ? Math.sqrt(s / count) : 1)) };
}

/** Rows first.. of an (N, dim) matrix standardized with `stats` and clipped, as float32; earlier rows are zeros. */
export function standardize(m: Float64Array, dim: number, first: number, stats: Stats, clip: number): Float32Array {
  const out = new Float32Array(m.length);
  const mean = Float64Array.from(stats.mean);
  const std = Float64Array.from(stats.std);
  // One flat pass, the column index j cycling with it.
  for (let k = first * dim, j = 0; k < m.length; k++) {
    const z = (m[k] - mean[j]) / std[j];
    out[k] = z > clip ? clip : z < -clip ? -clip : z;
    if (++j === dim) j = 0;
  }
  return out;
}
