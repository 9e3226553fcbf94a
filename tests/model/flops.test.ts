// src/model/flops.ts against a hand count for tiny, and against PyTorch's own FLOP counter
// (torch.profiler with_flops, in torch 1.13) over the bot's module for every preset.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { preset, presets, type ModelConfig } from '../../src/model/config.ts';
import { forwardFlops, trainingStepFlops } from '../../src/model/flops.ts';
import { hasTorch, runPython } from '../support/python.ts';

const flopCount = fileURLToPath(new URL('../../bench/py/flop_count.py', import.meta.url));

describe('forwardFlops', () => {
  it('matches a hand count for tiny, one sample, last position only in the last layer', () => {
    // d 32, T 32, F 64, one layer (which is the last one), ob_hidden [32].
    const inputProj = 2 * 32 * 5 * 32; // 10,240
    const q = 2 * 32 * 32; // one query position
    const kv = 2 * 32 * 32 * 64; // every position: 131,072
    const scores = 2 * 1 * 32 * 32; // 2 heads × (1 × 16 · 16 × 32) = 2 · 32 · 32
    const context = 2 * 1 * 32 * 32;
    const outProj = 2 * 32 * 32;
    const ffn = 2 * 32 * 64 + 2 * 64 * 32;
    const obEncoder = 2 * (40 * 32 + 32 * 32); // 4,608
    const heads = 2 * (64 * 64 + 64 * 3 + 64 * 32 + 32 * 1); // 12,736
    const total = inputProj + q + kv + scores + context + outProj + ffn + obEncoder + heads;
    expect(total).toBe(175_040);
    expect(forwardFlops(preset('tiny'), 1)).toBe(total);
    // The full-sequence count of the same module (what PyTorch computes).
    expect(forwardFlops(preset('tiny'), 1, { lastOnly: false })).toBe(682_944);
  });

  it('is linear in the batch', () => {
    for (const c of Object.values(presets)) {
      expect(forwardFlops(c, 32)).toBe(32 * forwardFlops(c, 1));
      expect(trainingStepFlops(c, 32)).toBe(32 * trainingStepFlops(c, 1));
    }
  });

  it('gives v2 the cost relative to v1 that the encoder alone implies, within 1%', () => {
    // Per sample, a full layer costs 2T(4d² + 2dF) + 4T²d (q, k, v, out_proj, the two
    // Linears; scores and context), the last-position layer 2(2d² + 2dF) + 4Td² + 4Td.
    // input_proj, the order-book encoder and the heads are under 1% of either model.
    const encoder = (c: ModelConfig) => {
      const { seq_len: T, d_model: d, dim_feedforward: F, num_layers: L } = c;
      const full = 2 * T * (4 * d * d + 2 * d * F) + 4 * T * T * d;
      const last = 2 * (2 * d * d + 2 * d * F) + 4 * T * d * d + 4 * T * d;
      return (L - 1) * full + last;
    };
    expect(encoder(presets.v1)).toBe(31_817_728);
    expect(encoder(presets.v2)).toBe(689_307_648);
    const ratio = forwardFlops(presets.v2, 32) / forwardFlops(presets.v1, 32);
    expect(Math.abs(ratio / (encoder(presets.v2) / encoder(presets.v1)) - 1)).toBeLessThan(0.01);
  });
});

describe('trainingStepFlops', () => {
  it('is 3 × forward less the input gradients nothing needs', () => {
    const c = preset('tiny');
    const unneeded = 2 * 32 * 5 * 32 + 2 * 40 * 32; // d(input_proj)/dx and d(ob_encoder.0)/dob
    expect(trainingStepFlops(c, 1)).toBe(3 * forwardFlops(c, 1) - unneeded);
  });
});

describe.skipIf(!hasTorch)('against torch.profiler(with_flops=True)', () => {
  it('counts every preset as PyTorch does, forward and training step', () => {
    const batch = 2;
    const wanted: Record<string, ModelConfig> = { tiny: presets.tiny, v1: presets.v1, v2: presets.v2 };
    const torch = JSON.parse(runPython(flopCount, ['--batch', String(batch), JSON.stringify(wanted)])) as
      Record<string, { forward: number; training: number }>;
    for (const [name, c] of Object.entries(wanted)) {
      expect(forwardFlops(c, batch, { lastOnly: false }), `${name} forward`).toBe(torch[name].forward);
      expect(trainingStepFlops(c, batch, { lastOnly: false }), `${name} training`).toBe(torch[name].training);
    }
  });
});
