// What the candle chart draws: bars merged into at most `MAX_CANDLES` candles, in the
// data worker, so that the page gets a few thousand candles instead of every bar (a chart
// of a million points helps nobody, and copying them to the page costs a long task).

import type { Bars } from './types.ts';

export interface Candle {
  time: number; // epoch seconds (the chart's UTC timestamps)
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface CandleView {
  candles: Candle[];
  /** How many bars each candle merges (1: one candle per bar). */
  barsPerCandle: number;
}

export const MAX_CANDLES = 4_000; // about 3 per pixel of a wide chart: denser shows nothing more

export function candles(bars: Bars, limit = MAX_CANDLES): CandleView {
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
