// Runs in the browser: one training step's loss and gradients of the tiny preset on the
// CPU backend and on WebGPU, from the same weights and batch, compared per tensor.

import * as tf from '../../src/tf.ts';
import { chooseBackend } from '../../src/backend/backends.ts';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { createParams } from '../../src/model/transformer.ts';
import { lossAndGrads } from '../../src/train/grads.ts';
import { Rng } from '../../src/random.ts';

async function gradients(backend: 'cpu' | 'webgpu') {
  await chooseBackend([backend]);
  const config = preset('tiny');
  const params = createParams(config, initStateDict(config, 13));
  const rng = new Rng(2);
  const B = 8;
  const batch = {
    x: tf.tensor3d(rng.fillUniform(new Float32Array(B * config.seq_len * 5), -2, 2), [B, config.seq_len, 5]),
    ob: tf.tensor2d(rng.fillUniform(new Float32Array(B * 40), -2, 2), [B, 40]),
    label: tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(3)), 'int32'),
    vol: tf.tensor1d(rng.fillUniform(new Float32Array(B), -1, 1)),
  };
  const { loss, grads } = lossAndGrads(config, params, batch, { volLossWeight: 0.5 }, { training: false });
  const out = new Map<string, Float32Array>();
  for (const [name, g] of grads) out.set(name, (await g.data()) as Float32Array);
  const value = (await loss.data())[0];
  tf.dispose([loss, ...grads.values(), ...params.values(), batch.x, batch.ob, batch.label, batch.vol]);
  return { value, grads: out };
}

export async function compareGradients() {
  const cpu = await gradients('cpu');
  const gpu = await gradients('webgpu');
  let worst = 0;
  let worstName = '';
  for (const [name, ref] of cpu.grads) {
    const g = gpu.grads.get(name)!;
    let diff = 0;
    let norm = 0;
    ref.forEach((r, i) => {
      diff += (g[i] - r) ** 2;
      norm += r * r;
    });
    const rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8);
    if (rel > worst) [worst, worstName] = [rel, name];
  }
  return { lossDiff: Math.abs(cpu.value - gpu.value), worstRelative: worst, worstName, tensors: cpu.grads.size };
}
