// Adam and clip_grad_norm_ against torch 1.13 (tests/train/py/adam_ref.py): same params,
// same five gradient sets, weights agree within 1e-6; plus state round trip and no leaks.

import * as tf from '../../src/tf.ts';
import '@tensorflow/tfjs-backend-cpu';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipGradNorm } from '../../src/train/optim.ts';
import { pythonHas, runPythonJson } from '../support/python.ts';

const py = (name: string) => join(import.meta.dirname, 'py', name);

const SHAPES: Record<string, number[]> = {
  'input_proj.weight': [4, 3],
  'input_proj.bias': [4],
  'transformer_encoder.layers.0.norm1.weight': [2, 2, 2],
  'trend_head.3.bias': [3],
};

/** mulberry32: a tiny deterministic generator, so both sides see the same numbers. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArray(n: number, next: () => number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}

interface Case {
  params: Map<string, Float32Array>;
  grads: Map<string, Float32Array>[];
  lr: number[];
  weightDecay: number;
  maxNorm: number;
}

function makeCase(seed: number, gradScale: number, opts: Omit<Case, 'params' | 'grads'>, skip: (step: number, key: string) => boolean = () => false): Case {
  const next = rng(seed);
  const params = new Map(Object.entries(SHAPES).map(([k, s]) => [k, randomArray(s.reduce((a, b) => a * b, 1), next, 1)]));
  const grads = opts.lr.map((_, step) => {
    const g = new Map<string, Float32Array>();
    for (const [k, p] of params) if (!skip(step, k)) g.set(k, randomArray(p.length, next, gradScale));
    return g;
  });
  return { params, grads, ...opts };
}

interface TorchResult {
  params: Record<string, number[]>;
  norms: number[];
  state: Record<string, { step: number; exp_avg: number[]; exp_avg_sq: number[] }>;
}

function torchRun(c: Case): TorchResult {
  return runPythonJson<TorchResult>(py('adam_ref.py'), {
    params: Object.fromEntries([...c.params].map(([k, d]) => [k, { shape: SHAPES[k], data: [...d] }])),
    grads: c.grads.map((g) => Object.fromEntries([...g].map(([k, d]) => [k, [...d]]))),
    lr: c.lr,
    weight_decay: c.weightDecay,
    max_norm: c.maxNorm,
  });
}

function variables(values: Map<string, Float32Array>): Map<string, tf.Variable> {
  return new Map([...values].map(([k, d]) => [k, tf.variable(tf.tensor(d, SHAPES[k]), true)]));
}

/** Runs steps [from, to) of the case; returns the total norms it saw. */
async function runSteps(adam: Adam, c: Case, from: number, to: number): Promise<number[]> {
  const norms: number[] = [];
  for (let s = from; s < to; s++) {
    adam.setLearningRate(c.lr[s]);
    const raw = new Map([...c.grads[s]].map(([k, d]) => [k, tf.tensor(d, SHAPES[k])]));
    if (c.maxNorm > 0) {
      const { grads, totalNorm } = clipGradNorm(raw, c.maxNorm);
      norms.push((await totalNorm.data())[0]);
      adam.step(grads);
      tf.dispose([...grads.values(), totalNorm]);
    } else {
      adam.step(raw);
    }
    tf.dispose([...raw.values()]);
  }
  return norms;
}

async function expectClose(params: Map<string, tf.Variable>, want: Record<string, number[]>, tol: number): Promise<void> {
  for (const [k, v] of params) {
    const got = await v.data();
    const diff = Math.max(...want[k].map((w, i) => Math.abs(w - got[i])));
    expect(diff, k).toBeLessThanOrEqual(tol);
  }
}

function dispose(params: Map<string, tf.Variable>, adam: Adam): void {
  adam.dispose();
  for (const v of params.values()) v.dispose();
}

