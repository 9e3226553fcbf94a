// The training settings of spec/TRAINING.md with the upgrade guide's defaults. They cross
// boundaries (URL, run record, export metadata), so keys are TRAINING.md's snake_case names.

import { UserError } from '../errors.ts';

export interface TrainingSettings {
  batch_size: number;
  epochs: number; // an upper bound: early stopping usually ends sooner
  learning_rate: number;
  weight_decay: number; // L2 added to the gradient, as torch.optim.Adam(weight_decay=...)
  scheduler: 'ReduceLROnPlateau' | 'none';
  early_stopping_patience: number; // epochs without validation-loss improvement; 0 = off
  grad_clip_norm: number; // global L2 norm; 0 = off
  dropout: number;
  vol_loss_weight: number; // 0 reproduces the guide's cross-entropy-only script
  class_weights: 'none' | 'balanced';
  seed: number;
  checkpoint_every: number; // epochs; the best-validation checkpoint is kept as well
  cost_bps: number; // per trade, for the trading read-out
}

export const defaultTrainingSettings: Readonly<TrainingSettings> = {
  batch_size: 32,
  epochs: 100,
  learning_rate: 1e-4,
  weight_decay: 1e-4,
  scheduler: 'ReduceLROnPlateau',
  early_stopping_patience: 10,
  grad_clip_norm: 1.0,
  dropout: 0.1,
  vol_loss_weight: 0.5,
  class_weights: 'none',
  seed: 42,
  checkpoint_every: 10,
  cost_bps: 1,
};

type Rule = { kind: 'int'; min: number; max: number } | { kind: 'number'; min: number; max: number } | { kind: 'choice'; values: readonly string[] };

const rules: Record<keyof TrainingSettings, Rule> = {
  batch_size: { kind: 'int', min: 1, max: 4096 },
  epochs: { kind: 'int', min: 1, max: 10_000 },
  learning_rate: { kind: 'number', min: 1e-8, max: 1 },
  weight_decay: { kind: 'number', min: 0, max: 1 },
  scheduler: { kind: 'choice', values: ['ReduceLROnPlateau', 'none'] },
  early_stopping_patience: { kind: 'int', min: 0, max: 10_000 },
  grad_clip_norm: { kind: 'number', min: 0, max: 1e6 },
  dropout: { kind: 'number', min: 0, max: 0.9 },
  vol_loss_weight: { kind: 'number', min: 0, max: 100 },
  class_weights: { kind: 'choice', values: ['none', 'balanced'] },
  seed: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
  checkpoint_every: { kind: 'int', min: 1, max: 10_000 },
  cost_bps: { kind: 'number', min: 0, max: 1000 },
};

export function isTrainingSetting(key: string): key is keyof TrainingSettings {
  return Object.hasOwn(rules, key);
}

/** Parses one setting from text (`--set key=value`, a URL parameter) or a JSON value. */
export function parseTrainingSetting<K extends keyof TrainingSettings>(key: K, raw: unknown): TrainingSettings[K] {
  const rule = rules[key];
  if (rule.kind === 'choice') {
    if (typeof raw !== 'string' || !rule.values.includes(raw)) {
      throw new UserError(`${key} must be one of ${rule.values.join(', ')} (got ${JSON.stringify(raw)})`);
    }
    return raw as TrainingSettings[K];
  }
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${key} must be a number (got ${JSON.stringify(raw)})`);
  if (rule.kind === 'int' && !Number.isInteger(value)) throw new UserError(`${key} must be a whole number (got ${value})`);
  if (value < rule.min || value > rule.max) throw new UserError(`${key} must be between ${rule.min} and ${rule.max} (got ${value})`);
  return value as TrainingSettings[K];
}

/** Defaults overridden by `changes`, each validated. */
export function trainingSettings(changes: Record<string, unknown> = {}): TrainingSettings {
  const settings: TrainingSettings = { ...defaultTrainingSettings };
  for (const [key, raw] of Object.entries(changes)) {
    if (!isTrainingSetting(key)) throw new UserError(`unknown training setting "${key}"`);
    (settings as unknown as Record<string, unknown>)[key] = parseTrainingSetting(key, raw);
  }
  return settings;
}
