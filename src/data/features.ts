// Per-bar model inputs (spec/DATA.md §3-5): five log-ratio features against the previous
// close, forty order-book features, the label's forward return and volatility, and
// standardization with given statistics. The arithmetic runs in WebAssembly
// (wasm/features.ts), the arrays streaming through its memory a block at a time.
// bot/preprocess.py is the same arithmetic in numpy; keep the two in step.

import type { Bars } from './types.ts';
import { OB_LEVELS, ORDER_BOOK_DIM } from './names.ts';
import { lazyModule } from './kernel.ts';
import { base64 } from './wasm/bytes/features.ts';

export { OB_LEVELS, ORDER_BOOK_DIM };
export const INPUT_DIM = 5;
/** Standardized features are clipped to [-CLIP, CLIP]. */
export const CLIP = 10;
/** The export's names for the five bar features, in order (spec/EXPORT.md). */
export const FEATURE_NAMES = [
  'ln_open_prev_close', 'ln_high_prev_close', 'ln_low_prev_close', 'ln_close_prev_close', 'ln1p_volume',
] as const;

export interface Stats {
  mean: number[];
  std: number[];
}

/** wasm/features.ts's exports; arrays are passed by their address in its memory. */
interface FeatureKernel {
  memory: WebAssembly.Memory;
  scratchBase(): number;
  barFeatures(close: number, open: number, high: number, low: number, volume: number, out: number, count: number): void;
  bookFeatures(book: number, out: number, count: number): void;
  returnsAndVolatility(close: number, raw: number, r: number, v: number, count: number, h: number, eps: number): void;
  addSums(m: number, rows: number, dim: number, sums: number): void;
  addSquares(m: number, rows: number, dim: number, mean: number, sums: number): void;
  standardize(m: number, rows: number, dim: number, mean: number, std: number, clip: number, out: number): void;
  labels(r: number, v: number, count: number, theta: number, volMean: number, volStd: number, classes: number, vol: number): void;
  quantile(a: number, n: number, q: number, absolute: boolean): number;
}

const featuresModule = lazyModule(base64);
let instance: FeatureKernel | null = null;

function kernel(): FeatureKernel {
  instance ??= new WebAssembly.Instance(featuresModule(), {}).exports as unknown as FeatureKernel;
  return instance;
}

/** Rows per pass through the kernel: the arrays stream through its memory a block at a time. */
const BLOCK_ROWS = 8192;

/** Calls `body(first row, rows)` for rows first..end-1, a block at a time. */
function inBlocks(first: number, end: number, body: (t: number, rows: number) => void): void {
  for (let t = first; t < end; t += BLOCK_ROWS) body(t, Math.min(BLOCK_ROWS, end - t));
}

/**
 * Float64Arrays of these lengths laid end to end in the kernel's memory, grown to hold
 * them; valid until the next call. A view's byteOffset is its address for the kernel; a
 * float32 or int32 array of 2n values takes a Float64Array of n.
 */
function scratch(k: FeatureKernel, ...lengths: number[]): Float64Array[] {
  const base = k.scratchBase();
  const end = base + lengths.reduce((a, b) => a + b, 0) * 8;
  const short = end - k.memory.buffer.byteLength;
  if (short > 0) k.memory.grow(Math.ceil(short / 65_536));
  let at = base;
  return lengths.map((n) => {
    const view = new Float64Array(k.memory.buffer, at, n);
    at += n * 8;
    return view;
  });
}

/** The raw bar features of every bar, an (N, 5) matrix; row 0 (no previous close) is zeros. */
export function barFeatureMatrix(bars: Bars): Float64Array {
  const m = new Float64Array(bars.length * INPUT_DIM);
  const k = kernel();
  const [close, open, high, low, volume, out] = scratch(k, BLOCK_ROWS + 1, BLOCK_ROWS, BLOCK_ROWS, BLOCK_ROWS, BLOCK_ROWS, BLOCK_ROWS * INPUT_DIM);
  inBlocks(1, bars.length, (t, rows) => {
    close.set(bars.close.subarray(t - 1, t + rows)); // from the previous close
    open.set(bars.open.subarray(t, t + rows));
    high.set(bars.high.subarray(t, t + rows));
    low.set(bars.low.subarray(t, t + rows));
    volume.set(bars.volume.subarray(t, t + rows));
    k.barFeatures(close.byteOffset, open.byteOffset, high.byteOffset, low.byteOffset, volume.byteOffset, out.byteOffset, rows);
    m.set(out.subarray(0, rows * INPUT_DIM), t * INPUT_DIM);
  });
  return m;
}

/**
 * The raw order-book features of every bar, an (N, 40) matrix: prices as
 * ln(px / mid) * 1e4, sizes as ln(1 + sz); a missing level (price 0), or a snapshot
 * without both best prices, gives 0.
 */
export function orderBookFeatureMatrix(ob: Float64Array): Float64Array {
  const m = new Float64Array(ob.length);
  const k = kernel();
  const [book, out] = scratch(k, BLOCK_ROWS * ORDER_BOOK_DIM, BLOCK_ROWS * ORDER_BOOK_DIM);
  inBlocks(0, ob.length / ORDER_BOOK_DIM, (t, rows) => {
    const span = [t * ORDER_BOOK_DIM, (t + rows) * ORDER_BOOK_DIM] as const;
    book.set(ob.subarray(...span));
    k.bookFeatures(book.byteOffset, out.byteOffset, rows);
    m.set(out.subarray(0, rows * ORDER_BOOK_DIM), span[0]);
  });
  return m;
}

