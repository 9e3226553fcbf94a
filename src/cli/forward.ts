// `nexus forward --weights FILE --input FILE.json`: eval-mode outputs for
// {"x": [B][T][5], "ob": [B][40]} as {"trend_logits": [[..]], "vol_pred": [[..]]}.
// A nexus_transformer.json beside the weights supplies nhead and seq_len.

import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '../tf.ts';
import { UserError } from '../errors.ts';
import { chooseBackend } from '../backend/backends.ts';
import { importWeights } from '../model/import.ts';
import { createParams, forward } from '../model/transformer.ts';
import type { ModelConfig } from '../model/config.ts';
import { option, parseArgs, requireOption } from './args.ts';
import { integerOption } from './model-args.ts';
import type { Command } from './command.ts';

const run: Command = async (argv) => {
  const args = parseArgs(argv, ['weights', 'input', 'nhead', 'seq-len', 'backend']);
  const weightsPath = requireOption(args, 'weights');
  const input = parseInput(await readJson(requireOption(args, 'input')));
  await chooseBackend([option(args, 'backend') === 'wasm' ? 'wasm' : 'cpu']);

  const sidecar = await readSidecar(join(dirname(weightsPath), 'nexus_transformer.json'));
  const { config, stateDict } = importWeights(await readBytes(weightsPath), basename(weightsPath), {
    nhead: option(args, 'nhead') === undefined ? undefined : integerOption(args, 'nhead'),
    seq_len: input.seqLen,
    metadataConfig: sidecar,
  });
  const params = createParams(config, stateDict);
  const x = tf.tensor3d(input.x, [input.batch, input.seqLen, 5]);
  const ob = tf.tensor2d(input.ob, [input.batch, 40]);
  const { trendLogits, volPred } = forward(config, params, x, ob, { training: false });
  process.stdout.write(`${JSON.stringify({ trend_logits: await trendLogits.array(), vol_pred: await volPred.array() })}\n`);
};

interface ForwardInput {
  batch: number;
  seqLen: number;
  x: Float32Array;
  ob: Float32Array;
}

function parseInput(value: unknown): ForwardInput {
  const obj = value as { x?: unknown; ob?: unknown };
  if (typeof obj !== 'object' || obj === null || !Array.isArray(obj.x) || !Array.isArray(obj.ob)) {
    throw new UserError('the input must be {"x": [batch][bars][5], "ob": [batch][40]}');
  }
  const batch = obj.x.length;
  if (batch === 0 || obj.ob.length !== batch) throw new UserError(`"x" has ${batch} samples but "ob" has ${obj.ob.length}`);
  const seqLen = Array.isArray(obj.x[0]) ? obj.x[0].length : 0;
  if (seqLen < 1 || seqLen > 512) throw new UserError(`each sample needs 1 to 512 bars (got ${seqLen})`);
  const x = flatten(obj.x, [batch, seqLen, 5], 'x');
  const ob = flatten(obj.ob, [batch, 40], 'ob');
  return { batch, seqLen, x, ob };
}

/** Checks a nested array against `shape` while copying its finite numbers out. */
function flatten(value: unknown, shape: number[], name: string): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let n = 0;
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${path} is not a finite number`);
      out[n++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new UserError(`${path} must be a list of ${shape[depth]} (shape [${shape.join(', ')}])`);
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, name);
  return out;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new UserError(`cannot read ${path}`);
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBytes(path));
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${path} is not valid JSON`);
  }
}

async function readSidecar(path: string): Promise<Partial<ModelConfig> | undefined> {
  const meta = await readJson(path).catch(() => undefined);
  return (meta as { config?: Partial<ModelConfig> } | undefined)?.config;
}

export default run;
