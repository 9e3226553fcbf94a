// No look-ahead, as properties over random series: changing any bar after a sample's last
// input bar leaves that sample's input unchanged, and the statistics change only when a
// bar the training split uses (inputs up to t_train_end, labels up to t_train_end + h) changes.

import { describe, expect, it } from 'vitest';
import { prepareDataset, type Dataset } from '../../src/data/dataset.ts';
import { barFeatureMatrix } from '../../src/data/features.ts';
import { Rng } from '../../src/random.ts';
import { makeSampler } from '../../src/data/sampler.ts';
import type { Bars } from '../../src/data/types.ts';
import { randomWalkCsv } from '../support/bars.ts';
import { load } from './helpers.ts';

const SETTINGS = { seq_len: 24, horizon: 4 };

function copyBars(b: Bars): Bars {
  return { ...b, time: b.time.slice(), open: b.open.slice(), high: b.high.slice(), low: b.low.slice(), close: b.close.slice(), volume: b.volume.slice() };
}

/** Scales bar j's prices (keeping it a valid bar) and changes its volume. */
function perturb(b: Bars, j: number, factor: number): Bars {
  const c = copyBars(b);
  c.open[j] *= factor;
  c.high[j] *= factor;
  c.low[j] *= factor;
  c.close[j] *= factor;
  c.volume[j] += 17;
  return c;
}

function statistics(ds: Dataset): unknown {
  const p = ds.preprocessing;
  return [p.mean, p.std, p.theta, p.vol_mean, p.vol_std];
}

function window(ds: Dataset, t: number): Float32Array {
  return makeSampler(ds).batch([t]).x;
}

describe('no look-ahead', async () => {
  const { bars } = await load(randomWalkCsv(1500, 3));
  const base = prepareDataset(bars, SETTINGS);
  const [, trainEnd] = base.splits.train!;
  const rng = new Rng(2024);
  const rand = () => rng.next();
  const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  it('raw window features ignore every later bar', () => {
    const raw = (b: Bars, t: number) => barFeatureMatrix(b).slice((t - SETTINGS.seq_len + 1) * 5, (t + 1) * 5);
    for (let trial = 0; trial < 200; trial++) {
      const t = pick(SETTINGS.seq_len, 1400);
      const j = pick(t + 1, 1499);
      expect(raw(perturb(bars, j, 1 + (rand() - 0.5) * 0.02), t)).toEqual(raw(bars, t));
    }
  });

  it('normalized samples and statistics ignore bars past the training split', () => {
    for (let trial = 0; trial < 25; trial++) {
      const j = pick(trainEnd + SETTINGS.horizon + 1, 1499);
      const ds = prepareDataset(perturb(bars, j, 1.003), SETTINGS);
      expect(statistics(ds)).toEqual(statistics(base));
      const t = pick(SETTINGS.seq_len, j - 1);
      expect(window(ds, t)).toEqual(window(base, t));
      if (t + SETTINGS.horizon < j) expect([ds.labels[t], ds.volTarget[t]]).toEqual([base.labels[t], base.volTarget[t]]);
    }
  });

  it('statistics do change when a training bar changes', () => {
    for (let trial = 0; trial < 10; trial++) {
      const j = pick(1, trainEnd);
      const ds = prepareDataset(perturb(bars, j, 1.003), SETTINGS);
      expect(ds.preprocessing.mean).not.toEqual(base.preprocessing.mean);
    }
  });

  it('feature statistics ignore the bars only training labels see', () => {
    const j = trainEnd + 2;
    const ds = prepareDataset(perturb(bars, j, 1.003), SETTINGS);
    expect([ds.preprocessing.mean, ds.preprocessing.std]).toEqual([base.preprocessing.mean, base.preprocessing.std]);
  });
});
