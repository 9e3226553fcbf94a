// Bars to training samples without look-ahead (spec/DATA.md §3-6): normalized features,
// DOWN/NEUTRAL/UP labels, the volatility target, chronological splits with purge, and
// every statistic from the training split alone, as the export's `preprocessing` block.

import { UserError } from '../errors.ts';
import {
  CLIP, FEATURE_NAMES, INPUT_DIM, OB_LEVELS, ORDER_BOOK_DIM, barFeatureMatrix, columnStats, forwardReturns,
  labelBars, orderBookFeatureMatrix, quantile, standardize, type Stats,
} from './features.ts';
import type { Bars, LabelCounts, LoadReport, SplitName } from './types.ts';

/** The data settings of spec/TRAINING.md, by their shared snake_case names. */
export interface DataSettings {
  /** Bars per input window. */
  seq_len: number;
  /** Bars ahead the label looks (DATA.md §5). */
  horizon: number;
  /** Neutral band: basis points, or 'auto' for the 1/3 quantile of |r| on training samples. */
  theta: number | 'auto';
  train_split: number;
  val_split: number;
  test_split: number;
  /**
   * Samples start at bar max(seq_len, warmup_bars). Two windows compared on the same
   * samples (v1's 64 bars against v2's 128) both take the longer one here.
   */
  warmup_bars: number;
}

export const DEFAULT_DATA_SETTINGS: DataSettings = {
  seq_len: 128, // the v2 preset's window (MODEL.md)
  horizon: 5, // DATA.md §5
  theta: 'auto', // about a third of training labels NEUTRAL
  train_split: 0.7, // the upgrade guide's TRAINING_CONFIG
  val_split: 0.2,
  test_split: 0.1,
  warmup_bars: 0, // samples start once the window fits
};

export const CLASSES = ['DOWN', 'NEUTRAL', 'UP'] as const;
export const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];
export const VOL_EPS = 1e-12;

/** Inclusive range of sample indices t (a sample is named by its last input bar), or null if empty. */
export type SplitRange = [first: number, last: number] | null;

/** The export's `preprocessing` block (spec/EXPORT.md); `theta_mode` is an addition. */
export interface PreprocessingBlock {
  features: string[];
  mean: number[];
  std: number[];
  clip: number;
  order_book: 'absent' | { levels: number; mean: number[]; std: number[] };
  horizon: number;
  theta: number;
  theta_mode: 'auto' | 'fixed';
  vol_mean: number;
  vol_std: number;
}

export interface Dataset {
  length: number;
  seqLen: number;
  horizon: number;
  /** (N, 5) standardized, clipped; row 0 is zeros (no previous close). */
  features: Float32Array;
  /** (N, 40) standardized order-book features, or null when the file has none (zeros). */
  orderBook: Float32Array | null;
  /** (N) class per bar t: 0 DOWN, 1 NEUTRAL, 2 UP; -1 where t + horizon is past the end. */
  labels: Int32Array;
  /** (N) standardized volatility target; NaN where undefined. */
  volTarget: Float32Array;
  splits: Record<SplitName, SplitRange>;
  /** As a fraction (0.00012 = 1.2 bp). */
  theta: number;
  labelCounts: Record<SplitName, LabelCounts>;
  preprocessing: PreprocessingBlock;
  settings: DataSettings;
}

/**
 * Why one data setting's value is out of range, in words, or null when it is in range. The
 * link reader drops a bad value with this sentence; checkSettings also checks the splits' sum.
 */
export function dataSettingProblem(key: keyof DataSettings, value: number | 'auto'): string | null {
  const whole = (min: number) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? null : `${key} must be a whole number of bars of at least ${min}, not ${value}`);
  switch (key) {
    case 'seq_len':
    case 'horizon':
      return whole(1);
    case 'warmup_bars':
      return whole(0);
    case 'theta':
      return value === 'auto' || (Number.isFinite(value) && value >= 0) ? null : `theta must be "auto" or basis points of at least 0, not ${value}`;
    case 'train_split':
    case 'val_split':
    case 'test_split':
      if (!(typeof value === 'number' && value >= 0 && value <= 1)) return `${key} must be between 0 and 1, not ${value}`;
      return key === 'train_split' && value === 0 ? 'train_split must be above 0' : null;
    default:
      return key satisfies never;
  }
}

function checkSettings(s: DataSettings): void {
  const fail = (what: string) => {
    throw new UserError(what);
  };
  for (const key of ['seq_len', 'horizon', 'theta', 'train_split', 'val_split', 'test_split'] as const) {
    const problem = key === 'train_split' && s.train_split === 0 ? null : dataSettingProblem(key, s[key]); // a zero train split: after the sum
    if (problem !== null) fail(problem);
  }
  const sum = s.train_split + s.val_split + s.test_split;
  if (Math.abs(sum - 1) > 1e-9) fail(`train_split, val_split and test_split must add up to 1, not ${Number(sum.toFixed(6))}`);
  if (s.train_split === 0) fail('train_split must be above 0');
  const warmup = dataSettingProblem('warmup_bars', s.warmup_bars);
  if (warmup !== null) fail(warmup);
}

