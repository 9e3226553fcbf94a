// Comparing runs side by side: the settings in which they differ (flattened to
// `model.d_model`, `training.learning_rate`, ...), a metrics table with the better value
// of each row marked, and per-epoch validation curves aligned for one chart.

import { DEFAULT_DATA_SETTINGS } from '../data/dataset.ts';
import type { ColumnMapping } from '../data/types.ts';
import type { ModelConfig } from '../model/config.ts';
import { parameterCount } from '../model/params.ts';
import type { EpochRecord } from '../train/events.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import type { ExperimentSettings } from './settings.ts';

export interface ComparedRun {
  id: string;
  label: string;
  config: { model: ModelConfig; settings: ExperimentSettings; mapping?: ColumnMapping };
  metrics: EpochRecord[];
  test?: SplitMetrics; // the best checkpoint scored on the test split, when it was
  /** Validation as scored at the end; stands in for the best epoch's of a run with no epochs (an imported model scored). */
  validation?: SplitMetrics;
}

export type Scalar = string | number | boolean | null;
export type Better = 'lower' | 'higher';

export interface ConfigDifference {
  key: string; // `model.d_model`, `training.learning_rate`, `data.horizon`, `mapping.columns.time`
  values: Scalar[]; // one per run; null where a run does not have the key
}

export interface MetricRow {
  key: string;
  label: string;
  better: Better | null; // null: a fact, not a score (parameters, best epoch)
  values: (number | null)[]; // one per run; null when absent or not finite
  best: number[]; // indices of the runs holding the better value; empty when nothing to choose
}

export interface Curves {
  epochs: number[]; // 1..the longest run
  loss: (number | null)[][]; // [run][epoch - 1] validation loss
  accuracy: (number | null)[][];
}

export interface Comparison {
  runs: { id: string; label: string }[];
  differences: ConfigDifference[];
  metrics: MetricRow[];
  curves: Curves;
}

export function compareRuns(runs: readonly ComparedRun[]): Comparison {
  return {
    runs: runs.map(({ id, label }) => ({ id, label })),
    differences: configDifferences(runs),
    metrics: metricRows(runs),
    curves: validationCurves(runs),
  };
}

/**
 * A run's configuration as one flat map. Data settings a run left out are filled in with
 * their defaults (seq_len with the model's), so that "default" and "5" do not differ.
 */
export function flattenConfig(config: ComparedRun['config']): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  const put = (prefix: string, value: unknown) => {
    if (Array.isArray(value)) out[prefix] = value.join(', ');
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) put(`${prefix}.${k}`, v);
    else if (value !== undefined) out[prefix] = value as Scalar;
  };
  put('model', config.model);
  put('training', config.settings.training);
  put('data', { ...DEFAULT_DATA_SETTINGS, seq_len: config.model.seq_len, ...config.settings.data });
  if (config.mapping !== undefined) {
    const { version: _version, ...mapping } = config.mapping; // the layout version is not a setting
    put('mapping', mapping);
  }
  return out;
}

/** Only the keys whose values are not the same in every run, in first-seen order. */
export function configDifferences(runs: readonly ComparedRun[]): ConfigDifference[] {
  const flat = runs.map((r) => flattenConfig(r.config));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  return keys
    .map((key) => ({ key, values: flat.map((f) => (Object.hasOwn(f, key) ? f[key] : null)) }))
    .filter((d) => d.values.some((v) => v !== d.values[0]));
}

/** The epoch with the lowest validation loss (the first of equals), as the kept checkpoint. */
export function bestEpoch(metrics: readonly EpochRecord[]): EpochRecord | undefined {
  let best: EpochRecord | undefined;
  for (const m of metrics) {
    if (Number.isFinite(m.validation.loss) && (best === undefined || m.validation.loss < best.validation.loss)) best = m;
  }
  return best;
}

