// The spacing of bar times (spec/DATA.md §2): the timeframe is the most common step, and a
// longer step is a gap, counted (and whether it spans a weekend) but never filled.

import { spansWeekend } from './time.ts';

export interface Gaps {
  gaps: number;
  weekendGaps: number;
  missingBars: number;
  timeframeMs: number;
}

/** The most common step is the timeframe; longer steps are gaps (counted, not filled). */
export function measureGaps(time: Float64Array): Gaps {
  // Counted run by run: nearly every step equals the one before it.
  const counts = new Map<number, number>();
  let step = NaN;
  let run = 0;
  for (let i = 1; i <= time.length; i++) {
    const d = i < time.length ? time[i] - time[i - 1] : NaN;
    if (d === step) {
      run++;
      continue;
    }
    if (run > 0) counts.set(step, (counts.get(step) ?? 0) + run);
    [step, run] = [d, 1];
  }
  let timeframeMs = 0;
  let best = 0;
  for (const [d, c] of counts) if (c > best || (c === best && d < timeframeMs)) [timeframeMs, best] = [d, c];
  let gaps = 0;
  let weekendGaps = 0;
  let missingBars = 0;
  for (let i = 1; i < time.length; i++) {
    const d = time[i] - time[i - 1];
    if (d <= timeframeMs * 1.5) continue;
    gaps++;
    missingBars += Math.round(d / timeframeMs) - 1;
    if (spansWeekend(time[i - 1], time[i])) weekendGaps++;
  }
  return { gaps, weekendGaps, missingBars, timeframeMs };
}
