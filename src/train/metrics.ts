// Scores of a direction classifier and the baselines beside them (spec/TRAINING.md
// "Evaluation that tells the truth"), assembled as the export's `M` object (spec/EXPORT.md).
// Classes follow DATA.md §5: 0 DOWN, 1 NEUTRAL, 2 UP.

import { tradingReadout } from './trading.ts';
import type { TradingReadout } from './trading.ts';

export const NUM_CLASSES = 3;
export const DOWN = 0;
export const NEUTRAL = 1;
export const UP = 2;

export interface PerClass {
  /** tp / (tp + fp); 0 when the class is never predicted (sklearn zero_division=0). */
  precision: number[];
  /** tp / (tp + fn); 0 when the class never occurs. */
  recall: number[];
  f1: number[];
  /** Number of true samples of each class. */
  support: number[];
}

export interface ClassScores {
  accuracy: number;
  balanced_accuracy: number;
  macro_f1: number;
}

export interface Classification extends ClassScores {
  /** confusion[true][predicted]. */
  confusion: number[][];
  per_class: PerClass;
}

export interface SplitMetrics extends ClassScores {
  loss: number;
  vol_rmse: number;
  confusion: number[][];
  per_class: PerClass;
  baselines: { majority: ClassScores; persistence: ClassScores };
  trading: TradingReadout;
}

export function confusionMatrix(predicted: Int32Array, truth: Int32Array): number[][] {
  if (predicted.length !== truth.length) {
    throw new Error(`confusionMatrix: ${predicted.length} predictions for ${truth.length} labels`);
  }
  const c = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const y = truth[i];
    const p = predicted[i];
    if (!isClass(y) || !isClass(p)) throw new Error(`confusionMatrix: class out of range at ${i} (true ${y}, predicted ${p})`);
    c[y][p] += 1;
  }
  return c;
}

/**
 * From the confusion matrix, as sklearn computes them:
 * - accuracy = trace / n;
 * - balanced_accuracy = mean recall over the classes present in the true labels
 *   (balanced_accuracy_score, which drops classes with no true samples);
 * - macro_f1 = mean of the per-class F1 over all three classes, F1 = 2tp / (2tp + fp + fn)
 *   and 0 for a class that appears neither in the labels nor in the predictions, i.e.
 *   f1_score(labels=[0, 1, 2], average='macro', zero_division=0). sklearn's default
 *   (labels=None) averages only over classes present, so the two differ only when a class
 *   is missing from both; a fixed denominator keeps scores comparable across splits.
 * With no samples every score is NaN (JSON writes null).
 */
export function classify(predicted: Int32Array, truth: Int32Array): Classification {
  const c = confusionMatrix(predicted, truth);
  const n = truth.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let correct = 0;
  let recallSum = 0;
  let present = 0;
  for (let k = 0; k < NUM_CLASSES; k++) {
    const tp = c[k][k];
    const actual = c[k].reduce((a, b) => a + b, 0); // tp + fn
    const predictedK = c.reduce((a, row) => a + row[k], 0); // tp + fp
    correct += tp;
    precision.push(predictedK > 0 ? tp / predictedK : 0);
    recall.push(actual > 0 ? tp / actual : 0);
    const denom = actual + predictedK; // 2tp + fp + fn
    f1.push(denom > 0 ? (2 * tp) / denom : 0);
    support.push(actual);
    if (actual > 0) {
      recallSum += tp / actual;
      present += 1;
    }
  }
  return {
    accuracy: n > 0 ? correct / n : NaN,
    balanced_accuracy: present > 0 ? recallSum / present : NaN,
    macro_f1: n > 0 ? f1.reduce((a, b) => a + b, 0) / NUM_CLASSES : NaN,
    confusion: c,
    per_class: { precision, recall, f1, support },
  };
}

/** Root mean squared error, in whatever units both arrays share (the loop passes the
 * standardized volatility target, the unit the vol head is trained in). */
export function volRmse(predicted: Float32Array, target: Float32Array): number {
  if (predicted.length !== target.length) throw new Error(`volRmse: ${predicted.length} predictions for ${target.length} targets`);
  if (target.length === 0) return NaN;
  let ss = 0;
  for (let i = 0; i < target.length; i++) ss += (predicted[i] - target[i]) ** 2;
  return Math.sqrt(ss / target.length);
}

/** Most frequent class of the training labels; a tie goes to the lower class, as np.argmax
 * (and sklearn's DummyClassifier 'most_frequent') break it. */
export function majorityClass(trainLabels: Int32Array): number {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const y of trainLabels) {
    if (!isClass(y)) throw new Error(`majorityClass: label ${y} is not 0, 1 or 2`);
    counts[y] += 1;
  }
  return counts.indexOf(Math.max(...counts));
}

/** The DATA.md §5 rule applied to a log return. */
export function directionOf(logReturn: number, theta: number): number {
  if (logReturn < -theta) return DOWN;
  if (logReturn > theta) return UP;
  return NEUTRAL;
}

/**
 * The persistence baseline: at t, predict the class of the last h bars' move,
 * ln(c(t) / c(t-h)), with the labels' theta. A sample with fewer than h earlier bars
 * (only possible at the very start of the series) is predicted NEUTRAL.
 */
export function persistencePredictions(closes: Float64Array, t: ArrayLike<number>, horizon: number, theta: number): Int32Array {
  const out = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti >= closes.length) throw new Error(`persistencePredictions: sample t=${ti} is past the last bar`);
    out[i] = ti - horizon < 0 ? NEUTRAL : directionOf(Math.log(closes[ti] / closes[ti - horizon]), theta);
  }
  return out;
}

function scores(c: Classification): ClassScores {
  return { accuracy: c.accuracy, balanced_accuracy: c.balanced_accuracy, macro_f1: c.macro_f1 };
}

export interface BaselineInput {
  truth: Int32Array;
  trainLabels: Int32Array;
  closes: Float64Array;
  t: ArrayLike<number>;
  horizon: number;
  theta: number;
}

export function baselines(b: BaselineInput): SplitMetrics['baselines'] {
  const majority = new Int32Array(b.truth.length).fill(majorityClass(b.trainLabels));
  return {
    majority: scores(classify(majority, b.truth)),
    persistence: scores(classify(persistencePredictions(b.closes, b.t, b.horizon, b.theta), b.truth)),
  };
}

export interface SplitInput extends BaselineInput {
  /** Mean loss over the split, as the loop computed it. */
  loss: number;
  predicted: Int32Array;
  volPredicted: Float32Array;
  volTarget: Float32Array;
  barSeconds: number;
  costBps?: number;
  barsPerYear?: number;
}

/** The export's `M` for one split (validation or test), plus per-class detail. */
export function splitMetrics(s: SplitInput): SplitMetrics {
  const c = classify(s.predicted, s.truth);
  return {
    loss: s.loss,
    ...scores(c),
    vol_rmse: volRmse(s.volPredicted, s.volTarget),
    confusion: c.confusion,
    per_class: c.per_class,
    baselines: baselines(s),
    trading: tradingReadout({
      closes: s.closes,
      t: s.t,
      predicted: s.predicted,
      horizon: s.horizon,
      barSeconds: s.barSeconds,
      costBps: s.costBps,
      barsPerYear: s.barsPerYear,
    }),
  };
}

function isClass(y: number): boolean {
  return y === DOWN || y === NEUTRAL || y === UP;
}
