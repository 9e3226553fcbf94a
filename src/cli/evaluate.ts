// `nexus evaluate --weights FILE(.pth|.safetensors) FILE.csv [--nhead N] [--set key=value ...]
// [--json]`: the upgrade guide's "compare old vs new" step. The bot's current model, imported
// from its file, is scored on the test split of a CSV exactly as a training run scores its own.

import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { chooseBackend } from '../backend/backends.ts';
import { dataBlock } from '../data/dataset.ts';
import { exportFileNames } from '../formats/export.ts';
import { importWeights } from '../model/import.ts';
import type { InferHints } from '../model/infer.ts';
import type { ModelConfig } from '../model/config.ts';
import { createParams } from '../model/transformer.ts';
import { prepareRun } from '../run/prepare.ts';
import { experimentSettings } from '../run/settings.ts';
import { classWeightsOf } from '../train/data.ts';
import { evaluateSplit } from '../train/evaluate.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import { option, parseArgs, requireOption } from './args.ts';
import { integerOption } from './model-args.ts';
import { readBytes } from './predict.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['weights', 'nhead', 'set', 'backend'], ['json']);
  const weightsPath = requireOption(args, 'weights');
  const [file] = args.positionals;
  if (file === undefined || args.positionals.length > 1) throw new UserError('give one CSV file of bars to evaluate on');
  const backend = option(args, 'backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm') throw new UserError(`--backend must be cpu or wasm (got "${backend}")`);
  const settings = experimentSettings(args.options.get('set') ?? []);

  // nhead and seq_len leave no trace in the shapes: the user's word first, then the export's
  // json beside the weights, then the preset with the same shapes (model/infer.ts).
  const sidecar = await readSidecar(join(dirname(weightsPath), exportFileNames.json));
  const hints: InferHints = {};
  if (option(args, 'nhead') !== undefined) hints.nhead = integerOption(args, 'nhead');
  if (settings.data.seq_len !== undefined) hints.seq_len = settings.data.seq_len;
  if (sidecar !== undefined) hints.metadataConfig = sidecar; // absent, not undefined: it would hide a .safetensors' own
  const imported = importWeights(await readBytes(weightsPath), basename(weightsPath), hints);

  const { config, report, dataset, data } = await prepareRun(await readBytes(file), imported.config, settings, { fileName: basename(file) });
  await chooseBackend([backend]);
  const params = createParams(config, imported.stateDict);
  // The loss as the trainer computes it, so the number compares with a training run's.
  const t = settings.training;
  const loss = { volLossWeight: t.vol_loss_weight, classWeights: t.class_weights === 'balanced' ? classWeightsOf(data.labels(data.splits.train)) : undefined };
  const test = await evaluateSplit(config, params, data, 'test', loss, t.cost_bps);

  const samples = { train: data.splits.train.length, validation: data.splits.validation.length, test: data.splits.test.length };
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify({
      weights: { file: basename(weightsPath), format: imported.format },
      config,
      settings: { ...dataset.settings, vol_loss_weight: t.vol_loss_weight, class_weights: t.class_weights, cost_bps: t.cost_bps },
      data: dataBlock(report, dataset),
      samples,
      preprocessing: dataset.preprocessing,
      test,
    }, null, 2)}\n`);
    return;
  }
  const source = hints.nhead !== undefined ? '--nhead' : sidecar?.nhead !== undefined ? exportFileNames.json : `preset ${config.preset}`;
  const lines = [
    `${basename(weightsPath)} (${imported.format}): d_model ${config.d_model}, nhead ${config.nhead} (from ${source}), ${config.num_layers} layer${config.num_layers === 1 ? '' : 's'}, seq_len ${config.seq_len}`,
    `${report.rows_kept} bars (${report.format}, ${report.timeframe}); samples train ${samples.train}, validation ${samples.validation}, test ${samples.test}; horizon ${dataset.horizon}, theta ${(dataset.theta * 1e4).toFixed(2)} bp`,
    ...metricLines(test),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
};

function metricLines(m: SplitMetrics): string[] {
  const pct = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : `${(100 * v).toFixed(1)}%`);
  const row = (name: string, key: 'accuracy' | 'balanced_accuracy' | 'macro_f1') =>
    `  ${name.padEnd(18)}${pct(m[key]).padStart(8)}${pct(m.baselines.majority[key]).padStart(10)}${pct(m.baselines.persistence[key]).padStart(13)}`;
  const tr = m.trading;
  const names = ['DOWN', 'NEUTRAL', 'UP'];
  return [
    `test loss ${m.loss.toFixed(4)}, vol RMSE ${m.vol_rmse.toFixed(4)} (standardized units)`,
    `  ${''.padEnd(18)}${'model'.padStart(8)}${'majority'.padStart(10)}${'persistence'.padStart(13)}`,
    row('accuracy', 'accuracy'),
    row('balanced accuracy', 'balanced_accuracy'),
    row('macro F1', 'macro_f1'),
    'confusion (rows: true class; columns: predicted DOWN, NEUTRAL, UP)',
    ...m.confusion.map((r, i) => `  ${names[i].padEnd(8)}${r.map((n) => String(n).padStart(7)).join('')}`),
    `trading at ${tr.cost_bps} bp a trade: ${tr.trades} trades, win rate ${pct(tr.win_rate)}, profit factor ${tr.profit_factor?.toFixed(2) ?? '-'}, ` +
      `Sharpe ${tr.sharpe?.toFixed(2) ?? '-'}, max drawdown ${pct(tr.max_drawdown)}`,
  ];
}

/** The `config` of a nexus_transformer.json beside the weights, when there is a readable one. */
async function readSidecar(path: string): Promise<Partial<ModelConfig> | undefined> {
  const bytes = await readBytes(path).catch(() => undefined);
  if (bytes === undefined) return undefined;
  try {
    const config = (JSON.parse(new TextDecoder().decode(bytes)) as { config?: unknown }).config;
    return typeof config === 'object' && config !== null ? (config as Partial<ModelConfig>) : undefined;
  } catch {
    throw new UserError(`${path} is beside the weights but is not valid JSON`);
  }
}

export default run;
