// Run comparison: only differing settings are listed, validation scores come from the
// best-loss epoch, the better value per row is marked (lower loss and RMSE, higher
// accuracy), ties and missing values mark nothing, and curves align on the epoch number.

import { describe, expect, it } from 'vitest';
import { customConfig, preset } from '../../src/model/config.ts';
import { betterIndices, bestEpoch, compareRuns, configDifferences, flattenConfig, type ComparedRun } from '../../src/run/compare.ts';
import type { EpochRecord } from '../../src/train/events.ts';
import type { SplitMetrics } from '../../src/train/metrics.ts';
import { trainingSettings } from '../../src/train/settings.ts';

function split(loss: number, accuracy: number, extra: Partial<SplitMetrics> = {}): SplitMetrics {
  // Only the scores and the baselines' accuracy matter to the comparison; the rest of SplitMetrics is left out.
  const baselines = { majority: { accuracy: 0.34 }, persistence: { accuracy: 0.36 } };
  return { loss, accuracy, balanced_accuracy: accuracy - 0.05, macro_f1: accuracy - 0.1, vol_rmse: loss / 2, baselines, ...extra } as SplitMetrics;
}

function epochs(losses: number[], accuracies: number[], seconds = 10): EpochRecord[] {
  return losses.map((loss, i) => ({
    epoch: i + 1, train_loss: loss + 0.1, validation: split(loss, accuracies[i]), learning_rate: 1e-4, seconds: seconds + i, samples_per_second: 100,
  }));
}

function run(id: string, over: Partial<ComparedRun> = {}): ComparedRun {
  return {
    id, label: `run ${id}`,
    config: { model: preset('v1'), settings: { training: trainingSettings(), data: {} } },
    metrics: epochs([1.0, 0.9, 0.95], [0.40, 0.45, 0.50]),
    ...over,
  };
}

describe('configDifferences', () => {
  it('lists only the flattened keys whose values differ', () => {
    const b = run('b', { config: { model: customConfig({ preset: 'v1', seq_len: 128 }), settings: { training: trainingSettings({ learning_rate: '0.001' }), data: { horizon: 10 } } } });
    expect(configDifferences([run('a'), b])).toEqual([
      { key: 'model.preset', values: ['v1', 'custom'] },
      { key: 'model.seq_len', values: [64, 128] },
      { key: 'training.learning_rate', values: [0.0001, 0.001] },
      { key: 'data.seq_len', values: [64, 128] },
      { key: 'data.horizon', values: [5, 10] },
    ]);
  });

  it('fills in defaults so that an explicit default is no difference, and lists keys only one run has', () => {
    const explicit = run('b', { config: { model: preset('v1'), settings: { training: trainingSettings(), data: { horizon: 5, seq_len: 64 } } } });
    expect(configDifferences([run('a'), explicit])).toEqual([]);
    const mapped = run('c', { config: { ...run('c').config, mapping: { version: 1, columns: { time: 0, open: 1, high: 2, low: 3, close: 4 }, delimiter: ';' } } });
    expect(configDifferences([run('a'), mapped]).map((d) => d.key)).toEqual([
      'mapping.columns.time', 'mapping.columns.open', 'mapping.columns.high', 'mapping.columns.low', 'mapping.columns.close', 'mapping.delimiter',
    ]);
    expect(configDifferences([run('a'), mapped])[5].values).toEqual([null, ';']);
  });

  it('flattens lists into one value', () => {
    expect(flattenConfig({ model: preset('v2'), settings: { training: trainingSettings(), data: {} } })['model.ob_hidden']).toBe('128, 64');
  });
});

