// Fresh weights from a seed, as PyTorch's constructors draw them (spec/MODEL.md
// "Initialization"). Drawn on the host with the project's Rng in state_dict order, so the
// same seed gives bit-identical weights on every backend.

import { Rng } from '../random.ts';
import { numel, type StateDict } from '../formats/state-dict.ts';
import type { ModelConfig } from './config.ts';
import { paramSpecs } from './params.ts';

export function initStateDict(c: ModelConfig, seed: number): StateDict {
  const rng = new Rng(seed);
  const sd: StateDict = new Map();
  for (const spec of paramSpecs(c)) {
    const data = new Float32Array(numel(spec.shape));
    switch (spec.init.kind) {
      case 'uniform':
        rng.fillUniform(data, -spec.init.bound, spec.init.bound);
        break;
      case 'ones':
        data.fill(1);
        break;
      case 'zeros':
        break;
      case 'positional':
        positionalTable(data, spec.shape[1], spec.shape[2]);
        break;
      default:
        spec.init satisfies never;
    }
    sd.set(spec.name, { shape: spec.shape, data });
  }
  return sd;
}

/**
 * pe[p, 2i] = sin(p · w_i), pe[p, 2i+1] = cos(p · w_i), w_i = exp(2i · -ln(10000) / d),
 * computed in float32 steps as the bot's `PositionalEncoding` does.
 */
export function positionalTable(out: Float32Array, length: number, d: number): Float32Array {
  for (let i = 0; 2 * i < d; i++) {
    const w = Math.fround(Math.exp(Math.fround(2 * i * Math.fround(-Math.log(10000) / d))));
    for (let p = 0; p < length; p++) {
      const angle = Math.fround(p * w);
      out[p * d + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < d) out[p * d + 2 * i + 1] = Math.cos(angle);
    }
  }
  return out;
}
