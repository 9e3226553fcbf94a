// The per-bar arithmetic of spec/DATA.md §3-5, in AssemblyScript compiled to WebAssembly
// (`npm run wasm`, at install): the same formulas as src/data/features.ts describes, at full
// speed from the first bar. Every function works on arrays the caller has laid out in this
// module's memory (addresses in bytes) and keeps no state. bot/preprocess.py is the same
// arithmetic in numpy; keep the three in step.

/** Where the caller's arrays may start: past this module's own (the volume table below). */
export function scratchBase(): usize {
  return (changetype<usize>(log1pTable) + (<usize>LOG1P_TABLE << 3) + 15) & ~15;
}

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Where the series of lnRatio is used: |x - 1| below this. */
const NEAR_ONE: f64 = 1.0 / 128;

/**
 * ln(x), fast for x near 1, as nearly every ratio of two nearby prices is: the series
 * ln(1 + u) = u - u²/2 + u³/3 - ... in u = x - 1 (exact there), whose terms past u⁸ are below
 * 2⁻⁵⁶ of the sum, so it is within an ulp or two of Math.log; Math.log elsewhere.
 */
@inline function lnRatio(x: f64): f64 {
  const u = x - 1;
  if (!(Math.abs(u) < NEAR_ONE)) return Math.log(x);
  return u * (1 - u * (1.0 / 2 - u * (1.0 / 3 - u * (1.0 / 4 - u * (1.0 / 5 - u * (1.0 / 6 - u * (1.0 / 7 - u * (1.0 / 8))))))));
}

/** ln(1 + v) of the whole volumes below this, computed once each: volumes repeat. */
const LOG1P_TABLE: i32 = 1 << 16;
const log1pTable = new StaticArray<f64>(LOG1P_TABLE).fill(-1); // -1: not yet computed

@inline function log1pVolume(v: f64): f64 {
  const k = i32(v);
  if (f64(k) != v || <u32>k >= <u32>LOG1P_TABLE) return Math.log1p(v);
  let y = log1pTable[k];
  if (y < 0) {
    y = Math.log1p(v);
    log1pTable[k] = y;
  }
  return y;
}

/**
 * The five raw bar features of `count` bars into `out` (count × 5): ln(open, high, low and
 * close over the previous close), ln(1 + volume). `close` starts one bar earlier than the others.
 */
export function barFeatures(close: usize, open: usize, high: usize, low: usize, volume: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const prev = at(close, i);
    const row = i * 5;
    put(out, row, lnRatio(at(open, i) / prev));
    put(out, row + 1, lnRatio(at(high, i) / prev));
    put(out, row + 2, lnRatio(at(low, i) / prev));
    put(out, row + 3, lnRatio(at(close, i + 1) / prev));
    put(out, row + 4, log1pVolume(at(volume, i)));
  }
}

/**
 * The forty raw order-book features of `count` snapshots (count × 40: bid prices, bid
 * sizes, ask prices, ask sizes, 10 levels each) into `out`: prices as ln(price / mid) · 1e4,
 * sizes as ln(1 + size); a missing level (price 0), or a snapshot without both best prices, gives 0.
 */
export function bookFeatures(book: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const base = i * 40;
    const bid1 = at(book, base);
    const ask1 = at(book, base + 20);
    const mid = bid1 > 0 && ask1 > 0 ? (bid1 + ask1) / 2 : 0;
    for (let side = 0; side < 40; side += 20) {
      for (let level = 0; level < 10; level++) {
        const price = at(book, base + side + level);
        put(out, base + side + level, price > 0 && mid > 0 ? Math.log(price / mid) * 1e4 : 0);
        put(out, base + side + 10 + level, Math.log1p(at(book, base + side + 10 + level)));
      }
    }
  }
}

/**
 * For `count` bars t, given `close` and the raw bar features `raw` (rows of 5) from bar t
 * on through t + h: the forward log return r = ln(close[t+h] / close[t]), and the log
 * realized volatility v = ln(sqrt(Σ_{k=1..h} ln(close[t+k] / close[t+k-1])²) + eps),
 * the one-bar log return being a bar's fourth feature.
 */
export function returnsAndVolatility(close: usize, raw: usize, r: usize, v: usize, count: i32, h: i32, eps: f64): void {
  for (let i = 0; i < count; i++) {
    put(r, i, lnRatio(at(close, i + h) / at(close, i)));
    let ss: f64 = 0;
    for (let k = 1; k <= h; k++) {
      const step = at(raw, (i + k) * 5 + 3);
      ss += step * step;
    }
    put(v, i, Math.log(Math.sqrt(ss) + eps));
  }
}

