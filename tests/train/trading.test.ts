// The trading read-out on small series checked by hand (rules in src/train/trading.ts).

import { describe, expect, it } from 'vitest';
import { maxDrawdown, periodsPerYear, sharpe, simulateTrades, tradingReadout } from '../../src/train/trading.ts';

const i32 = (xs: number[]) => Int32Array.from(xs);
const closes = Float64Array.from([100, 101, 102, 101, 103, 103, 100, 100, 101, 102]);
const t = [0, 1, 2, 3, 4, 5, 6, 7];
//                  t:  0  1  2  3  4  5  6  7
const predicted = i32([2, 0, 0, 2, 1, 0, 2, 0]); // UP DOWN DOWN UP NEUTRAL DOWN UP DOWN

describe('tradingReadout', () => {
  it('decides every h bars and charges the cost once per trade', () => {
    const sim = simulateTrades({ closes, t, predicted, horizon: 2, barSeconds: 60 });
    expect([...sim.decisions]).toEqual([0, 2, 4, 6]); // t=1,3,5,7 fall inside a holding period
    const cost = 1e-4;
    const r0 = Math.log(102 / 100) - cost; // long
    const r2 = -Math.log(103 / 102) - cost; // short, loses
    const r6 = Math.log(101 / 100) - cost; // long
    expect([...sim.periodReturns]).toEqual([r0, r2, 0, r6]); // t=4 NEUTRAL: flat period
    expect([...sim.tradeReturns]).toEqual([r0, r2, r6]);

    const out = tradingReadout({ closes, t, predicted, horizon: 2, barSeconds: 60 });
    expect(out.trades).toBe(3);
    expect(out.win_rate).toBe(2 / 3);
    expect(out.profit_factor).toBeCloseTo((r0 + r6) / -r2, 12);
    const rs = [r0, r2, 0, r6];
    const mean = rs.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(rs.reduce((a, r) => a + (r - mean) ** 2, 0) / 3);
    const perYear = (365 * 24 * 60) / 2; // M1 bars, one decision every 2 bars
    expect(out.sharpe).toBeCloseTo((mean / std) * Math.sqrt(perYear), 9);
    expect(out.max_drawdown).toBeCloseTo(1 - Math.exp(r2), 12); // the short's fall from the peak
    expect(out.cost_bps).toBe(1);
    expect(out.periods).toBe(4);
    expect(out.total_return).toBeCloseTo(r0 + r2 + r6, 12);
  });

  it('uses the cost given in basis points', () => {
    const out = tradingReadout({ closes, t, predicted, horizon: 2, barSeconds: 60, costBps: 150 });
    // 1.5% per trade turns the +1% long at t=6 into a loss; the +1.98% one still wins.
    expect(out.win_rate).toBe(1 / 3);
    expect(out.cost_bps).toBe(150);
  });

  it('resumes after a gap in the sample indices at the first t past the holding period', () => {
    const sim = simulateTrades({ closes, t: [0, 1, 5, 6], predicted: i32([2, 2, 0, 2]), horizon: 2, barSeconds: 60 });
    expect([...sim.decisions]).toEqual([0, 2]);
  });

  it('reports null where a ratio is undefined', () => {
    const flat = tradingReadout({ closes, t, predicted: i32(Array(8).fill(1)), horizon: 2, barSeconds: 60 });
    expect(flat).toMatchObject({ trades: 0, win_rate: null, profit_factor: null, sharpe: null, max_drawdown: 0 });
    const rising = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const winners = tradingReadout({ closes: rising, t: [0, 1, 2, 3], predicted: i32([2, 2, 2, 2]), horizon: 1, barSeconds: 3600, costBps: 0 });
    expect(winners).toMatchObject({ trades: 4, win_rate: 1, profit_factor: null, max_drawdown: 0 });
  });

  it('rejects inputs the loop should never pass', () => {
    expect(() => simulateTrades({ closes, t: [0, 8], predicted: i32([2, 2]), horizon: 2, barSeconds: 60 })).toThrow(/t=8 has no close/);
    expect(() => simulateTrades({ closes, t: [2, 1], predicted: i32([2, 2]), horizon: 1, barSeconds: 60 })).toThrow(/not ascending/);
    expect(() => simulateTrades({ closes, t: [0], predicted: i32([2, 2]), horizon: 1, barSeconds: 60 })).toThrow(/2 predictions for 1 samples/);
  });
});

describe('helpers', () => {
  it('annualizes from calendar time unless bars per year are given', () => {
    expect(periodsPerYear(3600, 5)).toBeCloseTo(8760 / 5, 9);
    expect(periodsPerYear(3600, 5, 6240)).toBe(1248); // FX H1: ~260 days x 24 bars
  });

  it('sharpe and drawdown on simple curves', () => {
    expect(sharpe(Float64Array.from([0.01]), 252)).toBeNull();
    expect(sharpe(Float64Array.from([0.01, 0.01, 0.01]), 252)).toBeNull();
    expect(sharpe(Float64Array.from([0.02, 0]), 4)).toBeCloseTo((0.01 / Math.sqrt(0.0002)) * 2, 12);
    expect(maxDrawdown(Float64Array.from([0.1, -0.05, -0.1, 0.3, -0.2]))).toBeCloseTo(1 - Math.exp(-0.2), 12);
  });
});
