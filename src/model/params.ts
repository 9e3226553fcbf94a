// The parameter layout of the bot's TimeSeriesTransformer (spec/MODEL.md): every
// state_dict key with its PyTorch shape and how PyTorch initializes it, in the order
// `model.state_dict()` lists them. Counts, sizes and the module table derive from this.

import { numel } from '../formats/state-dict.ts';
import type { ModelConfig } from './config.ts';
import { maxSeqLen } from './config.ts';

/** How PyTorch's constructors initialize a tensor (MODEL.md "Initialization"). */
export type Init =
  | { kind: 'uniform'; bound: number } // U(-bound, bound)
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'positional' }; // the fixed sinusoidal table, a buffer

export interface ParamSpec {
  name: string; // exact state_dict key
  shape: number[];
  init: Init;
  trainable: boolean; // false only for the `pos_encoder.pe` buffer
}

/** The ob_encoder Sequential's indices of its Linear layers: v1 [0, 2], v2 [0, 3, 5]. */
export function obEncoderLinearIndices(obHidden: readonly number[]): number[] {
  return obHidden.length === 1 ? [0, 2] : [0, 3, 5];
}

export const obEncoderOut = 32;
export const trendHidden = 64;
export const volHidden = 32;

export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const linear = (prefix: string, out: number, inp: number) => {
    const bound = 1 / Math.sqrt(inp); // PyTorch's kaiming_uniform_(a=√5) and bias default
    specs.push({ name: `${prefix}.weight`, shape: [out, inp], init: { kind: 'uniform', bound }, trainable: true });
    specs.push({ name: `${prefix}.bias`, shape: [out], init: { kind: 'uniform', bound }, trainable: true });
  };
  const norm = (prefix: string) => {
    specs.push({ name: `${prefix}.weight`, shape: [c.d_model], init: { kind: 'ones' }, trainable: true });
    specs.push({ name: `${prefix}.bias`, shape: [c.d_model], init: { kind: 'zeros' }, trainable: true });
  };
  const d = c.d_model;

  linear('input_proj', d, c.input_dim);
  specs.push({ name: 'pos_encoder.pe', shape: [1, maxSeqLen, d], init: { kind: 'positional' }, trainable: false });
  for (let i = 0; i < c.num_layers; i++) {
    const p = `transformer_encoder.layers.${i}`;
    // MultiheadAttention resets its packed projection with xavier_uniform_ and zero biases.
    specs.push({ name: `${p}.self_attn.in_proj_weight`, shape: [3 * d, d], init: { kind: 'uniform', bound: Math.sqrt(6 / (d + 3 * d)) }, trainable: true });
    specs.push({ name: `${p}.self_attn.in_proj_bias`, shape: [3 * d], init: { kind: 'zeros' }, trainable: true });
    specs.push({ name: `${p}.self_attn.out_proj.weight`, shape: [d, d], init: { kind: 'uniform', bound: 1 / Math.sqrt(d) }, trainable: true });
    specs.push({ name: `${p}.self_attn.out_proj.bias`, shape: [d], init: { kind: 'zeros' }, trainable: true });
    linear(`${p}.linear1`, c.dim_feedforward, d);
    linear(`${p}.linear2`, d, c.dim_feedforward);
    norm(`${p}.norm1`);
    norm(`${p}.norm2`);
  }
  const obSizes = [c.order_book_dim, ...c.ob_hidden, obEncoderOut];
  obEncoderLinearIndices(c.ob_hidden).forEach((index, k) => linear(`ob_encoder.${index}`, obSizes[k + 1], obSizes[k]));
  const combined = d + obEncoderOut;
  linear('trend_head.0', trendHidden, combined);
  linear('trend_head.3', c.output_dim, trendHidden);
  linear('vol_head.0', volHidden, combined);
  linear('vol_head.2', 1, volHidden);
  return specs;
}

/** Trainable parameters, as `sum(p.numel() for p in model.parameters())`. */
export function parameterCount(c: ModelConfig): number {
  return paramSpecs(c).filter((s) => s.trainable).reduce((n, s) => n + numel(s.shape), 0);
}

/** Bytes of tensor data in the fp32 state_dict, the `pe` buffer included. */
export function stateDictBytes(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, s) => n + 4 * numel(s.shape), 0);
}
