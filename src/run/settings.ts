// An experiment's settings by their shared names: TRAINING.md's training settings and
// DATA.md's data settings, as `--set key=value` and URL parameters give them.

import { UserError } from '../errors.ts';
import { DEFAULT_DATA_SETTINGS, type DataSettings } from '../data/dataset.ts';
import { isTrainingSetting, trainingSettings, type TrainingSettings } from '../train/settings.ts';

const dataKeys = ['seq_len', 'horizon', 'theta', 'train_split', 'val_split', 'test_split', 'warmup_bars'] as const;

export interface ExperimentSettings {
  training: TrainingSettings;
  data: Partial<DataSettings>; // seq_len defaults to the model's
}

/** Splits `key=value` pairs into training and data settings, validating each. */
export function experimentSettings(pairs: string[]): ExperimentSettings {
  const training: Record<string, string> = {};
  const data: Partial<DataSettings> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UserError(`--set takes key=value, got "${pair}"`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (isTrainingSetting(key)) training[key] = value;
    else if ((dataKeys as readonly string[]).includes(key)) Object.assign(data, { [key]: dataValue(key as (typeof dataKeys)[number], value) });
    else throw new UserError(`unknown setting "${key}": training settings are ${Object.keys(trainingSettings()).join(', ')}; data settings are ${dataKeys.join(', ')}`);
  }
  return { training: trainingSettings(training), data };
}

function dataValue(key: (typeof dataKeys)[number], value: string): number | 'auto' {
  if (key === 'theta' && value === 'auto') return 'auto';
  const n = Number(value);
  if (value === '' || !Number.isFinite(n)) {
    throw new UserError(`${key} must be a number${key === 'theta' ? ' of basis points or "auto"' : ''} (got "${value}"; default ${DEFAULT_DATA_SETTINGS[key]})`);
  }
  return n;
}