/**
 * Chronological splits of samples first..last: floor(S * fraction) per split, the test
 * split taking the rest; the first `horizon` samples after each boundary are purged.
 */
export function splitSamples(first: number, last: number, s: DataSettings): Record<SplitName, SplitRange> {
  const count = last - first + 1;
  const nTrain = Math.floor(count * s.train_split);
  const nVal = Math.floor(count * s.val_split);
  const bounds: [number, number][] = [
    [first, first + nTrain - 1],
    [first + nTrain, first + nTrain + nVal - 1],
    [first + nTrain + nVal, last],
  ];
  const fractions = [s.train_split, s.val_split, s.test_split];
  const out: Record<SplitName, SplitRange> = { train: null, validation: null, test: null };
  let previous = false;
  SPLITS.forEach((name, i) => {
    if (fractions[i] === 0) return;
    const [a, b] = bounds[i];
    const start = previous ? a + s.horizon : a;
    out[name] = start <= b ? [start, b] : null;
    previous = true;
  });
  return out;
}

function countLabels(labels: Int32Array, range: SplitRange): LabelCounts {
  const c = [0, 0, 0];
  if (range !== null) for (let t = range[0]; t <= range[1]; t++) c[labels[t]]++;
  return { DOWN: c[0], NEUTRAL: c[1], UP: c[2] };
}

export function prepareDataset(bars: Bars, overrides: Partial<DataSettings> = {}): Dataset {
  const settings: DataSettings = { ...DEFAULT_DATA_SETTINGS, ...overrides };
  checkSettings(settings);
  const { seq_len: seqLen, horizon: h } = settings;
  const n = bars.length;
  // Valid t: the window t-seqLen+1..t starts at bar 1 or later, and bars t+1..t+h exist.
  const first = Math.max(seqLen, settings.warmup_bars);
  const last = n - 1 - h;
  if (last < first) {
    const window = first > seqLen ? `warmup_bars ${first}` : `seq_len ${seqLen}`;
    throw new UserError(`${n} bars are too few: ${window} and horizon ${h} need at least ${first + h + 1} bars for one sample`);
  }
  const splits = splitSamples(first, last, settings);
  for (const name of SPLITS) {
    const wanted = name === 'train' ? settings.train_split : name === 'validation' ? settings.val_split : settings.test_split;
    if (wanted > 0 && splits[name] === null) {
      throw new UserError(`${n} bars are too few for a ${name} split with seq_len ${seqLen} and horizon ${h} ` +
        `(${last - first + 1} samples, ${h} purged at each boundary)`);
    }
  }
  const [trainFirst, trainEnd] = splits.train as [number, number];

  // The raw features of every bar, taken once; their ln(close / previous close) is the
  // one-bar log return.
  const raw = barFeatureMatrix(bars);
  // Forward log returns and the volatility target, defined for t = 0..n-1-h.
  const { r, v } = forwardReturns(bars.close, raw, h, VOL_EPS);
  const theta = settings.theta === 'auto' ? quantile(r.subarray(trainFirst, trainEnd + 1), 1 / 3, true) : settings.theta * 1e-4;
  const volStats = columnStats(v, 1, trainFirst, trainEnd);
  const { labels, volTarget } = labelBars(r, v, h, theta, volStats);

  // Bar features: statistics over bars 1..t_train_end, the last bar any training sample sees.
  const stats = columnStats(raw, INPUT_DIM, 1, trainEnd);
  const features = standardize(raw, INPUT_DIM, 1, stats, CLIP);
  let orderBook: Float32Array | null = null;
  let obStats: Stats | null = null;
  if (bars.orderBook !== null) {
    const obRaw = orderBookFeatureMatrix(bars.orderBook);
    obStats = columnStats(obRaw, ORDER_BOOK_DIM, 1, trainEnd);
    orderBook = standardize(obRaw, ORDER_BOOK_DIM, 0, obStats, CLIP);
  }

  const labelCounts = {
    train: countLabels(labels, splits.train),
    validation: countLabels(labels, splits.validation),
    test: countLabels(labels, splits.test),
  };
  const preprocessing: PreprocessingBlock = {
    features: [...FEATURE_NAMES],
    mean: stats.mean,
    std: stats.std,
    clip: CLIP,
    order_book: obStats === null ? 'absent' : { levels: OB_LEVELS, mean: obStats.mean, std: obStats.std },
    horizon: h,
    theta,
    theta_mode: settings.theta === 'auto' ? 'auto' : 'fixed',
    vol_mean: volStats.mean[0],
    vol_std: volStats.std[0],
  };
  return { length: n, seqLen, horizon: h, features, orderBook, labels, volTarget, splits, theta, labelCounts, preprocessing, settings };
}

/** The export's `data` block (spec/EXPORT.md). */
export interface DataBlock {
  file_name: string | null;
  sha256: string;
  format: LoadReport['format'];
  timeframe: string;
  first_time: string;
  last_time: string;
  rows_kept: number;
  splits: Record<SplitName, SplitRange>;
}

export function dataBlock(report: LoadReport, dataset: Dataset): DataBlock {
  const { file_name, sha256, format, timeframe, first_time, last_time, rows_kept } = report;
  return { file_name, sha256, format, timeframe, first_time, last_time, rows_kept, splits: dataset.splits };
}
