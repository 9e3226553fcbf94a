// The trading read-out of spec/TRAINING.md ("Evaluation that tells the truth"): act on the
// predicted class for h bars, non-overlapping, after a cost per trade, and report trades,
// win rate, profit factor, annualized Sharpe and maximum drawdown (EXPORT.md `M.trading`).
//
// Rules, chosen so the numbers are simple to check by hand:
// - Decisions every h bars: the first sample decides; the next decision is the first sample
//   with t >= previous t + h, whether the previous decision was a trade or flat.
// - UP = long (+1), DOWN = short (-1), NEUTRAL = flat (0). A long/short decision is one trade
//   held from close c(t) to close c(t+h): gross log return position * ln(c(t+h) / c(t)).
// - Cost: cost_bps / 1e4 subtracted once per trade, for the whole round trip (entry and
//   exit), also when the next trade is in the same direction. Subtracting from the log
//   return is the usual small-cost approximation of ln(1 - cost).
// - Win rate: share of trades with net return > 0 (a trade netting exactly 0 is no win).
// - Profit factor: sum of positive net returns / |sum of negative net returns|; null when
//   there are no losing trades (infinite, or 0/0), since JSON has no Infinity. A reader
//   tells "no trades" (trades 0) from "no losses" (trades > 0) by the trade count.
// - Sharpe: over every decision period, flat ones counting as return 0 (time out of the
//   market is part of the strategy), mean / sample std (ddof 1) * sqrt(periods per year).
//   Periods per year = 365 * 24 * 3600 / (bar seconds * h), i.e. markets that trade around
//   the clock (crypto). FX closes at weekends, so its bars cover ~5/7 of calendar time and
//   this overstates its Sharpe by ~sqrt(7/5); a caller that knows the bars per year of its
//   data (bars counted over the span of their timestamps) passes `barsPerYear` instead.
//   null with fewer than 2 periods or zero spread.
// - Max drawdown: of the cumulative net log-return curve starting at 0, the largest fall
//   from a running peak, reported as a fraction of peak equity, 1 - exp(-fall) (0.1 = lost
//   10% from the peak).

export const DEFAULT_COST_BPS = 1;
const SECONDS_PER_YEAR = 365 * 24 * 3600;

export interface TradingInput {
  /** Close prices of the whole series, indexed by bar. */
  closes: Float64Array;
  /** Sample indices t (last input bar), strictly ascending. */
  t: ArrayLike<number>;
  /** Predicted class per sample: 0 DOWN, 1 NEUTRAL, 2 UP. */
  predicted: Int32Array;
  horizon: number;
  barSeconds: number;
  costBps?: number;
  /** Bars per year of this market; defaults to calendar time (365 days of 24 h). */
  barsPerYear?: number;
}

export interface TradingReadout {
  trades: number;
  win_rate: number | null;
  profit_factor: number | null;
  sharpe: number | null;
  max_drawdown: number;
  cost_bps: number;
  /** Decision periods (trades plus flat periods), the Sharpe sample. */
  periods: number;
  /** Sum of net log returns over all trades. */
  total_return: number;
}

export interface Simulation {
  /** Index into the samples of each decision, in time order. */
  decisions: Int32Array;
  /** Net log return of each decision period (0 when flat). */
  periodReturns: Float64Array;
  /** Net log return of each trade (non-flat decisions only). */
  tradeReturns: Float64Array;
}

const POSITION = [-1, 0, 1] as const; // by class: DOWN short, NEUTRAL flat, UP long

export function simulateTrades(input: TradingInput): Simulation {
  const { closes, t, predicted, horizon: h } = input;
  const cost = (input.costBps ?? DEFAULT_COST_BPS) / 1e4;
  if (predicted.length !== t.length) {
    throw new Error(`simulateTrades: ${predicted.length} predictions for ${t.length} samples`);
  }
  if (!(Number.isInteger(h) && h >= 1)) throw new Error(`simulateTrades: horizon ${h} must be a whole number >= 1`);
  const decisions: number[] = [];
  const periodReturns: number[] = [];
  const tradeReturns: number[] = [];
  let next = -Infinity;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (i > 0 && !(ti > t[i - 1])) throw new Error(`simulateTrades: sample indices not ascending at ${i}`);
    if (ti < next) continue;
    if (ti + h >= closes.length) throw new Error(`simulateTrades: sample t=${ti} has no close h=${h} bars later`);
    const cls = predicted[i];
    const position = POSITION[cls];
    if (position === undefined) throw new Error(`simulateTrades: class ${cls} at sample ${i} is not 0, 1 or 2`);
    decisions.push(i);
    next = ti + h;
    if (position === 0) {
      periodReturns.push(0);
    } else {
      const net = position * Math.log(closes[ti + h] / closes[ti]) - cost;
      periodReturns.push(net);
      tradeReturns.push(net);
    }
  }
  return {
    decisions: Int32Array.from(decisions),
    periodReturns: Float64Array.from(periodReturns),
    tradeReturns: Float64Array.from(tradeReturns),
  };
}

/** Decision periods per year for bars of `barSeconds` decided every `horizon` bars. */
export function periodsPerYear(barSeconds: number, horizon: number, barsPerYear = SECONDS_PER_YEAR / barSeconds): number {
  return barsPerYear / horizon;
}

export function tradingReadout(input: TradingInput): TradingReadout {
  const { periodReturns, tradeReturns } = simulateTrades(input);
  let gains = 0;
  let losses = 0;
  let wins = 0;
  for (const r of tradeReturns) {
    if (r > 0) {
      gains += r;
      wins += 1;
    } else {
      losses += r; // r <= 0
    }
  }
  const trades = tradeReturns.length;
  return {
    trades,
    win_rate: trades > 0 ? wins / trades : null,
    profit_factor: losses < 0 ? gains / -losses : null,
    sharpe: sharpe(periodReturns, periodsPerYear(input.barSeconds, input.horizon, input.barsPerYear)),
    max_drawdown: maxDrawdown(periodReturns),
    cost_bps: input.costBps ?? DEFAULT_COST_BPS,
    periods: periodReturns.length,
    total_return: gains + losses,
  };
}

/** Annualized Sharpe ratio (no risk-free rate) of per-period returns; null if undefined. */
export function sharpe(returns: Float64Array, perYear: number): number | null {
  const n = returns.length;
  if (n < 2) return null;
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= n;
  let ss = 0;
  for (const r of returns) ss += (r - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  // A spread at rounding level (all returns equal) is treated as none.
  if (!(std > 1e-15)) return null;
  return (mean / std) * Math.sqrt(perYear);
}

/** Largest fall of the cumulative log-return curve from its running peak, as a fraction. */
export function maxDrawdown(returns: Float64Array): number {
  let equity = 0;
  let peak = 0;
  let worst = 0;
  for (const r of returns) {
    equity += r;
    peak = Math.max(peak, equity);
    worst = Math.max(worst, peak - equity);
  }
  return 1 - Math.exp(-worst);
}
