// Batches on demand (spec/DATA.md §7): windows are copied out of the one (N, 5) feature
// array per batch, never stored, so memory stays O(N). The seeded order of the training
// samples is the trainer's (src/train/trainer.ts, with src/random.ts), so that a
// checkpoint can replay it.

import type { Dataset, SplitRange } from './dataset.ts';
import { INPUT_DIM, ORDER_BOOK_DIM } from './features.ts';
import type { SplitName } from './types.ts';

export interface Batch {
  size: number;
  seqLen: number;
  /** (B) sample indices t. */
  t: Int32Array;
  /** (B, T, 5) bar features of bars t-T+1..t. */
  x: Float32Array;
  /** (B, 40) order-book features at bar t (zeros when the file has none). */
  ob: Float32Array;
  /** (B) 0 DOWN, 1 NEUTRAL, 2 UP. */
  label: Int32Array;
  /** (B) standardized volatility target. */
  vol: Float32Array;
}

export interface Sampler {
  /** The batch of these sample indices, in this order. */
  batch(ts: ArrayLike<number>): Batch;
  /** A split's sample indices in time order. */
  indices(split: SplitName): Int32Array;
}

function rangeIndices(range: SplitRange): Int32Array {
  if (range === null) return new Int32Array(0);
  return Int32Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
}

export function makeSampler(dataset: Dataset): Sampler {
  const { features, orderBook, labels, volTarget, seqLen: T } = dataset;
  const firstValid = T;
  const lastValid = dataset.length - 1 - dataset.horizon;

  const batch = (ts: ArrayLike<number>): Batch => {
    const B = ts.length;
    const out: Batch = {
      size: B,
      seqLen: T,
      t: new Int32Array(B),
      x: new Float32Array(B * T * INPUT_DIM),
      ob: new Float32Array(B * ORDER_BOOK_DIM),
      label: new Int32Array(B),
      vol: new Float32Array(B),
    };
    for (let b = 0; b < B; b++) {
      const t = ts[b];
      if (!Number.isInteger(t) || t < firstValid || t > lastValid) {
        throw new RangeError(`sample index ${t} is outside ${firstValid}..${lastValid}`);
      }
      out.t[b] = t;
      out.x.set(features.subarray((t - T + 1) * INPUT_DIM, (t + 1) * INPUT_DIM), b * T * INPUT_DIM); // (T, 5)
      if (orderBook !== null) out.ob.set(orderBook.subarray(t * ORDER_BOOK_DIM, (t + 1) * ORDER_BOOK_DIM), b * ORDER_BOOK_DIM);
      out.label[b] = labels[t];
      out.vol[b] = volTarget[t];
    }
    return out;
  };

  return {
    batch,
    indices: (split) => rangeIndices(dataset.splits[split]),
  };
}
