// The sampler: batches are exact copies of the windows, built on demand, and each split's
// sample indices in time order.

import { describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/data/dataset.ts';
import { loadBars } from '../../src/data/load.ts';
import { makeSampler } from '../../src/data/sampler.ts';
import { randomWalkCsv } from '../support/bars.ts';
import { fixture, load } from './helpers.ts';

describe('makeSampler', async () => {
  const { bars } = await load(randomWalkCsv(800, 5));
  const ds = prepareDataset(bars, { seq_len: 16, horizon: 3 });
  const sampler = makeSampler(ds);

  it('builds (B, T, 5), (B, 40), (B), (B) from sample indices', () => {
    const ts = [16, 300, 796];
    const b = sampler.batch(ts);
    expect([b.size, b.seqLen, b.x.length, b.ob.length, b.label.length, b.vol.length]).toEqual([3, 16, 3 * 16 * 5, 3 * 40, 3, 3]);
    ts.forEach((t, i) => {
      for (let k = 0; k < 16; k++) {
        for (let j = 0; j < 5; j++) expect(b.x[(i * 16 + k) * 5 + j]).toBe(ds.features[(t - 15 + k) * 5 + j]);
      }
      expect(b.label[i]).toBe(ds.labels[t]);
      expect(b.vol[i]).toBe(ds.volTarget[t]);
    });
    expect(b.ob.every((v) => v === 0)).toBe(true);
    expect(() => sampler.batch([15])).toThrow(RangeError);
    expect(() => sampler.batch([797])).toThrow(RangeError);
  });

  it('lists each split in time order', () => {
    expect(Array.from(sampler.indices('test'))).toEqual(Array.from({ length: ds.splits.test![1] - ds.splits.test![0] + 1 }, (_, i) => ds.splits.test![0] + i));
  });

  it('copies the order book of the window’s last bar', async () => {
    const { bars: ob } = await loadBars(fixture('orderbook-bars.csv'));
    const d = prepareDataset(ob, { seq_len: 4, horizon: 2 });
    const b = makeSampler(d).batch([10, 5]);
    expect(Array.from(b.ob.subarray(0, 40))).toEqual(Array.from(d.orderBook!.subarray(400, 440)));
    expect(Array.from(b.ob.subarray(40, 80))).toEqual(Array.from(d.orderBook!.subarray(200, 240)));
  });
});
