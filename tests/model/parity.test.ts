// The TypeScript model is the same function as the bot's PyTorch module, both ways:
// PyTorch-saved weights run here, and our saved weights run there, within 1e-4 (MODEL.md).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '../../src/tf.ts';
import { customConfig, preset, type ModelConfig } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { importWeights } from '../../src/model/import.ts';
import { createParams, forward } from '../../src/model/transformer.ts';
import { writePth } from '../../src/formats/pth.ts';
import { writeSafetensors } from '../../src/formats/safetensors.ts';
import type { StateDict } from '../../src/formats/state-dict.ts';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { cpuBackend, maxAbsDiff, randomNested } from '../support/tf.ts';

const script = join(import.meta.dirname, 'py', 'parity.py');

const configs: ModelConfig[] = [
  preset('tiny'),
  preset('v1'),
  preset('v2'),
  // The guide's fallback size, with the v2-style order-book encoder.
  customConfig({ d_model: 192, nhead: 8, num_layers: 3, seq_len: 48, ob_hidden: [96, 48] }),
];

interface IO {
  x: number[][][];
  ob: number[][];
  trend_logits: number[][];
  vol_pred: number[][];
}

async function ours(config: ModelConfig, sd: StateDict, io: Pick<IO, 'x' | 'ob'>) {
  const params = createParams(config, sd);
  const out = forward(config, params, tf.tensor3d(io.x), tf.tensor2d(io.ob), { training: false });
  const result = { trend: await out.trendLogits.data(), vol: await out.volPred.data() };
  tf.dispose([...params.values(), out.trendLogits, out.volPred]);
  return result;
}

describe.skipIf(!hasTorch)('parity with PyTorch 1.13', () => {
  beforeAll(async () => {
    await cpuBackend();
  });

  for (const config of configs) {
    const label = config.preset === 'custom' ? `custom d_model ${config.d_model}` : config.preset;

    it(`${label}: a state_dict saved by torch.save gives PyTorch's outputs here`, async () => {
      const dir = tempDir();
      runPython(script, [JSON.stringify(config), 'save-torch', '7', join(dir, 'model.pth'), join(dir, 'io.json')]);
      const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as IO;
      const imported = importWeights(new Uint8Array(readFileSync(join(dir, 'model.pth'))), 'model.pth', { nhead: config.nhead, seq_len: config.seq_len });
      expect(imported.config).toEqual(config);
      const out = await ours(config, imported.stateDict, io);
      expect(maxAbsDiff(out.trend, io.trend_logits.flat())).toBeLessThan(1e-4);
      expect(maxAbsDiff(out.vol, io.vol_pred.flat())).toBeLessThan(1e-4);
    });

    for (const format of ['pth', 'safetensors'] as const) {
      it(`${label}: our .${format} loads strictly in PyTorch and gives our outputs`, async () => {
        const dir = tempDir();
        const sd = initStateDict(config, 11);
        const path = join(dir, `model.${format}`);
        writeFileSync(path, format === 'pth' ? writePth(sd) : writeSafetensors(sd));
        const io = { x: randomNested([2, config.seq_len, 5], 1), ob: randomNested([2, 40], 2) };
        writeFileSync(join(dir, 'io.json'), JSON.stringify(io));
        runPython(script, [JSON.stringify(config), `run-${format}`, path, join(dir, 'io.json'), join(dir, 'out.json')]);
        const theirs = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as IO;
        const out = await ours(config, sd, io);
        expect(maxAbsDiff(out.trend, theirs.trend_logits.flat())).toBeLessThan(1e-4);
        expect(maxAbsDiff(out.vol, theirs.vol_pred.flat())).toBeLessThan(1e-4);
      });
    }
  }
});
