// The spacing of bar times (spec/DATA.md §2): the timeframe is the most common step, and a
// longer step is a gap, counted (and whether it spans a weekend) but never filled. Steps
// are taken once, as runs (nearly every step equals the one before it), which also tell
// whether the file was in time order.

import { spansWeekend } from './time.ts';

export interface Gaps {
  gaps: number;
  weekendGaps: number;
  missingBars: number;
  timeframeMs: number;
}

/** Runs of equal steps time[i] - time[i-1]: the step, how many in a row, and the i of the first. */
export interface StepRuns {
  step: number[];
  count: number[];
  first: number[];
}

export function stepRuns(time: Float64Array): StepRuns {
  const runs: StepRuns = { step: [], count: [], first: [] };
  let k = -1;
  for (let i = 1; i < time.length; i++) {
    const d = time[i] - time[i - 1];
    if (k >= 0 && d === runs.step[k]) {
      runs.count[k]++;
      continue;
    }
    runs.step.push(d);
    runs.count.push(1);
    runs.first.push(i);
    k++;
  }
  return runs;
}

/** Steps backwards in time, and steps of zero (a time repeated). */
export function disorder(runs: StepRuns): { outOfOrder: number; repeats: number } {
  let outOfOrder = 0;
  let repeats = 0;
  runs.step.forEach((d, k) => {
    if (d < 0) outOfOrder += runs.count[k];
    else if (d === 0) repeats += runs.count[k];
  });
  return { outOfOrder, repeats };
}

/** The most common step is the timeframe; longer steps are gaps (counted, not filled). `runs` are time's. */
export function measureGaps(time: Float64Array, runs: StepRuns): Gaps {
  const counts = new Map<number, number>();
  runs.step.forEach((d, k) => counts.set(d, (counts.get(d) ?? 0) + runs.count[k]));
  let timeframeMs = 0;
  let best = 0;
  for (const [d, c] of counts) if (c > best || (c === best && d < timeframeMs)) [timeframeMs, best] = [d, c];
  let gaps = 0;
  let weekendGaps = 0;
  let missingBars = 0;
  runs.step.forEach((d, k) => {
    if (d <= timeframeMs * 1.5) return;
    const count = runs.count[k];
    gaps += count;
    missingBars += count * (Math.round(d / timeframeMs) - 1);
    for (let i = runs.first[k]; i < runs.first[k] + count; i++) if (spansWeekend(time[i - 1], time[i])) weekendGaps++;
  });
  return { gaps, weekendGaps, missingBars, timeframeMs };
}
