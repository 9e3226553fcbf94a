// `nexus train FILE --preset NAME [--epochs N] [--set key=value ...] [--backend cpu|wasm]
// [--out DIR] [--json]`: trains headless with the app's engine, one line per epoch, then
// writes the export (EXPORT.md) and the test metrics beside the baselines.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../errors.ts';
import { chooseBackend } from '../backend/backends.ts';
import { dataBlock } from '../data/dataset.ts';
import { prepareRun } from '../run/prepare.ts';
import { runMetadata } from '../run/export-run.ts';
import { exportFiles } from '../formats/export.ts';
import { experimentSettings } from '../run/settings.ts';
import { Trainer } from '../train/trainer.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import type { EpochRecord, TrainerEvent } from '../train/events.ts';
import { option, parseArgs } from './args.ts';
import { configFromArgs, integerOption, writeExport } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['preset', 'config', 'epochs', 'set', 'backend', 'out'], ['json']);
  const [file] = args.positionals;
  if (file === undefined || args.positionals.length > 1) throw new UserError('give one CSV file to train on');
  const backend = option(args, 'backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm') throw new UserError(`--backend must be cpu or wasm (got "${backend}")`);
  const model = configFromArgs(args);
  const settings = experimentSettings(args.options.get('set') ?? []);
  if (option(args, 'epochs') !== undefined) settings.training.epochs = integerOption(args, 'epochs');
  const json = args.flags.has('json');
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

  const bytes = await readFile(file).catch(() => {
    throw new UserError(`cannot read ${file}`);
  });
  const { config, report, dataset, data } = await prepareRun(new Uint8Array(bytes), model, settings, { fileName: basename(file) });
  const chosen = await chooseBackend([backend]);
  log(`${report.rows_kept} bars (${report.format}, ${report.timeframe}); samples train ${data.splits.train.length}, validation ${data.splits.validation.length}, test ${data.splits.test.length}; ${config.preset} on ${chosen.backend}`);

  let done: Extract<TrainerEvent, { type: 'done' }> | undefined;
  const trainer = new Trainer({
    config,
    settings: settings.training,
    data,
    emit: (e) => {
      if (e.type === 'epoch') log(epochLine(e.record));
      if (e.type === 'done') done = e;
    },
  });
  await trainer.run();
  const weights = await trainer.weights(); // the best epoch's: run() ends by loading them
  trainer.dispose();
  if (done?.test === undefined || done.validation === undefined) throw new UserError('training ended before its first epoch');

  const meta = runMetadata({
    config,
    preprocessing: dataset.preprocessing,
    data: dataBlock(report, dataset),
    settings: { training: settings.training, data: dataset.settings },
    best_epoch: done.best_epoch,
    metrics: { validation: done.validation, test: done.test },
  });
  const out = option(args, 'out');
  if (out !== undefined) {
    await writeExport(out, exportFiles(weights, meta));
    log(`wrote nexus_transformer.pth, .safetensors and .json to ${out}`);
  }
  log(`test: ${scoreLine(done.test)}`);
  if (json) process.stdout.write(`${JSON.stringify({ best_epoch: done.best_epoch, reason: done.reason, test: done.test, validation: done.validation }, null, 2)}\n`);
};

function epochLine(r: EpochRecord): string {
  return `epoch ${r.epoch}: train loss ${r.train_loss.toFixed(4)}, validation ${scoreLine(r.validation)}, lr ${r.learning_rate.toExponential(1)}, ${r.seconds.toFixed(1)} s, ${Math.round(r.samples_per_second)} samples/s`;
}

function scoreLine(m: SplitMetrics): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return `loss ${m.loss.toFixed(4)}, accuracy ${pct(m.accuracy)} (majority ${pct(m.baselines.majority.accuracy)}, persistence ${pct(m.baselines.persistence.accuracy)}), macro-F1 ${m.macro_f1.toFixed(3)}`;
}

export default run;
