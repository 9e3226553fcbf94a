// `nexus predict --export DIR FILE.csv [--last N] [--json]`: what the bot would predict for
// the last N bars of a CSV with an export (EXPORT.md), in the app's engine; bot/predict.py
// prints the same with PyTorch, in the same JSON shape.

import { access, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '../errors.ts';
import { chooseBackend } from '../backend/backends.ts';
import { loadBars } from '../data/load.ts';
import { exportFileNames } from '../formats/export.ts';
import { importWeights } from '../model/import.ts';
import { createParams } from '../model/transformer.ts';
import { applyPreprocessing, parseExportMetadata, predictBars, predictionIndices, type Prediction } from '../run/predict.ts';
import { option, parseArgs, requireOption } from './args.ts';
import { integerOption } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['export', 'last', 'backend'], ['json']);
  const dir = requireOption(args, 'export');
  const [file] = args.positionals;
  if (file === undefined || args.positionals.length > 1) throw new UserError('give one CSV file of bars to predict on');
  const last = integerOption(args, 'last', 10);
  if (last < 1) throw new UserError(`--last must be at least 1 (got ${last})`);
  const backend = option(args, 'backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm') throw new UserError(`--backend must be cpu or wasm (got "${backend}")`);

  const metaPath = join(dir, exportFileNames.json);
  const metaBytes = await readFile(metaPath).catch(() => {
    throw new UserError(`no export in ${dir}: ${exportFileNames.json} is missing`);
  });
  const meta = parseExportMetadata(new TextDecoder().decode(metaBytes), metaPath);
  // The bot loads the .pth; the .safetensors holds the same tensors, for an export without one.
  const weightsPath = await firstReadable([join(dir, exportFileNames.pth), join(dir, exportFileNames.safetensors)]);
  if (weightsPath === undefined) throw new UserError(`no weights in ${dir}: neither ${exportFileNames.pth} nor ${exportFileNames.safetensors}`);
  const { config, stateDict } = importWeights(await readBytes(weightsPath), basename(weightsPath), { metadataConfig: meta.config });

  const { bars } = await loadBars(await readBytes(file), { fileName: basename(file) });
  const ts = predictionIndices(bars.length, config.seq_len, last);
  await chooseBackend([backend]);
  const params = createParams(config, stateDict);
  const predictions = await predictBars(config, params, bars, applyPreprocessing(bars, meta.preprocessing), meta.preprocessing, ts);

  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify({ config, horizon: meta.preprocessing.horizon, predictions }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table(predictions, `${config.preset} model, ${config.seq_len}-bar windows, ${meta.preprocessing.horizon}-bar horizon`)}\n`);
};

/** The table both predict commands print; volatility is over the horizon, as a log-return std. */
function table(predictions: Prediction[], title: string): string {
  const head = ['t', 'time', 'DOWN', 'NEUTRAL', 'UP', 'class', 'vol_pred', 'volatility'];
  const rows = predictions.map((p) => [
    String(p.t), p.time, ...p.probabilities.map((v) => v.toFixed(3)), p.class, p.vol_pred.toFixed(3), p.volatility.toExponential(3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [title, line(head), ...rows.map(line)].join('\n');
}

async function firstReadable(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (await access(path).then(() => true, () => false)) return path;
  }
  return undefined;
}

/** A file's bytes, or a UserError naming it. Shared with `nexus evaluate`. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new UserError(`cannot read ${path}`);
  }
}

export default run;
