// Reading a configuration off someone else's state_dict: shapes give the sizes; nhead and
// seq_len come from metadata, a matching preset, or the user, in that order.

import { describe, expect, it } from 'vitest';
import { customConfig, preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { checkShapes, inferConfig } from '../../src/model/infer.ts';

describe('inferConfig', () => {
  it.each(['tiny', 'v1', 'v2'] as const)('recognizes the %s preset from its shapes alone', (name) => {
    expect(inferConfig(initStateDict(preset(name), 1))).toEqual(preset(name));
  });

  it('takes nhead and seq_len from the metadata sidecar first', () => {
    const sd = initStateDict(preset('v1'), 1);
    const c = inferConfig(sd, { metadataConfig: { nhead: 8, seq_len: 96 } });
    expect(c).toMatchObject({ preset: 'custom', d_model: 128, nhead: 8, seq_len: 96 });
  });

  it('asks for nhead when the shapes match no preset, and takes the answer', () => {
    const sd = initStateDict(customConfig({ d_model: 192, nhead: 8, num_layers: 3 }), 1);
    expect(() => inferConfig(sd)).toThrow(/give the number of heads \(--nhead\)/);
    expect(inferConfig(sd, { nhead: 6 })).toMatchObject({ d_model: 192, nhead: 6, num_layers: 3, dim_feedforward: 768 });
    expect(() => inferConfig(sd, { nhead: 7 })).toThrow('d_model (192) must be divisible by nhead (7)');
  });

  it('rejects a state_dict that is not the bot model, naming what is wrong', () => {
    const sd = initStateDict(preset('tiny'), 1);
    sd.delete('input_proj.weight');
    expect(() => inferConfig(sd)).toThrow('it has no "input_proj.weight"');
    const wrong = initStateDict(preset('tiny'), 1);
    wrong.set('vol_head.2.weight', { shape: [2, 32], data: new Float32Array(64) });
    expect(() => inferConfig(wrong)).toThrow('"vol_head.2.weight" has shape [2, 32], expected [1, 32]');
    const extra = initStateDict(preset('tiny'), 1);
    extra.set('head.weight', { shape: [1], data: new Float32Array(1) });
    expect(() => checkShapes(extra, preset('tiny'))).toThrow('keys this model does not: head.weight');
  });
});
