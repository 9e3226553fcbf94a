// The sampler: batches are exact copies of the windows, built on demand; epochs are
// seeded permutations of the training split; the PRNG is the documented mulberry32.

import { describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/data/dataset.ts';
import { loadBars } from '../../src/data/load.ts';
import { mulberry32 } from '../../src/data/prng.ts';
import { makeSampler } from '../../src/data/sampler.ts';
import { fixture, load, randomWalkCsv } from './helpers.ts';

describe('makeSampler', async () => {
  const { bars } = await load(randomWalkCsv(800, 5));
  const ds = prepareDataset(bars, { seq_len: 16, horizon: 3 });
  const sampler = makeSampler(ds, { seed: 42 });

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

  it('shuffles the training split per epoch, reproducibly', () => {
    const [a, z] = ds.splits.train!;
    const e0 = sampler.epoch(0);
    expect(Array.from(e0).sort((x, y) => x - y)).toEqual(Array.from({ length: z - a + 1 }, (_, i) => a + i));
    expect(sampler.epoch(0)).toEqual(e0);
    expect(makeSampler(ds, { seed: 42 }).epoch(0)).toEqual(e0);
    expect(sampler.epoch(1)).not.toEqual(e0);
    expect(makeSampler(ds, { seed: 7 }).epoch(0)).not.toEqual(e0);
  });

  it('covers a split in batches, the last one short', () => {
    const order = sampler.indices('validation');
    const sizes = [...sampler.batches(order, 32)].map((b) => b.size);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(order.length);
    expect(sizes.slice(0, -1).every((s) => s === 32)).toBe(true);
    expect(Array.from(sampler.indices('test'))).toEqual(Array.from({ length: ds.splits.test![1] - ds.splits.test![0] + 1 }, (_, i) => ds.splits.test![0] + i));
  });

  it('copies the order book of the window’s last bar', async () => {
    const { bars: ob } = await loadBars(fixture('orderbook-bars.csv'));
    const d = prepareDataset(ob, { seq_len: 4, horizon: 2 });
    const b = makeSampler(d, { seed: 1 }).batch([10, 5]);
    expect(Array.from(b.ob.subarray(0, 40))).toEqual(Array.from(d.orderBook!.subarray(400, 440)));
    expect(Array.from(b.ob.subarray(40, 80))).toEqual(Array.from(d.orderBook!.subarray(200, 240)));
  });
});

describe('mulberry32', () => {
  it('is the reference generator', () => {
    // First outputs of mulberry32(1) from the reference C implementation (uint32).
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => Math.round(x * 2 ** 32))).toEqual([2693262067, 11749833, 2265367787]);
    const s = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => s());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 0.5)).toBeLessThan(0.01);
  });
});
