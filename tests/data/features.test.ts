// The features kernel (src/data/features.ts over the WebAssembly of
// src/data/wasm/features.ts) against the formulas of spec/DATA.md §3-5 written plainly
// with Math.log: within a few ulps where the kernel takes a series near 1, exactly where it
// does the same arithmetic, across block boundaries and on moves far from 1.

import { describe, expect, it } from 'vitest';
import {
  barFeatureMatrix, columnStats, forwardReturns, labelBars, orderBookFeatureMatrix, quantile, standardize, type Stats,
} from '../../src/data/features.ts';
import type { Bars } from '../../src/data/types.ts';
import { Rng } from '../../src/random.ts';

/** Relative agreement: a few ulps of the larger magnitude (absolute near zero). */
function expectUlps(actual: ArrayLike<number>, expected: ArrayLike<number>, ulps = 4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]), Number.MIN_VALUE);
    if (Math.abs(actual[i] - expected[i]) > ulps * Number.EPSILON * scale) {
      expect(actual[i], `index ${i}`).toBe(expected[i]);
    }
  }
}

/** A walk of `n` bars with calm minutes, a few jumps of several percent, and volumes whole, fractional and huge. */
function bars(n: number, seed: number): Bars {
  const rng = new Rng(seed);
  const b: Bars = {
    length: n, time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n),
    close: new Float64Array(n), volume: new Float64Array(n), orderBook: null,
  };
  let close = 1.1;
  for (let i = 0; i < n; i++) {
    const jump = rng.next() < 0.01 ? (rng.next() - 0.5) * 0.2 : 0; // past the series' range
    const open = close * (1 + (rng.next() - 0.5) * 2e-4 + jump);
    close = open * (1 + (rng.next() - 0.5) * 4e-4);
    b.time[i] = i * 60_000;
    b.open[i] = open;
    b.close[i] = close;
    b.high[i] = Math.max(open, close) * (1 + rng.next() * 1e-4);
    b.low[i] = Math.min(open, close) * (1 - rng.next() * 1e-4);
    const kind = rng.next();
    b.volume[i] = kind < 0.6 ? Math.floor(rng.next() * 500) : kind < 0.8 ? rng.next() * 10 : Math.floor(rng.next() * 1e7);
  }
  return b;
}

const N = 20_000; // more than two of the kernel's blocks

describe('the features kernel', () => {
  const b = bars(N, 17);
  const raw = barFeatureMatrix(b);

  it('gives the five bar features of DATA.md §3 within a few ulps of Math.log', () => {
    const expected = new Float64Array(N * 5);
    for (let t = 1; t < N; t++) {
      const p = b.close[t - 1];
      expected.set([Math.log(b.open[t] / p), Math.log(b.high[t] / p), Math.log(b.low[t] / p), Math.log(b.close[t] / p),
        Math.log1p(b.volume[t])], t * 5);
    }
    expectUlps(raw, expected);
    expect(Array.from(raw.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]); // bar 0 has no previous close
    // Again: the whole-volume table, filled by the first call, gives the same values.
    expect(barFeatureMatrix(b)).toEqual(raw);
  });

  it.each([1, 5, 9000])('gives forward returns and volatility with horizon %i, past block boundaries', (h) => {
    const { r, v } = forwardReturns(b.close, raw, h, 1e-12);
    const er = new Float64Array(N);
    const ev = new Float64Array(N);
    for (let t = 0; t + h < N; t++) {
      er[t] = Math.log(b.close[t + h] / b.close[t]);
      let ss = 0;
      for (let k = 1; k <= h; k++) ss += raw[(t + k) * 5 + 3] ** 2;
      ev[t] = Math.log(Math.sqrt(ss) + 1e-12);
    }
    expectUlps(r, er);
    expectUlps(v, ev);
  });

  it('gives the forty order-book features within a few ulps, missing levels as zeros', () => {
    const rng = new Rng(3);
    const n = 9000;
    const ob = new Float64Array(n * 40);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < 10; i++) {
        ob[t * 40 + i] = rng.next() < 0.05 ? 0 : 1.1 - i * 1e-4; // bid prices, some levels missing
        ob[t * 40 + 20 + i] = t % 97 === 0 && i === 0 ? 0 : 1.1002 + i * 1e-4; // ask prices; no best ask now and then
        ob[t * 40 + 10 + i] = Math.floor(rng.next() * 1e6);
        ob[t * 40 + 30 + i] = rng.next() * 50;
      }
    }
    const expected = new Float64Array(n * 40);
    for (let t = 0; t < n; t++) {
      const bid1 = ob[t * 40];
      const ask1 = ob[t * 40 + 20];
      const mid = bid1 > 0 && ask1 > 0 ? (bid1 + ask1) / 2 : 0;
      for (const side of [0, 20]) {
        for (let i = 0; i < 10; i++) {
          const px = ob[t * 40 + side + i];
          expected[t * 40 + side + i] = px > 0 && mid > 0 ? Math.log(px / mid) * 1e4 : 0;
          expected[t * 40 + side + 10 + i] = Math.log1p(ob[t * 40 + side + 10 + i]);
        }
      }
    }
    expectUlps(orderBookFeatureMatrix(ob), expected, 8);
  });

  it('takes statistics and standardizes exactly as the plain two-pass arithmetic does', () => {
    const [first, last] = [1, 14_000];
    const mean = [0, 0, 0, 0, 0];
    for (let t = first; t <= last; t++) for (let j = 0; j < 5; j++) mean[j] += raw[t * 5 + j];
    const count = last - first + 1;
    for (let j = 0; j < 5; j++) mean[j] /= count;
    const ss = [0, 0, 0, 0, 0];
    for (let t = first; t <= last; t++) for (let j = 0; j < 5; j++) ss[j] += (raw[t * 5 + j] - mean[j]) ** 2;
    const stats: Stats = { mean, std: ss.map((s) => Math.sqrt(s / count)) };
    expect(columnStats(raw, 5, first, last)).toEqual(stats);
    const z = standardize(raw, 5, 1, stats, 10);
    const expected = new Float32Array(N * 5);
    for (let k = 5; k < N * 5; k++) expected[k] = Math.max(-10, Math.min(10, (raw[k] - mean[k % 5]) / stats.std[k % 5]));
    expect(z).toEqual(expected);
    expect(z.some((x) => x === 10 || x === -10)).toBe(true); // the jumps are clipped
  });

  it('gives NaN for the quantile of nothing, as numpy does', () => {
    expect(quantile(new Float64Array(0), 1 / 3)).toBeNaN();
  });

  it('labels every bar with a future and none after', () => {
    const h = 5;
    const { r, v } = forwardReturns(b.close, raw, h, 1e-12);
    const vol = { mean: [-7], std: [0.5] };
    const { labels, volTarget } = labelBars(r, v, h, 2e-4, vol);
    for (let t = 0; t < N; t++) {
      if (t + h >= N) {
        expect([labels[t], volTarget[t]]).toEqual([-1, NaN]);
        continue;
      }
      expect(labels[t]).toBe(r[t] < -2e-4 ? 0 : r[t] > 2e-4 ? 2 : 1);
      expect(volTarget[t]).toBe(Math.fround((v[t] + 7) / 0.5));
    }
    expect(new Set(labels)).toEqual(new Set([-1, 0, 1, 2]));
  });
});
