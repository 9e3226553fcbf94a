// Runs in the browser: the tiny preset's forward pass on the CPU backend and on WebGPU,
// from the same seeded weights and inputs, and the largest difference between them.

import * as tf from '../../src/tf.ts';
import { chooseBackend } from '../../src/backend/backends.ts';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { createParams, forward } from '../../src/model/transformer.ts';
import { Rng } from '../../src/random.ts';

async function outputs(backend: 'cpu' | 'webgpu') {
  const report = await chooseBackend([backend]);
  const config = preset('tiny');
  const params = createParams(config, initStateDict(config, 9));
  const rng = new Rng(1);
  const B = 4;
  const x = tf.tensor3d(rng.fillUniform(new Float32Array(B * config.seq_len * 5), -2, 2), [B, config.seq_len, 5]);
  const ob = tf.tensor2d(rng.fillUniform(new Float32Array(B * 40), -2, 2), [B, 40]);
  const out = forward(config, params, x, ob, { training: false });
  const values = [...(await out.trendLogits.data()), ...(await out.volPred.data())];
  tf.dispose([...params.values(), x, ob, out.trendLogits, out.volPred]);
  return { report, values };
}

export async function compareForward() {
  const cpu = await outputs('cpu');
  const gpu = await outputs('webgpu');
  const maxDiff = Math.max(...cpu.values.map((v, i) => Math.abs(v - gpu.values[i])));
  return { backend: gpu.report.backend, adapter: gpu.report.adapter, maxDiff, n: cpu.values.length };
}
