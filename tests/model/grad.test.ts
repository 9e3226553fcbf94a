// Gradients of the TRAINING.md loss agree with PyTorch's autograd within 1e-3 relative
// (MODEL.md), for the tiny preset with and without the volatility term.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf.ts';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { createParams } from '../../src/model/transformer.ts';
import { lossAndGrads } from '../../src/train/grads.ts';
import { writePth } from '../../src/formats/pth.ts';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { cpuBackend, randomNested } from '../support/tf.ts';

const script = join(import.meta.dirname, 'py', 'parity.py');

describe.skipIf(!hasTorch)('gradients against PyTorch', () => {
  beforeAll(cpuBackend);

  it.each([0.5, 0])('tiny preset, vol_loss_weight %s', async (volLossWeight) => {
    const config = preset('tiny');
    const sd = initStateDict(config, 21);
    const dir = tempDir();
    writeFileSync(join(dir, 'model.pth'), writePth(sd));
    const B = 8;
    const io = {
      x: randomNested([B, config.seq_len, 5], 3),
      ob: randomNested([B, 40], 4),
      label: [0, 1, 2, 2, 1, 0, 2, 1],
      vol: (randomNested([B], 5) as number[]),
      vol_loss_weight: volLossWeight,
    };
    writeFileSync(join(dir, 'io.json'), JSON.stringify(io));
    runPython(script, [JSON.stringify(config), 'grads', join(dir, 'model.pth'), join(dir, 'io.json'), join(dir, 'out.json')]);
    const theirs = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { loss: number; grads: Record<string, number[]> };

    const params = createParams(config, sd);
    const batch = { x: tf.tensor3d(io.x), ob: tf.tensor2d(io.ob), label: tf.tensor1d(io.label, 'int32'), vol: tf.tensor1d(io.vol) };
    const { loss, grads } = lossAndGrads(config, params, batch, { volLossWeight }, { training: false });
    expect(Math.abs((await loss.data())[0] - theirs.loss)).toBeLessThan(1e-5);
    expect([...grads.keys()].sort()).toEqual(Object.keys(theirs.grads).sort());
    for (const [name, g] of grads) {
      const ours = await g.data();
      const ref = theirs.grads[name];
      let diff = 0;
      let norm = 0;
      ref.forEach((r, i) => {
        diff += (ours[i] - r) ** 2;
        norm += r * r;
      });
      // relative to the tensor's gradient norm; exact zeros (e.g. an unused bias) stay zero
      expect(Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8), name).toBeLessThan(1e-3);
    }
  });
});
