// Classification scores and baselines: small cases computed by hand, and random cases
// against sklearn (or, without it, numpy) through tests/train/py/metrics_ref.py.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baselines, classify, confusionMatrix, majorityClass, persistencePredictions, splitMetrics, volRmse,
} from '../../src/train/metrics.ts';
import { pythonHas, runPythonJson } from '../support/python.ts';

const py = (name: string) => join(import.meta.dirname, 'py', name);

const i32 = (xs: number[]) => Int32Array.from(xs);

describe('classify', () => {
  it('scores a small case computed by hand', () => {
    const truth = i32([0, 0, 1, 1, 2, 2, 2, 1]);
    const pred = i32([0, 1, 1, 2, 2, 2, 0, 1]);
    const c = classify(pred, truth);
    expect(c.confusion).toEqual([[1, 1, 0], [0, 2, 1], [1, 0, 2]]);
    expect(c.accuracy).toBe(5 / 8);
    expect(c.balanced_accuracy).toBeCloseTo((1 / 2 + 2 / 3 + 2 / 3) / 3, 12);
    expect(c.per_class.precision).toEqual([1 / 2, 2 / 3, 2 / 3]);
    expect(c.per_class.recall).toEqual([1 / 2, 2 / 3, 2 / 3]);
    expect(c.per_class.support).toEqual([2, 3, 3]);
    expect(c.macro_f1).toBeCloseTo((1 / 2 + 2 / 3 + 2 / 3) / 3, 12);
  });

  it('balanced accuracy skips classes without true samples; macro-F1 keeps all three', () => {
    const c = classify(i32([1, 0, 2, 2]), i32([1, 1, 2, 2]));
    expect(c.accuracy).toBe(3 / 4);
    expect(c.balanced_accuracy).toBe((1 / 2 + 1) / 2);
    expect(c.macro_f1).toBeCloseTo((0 + 2 / 3 + 1) / 3, 12);
    // DOWN neither true nor predicted: F1 0 counts in the mean (sklearn labels=[0,1,2]).
    expect(classify(i32([1, 2, 2]), i32([1, 2, 1])).macro_f1).toBeCloseTo((0 + 2 / 3 + 2 / 3) / 3, 12);
  });

  it('is NaN on no samples and rejects classes out of range', () => {
    expect(classify(i32([]), i32([])).accuracy).toBeNaN();
    expect(() => confusionMatrix(i32([3]), i32([0]))).toThrow(/out of range at 0/);
    expect(() => confusionMatrix(i32([0, 1]), i32([0]))).toThrow(/2 predictions for 1 labels/);
  });
});

describe('baselines', () => {
  it('majority is the most frequent training class, ties to the lower class', () => {
    expect(majorityClass(i32([2, 2, 1, 0, 2]))).toBe(2);
    expect(majorityClass(i32([2, 0, 0, 2, 1]))).toBe(0);
  });

  it('persistence predicts the direction of the last h bars with theta', () => {
    const closes = Float64Array.from([100, 101, 102, 101, 100, 100.001]);
    // t=1 has no bar h=2 earlier: NEUTRAL; then +1.98%, 0, -1.98%, -0.99% against theta 0.5%
    expect([...persistencePredictions(closes, [1, 2, 3, 4, 5], 2, 0.005)]).toEqual([1, 2, 1, 0, 0]);
  });

  it('scores both baselines on the same samples', () => {
    const closes = Float64Array.from([100, 101, 102, 101, 100, 100.001]);
    const b = baselines({ truth: i32([2, 1, 0, 0]), trainLabels: i32([1, 1, 0]), closes, t: [2, 3, 4, 5], horizon: 2, theta: 0.005 });
    expect(b.majority).toEqual({ accuracy: 1 / 4, balanced_accuracy: 1 / 3, macro_f1: (0 + 2 / 5 + 0) / 3 });
    expect(b.persistence.accuracy).toBe(1);
  });
});

describe('splitMetrics', () => {
  it('has the layout of the export\'s M object', () => {
    const closes = Float64Array.from([100, 101, 102, 101, 103, 103, 100, 100]);
    const m = splitMetrics({
      loss: 0.9, predicted: i32([2, 0, 1, 2]), truth: i32([2, 0, 0, 2]), trainLabels: i32([1, 1, 2]),
      volPredicted: Float32Array.from([0, 1, 0, 1]), volTarget: Float32Array.from([0, 0, 0, 0]),
      closes, t: [2, 3, 4, 5], horizon: 2, theta: 0.005, barSeconds: 60,
    });
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['loss', 'accuracy', 'balanced_accuracy', 'macro_f1', 'vol_rmse', 'confusion', 'baselines', 'trading']));
    expect(Object.keys(m.baselines.persistence).sort()).toEqual(['accuracy', 'balanced_accuracy', 'macro_f1']);
    expect(Object.keys(m.trading)).toEqual(expect.arrayContaining(['trades', 'win_rate', 'profit_factor', 'sharpe', 'max_drawdown', 'cost_bps']));
    expect(m.vol_rmse).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(m.accuracy).toBe(3 / 4);
    expect(m.trading.cost_bps).toBe(1);
  });
});

describe.skipIf(!pythonHas('numpy'))('metrics match sklearn / numpy', () => {
  it('on random cases, one with a class missing', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const randClasses = (n: number, k = 3) => i32(Array.from({ length: n }, () => Math.floor(next() * k)));
    const cases = [
      { truth: randClasses(200), pred: randClasses(200) },
      { truth: randClasses(57), pred: randClasses(57) },
      { truth: randClasses(40, 2), pred: randClasses(40) }, // no UP in the labels
    ];
    const closes = Float64Array.from({ length: 300 }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i / 3) + 0.002 * i * next()));
    const t = Array.from({ length: 250 }, (_, i) => i + 10);
    const volPred = Float32Array.from({ length: 100 }, () => next() * 2 - 1);
    const volTarget = Float32Array.from({ length: 100 }, () => next() * 2 - 1);
    const want = runPythonJson<{
      cases: { confusion: number[][]; accuracy: number; balanced_accuracy: number; macro_f1: number; precision: number[]; recall: number[] }[];
      vol_rmse: number;
      persistence: number[];
    }>(py('metrics_ref.py'), {
      cases: cases.map((c) => ({ truth: [...c.truth], pred: [...c.pred] })),
      vol: { pred: [...volPred], target: [...volTarget] },
      persistence: { closes: [...closes], t, h: 5, theta: 0.004 },
    });
    cases.forEach((c, i) => {
      const got = classify(c.pred, c.truth);
      const w = want.cases[i];
      expect(got.confusion).toEqual(w.confusion);
      expect(got.accuracy).toBeCloseTo(w.accuracy, 12);
      expect(got.balanced_accuracy).toBeCloseTo(w.balanced_accuracy, 12);
      expect(got.macro_f1).toBeCloseTo(w.macro_f1, 12);
      got.per_class.precision.forEach((x, k) => expect(x).toBeCloseTo(w.precision[k], 12));
      got.per_class.recall.forEach((x, k) => expect(x).toBeCloseTo(w.recall[k], 12));
    });
    expect(volRmse(volPred, volTarget)).toBeCloseTo(want.vol_rmse, 12);
    const pers = [...persistencePredictions(closes, t, 5, 0.004)];
    expect(pers).toEqual(want.persistence);
    expect(new Set(pers).size).toBe(3); // the series moves enough to give every class
  });
});
