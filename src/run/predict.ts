// Predictions of an exported model on new bars, as the bot makes them at inference time
// (spec/EXPORT.md, DATA.md §3-5): the export's own preprocessing statistics, never
// recomputed from the new file, then eval mode. bot/predict.py is the PyTorch twin.

import * as tf from '../tf.ts';
import { UserError } from '../errors.ts';
import { CLASSES, VOL_EPS, type PreprocessingBlock } from '../data/dataset.ts';
import {
  FEATURE_NAMES, INPUT_DIM, OB_LEVELS, ORDER_BOOK_DIM, barFeatureMatrix, orderBookFeatureMatrix, standardize,
} from '../data/features.ts';
import { isoUtc } from '../data/time.ts';
import type { Bars } from '../data/types.ts';
import type { ModelConfig } from '../model/config.ts';
import { forward, type Params } from '../model/transformer.ts';

/** What an export's nexus_transformer.json gives prediction: the model's config and the statistics. */
export interface ExportForPrediction {
  config: Partial<ModelConfig>;
  preprocessing: PreprocessingBlock;
}

/** One prediction, in the JSON shape bot/predict.py prints (snake_case: it crosses to the bot). */
export interface Prediction {
  t: number; // index of the window's last bar in the loaded file
  time: string; // that bar's time, ISO 8601 UTC
  probabilities: [number, number, number]; // softmax over [DOWN, NEUTRAL, UP]
  class: (typeof CLASSES)[number];
  vol_pred: number; // the vol head's output, in standardized units
  log_volatility: number; // vol_pred * vol_std + vol_mean: ln of the horizon's realized volatility
  volatility: number; // exp(log_volatility) - 1e-12, the sqrt of the summed squared log returns
}

/** Model inputs of every bar, standardized with given statistics. */
export interface BarInputs {
  features: Float32Array; // (N, 5); row 0 is zeros (no previous close)
  orderBook: Float32Array | null; // (N, 40), or null for zeros
}

const predictBatchSize = 256;

/** Checks nexus_transformer.json at the boundary: the keys prediction reads, with their sizes. */
export function parseExportMetadata(text: string, name: string): ExportForPrediction {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    throw new UserError(`${name} is not valid JSON`);
  }
  const m = meta as { format?: unknown; config?: unknown; preprocessing?: unknown };
  if (typeof m !== 'object' || m === null || m.format !== 'nexus-export') {
    throw new UserError(`${name} is not a NexusBrain export's metadata (no "format": "nexus-export")`);
  }
  if (typeof m.config !== 'object' || m.config === null) throw new UserError(`${name} has no "config" block`);
  if (m.preprocessing === null || m.preprocessing === undefined) {
    throw new UserError(`${name} has no preprocessing statistics (an untrained export): predictions need those of a training run`);
  }
  return { config: m.config as Partial<ModelConfig>, preprocessing: parsePreprocessing(m.preprocessing, name) };
}

function parsePreprocessing(value: unknown, name: string): PreprocessingBlock {
  const p = value as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new UserError(`${name}: preprocessing ${what}`);
  };
  const numbers = (v: unknown, n: number, key: string): number[] => {
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      bad(`"${key}" must be a list of ${n} numbers`);
    }
    return v as number[];
  };
  const number = (key: string): number => {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`"${key}" must be a number`);
    return v as number;
  };
  if (typeof p !== 'object' || p === null) bad('must be an object');
  const features = p.features;
  if (!Array.isArray(features) || features.join() !== FEATURE_NAMES.join()) {
    bad(`lists features ${JSON.stringify(features)}; this version computes ${FEATURE_NAMES.join(', ')}`);
  }
  const std = numbers(p.std, INPUT_DIM, 'std');
  if (std.some((s) => s <= 0)) bad('"std" must be positive');
  let orderBook: PreprocessingBlock['order_book'] = 'absent';
  if (p.order_book !== 'absent') {
    const ob = p.order_book as { levels?: unknown; mean?: unknown; std?: unknown } | null;
    if (typeof ob !== 'object' || ob === null || ob.levels !== OB_LEVELS) bad(`"order_book" must be "absent" or {"levels": ${OB_LEVELS}, "mean", "std"}`);
    orderBook = { levels: OB_LEVELS, mean: numbers(ob?.mean, ORDER_BOOK_DIM, 'order_book.mean'), std: numbers(ob?.std, ORDER_BOOK_DIM, 'order_book.std') };
  }
  const horizon = number('horizon');
  if (!Number.isInteger(horizon) || horizon < 1) bad('"horizon" must be a whole number of bars');
  return {
    features: [...FEATURE_NAMES],
    mean: numbers(p.mean, INPUT_DIM, 'mean'),
    std,
    clip: number('clip'),
    order_book: orderBook,
    horizon,
    theta: number('theta'),
    theta_mode: p.theta_mode === 'fixed' ? 'fixed' : 'auto',
    vol_mean: number('vol_mean'),
    vol_std: number('vol_std'),
  };
}

