// Exact FLOP counts of the TimeSeriesTransformer (spec/MODEL.md) for benchmarks: achieved
// GFLOP/s = these counts / measured time. Convention: 2 FLOPs per multiply-add, matrix
// products only (every Linear, and attention's q·kᵀ and weights·v); elementwise work
// (bias adds, softmax, LayerNorm, ReLU, dropout, the loss, Adam) is not counted.

import type { ModelConfig } from './config.ts';
import { obEncoderOut, trendHidden, volHidden } from './params.ts';

export interface FlopOptions {
  /**
   * True (the default) counts what src/model/transformer.ts computes: the last encoder
   * layer for the last position only (`lastOnly`). False counts every position in every
   * layer, which is what PyTorch's module does for the same outputs.
   */
  lastOnly?: boolean;
}

/** One matrix product (m × k) · (k × n), with whether its left operand needs a gradient. */
interface MatMul {
  m: number;
  k: number;
  n: number;
  count: number; // how many such products (batch × heads for attention)
  leftNeedsGrad: boolean;
}

/** Every matrix product of one forward pass over a batch of `batch` samples, in order. */
function matmuls(c: ModelConfig, batch: number, o: FlopOptions): MatMul[] {
  const B = batch;
  const T = c.seq_len;
  const d = c.d_model;
  const F = c.dim_feedforward;
  const H = c.nhead;
  const hd = d / H;
  const out: MatMul[] = [];
  const linear = (rows: number, inp: number, outDim: number, leftNeedsGrad = true) =>
    out.push({ m: rows, k: inp, n: outDim, count: 1, leftNeedsGrad });

  // The inputs are data: nothing needs the gradient with respect to x or ob.
  linear(B * T, c.input_dim, d, false);
  for (let i = 0; i < c.num_layers; i++) {
    const Tq = (o.lastOnly ?? true) && i === c.num_layers - 1 ? 1 : T; // query positions
    linear(B * Tq, d, d); // q
    linear(B * T, d, 2 * d); // k and v, always over the whole window
    out.push({ m: Tq, k: hd, n: T, count: B * H, leftNeedsGrad: true }); // scores q·kᵀ
    out.push({ m: Tq, k: T, n: hd, count: B * H, leftNeedsGrad: true }); // context weights·v
    linear(B * Tq, d, d); // out_proj
    linear(B * Tq, d, F); // linear1
    linear(B * Tq, F, d); // linear2
  }
  const obSizes = [c.order_book_dim, ...c.ob_hidden, obEncoderOut];
  for (let k = 0; k + 1 < obSizes.length; k++) linear(B, obSizes[k], obSizes[k + 1], k > 0);
  const combined = d + obEncoderOut;
  linear(B, combined, trendHidden);
  linear(B, trendHidden, c.output_dim);
  linear(B, combined, volHidden);
  linear(B, volHidden, 1);
  return out;
}

const flopsOf = (mm: MatMul) => 2 * mm.m * mm.k * mm.n * mm.count;

/** FLOPs of one forward pass of `batch` samples. */
export function forwardFlops(c: ModelConfig, batch: number, o: FlopOptions = {}): number {
  return matmuls(c, batch, o).reduce((sum, mm) => sum + flopsOf(mm), 0);
}

/**
 * FLOPs of one training step: the forward pass, then for each product the gradient with
 * respect to its right operand (a weight, or k and v) and, where it is not input data, its
 * left one; each costs as much as the product itself. So 3 × forward, less the input
 * gradients of input_proj and of the order-book encoder's first Linear.
 */
export function trainingStepFlops(c: ModelConfig, batch: number, o: FlopOptions = {}): number {
  return matmuls(c, batch, o).reduce((sum, mm) => sum + flopsOf(mm) * (mm.leftNeedsGrad ? 3 : 2), 0);
}