type Score = 'loss' | 'accuracy' | 'balanced_accuracy' | 'macro_f1' | 'vol_rmse';
const scores: { key: Score; label: string; better: Better }[] = [
  { key: 'loss', label: 'loss', better: 'lower' },
  { key: 'accuracy', label: 'accuracy', better: 'higher' },
  { key: 'balanced_accuracy', label: 'balanced accuracy', better: 'higher' },
  { key: 'macro_f1', label: 'macro-F1', better: 'higher' },
  { key: 'vol_rmse', label: 'volatility RMSE', better: 'lower' },
];

/**
 * Validation scores are those of the best epoch (lowest validation loss): that is the
 * checkpoint a run keeps and exports, so it is the fair one to compare, not each maximum.
 */
export function metricRows(runs: readonly ComparedRun[]): MetricRow[] {
  const best = runs.map((r) => bestEpoch(r.metrics));
  const validation = runs.map((r, i) => best[i]?.validation ?? r.validation);
  const rows: Omit<MetricRow, 'best'>[] = [
    { key: 'best_epoch', label: 'best epoch (lowest validation loss)', better: null, values: best.map((b) => b?.epoch ?? null) },
    { key: 'epochs', label: 'epochs trained', better: null, values: runs.map((r) => r.metrics.length) },
    ...scores.map((s) => ({
      key: `validation.${s.key}`, label: `validation ${s.label}${s.key === 'loss' ? ' (best)' : ' at the best epoch'}`, better: s.better,
      values: validation.map((v) => v?.[s.key] ?? null),
    })),
    ...baselineRows('validation', validation),
    ...(runs.some((r) => r.test !== undefined)
      ? [
          ...scores.map((s) => ({ key: `test.${s.key}`, label: `test ${s.label}`, better: s.better, values: runs.map((r) => r.test?.[s.key] ?? null) })),
          ...baselineRows('test', runs.map((r) => r.test)),
        ]
      : []),
    { key: 'parameters', label: 'parameters', better: null, values: runs.map((r) => parameterCount(r.config.model)) },
    { key: 'seconds_per_epoch', label: 'mean seconds per epoch', better: 'lower', values: runs.map((r) => mean(r.metrics.map((m) => m.seconds))) },
  ];
  return rows.map((row) => {
    const values = row.values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
    return { ...row, values, best: row.better === null ? [] : betterIndices(values, row.better) };
  });
}

/**
 * The two baselines' accuracy on the same samples as each run's score: facts to read the
 * scores against, not scores (runs on the same data and splits share them).
 */
function baselineRows(split: 'validation' | 'test', metrics: (SplitMetrics | undefined)[]): Omit<MetricRow, 'best'>[] {
  return (['majority', 'persistence'] as const).map((name) => ({
    key: `${split}.baselines.${name}.accuracy`,
    label: `${split} accuracy of the ${name} baseline`,
    better: null,
    values: metrics.map((m) => m?.baselines[name].accuracy ?? null),
  }));
}

/** The runs holding the better value; none when fewer than two have one or all are equal. */
export function betterIndices(values: readonly (number | null)[], better: Better): number[] {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2 || present.every((v) => v === present[0])) return [];
  const target = better === 'lower' ? Math.min(...present) : Math.max(...present);
  return values.flatMap((v, i) => (v === target ? [i] : []));
}

/** Validation loss and accuracy per epoch, one series per run, on a shared epoch axis. */
export function validationCurves(runs: readonly ComparedRun[]): Curves {
  const last = Math.max(0, ...runs.flatMap((r) => r.metrics.map((m) => m.epoch)));
  const epochs = Array.from({ length: last }, (_, i) => i + 1);
  const series = (pick: (m: EpochRecord) => number) => runs.map((r) => {
    const byEpoch = new Map(r.metrics.map((m) => [m.epoch, pick(m)]));
    return epochs.map((e) => {
      const v = byEpoch.get(e);
      return v !== undefined && Number.isFinite(v) ? v : null; // a gap, not a zero
    });
  });
  return { epochs, loss: series((m) => m.validation.loss), accuracy: series((m) => m.validation.accuracy) };
}

function mean(xs: readonly number[]): number | null {
  const finite = xs.filter((x) => Number.isFinite(x));
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}
