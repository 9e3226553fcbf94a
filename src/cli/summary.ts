// `nexus summary --preset NAME|--config JSON [--json]`: the parameter table and totals.

import { formatSummary, summarize } from '../model/summary.ts';
import { initStateDict } from '../model/init.ts';
import { writePth } from '../formats/pth.ts';
import { parseArgs } from './args.ts';
import { configFromArgs } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['preset', 'config'], ['json']);
  const summary = summarize(configFromArgs(args));
  const pthBytes = writePth(initStateDict(summary.config, 0)).length;
  process.stdout.write(args.flags.has('json')
    ? `${JSON.stringify({ ...summary, pth_bytes: pthBytes }, null, 2)}\n`
    : `${formatSummary(summary, pthBytes)}\n`);
};

export default run;
