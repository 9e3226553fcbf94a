// Times training steps of the real engine on the active TF.js backend: the same sequence
// as Trainer.trainStep (src/train/trainer.ts): upload a batch, loss and gradients, `await
// loss.data()`, clip, Adam. Also the per-kernel profile of one step (tf.profile).

import * as tf from '../src/tf.ts';
import { Rng } from '../src/random.ts';
import type { ModelConfig } from '../src/model/config.ts';
import { initStateDict } from '../src/model/init.ts';
import { createParams } from '../src/model/transformer.ts';
import { trainingStepFlops } from '../src/model/flops.ts';
import { lossAndGrads, type TensorBatch } from '../src/train/grads.ts';
import { Adam, clipGradNorm } from '../src/train/optim.ts';
import { defaultTrainingSettings as defaults } from '../src/train/settings.ts';
import type { HostBatch } from '../src/train/data.ts';

export interface StepTiming {
  warmup: number;
  steps: number;
  firstStepMs: number; // the first warm-up step: shader compilation on WebGPU
  msPerStep: number; // mean over the timed steps, ended by a read of the weights
  stepMs: number[]; // each timed step to its loss.data()
  samplesPerS: number;
  flopsPerStep: number; // src/model/flops.ts, what the engine computes
  gflops: number; // achieved
  peakTensorBytes: number; // tf.memory().numBytes (numBytesInGPU on WebGPU), high-water
  peakAllocatedBytes: number | null; // WebGPU's buffer pool, numBytesAllocatedInGPU, high-water
}

/** A fixed random batch: the values do not change the work, only the shapes do. */
export function randomBatch(c: ModelConfig, batch: number, seed = 1): HostBatch {
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float32Array(batch * c.seq_len * c.input_dim), -2, 2);
  const ob = new Float32Array(batch * c.order_book_dim); // no order book: zeros, as most files
  const label = Int32Array.from({ length: batch }, () => rng.int(3));
  const vol = rng.fillUniform(new Float32Array(batch), -1, 1);
  return { size: batch, x, ob, label, vol };
}

function toTensors(b: HostBatch, c: ModelConfig): TensorBatch {
  return {
    x: tf.tensor3d(b.x, [b.size, c.seq_len, c.input_dim]),
    ob: tf.tensor2d(b.ob, [b.size, c.order_book_dim]),
    label: tf.tensor1d(b.label, 'int32'),
    vol: tf.tensor1d(b.vol),
  };
}

/** The model and optimizer of one benchmark run, on the backend active at creation. */
export class StepRunner {
  private readonly params: Map<string, tf.Variable>;
  private readonly adam: Adam;
  private readonly rng = new Rng(7);
  private readonly host: HostBatch;
  private peakTensor = 0;
  private peakAllocated: number | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly batch: number,
  ) {
    this.params = createParams(config, initStateDict(config, defaults.seed));
    this.adam = new Adam(this.params, { learningRate: defaults.learning_rate, weightDecay: defaults.weight_decay });
    this.host = randomBatch(config, batch);
  }

  /** One optimizer step; resolves when its loss is on the host (the update may still run). */
  async step(): Promise<number> {
    const batch = toTensors(this.host, this.config);
    const { loss, grads } = lossAndGrads(this.config, this.params, batch, { volLossWeight: defaults.vol_loss_weight },
      { training: true, rng: this.rng });
    try {
      this.sampleMemory(); // the high-water mark: activations and gradients all alive
      const value = (await loss.data())[0];
      const clipped = clipGradNorm(grads, defaults.grad_clip_norm);
      this.adam.step(clipped.grads);
      tf.dispose([...clipped.grads.values(), clipped.totalNorm]);
      return value;
    } finally {
      tf.dispose([loss, ...grads.values(), batch.x, batch.ob, batch.label, batch.vol]);
    }
  }

  /** Waits until every queued update has run, by reading a small weight back. */
  async sync(): Promise<void> {
    await this.params.get('vol_head.2.bias')!.data();
  }

  async time(warmup: number, steps: number): Promise<StepTiming> {
    let firstStepMs = NaN;
    for (let i = 0; i < warmup; i++) {
      const t0 = performance.now();
      await this.step();
      await this.sync();
      if (i === 0) firstStepMs = performance.now() - t0;
    }
    const stepMs: number[] = [];
    const start = performance.now();
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await this.step();
      stepMs.push(performance.now() - t0);
    }
    await this.sync();
    const msPerStep = (performance.now() - start) / steps;
    const flopsPerStep = trainingStepFlops(this.config, this.batch);
    return {
      warmup, steps, firstStepMs, msPerStep, stepMs,
      samplesPerS: this.batch / (msPerStep / 1000),
      flopsPerStep,
      gflops: flopsPerStep / (msPerStep / 1000) / 1e9,
      peakTensorBytes: this.peakTensor,
      peakAllocatedBytes: this.peakAllocated,
    };
  }

  /** One step under tf.profile: kernel time per kernel name (GPU timestamps where the backend has them). */
  async profile(): Promise<KernelProfile> {
    const start = performance.now();
    const info = await tf.profile(async () => {
      await this.step();
      await this.sync();
    });
    const wallMs = performance.now() - start;
    const byName = new Map<string, { count: number; ms: number }>();
    let timed = false;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      if (ms > 0) timed = true;
      const entry = byName.get(k.name) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += ms;
      byName.set(k.name, entry);
    }
    const kernels = [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms || b.count - a.count);
    return { kernels, calls: info.kernels.length, timed, wallMs };
  }

  dispose(): void {
    this.adam.dispose();
    tf.dispose([...this.params.values()]);
  }

  private sampleMemory(): void {
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
    this.peakTensor = Math.max(this.peakTensor, m.numBytesInGPU ?? m.numBytes);
    if (m.numBytesAllocatedInGPU !== undefined) this.peakAllocated = Math.max(this.peakAllocated ?? 0, m.numBytesAllocatedInGPU);
  }
}

export interface KernelProfile {
  kernels: { name: string; count: number; ms: number }[];
  calls: number; // kernel invocations, the ones run on the CPU among them
  timed: boolean; // false: the backend reported no kernel times (no timestamp queries)
  wallMs: number;
}
