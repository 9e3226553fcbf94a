// Display data for the candle chart: bars merged into at most `maxCandles` candles (a chart
// of a million points helps nobody), and the split each candle falls in, as a colour band.

import type { DatasetSummary } from '../data/summary.ts';
import type { Bars, SplitName } from '../data/types.ts';

export interface Candle {
  time: number; // epoch seconds (the chart's UTC timestamps)
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const maxCandles = 4_000; // about 3 per pixel of a wide chart: denser shows nothing more

export function candles(bars: Bars, limit = maxCandles): { candles: Candle[]; barsPerCandle: number } {
  const per = Math.max(1, Math.ceil(bars.length / limit));
  const out: Candle[] = [];
  for (let start = 0; start < bars.length; start += per) {
    const end = Math.min(bars.length, start + per);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = start; i < end; i++) {
      high = Math.max(high, bars.high[i]);
      low = Math.min(low, bars.low[i]);
      volume += bars.volume[i];
    }
    out.push({ time: Math.floor(bars.time[start] / 1000), open: bars.open[start], high, low, close: bars.close[end - 1], volume });
  }
  return { candles: out, barsPerCandle: per };
}

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
