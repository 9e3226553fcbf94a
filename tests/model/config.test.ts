// Presets and custom configurations: the exact counts of MODEL.md's table, the state_dict
// layout, and the errors a user meets for an impossible configuration.

import { describe, expect, it } from 'vitest';
import { customConfig, preset, presets } from '../../src/model/config.ts';
import { paramSpecs, parameterCount, stateDictBytes } from '../../src/model/params.ts';
import { moduleTable } from '../../src/model/summary.ts';

describe('presets', () => {
  it.each([
    ['tiny', 17_572, 27],
    ['v1', 417_700, 39],
    ['v2', 3_204_132, 65],
  ] as const)('%s has %i parameters in %i state_dict entries', (name, count, entries) => {
    const c = preset(name);
    expect(parameterCount(c)).toBe(count);
    expect(paramSpecs(c)).toHaveLength(entries);
    expect(moduleTable(c).reduce((n, r) => n + r.parameters, 0)).toBe(count);
    // fp32 bytes: the parameters plus the (1, 512, d_model) positional buffer
    expect(stateDictBytes(c)).toBe(4 * (count + 512 * c.d_model));
  });

  it('uses the v1 and v2 order-book indices of the bot', () => {
    const names = (n: 'v1' | 'v2') => paramSpecs(presets[n]).map((s) => s.name).filter((k) => k.startsWith('ob_encoder'));
    expect(names('v1')).toEqual(['ob_encoder.0.weight', 'ob_encoder.0.bias', 'ob_encoder.2.weight', 'ob_encoder.2.bias']);
    expect(names('v2')).toEqual(['ob_encoder.0.weight', 'ob_encoder.0.bias', 'ob_encoder.3.weight', 'ob_encoder.3.bias', 'ob_encoder.5.weight', 'ob_encoder.5.bias']);
  });

  it('lists v2 keys with PyTorch shapes', () => {
    const shapes = new Map(paramSpecs(presets.v2).map((s) => [s.name, s.shape]));
    expect(shapes.get('pos_encoder.pe')).toEqual([1, 512, 256]);
    expect(shapes.get('transformer_encoder.layers.3.self_attn.in_proj_weight')).toEqual([768, 256]);
    expect(shapes.get('transformer_encoder.layers.0.linear2.weight')).toEqual([256, 1024]);
    expect(shapes.get('trend_head.0.weight')).toEqual([64, 288]);
    expect(shapes.get('vol_head.2.weight')).toEqual([1, 32]);
  });
});

describe('custom configurations', () => {
  it('takes the guide fallback and labels a preset it equals', () => {
    const c = customConfig({ d_model: 192, nhead: 8, num_layers: 3 });
    expect(c).toMatchObject({ preset: 'custom', d_model: 192, dim_feedforward: 768, seq_len: 64, ob_hidden: [64] });
    expect(customConfig({ d_model: 128, nhead: 4, num_layers: 2 }).preset).toBe('v1');
  });

  it.each([
    [{ d_model: 100, nhead: 8 }, 'd_model (100) must be divisible by nhead (8)'],
    [{ num_layers: 13 }, 'num_layers must be between 1 and 12 (got 13)'],
    [{ seq_len: 513 }, 'seq_len must be between 8 and 512 (got 513)'],
    [{ seq_len: 4 }, 'seq_len must be between 8 and 512 (got 4)'],
    [{ d_model: 12.5 }, 'd_model must be a whole number (got 12.5)'],
    [{ ob_hidden: [64, 32, 16] }, 'ob_hidden must have one or two sizes'],
    [{ input_dim: 6 }, 'input_dim is fixed at 5'],
    [{ heads: 4 }, 'unknown model setting "heads"'],
    [{ preset: 'v3' }, 'unknown preset "v3"'],
  ])('rejects %j', (input, message) => {
    expect(() => customConfig(input)).toThrow(message);
  });
});