/**
 * For t = 0..N-1-h: the forward log return r[t] = ln(close[t+h] / close[t]) and the log
 * realized volatility v[t] = ln(sqrt(Σ_{k=1..h} ln(close[t+k] / close[t+k-1])²) + eps),
 * the one-bar log returns taken from `raw` (barFeatureMatrix). Later entries are 0.
 */
export function forwardReturns(close: Float64Array, raw: Float64Array, h: number, eps: number): { r: Float64Array; v: Float64Array } {
  const n = close.length;
  const r = new Float64Array(n);
  const v = new Float64Array(n);
  const k = kernel();
  const [closeIn, rawIn, rOut, vOut] = scratch(k, BLOCK_ROWS + h, (BLOCK_ROWS + h) * INPUT_DIM, BLOCK_ROWS, BLOCK_ROWS);
  inBlocks(0, n - h, (t, rows) => {
    closeIn.set(close.subarray(t, t + rows + h));
    rawIn.set(raw.subarray(t * INPUT_DIM, (t + rows + h) * INPUT_DIM));
    k.returnsAndVolatility(closeIn.byteOffset, rawIn.byteOffset, rOut.byteOffset, vOut.byteOffset, rows, h, eps);
    r.set(rOut.subarray(0, rows), t);
    v.set(vOut.subarray(0, rows), t);
  });
  return { r, v };
}

/**
 * Per bar t = 0..N-1-h, its class (0 DOWN, 1 NEUTRAL, 2 UP: r[t] below -theta, within,
 * above theta) and its standardized volatility target; later bars are -1 and NaN.
 */
export function labelBars(r: Float64Array, v: Float64Array, h: number, theta: number, vol: Stats):
  { labels: Int32Array; volTarget: Float32Array } {
  const n = r.length;
  const labels = new Int32Array(n).fill(-1);
  const volTarget = new Float32Array(n).fill(NaN);
  const k = kernel();
  const [rIn, vIn, classes, target] = scratch(k, BLOCK_ROWS, BLOCK_ROWS, BLOCK_ROWS / 2, BLOCK_ROWS / 2);
  const classesOut = new Int32Array(classes.buffer, classes.byteOffset, BLOCK_ROWS);
  const targetOut = new Float32Array(target.buffer, target.byteOffset, BLOCK_ROWS);
  inBlocks(0, n - h, (t, rows) => {
    rIn.set(r.subarray(t, t + rows));
    vIn.set(v.subarray(t, t + rows));
    k.labels(rIn.byteOffset, vIn.byteOffset, rows, theta, vol.mean[0], vol.std[0], classesOut.byteOffset, targetOut.byteOffset);
    labels.set(classesOut.subarray(0, rows), t);
    volTarget.set(targetOut.subarray(0, rows), t);
  });
  return { labels, volTarget };
}

/**
 * numpy.quantile(values, q) with the default 'linear' method, of |values| when `absolute`:
 * in O(n) by selection, without sorting; `values` is left as it is.
 */
export function quantile(values: Float64Array, q: number, absolute = false): number {
  const k = kernel();
  const [a] = scratch(k, values.length);
  a.set(values);
  return k.quantile(a.byteOffset, values.length, q, absolute);
}

/** Mean and population std (ddof 0; 0 becomes 1) of each column over rows first..last of an (N, dim) matrix, two passes. */
export function columnStats(m: Float64Array, dim: number, first: number, last: number): Stats {
  const count = last - first + 1;
  const k = kernel();
  const [sums, mean, block] = scratch(k, dim, dim, BLOCK_ROWS * dim);
  const pass = (add: (rows: number) => void) => {
    sums.fill(0);
    inBlocks(first, last + 1, (t, rows) => {
      block.set(m.subarray(t * dim, (t + rows) * dim));
      add(rows);
    });
  };
  pass((rows) => k.addSums(block.byteOffset, rows, dim, sums.byteOffset));
  for (let j = 0; j < dim; j++) mean[j] = count > 0 ? sums[j] / count : 0;
  pass((rows) => k.addSquares(block.byteOffset, rows, dim, mean.byteOffset, sums.byteOffset));
  return { mean: Array.from(mean), std: Array.from(sums, (s) => (count > 0 && s > 0 ? Math.sqrt(s / count) : 1)) };
}

/** Rows first.. of an (N, dim) matrix standardized with `stats` and clipped, as float32; earlier rows are zeros. */
export function standardize(m: Float64Array, dim: number, first: number, stats: Stats, clip: number): Float32Array {
  const out = new Float32Array(m.length);
  const k = kernel();
  const [mean, std, block, z64] = scratch(k, dim, dim, BLOCK_ROWS * dim, (BLOCK_ROWS * dim) / 2);
  mean.set(stats.mean);
  std.set(stats.std);
  const z = new Float32Array(z64.buffer, z64.byteOffset, BLOCK_ROWS * dim);
  inBlocks(first, m.length / dim, (t, rows) => {
    block.set(m.subarray(t * dim, (t + rows) * dim));
    k.standardize(block.byteOffset, rows, dim, mean.byteOffset, std.byteOffset, clip, z.byteOffset);
    out.set(z.subarray(0, rows * dim), t * dim);
  });
  return out;
}
