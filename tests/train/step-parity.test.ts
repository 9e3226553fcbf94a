// A full optimizer step on the tiny preset equals PyTorch's: the same weights and batches,
// the TRAINING.md loss, clip_grad_norm_ and Adam(weight_decay) give weights within 1e-4
// after 5 steps (dropout 0 on both sides, so the functions are the same).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf.ts';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { createParams } from '../../src/model/transformer.ts';
import { writePth } from '../../src/formats/pth.ts';
import { lossAndGrads } from '../../src/train/grads.ts';
import { Adam, clipGradNorm } from '../../src/train/optim.ts';
import { Rng } from '../../src/random.ts';
import { hasTorch, runPythonJson, tempDir } from '../support/python.ts';
import { cpuBackend, maxAbsDiff, randomNested } from '../support/tf.ts';

const py = (name: string) => join(import.meta.dirname, 'py', name);

describe.skipIf(!hasTorch)('training step parity with PyTorch', () => {
  beforeAll(cpuBackend);

  it('tiny preset: weights after 5 steps agree within 1e-4', async () => {
    const config = { ...preset('tiny'), dropout: 0 };
    const sd = initStateDict(config, 31);
    // The key part of in_proj_bias has a zero gradient in exact arithmetic (softmax ignores a
    // shift shared by all keys), so both sides hold rounding noise there, which Adam's
    // normalization turns into full-size steps of random sign. Non-zero biases give weight
    // decay a real gradient to follow there, as in any trained model.
    new Rng(9).fillUniform(sd.get('transformer_encoder.layers.0.self_attn.in_proj_bias')!.data, -0.1, 0.1);
    const dir = tempDir();
    writeFileSync(join(dir, 'model.pth'), writePth(sd));
    const rng = new Rng(4);
    const B = 8;
    const batches = Array.from({ length: 5 }, (_, i) => ({
      x: randomNested([B, config.seq_len, 5], 100 + i),
      ob: randomNested([B, 40], 200 + i),
      label: Array.from({ length: B }, () => rng.int(3)),
      vol: randomNested([B], 300 + i) as number[],
    }));
    // a large rate and a tight clip, so that both Adam and clipping do visible work
    const spec = { config, pth: join(dir, 'model.pth'), batches, lr: 1e-2, weight_decay: 1e-4, clip: 0.5, vol_loss_weight: 0.5 };
    const theirs = runPythonJson<{ losses: number[]; weights: Record<string, number[]> }>(py('step_parity.py'), spec);

    const params = createParams(config, sd);
    const adam = new Adam(params, { learningRate: spec.lr, weightDecay: spec.weight_decay });
    const losses: number[] = [];
    for (const b of batches) {
      const batch = { x: tf.tensor3d(b.x), ob: tf.tensor2d(b.ob), label: tf.tensor1d(b.label, 'int32'), vol: tf.tensor1d(b.vol) };
      const { loss, grads } = lossAndGrads(config, params, batch, { volLossWeight: spec.vol_loss_weight }, { training: true, rng });
      losses.push((await loss.data())[0]);
      const clipped = clipGradNorm(grads, spec.clip);
      adam.step(clipped.grads);
      tf.dispose([loss, ...grads.values(), ...clipped.grads.values(), clipped.totalNorm, batch.x, batch.ob, batch.label, batch.vol]);
    }
    expect(maxAbsDiff(losses, theirs.losses)).toBeLessThan(1e-4);
    for (const [name, p] of params) {
      expect(maxAbsDiff(await p.data(), theirs.weights[name]), name).toBeLessThan(1e-4);
    }
  });
});
