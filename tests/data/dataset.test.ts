// Features, labels, the volatility target, splits with purge and training-only statistics
// (DATA.md §3-6), each recomputed here the slow, obvious way and compared.

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random.ts';
import { DEFAULT_DATA_SETTINGS, dataBlock, prepareDataset, splitSamples } from '../../src/data/dataset.ts';
import { quantile } from '../../src/data/features.ts';
import { loadBars } from '../../src/data/load.ts';
import type { Bars } from '../../src/data/types.ts';
import { randomWalkCsv } from '../support/bars.ts';
import { fixture, load } from './helpers.ts';

async function walk(n: number, seed = 1): Promise<Bars> {
  return (await load(randomWalkCsv(n, seed))).bars;
}

function meanStd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
  return [m, s === 0 ? 1 : s];
}

describe('splits', () => {
  it('are chronological 70/20/10 with `horizon` samples purged after each boundary', () => {
    const s = { ...DEFAULT_DATA_SETTINGS, horizon: 5 };
    // 1000 samples t = 128..1127
    expect(splitSamples(128, 1127, s)).toEqual({ train: [128, 827], validation: [833, 1027], test: [1033, 1127] });
  });

  it('skip a split with fraction 0 and still purge between the others', () => {
    expect(splitSamples(10, 109, { ...DEFAULT_DATA_SETTINGS, horizon: 3, train_split: 0.8, val_split: 0, test_split: 0.2 }))
      .toEqual({ train: [10, 89], validation: null, test: [93, 109] });
  });

  it('start at warmup_bars when it is beyond the window, so two windows share their samples', async () => {
    const bars = await walk(2000);
    const short = prepareDataset(bars, { seq_len: 64, warmup_bars: 128 });
    const long = prepareDataset(bars, { seq_len: 128 });
    expect(short.splits).toEqual(long.splits);
    expect(short.splits.train![0]).toBe(128);
    expect(short.theta).toBe(long.theta); // the same training samples give the same statistics
    expect(prepareDataset(bars, { seq_len: 64 }).splits.train![0]).toBe(64);
    expect(prepareDataset(bars, { seq_len: 64, warmup_bars: 32 }).splits.train![0]).toBe(64);
  });

  it('leave no training label overlapping a bar a validation sample is scored on', async () => {
    const ds = prepareDataset(await walk(2000), { seq_len: 16, horizon: 7 });
    const [, trainEnd] = ds.splits.train!;
    const [valFirst] = ds.splits.validation!;
    expect(trainEnd + ds.horizon).toBeLessThan(valFirst + 1);
  });
});

