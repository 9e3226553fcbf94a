// What `print(model)` and a parameter count tell a PyTorch user, for any configuration:
// one row per module with its PyTorch description and exact parameter count, derived
// from the parameter layout so it can never disagree with the weights.

import { numel } from '../formats/state-dict.ts';
import type { ModelConfig } from './config.ts';
import { obEncoderLinearIndices, obEncoderOut, paramSpecs, parameterCount, stateDictBytes, trendHidden, volHidden } from './params.ts';

export interface ModuleRow {
  module: string; // state_dict prefix
  description: string; // as PyTorch prints the module
  parameters: number;
}

export function moduleTable(c: ModelConfig): ModuleRow[] {
  const d = c.d_model;
  const combined = d + obEncoderOut;
  const drop = `Dropout(p=${c.dropout})`;
  const obSizes = [c.order_book_dim, ...c.ob_hidden, obEncoderOut];
  const obLayers = obEncoderLinearIndices(c.ob_hidden).map((_, k) => `Linear(${obSizes[k]}, ${obSizes[k + 1]})`);
  const obDescription = c.ob_hidden.length === 1
    ? [obLayers[0], 'ReLU', obLayers[1]]
    : [obLayers[0], 'ReLU', drop, obLayers[1], 'ReLU', obLayers[2]];
  const rows: Omit<ModuleRow, 'parameters'>[] = [
    { module: 'input_proj', description: `Linear(in_features=${c.input_dim}, out_features=${d})` },
    { module: 'pos_encoder', description: `PositionalEncoding(buffer pe: 1×512×${d}, not a parameter)` },
    ...Array.from({ length: c.num_layers }, (_, i) => ({
      module: `transformer_encoder.layers.${i}`,
      description: `TransformerEncoderLayer(d_model=${d}, nhead=${c.nhead}, dim_feedforward=${c.dim_feedforward}, ${drop}, post-norm, ReLU)`,
    })),
    { module: 'ob_encoder', description: `Sequential(${obDescription.join(', ')})` },
    { module: 'trend_head', description: `Sequential(Linear(${combined}, ${trendHidden}), ReLU, ${drop}, Linear(${trendHidden}, ${c.output_dim}))` },
    { module: 'vol_head', description: `Sequential(Linear(${combined}, ${volHidden}), ReLU, Linear(${volHidden}, 1))` },
  ];
  const specs = paramSpecs(c).filter((s) => s.trainable);
  return rows.map((row) => ({
    ...row,
    parameters: specs.filter((s) => s.name.startsWith(`${row.module}.`)).reduce((n, s) => n + numel(s.shape), 0),
  }));
}

export interface ModelSummary {
  config: ModelConfig;
  modules: ModuleRow[];
  parameters: number;
  state_dict_bytes: number;
}

export function summarize(c: ModelConfig): ModelSummary {
  return { config: c, modules: moduleTable(c), parameters: parameterCount(c), state_dict_bytes: stateDictBytes(c) };
}

/** The summary as text for a terminal. */
export function formatSummary(s: ModelSummary, pthBytes?: number): string {
  const width = Math.max(...s.modules.map((r) => r.module.length));
  const lines = [`TimeSeriesTransformer (${s.config.preset}, seq_len ${s.config.seq_len})`];
  for (const row of s.modules) {
    lines.push(`  ${row.module.padEnd(width)}  ${row.parameters.toLocaleString('en-US').padStart(11)}  ${row.description}`);
  }
  lines.push(`  ${'total'.padEnd(width)}  ${s.parameters.toLocaleString('en-US').padStart(11)}  trainable parameters (pos_encoder.pe excluded)`);
  lines.push(`fp32 state_dict: ${s.state_dict_bytes.toLocaleString('en-US')} bytes of tensor data (${mib(s.state_dict_bytes)} MiB, pe buffer included)`);
  if (pthBytes !== undefined) lines.push(`nexus_transformer.pth: ${pthBytes.toLocaleString('en-US')} bytes (${mib(pthBytes)} MiB)`);
  return lines.join('\n');
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(2);
}
