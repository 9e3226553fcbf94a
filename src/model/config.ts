// The model's configuration (spec/MODEL.md): the presets tiny, v1, v2 and validated
// custom configurations. It crosses boundaries (export metadata, URLs, checkpoints), so
// its keys are the upgrade guide's snake_case names, exactly as EXPORT.md's `config` block.

import { UserError } from '../errors.ts';

export const presetNames = ['tiny', 'v1', 'v2'] as const;
export type PresetName = (typeof presetNames)[number];

export interface ModelConfig {
  preset: PresetName | 'custom';
  input_dim: 5; // the five bar features of DATA.md §3
  order_book_dim: 40; // 10 levels × (bid px, bid size, ask px, ask size), DATA.md §4
  d_model: number;
  nhead: number;
  num_layers: number;
  dim_feedforward: number;
  output_dim: 3; // DOWN, NEUTRAL, UP
  dropout: number;
  seq_len: number; // bars per sample; at most the positional table's 512
  ob_hidden: number[]; // [h1] is the bot's v1 order-book MLP, [h1, h2] its v2 one
}

const fixed = { input_dim: 5, order_book_dim: 40, output_dim: 3, dropout: 0.1 } as const;

export const presets: Record<PresetName, ModelConfig> = {
  // Small enough to train in a test on a software GPU.
  tiny: { preset: 'tiny', ...fixed, d_model: 32, nhead: 2, num_layers: 1, dim_feedforward: 64, seq_len: 32, ob_hidden: [32] },
  // The bot's current model.
  v1: { preset: 'v1', ...fixed, d_model: 128, nhead: 4, num_layers: 2, dim_feedforward: 512, seq_len: 64, ob_hidden: [64] },
  // The upgrade guide's full-size model.
  v2: { preset: 'v2', ...fixed, d_model: 256, nhead: 8, num_layers: 4, dim_feedforward: 1024, seq_len: 128, ob_hidden: [128, 64] },
};

/** The positional table's length (`pos_encoder.pe` is (1, 512, d_model)). */
export const maxSeqLen = 512;

export const limits = {
  d_model: [8, 1024],
  nhead: [1, 64],
  num_layers: [1, 12],
  dim_feedforward: [8, 8192],
  seq_len: [8, maxSeqLen],
  ob_hidden: [1, 1024],
  dropout: [0, 0.9],
} as const;

export function isPresetName(name: string): name is PresetName {
  return (presetNames as readonly string[]).includes(name);
}

export function preset(name: string): ModelConfig {
  if (!isPresetName(name)) throw new UserError(`unknown preset "${name}": choose one of ${presetNames.join(', ')}`);
  return structuredClone(presets[name]);
}

/**
 * Builds a configuration from user input (JSON from the CLI, the UI or a URL): starts from
 * `base` (a preset name, v1 by default) and overrides the given keys, then validates.
 * The result is labelled with its preset when it equals one.
 */
export function customConfig(input: unknown): ModelConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new UserError('a model configuration must be an object such as {"d_model": 192, "nhead": 8, "num_layers": 3}');
  }
  const raw = input as Record<string, unknown>;
  const base = preset(typeof raw.preset === 'string' && raw.preset !== 'custom' ? raw.preset : 'v1');
  const allowed = new Set(['preset', 'input_dim', 'order_book_dim', 'output_dim', 'd_model', 'nhead', 'num_layers', 'dim_feedforward', 'dropout', 'seq_len', 'ob_hidden']);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new UserError(`unknown model setting "${key}"`);
  }
  for (const key of ['input_dim', 'order_book_dim', 'output_dim'] as const) {
    if (raw[key] !== undefined && raw[key] !== base[key]) {
      throw new UserError(`${key} is fixed at ${base[key]} by the bot's data format`);
    }
  }
  const config: ModelConfig = {
    ...base,
    d_model: integerSetting(raw, 'd_model', base.d_model),
    nhead: integerSetting(raw, 'nhead', base.nhead),
    num_layers: integerSetting(raw, 'num_layers', base.num_layers),
    dim_feedforward: raw.dim_feedforward === undefined && raw.d_model !== undefined
      ? 4 * integerSetting(raw, 'd_model', base.d_model) // the bot's rule: feed-forward = 4 × d_model
      : integerSetting(raw, 'dim_feedforward', base.dim_feedforward),
    seq_len: integerSetting(raw, 'seq_len', base.seq_len),
    dropout: numberSetting(raw, 'dropout', base.dropout),
    ob_hidden: obHiddenSetting(raw.ob_hidden, base.ob_hidden),
  };
  validateConfig(config);
  return labelPreset(config);
}

/** Throws a UserError naming the first setting out of range. */
export function validateConfig(c: ModelConfig): void {
  const check = (name: keyof typeof limits, value: number) => {
    const [low, high] = limits[name];
    if (!(value >= low && value <= high)) throw new UserError(`${name} must be between ${low} and ${high} (got ${value})`);
  };
  check('d_model', c.d_model);
  check('nhead', c.nhead);
  check('num_layers', c.num_layers);
  check('dim_feedforward', c.dim_feedforward);
  check('seq_len', c.seq_len);
  check('dropout', c.dropout);
  c.ob_hidden.forEach((h) => check('ob_hidden', h));
  if (c.d_model % c.nhead !== 0) {
    throw new UserError(`d_model (${c.d_model}) must be divisible by nhead (${c.nhead}) so that every head gets the same width`);
  }
  if (c.ob_hidden.length < 1 || c.ob_hidden.length > 2) {
    throw new UserError('ob_hidden must have one or two sizes, as the bot\'s order-book encoders do ([64] in v1, [128, 64] in v2)');
  }
}

/** Names the preset a configuration equals, or 'custom'. */
export function labelPreset(c: ModelConfig): ModelConfig {
  const match = presetNames.find((name) => sameArchitecture(presets[name], c) && presets[name].seq_len === c.seq_len);
  return { ...c, preset: match ?? 'custom' };
}

/** Equal in everything that shapes the parameters (nhead and seq_len do not). */
export function sameShapes(a: ModelConfig, b: ModelConfig): boolean {
  return a.d_model === b.d_model && a.num_layers === b.num_layers && a.dim_feedforward === b.dim_feedforward
    && a.ob_hidden.length === b.ob_hidden.length && a.ob_hidden.every((h, i) => h === b.ob_hidden[i]);
}

function sameArchitecture(a: ModelConfig, b: ModelConfig): boolean {
  return sameShapes(a, b) && a.nhead === b.nhead && a.dropout === b.dropout;
}

function integerSetting(raw: Record<string, unknown>, key: string, fallback: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new UserError(`${key} must be a whole number (got ${JSON.stringify(value)})`);
  return value;
}

function numberSetting(raw: Record<string, unknown>, key: string, fallback: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${key} must be a number (got ${JSON.stringify(value)})`);
  return value;
}

function obHiddenSetting(value: unknown, fallback: number[]): number[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'number' && Number.isInteger(h))) {
    throw new UserError(`ob_hidden must be a list of whole numbers such as [128, 64] (got ${JSON.stringify(value)})`);
  }
  return [...value];
}
