// `nexus export --preset NAME|--config JSON --seed N --out DIR`: the freshly initialized
// model as the bot's files: nexus_transformer.pth, .safetensors and the .json metadata
// (whose preprocessing, data and training are null until a run fills them).

import { initStateDict } from '../model/init.ts';
import { exportMetadata } from '../formats/metadata.ts';
import { exportFiles } from '../formats/export.ts';
import { parseArgs, requireOption } from './args.ts';
import { configFromArgs, integerOption, writeExport } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['preset', 'config', 'seed', 'out']);
  const config = configFromArgs(args);
  const seed = integerOption(args, 'seed', 42);
  const out = requireOption(args, 'out');
  await writeExport(out, exportFiles(initStateDict(config, seed), exportMetadata({ config })));
  process.stdout.write(`wrote nexus_transformer.pth, .safetensors and .json to ${out} (${config.preset}, seed ${seed})\n`);
};

export default run;