describe('features', () => {
  it('are the log ratios of DATA.md §3, standardized with bars 1..t_train_end, clipped', async () => {
    const bars = await walk(600);
    const ds = prepareDataset(bars, { seq_len: 20 });
    const trainEnd = ds.splits.train![1];
    const raw = (t: number) => {
      const p = bars.close[t - 1];
      return [Math.log(bars.open[t] / p), Math.log(bars.high[t] / p), Math.log(bars.low[t] / p), Math.log(bars.close[t] / p), Math.log(1 + bars.volume[t])];
    };
    const train = Array.from({ length: trainEnd }, (_, i) => raw(i + 1));
    for (let j = 0; j < 5; j++) {
      const [m, s] = meanStd(train.map((r) => r[j]));
      expect(ds.preprocessing.mean[j]).toBeCloseTo(m, 12);
      expect(ds.preprocessing.std[j]).toBeCloseTo(s, 12);
      for (const t of [1, 37, trainEnd, 599]) {
        const z = Math.max(-10, Math.min(10, (raw(t)[j] - m) / s));
        expect(ds.features[t * 5 + j]).toBeCloseTo(z, 5);
      }
    }
    expect(Array.from(ds.features.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(ds.orderBook).toBeNull();
    expect(ds.preprocessing.order_book).toBe('absent');
  });

  it('take a std of 0 as 1 (no volume column)', async () => {
    const { bars } = await load('time,open,high,low,close\n' + Array.from({ length: 300 }, (_, i) =>
      `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},1.1,1.2,1.0,${(1.1 + 0.01 * Math.sin(i)).toFixed(4)}`).join('\n'));
    const ds = prepareDataset(bars, { seq_len: 10 });
    expect(ds.preprocessing.mean[4]).toBe(0);
    expect(ds.preprocessing.std[4]).toBe(1);
  });

  it('standardize the order book of the last bar with training statistics', async () => {
    const { bars } = await loadBars(fixture('orderbook-bars.csv'));
    const ds = prepareDataset(bars, { seq_len: 4, horizon: 2 });
    const block = ds.preprocessing.order_book;
    if (block === 'absent') throw new Error('expected an order book');
    expect(block.levels).toBe(10);
    const ob = bars.orderBook!;
    const mid = (t: number) => (ob[t * 40] + ob[t * 40 + 20]) / 2;
    const trainEnd = ds.splits.train![1];
    const px = Array.from({ length: trainEnd }, (_, i) => Math.log(ob[(i + 1) * 40 + 3] / mid(i + 1)) * 1e4);
    const [m, s] = meanStd(px);
    expect(block.mean[3]).toBeCloseTo(m, 10);
    expect(block.std[3]).toBeCloseTo(s, 10);
    expect(ds.orderBook![7 * 40 + 3]).toBeCloseTo((Math.log(ob[7 * 40 + 3] / mid(7)) * 1e4 - m) / s, 5);
  });
});

describe('labels and volatility target', () => {
  it('follow DATA.md §5 with theta "auto" = the 1/3 quantile of |r| over training samples', async () => {
    const bars = await walk(3000, 9);
    const h = 5;
    const ds = prepareDataset(bars, { seq_len: 32, horizon: h });
    const [a, b] = ds.splits.train!;
    const r = (t: number) => Math.log(bars.close[t + h] / bars.close[t]);
    const absR = Array.from({ length: b - a + 1 }, (_, i) => Math.abs(r(a + i))).sort((x, y) => x - y);
    const pos = (absR.length - 1) / 3;
    const theta = absR[Math.floor(pos)] + (absR[Math.floor(pos) + 1] - absR[Math.floor(pos)]) * (pos - Math.floor(pos));
    expect(ds.theta).toBeCloseTo(theta, 15);
    expect(ds.preprocessing.theta).toBe(ds.theta);
    for (const t of [a, 500, b, 2990]) expect(ds.labels[t]).toBe(r(t) < -theta ? 0 : r(t) > theta ? 2 : 1);
    expect(ds.labels[3000 - h]).toBe(-1);
    const { DOWN, NEUTRAL, UP } = ds.labelCounts.train;
    expect(DOWN + NEUTRAL + UP).toBe(b - a + 1);
    expect(Math.abs(NEUTRAL / (b - a + 1) - 1 / 3)).toBeLessThan(0.01);

    const v = (t: number) => {
      let ss = 0;
      for (let k = 1; k <= h; k++) ss += Math.log(bars.close[t + k] / bars.close[t + k - 1]) ** 2;
      return Math.log(Math.sqrt(ss) + 1e-12);
    };
    const [vm, vs] = meanStd(Array.from({ length: b - a + 1 }, (_, i) => v(a + i)));
    expect(ds.preprocessing.vol_mean).toBeCloseTo(vm, 10);
    expect(ds.preprocessing.vol_std).toBeCloseTo(vs, 10);
    expect(ds.volTarget[1234]).toBeCloseTo((v(1234) - vm) / vs, 5);
  });

  it('take a fixed theta in basis points', async () => {
    const ds = prepareDataset(await walk(1000), { seq_len: 16, theta: 12 });
    expect(ds.theta).toBeCloseTo(0.0012, 15);
    expect(ds.preprocessing.theta_mode).toBe('fixed');
  });

  it('match numpy quantile interpolation', () => {
    expect(quantile(Float64Array.from([8, 1, 4, 2]), 1 / 3)).toBeCloseTo(2, 15);
    expect(quantile(Float64Array.from([8, 1, 4, 2]), 0.5)).toBe(3);
    expect(quantile(Float64Array.from([5]), 1 / 3)).toBe(5);
  });

  it('select the 1/3 quantile of a rise-then-fall million, an order that makes naive pivots quadratic', () => {
    const n = 1_000_000;
    const a = Float64Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)); // 0, 1, ..., 499999, 499999, ..., 0
    const pos = (n - 1) / 3;
    const sorted = a.slice().sort();
    const g = pos - Math.floor(pos);
    expect(quantile(a, 1 / 3)).toBe(sorted[Math.floor(pos)] + (sorted[Math.floor(pos) + 1] - sorted[Math.floor(pos)]) * g);
  });

  it('select the same quantile as sorting does, ties and all', () => {
    const rng = new Rng(7);
    for (const n of [2, 3, 10, 101, 1000]) {
      for (const levels of [3, 1e9]) {
        const a = Float64Array.from({ length: n }, () => Math.floor(rng.next() * levels));
        const sorted = a.slice().sort();
        for (const q of [0, 1 / 3, 0.5, 0.9, 1]) {
          const pos = q * (n - 1);
          const [lo, hi] = [Math.floor(pos), Math.min(Math.floor(pos) + 1, n - 1)];
          const g = pos - lo;
          const d = sorted[hi] - sorted[lo];
          expect(quantile(a.slice(), q)).toBe(g >= 0.5 ? sorted[hi] - d * (1 - g) : sorted[lo] + d * g);
        }
      }
    }
  });
});

