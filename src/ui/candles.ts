// The split each candle falls in, as a colour band behind the candle chart (the candles
// themselves are merged in the data worker: src/data/candles.ts).

import type { Candle } from '../data/candles.ts';
import type { DatasetSummary } from '../data/summary.ts';
import type { SplitName } from '../data/types.ts';

const bandColors: Record<SplitName, string> = {
  train: 'rgba(59, 130, 246, 0.12)',
  validation: 'rgba(234, 179, 8, 0.18)',
  test: 'rgba(168, 85, 247, 0.14)',
};

/** One band entry per candle inside a split (time in seconds, like the candles). */
export function splitBands(cs: Candle[], summary: DatasetSummary | undefined): { time: number; color: string }[] {
  if (summary === undefined) return [];
  const ranges = (Object.entries(summary.splits) as [SplitName, DatasetSummary['splits'][SplitName]][])
    .flatMap(([name, s]) => (s === null ? [] : [{ name, from: s.first_time / 1000, to: s.last_time / 1000 }]));
  return cs.flatMap((c) => {
    const r = ranges.find((x) => c.time >= x.from && c.time <= x.to);
    return r === undefined ? [] : [{ time: c.time, color: bandColors[r.name] }];
  });
}