/** Adds each column of `m` (rows × dim) to `sums`, row by row. */
export function addSums(m: usize, rows: i32, dim: i32, sums: usize): void {
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < dim; j++) put(sums, j, at(sums, j) + at(m, t * dim + j));
  }
}

/** Adds each column's squared deviations from `mean` to `sums`, row by row. */
export function addSquares(m: usize, rows: i32, dim: i32, mean: usize, sums: usize): void {
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < dim; j++) {
      const d = at(m, t * dim + j) - at(mean, j);
      put(sums, j, at(sums, j) + d * d);
    }
  }
}

/** (m - mean) / std per column, clipped to [-clip, clip], as float32 into `out`. */
export function standardize(m: usize, rows: i32, dim: i32, mean: usize, std: usize, clip: f64, out: usize): void {
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < dim; j++) {
      const k = t * dim + j;
      const z = (at(m, k) - at(mean, j)) / at(std, j);
      store<f32>(out + (<usize>k << 2), f32(z > clip ? clip : z < -clip ? -clip : z));
    }
  }
}

/**
 * The class of `count` bars (0 DOWN, 1 NEUTRAL, 2 UP: r below -theta, within, above theta)
 * into `classes` (int32), and their volatility target (v - volMean) / volStd into `vol` (float32).
 */
export function labels(r: usize, v: usize, count: i32, theta: f64, volMean: f64, volStd: f64, classes: usize, vol: usize): void {
  for (let i = 0; i < count; i++) {
    const x = at(r, i);
    const at4 = <usize>i << 2;
    store<i32>(classes + at4, x < -theta ? 0 : x > theta ? 2 : 1);
    store<f32>(vol + at4, f32((at(v, i) - volMean) / volStd));
  }
}

/**
 * numpy.quantile(a, q) with the default 'linear' method, of |a| when `absolute`, in O(n)
 * without sorting; `a` (n values) is reordered. The two neighbouring order statistics are
 * found by selection.
 */
export function quantile(a: usize, n: i32, q: f64, absolute: bool): f64 {
  if (n <= 0) return NaN;
  if (absolute) for (let i = 0; i < n; i++) put(a, i, Math.abs(at(a, i)));
  const pos = q * f64(n - 1);
  const lo = i32(Math.floor(pos));
  const below = select(a, n, lo);
  // After selecting, a[lo+1..] holds values >= a[lo]; the next order statistic is their least.
  let above = below;
  if (lo + 1 < n) {
    above = at(a, lo + 1);
    for (let i = lo + 2; i < n; i++) if (at(a, i) < above) above = at(a, i);
  }
  const g = pos - f64(lo);
  const diff = above - below;
  return g >= 0.5 ? above - diff * (1 - g) : below + diff * g;
}

/**
 * The k-th smallest of a[0, n), moving values so that a[k+1..] are all at least it: Hoare's
 * quickselect with a median-of-three pivot, which sorts what is left instead when the
 * pivots keep splitting badly (so an adversarial order costs O(n log n), not O(n²)).
 */
function select(a: usize, n: i32, k: i32): f64 {
  let lo = 0;
  let hi = n - 1;
  for (let rounds = 2 * i32(Math.ceil(Math.log2(f64(n + 1)))) + 4; lo < hi; rounds--) {
    if (rounds == 0) {
      heapsort(a + (<usize>lo << 3), hi - lo + 1);
      return at(a, k);
    }
    const mid = (lo + hi) >>> 1;
    const pivot = Math.max(Math.min(at(a, lo), at(a, mid)), Math.min(Math.max(at(a, lo), at(a, mid)), at(a, hi)));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (at(a, i) < pivot) i++;
      while (at(a, j) > pivot) j--;
      if (i <= j) {
        const x = at(a, i);
        put(a, i++, at(a, j));
        put(a, j--, x);
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return at(a, k);
  }
  return at(a, k);
}

/** Sorts a[0, n) ascending in place, in O(n log n) whatever the order. */
function heapsort(a: usize, n: i32): void {
  for (let i = n / 2 - 1; i >= 0; i--) siftDown(a, i, n);
  for (let end = n - 1; end > 0; end--) {
    const top = at(a, 0);
    put(a, 0, at(a, end));
    put(a, end, top);
    siftDown(a, 0, end);
  }
}

function siftDown(a: usize, i: i32, n: i32): void {
  const x = at(a, i);
  for (let child = 2 * i + 1; child < n; child = 2 * i + 1) {
    if (child + 1 < n && at(a, child + 1) > at(a, child)) child++;
    if (at(a, child) <= x) break;
    put(a, i, at(a, child));
    i = child;
  }
  put(a, i, x);
}
