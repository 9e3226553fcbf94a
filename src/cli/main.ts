// `npm run -s nexus -- <command>`: the headless face of the engine, on the Node CPU
// (or wasm) backend, over the same src/ modules the app uses.
// Exit codes: 0 ok, 2 bad usage or bad input (one line on stderr), 1 a bug.

import * as tf from '../tf.ts';
import { isUserError } from '../errors.ts';
import type { Command } from './command.ts';

const commands: Record<string, () => Promise<{ default: Command }>> = {
  evaluate: () => import('./evaluate.ts'),
  export: () => import('./export.ts'),
  forward: () => import('./forward.ts'),
  summary: () => import('./summary.ts'),
  inspect: () => import('./inspect.ts'),
  predict: () => import('./predict.ts'),
  train: () => import('./train.ts'),
};

const usage = `usage: nexus <command> [options]
  evaluate --weights FILE(.pth|.safetensors) FILE.csv [--nhead N] [--set key=value ...] [--json]
  export  --preset NAME|--config JSON --seed N --out DIR
  forward --weights FILE(.pth|.safetensors) --input FILE.json [--nhead N] [--seq-len N]
  summary --preset NAME|--config JSON
  inspect FILE [--json]
  predict --export DIR FILE.csv [--last N] [--json]
  train   FILE --preset NAME|--config JSON [--epochs N] [--set key=value ...] [--backend cpu|wasm] [--out DIR] [--json]`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : commands[name];
  if (load === undefined) {
    process.stderr.write(`${name === undefined ? 'no command given' : `unknown command "${name}"`}\n${usage}\n`);
    return 2;
  }
  try {
    const { default: run } = await load();
    return (await run(rest)) ?? 0;
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`nexus ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// Production mode: no debug checks, and no advice to install tfjs-node on stderr.
tf.enableProdMode();
process.exitCode = await main(process.argv.slice(2));
