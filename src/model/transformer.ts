// The bot's TimeSeriesTransformer as TensorFlow.js ops (spec/MODEL.md): the same
// function as the PyTorch module for the same state_dict. Parameters are one flat map
// keyed by the exact state_dict names, Linear weights in PyTorch's [out, in] layout.

import * as tf from '../tf.ts';
import type { Rng } from '../random.ts';
import type { StateDict } from '../formats/state-dict.ts';
import type { ModelConfig } from './config.ts';
import { obEncoderLinearIndices, paramSpecs } from './params.ts';

export type Params = Map<string, tf.Tensor>;

/** Training mode draws dropout masks from `rng`; eval mode is deterministic. */
export type Mode = { training: false } | { training: true; rng: Rng };

export interface Outputs {
  trendLogits: tf.Tensor2D; // (B, 3) classes [DOWN, NEUTRAL, UP]
  volPred: tf.Tensor2D; // (B, 1)
}

/**
 * Uploads a state_dict as variables (the `pe` buffer is not trainable). Disposing the
 * variables frees everything: tidy drops the tensors they were made from.
 */
export function createParams(c: ModelConfig, sd: StateDict): Map<string, tf.Variable> {
  const params = new Map<string, tf.Variable>();
  for (const spec of paramSpecs(c)) {
    const t = sd.get(spec.name);
    if (t === undefined) throw new Error(`state_dict has no ${spec.name}`);
    params.set(spec.name, tf.tidy(() => tf.variable(tf.tensor(t.data, spec.shape, 'float32'), spec.trainable)));
  }
  return params;
}

/**
 * Downloads parameters to a state_dict (asynchronously: never blocks on the GPU). The data
 * are copies: the CPU backend's data() hands out its own storage (WebGPU its cached
 * copy), which a caller that transfers or keeps the arrays must not touch.
 */
export async function readParams(params: Params): Promise<StateDict> {
  const sd: StateDict = new Map();
  for (const [name, t] of params) sd.set(name, { shape: [...t.shape], data: ((await t.data()) as Float32Array).slice() });
  return sd;
}

export function forward(c: ModelConfig, p: Params, x: tf.Tensor3D, ob: tf.Tensor2D, mode: Mode): Outputs {
  return tf.tidy(() => {
    const [B, T] = x.shape;
    const get = (name: string) => {
      const t = p.get(name);
      if (t === undefined) throw new Error(`missing parameter ${name}`);
      return t;
    };
    const drop = <R extends tf.Rank>(t: tf.Tensor<R>): tf.Tensor<R> =>
      mode.training && c.dropout > 0 ? (tf.dropout(t, c.dropout, undefined, mode.rng.nextUint32()) as tf.Tensor<R>) : t;

    const pe = get('pos_encoder.pe').slice([0, 0, 0], [1, T, c.d_model]);
    let h = linear(x, get('input_proj.weight'), get('input_proj.bias')).add(pe) as tf.Tensor3D; // (B, T, d)
    for (let i = 0; i < c.num_layers; i++) {
      // Only the last position feeds the heads, and every op after the last layer's
      // attention is per position, so the last layer computes that position alone. Exact.
      const lastOnly = i === c.num_layers - 1;
      h = encoderLayer(c, (name) => get(`transformer_encoder.layers.${i}.${name}`), h, lastOnly, drop);
    }
    const last = h.reshape([B, c.d_model]); // h[:, -1, :] (B, d)

    const obLinears = obEncoderLinearIndices(c.ob_hidden);
    let o: tf.Tensor2D = ob;
    obLinears.forEach((index, k) => {
      o = linear(o, get(`ob_encoder.${index}.weight`), get(`ob_encoder.${index}.bias`));
      if (k < obLinears.length - 1) o = tf.relu(o);
      if (k === 0 && obLinears.length === 3) o = drop(o); // v2's Dropout after the first layer
    }); // (B, 32)

    const combined = tf.concat([last, o], 1); // (B, d + 32)
    const trend = drop(tf.relu(linear(combined, get('trend_head.0.weight'), get('trend_head.0.bias'))));
    const trendLogits = linear(trend, get('trend_head.3.weight'), get('trend_head.3.bias')); // (B, 3)
    const vol = tf.relu(linear(combined, get('vol_head.0.weight'), get('vol_head.0.bias')));
    const volPred = linear(vol, get('vol_head.2.weight'), get('vol_head.2.bias')); // (B, 1)
    return { trendLogits: trendLogits as tf.Tensor2D, volPred: volPred as tf.Tensor2D };
  });
}

/**
 * PyTorch's TransformerEncoderLayer, post-norm, ReLU. With `lastOnly` it returns only the
 * last position (B, 1, d), attending from it to the whole sequence.
 */
function encoderLayer(
  c: ModelConfig,
  get: (name: string) => tf.Tensor,
  x: tf.Tensor3D,
  lastOnly: boolean,
  drop: <R extends tf.Rank>(t: tf.Tensor<R>) => tf.Tensor<R>,
): tf.Tensor3D {
  const [B, T, d] = x.shape;
  const H = c.nhead;
  const hd = d / H;
  const Tq = lastOnly ? 1 : T;
  const heads = (t: tf.Tensor, len: number) => t.reshape([B, len, H, hd]).transpose([0, 2, 1, 3]); // (B, H, len, hd)

  const w = get('self_attn.in_proj_weight');
  const b = get('self_attn.in_proj_bias');
  const query = lastOnly ? x.slice([0, T - 1, 0], [B, 1, d]) : x; // (B, Tq, d)
  const q = heads(linear(query, w.slice([0, 0], [d, d]), b.slice([0], [d])), Tq);
  const kv = linear(x, w.slice([d, 0], [2 * d, d]), b.slice([d], [2 * d])); // (B, T, 2d)
  const k = heads(kv.slice([0, 0, 0], [B, T, d]), T);
  const v = heads(kv.slice([0, 0, d], [B, T, d]), T);

  const scores = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hd)); // (B, H, Tq, T)
  const attn = drop(tf.softmax(scores));
  const ctx = tf.matMul(attn, v).transpose([0, 2, 1, 3]).reshape([B, Tq, d]); // (B, Tq, d)
  const a = linear(ctx, get('self_attn.out_proj.weight'), get('self_attn.out_proj.bias'));

  const x1 = layerNorm(query.add(drop(a)), get('norm1.weight'), get('norm1.bias'));
  const f = linear(drop(tf.relu(linear(x1, get('linear1.weight'), get('linear1.bias')))), get('linear2.weight'), get('linear2.bias'));
  return layerNorm(x1.add(drop(f)), get('norm2.weight'), get('norm2.bias')) as tf.Tensor3D;
}

/** y = x W^T + b over the last axis, W in PyTorch's [out, in] layout. */
function linear<T extends tf.Tensor>(x: T, weight: tf.Tensor, bias: tf.Tensor): T {
  const inDim = x.shape[x.rank - 1];
  const outDim = weight.shape[0];
  const flat = x.reshape([-1, inDim]) as tf.Tensor2D;
  const y = tf.matMul(flat, weight as tf.Tensor2D, false, true).add(bias);
  return y.reshape([...x.shape.slice(0, -1), outDim]) as T;
}

/** LayerNorm over the last axis with the biased variance and eps 1e-5, as PyTorch. */
function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(weight).add(bias);
}