describe('settings and the export blocks', () => {
  it('refuse impossible settings and too few bars in one sentence', async () => {
    const bars = await walk(200);
    const few = await walk(100);
    expect(() => prepareDataset(bars, { seq_len: 0 })).toThrow(/seq_len must be a whole number/);
    expect(() => prepareDataset(bars, { train_split: 0.5 })).toThrow(/must add up to 1, not 0.8/);
    expect(() => prepareDataset(bars, { theta: -1 })).toThrow(/theta must be "auto" or basis points/);
    expect(() => prepareDataset(few)).toThrow(/100 bars are too few: seq_len 128 and horizon 5 need at least 134 bars/);
    expect(() => prepareDataset(bars, { seq_len: 180 })).toThrow(/too few for a validation split/);
    expect(() => prepareDataset(bars, { seq_len: 16, warmup_bars: 196 })).toThrow(/200 bars are too few: warmup_bars 196 and horizon 5 need at least 202 bars/);
    expect(() => prepareDataset(bars, { warmup_bars: -1 })).toThrow(/warmup_bars must be a whole number of bars of at least 0/);
  });

  it('give the preprocessing and data blocks of EXPORT.md', async () => {
    const { bars, report } = await load(randomWalkCsv(1000), { fileName: 'walk.csv' });
    const ds = prepareDataset(bars, { seq_len: 64 });
    expect(Object.keys(ds.preprocessing)).toEqual(
      ['features', 'mean', 'std', 'clip', 'order_book', 'horizon', 'theta', 'theta_mode', 'vol_mean', 'vol_std']);
    expect(ds.preprocessing.features).toEqual(['ln_open_prev_close', 'ln_high_prev_close', 'ln_low_prev_close', 'ln_close_prev_close', 'ln1p_volume']);
    expect(dataBlock(report, ds)).toEqual({
      file_name: 'walk.csv', sha256: report.sha256, format: 'generic', timeframe: 'M1',
      first_time: '2024-01-01T00:00:00Z', last_time: report.last_time, rows_kept: 1000, splits: ds.splits,
    });
  });
});
