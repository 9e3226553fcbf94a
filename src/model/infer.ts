// The configuration of a state_dict someone else saved (the bot's own .pth), read off its
// shapes. nhead and seq_len leave no trace in the shapes, so they come from the export's
// metadata when there is one, else from the preset with the same shapes, else the user.

import { UserError } from '../errors.ts';
import type { StateDict } from '../formats/state-dict.ts';
import { labelPreset, presetNames, presets, sameShapes, validateConfig, type ModelConfig } from './config.ts';
import { paramSpecs } from './params.ts';

export interface InferHints {
  nhead?: number; // from the user (--nhead, or the UI's question)
  seq_len?: number;
  metadataConfig?: Partial<ModelConfig>; // nexus_transformer.json's `config`, when present
}

/** The shapes fit, but the number of heads must come from the user (the UI asks for it). */
export class HeadsUnknownError extends UserError {
  override name = 'HeadsUnknownError';
  constructor(readonly dModel: number) {
    super(`the file does not say how many attention heads its d_model of ${dModel} is split into, and it matches no preset: give the number of heads (--nhead)`);
  }
}

export function inferConfig(sd: StateDict, hints: InferHints = {}): ModelConfig {
  const shape = (name: string): number[] => {
    const t = sd.get(name);
    if (t === undefined) throw new UserError(`this is not a TimeSeriesTransformer state_dict: it has no "${name}"`);
    return t.shape;
  };
  const [d_model, inputDim] = shape('input_proj.weight');
  if (inputDim !== 5) throw new UserError(`input_proj takes ${inputDim} features; the bot's model takes 5`);
  let num_layers = 0;
  while (sd.has(`transformer_encoder.layers.${num_layers}.linear1.weight`)) num_layers++;
  if (num_layers === 0) throw new UserError('this state_dict has no transformer_encoder layers');
  const dim_feedforward = shape('transformer_encoder.layers.0.linear1.weight')[0];
  const ob_hidden = sd.has('ob_encoder.5.weight')
    ? [shape('ob_encoder.0.weight')[0], shape('ob_encoder.3.weight')[0]]
    : [shape('ob_encoder.0.weight')[0]];

  const shapesOnly = { d_model, num_layers, dim_feedforward, ob_hidden } as ModelConfig;
  const meta = hints.metadataConfig;
  const match = presetNames.map((n) => presets[n]).find((p) => sameShapes(p, shapesOnly));
  const nhead = hints.nhead ?? meta?.nhead ?? match?.nhead;
  if (nhead === undefined) throw new HeadsUnknownError(d_model);
  const config = labelPreset({
    preset: 'custom',
    input_dim: 5,
    order_book_dim: 40,
    output_dim: 3,
    d_model,
    nhead,
    num_layers,
    dim_feedforward,
    dropout: meta?.dropout ?? match?.dropout ?? 0.1,
    seq_len: hints.seq_len ?? meta?.seq_len ?? match?.seq_len ?? 64,
    ob_hidden,
  });
  validateConfig(config);
  checkShapes(sd, config);
  return config;
}

/** Every key present with its expected shape, and nothing else (load_state_dict strict=True). */
export function checkShapes(sd: StateDict, c: ModelConfig): void {
  const specs = paramSpecs(c);
  for (const spec of specs) {
    const t = sd.get(spec.name);
    if (t === undefined) throw new UserError(`the weights have no "${spec.name}"`);
    if (t.shape.length !== spec.shape.length || t.shape.some((n, i) => n !== spec.shape[i])) {
      throw new UserError(`"${spec.name}" has shape [${t.shape.join(', ')}], expected [${spec.shape.join(', ')}]`);
    }
  }
  const expected = new Set(specs.map((s) => s.name));
  const extra = [...sd.keys()].filter((k) => !expected.has(k));
  if (extra.length > 0) throw new UserError(`the weights have keys this model does not: ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''}`);
}