describe('metric rows', () => {
  it('takes validation scores at the best-loss epoch and marks the better run per row', () => {
    const a = run('a'); // best epoch 2: loss 0.9, accuracy 0.45
    const b = run('b', { config: { ...run('b').config, model: preset('tiny') }, metrics: epochs([0.8, 0.85], [0.42, 0.60], 2) });
    const { metrics } = compareRuns([a, b]);
    const row = (key: string) => metrics.find((m) => m.key === key)!;
    expect(row('best_epoch')).toMatchObject({ values: [2, 1], best: [], better: null });
    expect(row('validation.loss')).toMatchObject({ values: [0.9, 0.8], best: [1], better: 'lower' });
    expect(row('validation.accuracy')).toMatchObject({ values: [0.45, 0.42], best: [0], better: 'higher' });
    expect(row('validation.vol_rmse')).toMatchObject({ values: [0.45, 0.4], best: [1] });
    expect(row('parameters')).toMatchObject({ values: [417_700, 17_572], best: [] });
    expect(row('seconds_per_epoch')).toMatchObject({ values: [11, 2.5], best: [1] });
    // the baselines on the same samples stand beside the scores, as facts
    expect(row('validation.baselines.majority.accuracy')).toMatchObject({ values: [0.34, 0.34], best: [], better: null });
    expect(row('validation.baselines.persistence.accuracy')).toMatchObject({ values: [0.36, 0.36], best: [] });
    expect(metrics.some((m) => m.key.startsWith('test.'))).toBe(false);
  });

  it('adds test rows when any run was scored on the test split, with null for the others', () => {
    const a = run('a', { test: split(0.7, 0.55) });
    const { metrics } = compareRuns([a, run('b'), run('c', { test: split(0.75, 0.58) })]);
    expect(metrics.find((m) => m.key === 'test.loss')).toMatchObject({ values: [0.7, null, 0.75], best: [0] });
    expect(metrics.find((m) => m.key === 'test.macro_f1')).toMatchObject({ best: [2] });
    expect(metrics.find((m) => m.key === 'test.baselines.majority.accuracy')).toMatchObject({ values: [0.34, null, 0.34], best: [] });
  });

  it("uses an imported model's validation scored at the end, as it has no epochs", () => {
    const imported = run('i', { metrics: [], validation: split(0.95, 0.41), test: split(0.8, 0.5) });
    const { metrics } = compareRuns([run('a', { test: split(0.7, 0.55) }), imported]);
    expect(metrics.find((m) => m.key === 'validation.loss')).toMatchObject({ values: [0.9, 0.95], best: [0] });
    expect(metrics.find((m) => m.key === 'validation.baselines.majority.accuracy')).toMatchObject({ values: [0.34, 0.34] });
    expect(metrics.find((m) => m.key === 'best_epoch')).toMatchObject({ values: [2, null] });
  });

  it('marks nothing for ties, single values, NaN or a run without epochs', () => {
    expect(betterIndices([0.5, 0.5], 'lower')).toEqual([]);
    expect(betterIndices([0.5, null], 'lower')).toEqual([]);
    expect(betterIndices([0.5, 0.4, 0.4], 'lower')).toEqual([1, 2]);
    const empty = run('e', { metrics: [] });
    const nan = run('n', { metrics: epochs([NaN, NaN], [NaN, NaN]) });
    const { metrics } = compareRuns([run('a'), empty, nan]);
    expect(metrics.find((m) => m.key === 'validation.loss')).toMatchObject({ values: [0.9, null, null], best: [] });
    expect(bestEpoch(nan.metrics)).toBeUndefined();
  });
});

describe('validation curves', () => {
  it('aligns runs of different lengths by epoch, leaving gaps as null', () => {
    const short = run('s', { metrics: epochs([0.8], [0.5]) });
    const gappy = run('g', { metrics: epochs([1.0, NaN, 0.7], [0.3, 0.35, 0.4]) });
    const { curves } = compareRuns([short, gappy]);
    expect(curves.epochs).toEqual([1, 2, 3]);
    expect(curves.loss).toEqual([[0.8, null, null], [1.0, null, 0.7]]);
    expect(curves.accuracy).toEqual([[0.5, null, null], [0.3, 0.35, 0.4]]);
    expect(compareRuns([]).curves).toEqual({ epochs: [], loss: [], accuracy: [] });
  });
});
