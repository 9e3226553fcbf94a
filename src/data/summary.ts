// What the data view shows of a prepared dataset without the dataset itself: the samples,
// time range and label distribution of each split, and theta. Small, so it crosses from
// the data worker to the page cheaply.

import { SPLITS, type Dataset } from './dataset.ts';
import type { Bars, LabelCounts, SplitName } from './types.ts';

export interface SplitSummary {
  samples: number;
  first_time: number; // epoch ms of the split's first and last sample (its last input bar)
  last_time: number;
  labels: LabelCounts;
}

export interface DatasetSummary {
  splits: Record<SplitName, SplitSummary | null>;
  theta: number; // as a fraction
  seq_len: number;
  horizon: number;
}

export function summarizeDataset(bars: Bars, d: Dataset): DatasetSummary {
  const split = (name: SplitName): SplitSummary | null => {
    const range = d.splits[name];
    if (range === null) return null;
    return { samples: range[1] - range[0] + 1, first_time: bars.time[range[0]], last_time: bars.time[range[1]], labels: d.labelCounts[name] };
  };
  return {
    splits: Object.fromEntries(SPLITS.map((s) => [s, split(s)])) as Record<SplitName, SplitSummary | null>,
    theta: d.theta,
    seq_len: d.seqLen,
    horizon: d.horizon,
  };
}