const hasTorch = pythonHas('torch');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!hasTorch)('Adam matches torch.optim.Adam (1.13)', () => {
  const steady = { lr: [1e-2, 1e-2, 1e-2, 1e-2, 1e-2], weightDecay: 1e-4, maxNorm: 0 };

  it('five steps with weight_decay 1e-4', async () => {
    const c = makeCase(1, 0.5, steady);
    const want = torchRun(c);
    const params = variables(c.params);
    const adam = new Adam(params, { learningRate: c.lr[0], weightDecay: c.weightDecay });
    await runSteps(adam, c, 0, 5);
    await expectClose(params, want.params, 1e-6);
    const state = await adam.exportState();
    for (const [k, s] of state.state) {
      expect(s.step).toBe(want.state[k].step);
      s.exp_avg.forEach((x, i) => expect(x).toBeCloseTo(want.state[k].exp_avg[i], 7));
      s.exp_avg_sq.forEach((x, i) => expect(x).toBeCloseTo(want.state[k].exp_avg_sq[i], 9));
    }
    dispose(params, adam);
  });

  it('with clipping active and a changing learning rate', async () => {
    const c = makeCase(2, 3, { lr: [1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3], weightDecay: 1e-4, maxNorm: 1 });
    const want = torchRun(c);
    expect(Math.min(...want.norms)).toBeGreaterThan(1); // clipping really happened
    const params = variables(c.params);
    const adam = new Adam(params, { learningRate: c.lr[0], weightDecay: c.weightDecay });
    const norms = await runSteps(adam, c, 0, 5);
    norms.forEach((n, i) => expect(n).toBeCloseTo(want.norms[i], 5));
    await expectClose(params, want.params, 1e-6);
    dispose(params, adam);
  });

  it('skips parameters without a gradient and counts steps per parameter, as torch', async () => {
    const c = makeCase(3, 0.5, steady, (step, key) =>
      key === 'trend_head.3.bias' || (key === 'input_proj.bias' && (step === 0 || step === 2)));
    const want = torchRun(c);
    const params = variables(c.params);
    const adam = new Adam(params, { learningRate: c.lr[0], weightDecay: c.weightDecay });
    await runSteps(adam, c, 0, 5);
    await expectClose(params, want.params, 1e-6);
    const state = await adam.exportState();
    expect(state.state.has('trend_head.3.bias')).toBe(false);
    expect(state.state.get('input_proj.bias')!.step).toBe(3);
    dispose(params, adam);
  });

  it('resumes from exported state: 2 steps, export, fresh optimizer, 3 steps', async () => {
    const c = makeCase(4, 3, { lr: [1e-2, 1e-2, 1e-2, 5e-3, 5e-3], weightDecay: 1e-4, maxNorm: 1 });
    const want = torchRun(c);
    const first = variables(c.params);
    const adam1 = new Adam(first, { learningRate: c.lr[0], weightDecay: c.weightDecay });
    await runSteps(adam1, c, 0, 2);
    const host = await adam1.exportState();
    const mid = new Map(await Promise.all([...first].map(async ([k, v]) => [k, (await v.data()) as Float32Array] as const)));
    dispose(first, adam1);

    const second = variables(mid);
    const adam2 = new Adam(second, { learningRate: c.lr[2], weightDecay: c.weightDecay });
    adam2.importState(host);
    await runSteps(adam2, c, 2, 5);
    await expectClose(second, want.params, 1e-6);
    dispose(second, adam2);
  });
});

describe('Adam and clipGradNorm without torch', () => {
  it('leaks no tensors over many steps', async () => {
    const c = makeCase(5, 3, { lr: Array(40).fill(1e-3), weightDecay: 1e-4, maxNorm: 1 });
    const params = variables(c.params);
    const adam = new Adam(params, { learningRate: 1e-3, weightDecay: 1e-4 });
    await runSteps(adam, c, 0, 1); // creates the moments
    const before = tf.memory().numTensors;
    await runSteps(adam, c, 1, 40);
    expect(tf.memory().numTensors).toBe(before);
    const host = await adam.exportState();
    adam.importState(host);
    expect(tf.memory().numTensors).toBe(before);
    dispose(params, adam);
  });

  it('clipGradNorm with max norm 0 reports the norm and copies the gradients unscaled', async () => {
    const a = tf.tensor([3, 0]);
    const b = tf.tensor([[0, 4]]);
    const { grads, totalNorm } = clipGradNorm(new Map([['a', a], ['b', b]]), 0);
    expect((await totalNorm.data())[0]).toBeCloseTo(5, 6);
    expect([...(await grads.get('b')!.data())]).toEqual([0, 4]);
    expect(grads.get('a')).not.toBe(a);
    const clipped = clipGradNorm(new Map([['a', a], ['b', b]]), 1);
    const scale = 1 / (5 + 1e-6);
    expect((await clipped.grads.get('a')!.data())[0]).toBeCloseTo(3 * scale, 6);
    expect((await clipped.grads.get('b')!.data())[1]).toBeCloseTo(4 * scale, 6);
    const under = clipGradNorm(new Map([['a', a]]), 10);
    expect([...(await under.grads.get('a')!.data())]).toEqual([3, 0]);
    tf.dispose([a, b, ...grads.values(), totalNorm, ...clipped.grads.values(), clipped.totalNorm, ...under.grads.values(), under.totalNorm]);
  });

  it('rejects optimizer state that does not fit the model, with a sentence', () => {
    const params = variables(new Map([['input_proj.bias', new Float32Array(4)]]));
    const adam = new Adam(params, { learningRate: 1e-3 });
    const bad = { version: 1 as const, state: new Map([['input_proj.bias', { step: 2, exp_avg: new Float32Array(3), exp_avg_sq: new Float32Array(4) }]]) };
    expect(() => adam.importState(bad)).toThrow(/exp_avg for "input_proj.bias" has 3 values; the parameter has 4/);
    dispose(params, adam);
  });
});
