// `nexus export --preset NAME|--config JSON --seed N --out DIR`: the freshly initialized
// model as the bot's files, nexus_transformer.pth and .safetensors.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initStateDict } from '../model/init.ts';
import { writePth } from '../formats/pth.ts';
import { writeSafetensors } from '../formats/safetensors.ts';
import { parseArgs, requireOption } from './args.ts';
import { configFromArgs, integerOption } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['preset', 'config', 'seed', 'out']);
  const config = configFromArgs(args);
  const seed = integerOption(args, 'seed', 42);
  const out = requireOption(args, 'out');
  const sd = initStateDict(config, seed);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'nexus_transformer.pth'), writePth(sd));
  await writeFile(join(out, 'nexus_transformer.safetensors'), writeSafetensors(sd, { config: JSON.stringify(config), seed: String(seed) }));
  process.stdout.write(`wrote ${join(out, 'nexus_transformer.pth')} and .safetensors (${config.preset}, seed ${seed})\n`);
};

export default run;