/**
 * DATA.md §3-4 features of every bar with the export's statistics: the same rows as
 * prepareDataset, but the mean and std are given rather than taken from a training split.
 * A file without order-book columns gives zeros, as the bot's preprocess() does.
 */
export function applyPreprocessing(bars: Bars, p: PreprocessingBlock): BarInputs {
  const features = standardize(barFeatureMatrix(bars), INPUT_DIM, 1, p, p.clip);
  const book = bars.orderBook;
  if (p.order_book === 'absent' || book === null) return { features, orderBook: null };
  const orderBook = standardize(orderBookFeatureMatrix(book), ORDER_BOOK_DIM, 0, p.order_book, p.clip);
  return { features, orderBook };
}

/** The last `last` bars whose window t-seqLen+1..t has a previous close for its first bar. */
export function predictionIndices(length: number, seqLen: number, last: number): Int32Array {
  if (length - 1 < seqLen) {
    throw new UserError(`the file has ${length} bars; this model reads windows of ${seqLen} bars, so it needs at least ${seqLen + 1} (the first bar has no previous close)`);
  }
  const first = Math.max(seqLen, length - last);
  return Int32Array.from({ length: length - first }, (_, i) => first + i);
}

/** Eval-mode outputs for the windows ending at each t, batched so memory stays bounded. */
export async function predictBars(c: ModelConfig, params: Params, bars: Bars, inputs: BarInputs, p: PreprocessingBlock, ts: Int32Array): Promise<Prediction[]> {
  const T = c.seq_len;
  const out: Prediction[] = [];
  for (let start = 0; start < ts.length; start += predictBatchSize) {
    const batch = ts.subarray(start, Math.min(ts.length, start + predictBatchSize));
    const B = batch.length;
    const x = new Float32Array(B * T * INPUT_DIM);
    const ob = new Float32Array(B * ORDER_BOOK_DIM);
    batch.forEach((t, b) => {
      x.set(inputs.features.subarray((t - T + 1) * INPUT_DIM, (t + 1) * INPUT_DIM), b * T * INPUT_DIM); // (T, 5)
      if (inputs.orderBook !== null) ob.set(inputs.orderBook.subarray(t * ORDER_BOOK_DIM, (t + 1) * ORDER_BOOK_DIM), b * ORDER_BOOK_DIM);
    });
    const [probs, vol] = tf.tidy(() => {
      const o = forward(c, params, tf.tensor3d(x, [B, T, INPUT_DIM]), tf.tensor2d(ob, [B, ORDER_BOOK_DIM]), { training: false });
      return [tf.softmax(o.trendLogits), o.volPred.reshape([-1])]; // (B, 3), (B,)
    });
    const [pr, v] = await Promise.all([probs.data(), vol.data()]);
    tf.dispose([probs, vol]);
    batch.forEach((t, b) => {
      const probabilities: [number, number, number] = [pr[3 * b], pr[3 * b + 1], pr[3 * b + 2]];
      const logVol = v[b] * p.vol_std + p.vol_mean;
      out.push({
        t,
        time: isoUtc(bars.time[t]),
        probabilities,
        class: CLASSES[argmax(probabilities)],
        vol_pred: v[b],
        log_volatility: logVol,
        volatility: Math.exp(logVol) - VOL_EPS,
      });
    });
  }
  return out;
}

/** First index of the largest value, as numpy's and torch's argmax break ties. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
