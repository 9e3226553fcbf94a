// A shared link holds an experiment in readable query parameters (`preset=v2&learning_rate=
// 0.001&data=sample:...`), by the names of spec/TRAINING.md and spec/MODEL.md. Reading checks
// each value with the validators the CLI uses and drops a bad one with a sentence, never throws.

import { UserError } from '../errors.ts';
import { DEFAULT_DATA_SETTINGS, dataSettingProblem, type DataSettings } from '../data/dataset.ts';
import { customConfig, labelPreset, presetNames, presets, type ModelConfig, type PresetName } from '../model/config.ts';
import { defaultExperiment, type Experiment } from '../run/experiment.ts';
import { defaultTrainingSettings, parseTrainingSetting, type TrainingSettings } from '../train/settings.ts';
import { decimal, QueryReader, reason, shown, writeQuery } from './query.ts';
import { readDataRef, readMapping, writeDataRef, writeMapping } from './source.ts';

/** The link layout's version (`v=1`), so a later layout can still read old links. */
export const QUERY_VERSION = 1;

// The sizes that shape the model. dropout is TRAINING.md's setting and seq_len the window:
// both are also model fields, and a link writes each once.
const modelKeys = ['d_model', 'nhead', 'num_layers', 'dim_feedforward', 'seq_len', 'ob_hidden'] as const;
type ModelKey = (typeof modelKeys)[number];
const trainingKeys = Object.keys(defaultTrainingSettings) as (keyof TrainingSettings)[];
const dataKeys = ['horizon', 'theta', 'train_split', 'val_split', 'test_split', 'warmup_bars'] as const;
const splitKeys = ['train_split', 'val_split', 'test_split'] as const;
// A record, so that a backend added to backends.ts fails to compile until it is listed here.
const backends: Record<Experiment['backend'], true> = { auto: true, webgpu: true, webgl: true, wasm: true, cpu: true };

/**
 * The experiment as a run would use it, which is what a link can hold: the model's seq_len
 * is the window (`settings.data.seq_len` when set), its dropout the training setting's (as
 * src/run/prepare.ts trains them), and the preset label follows (labelPreset).
 */
export function canonicalExperiment(exp: Experiment): Experiment {
  const { seq_len, ...data } = exp.settings.data;
  const model = labelPreset({
    ...exp.model,
    ob_hidden: [...exp.model.ob_hidden],
    seq_len: seq_len ?? exp.model.seq_len,
    dropout: exp.settings.training.dropout,
  });
  const mapping = exp.mapping === undefined ? {} : { mapping: { ...exp.mapping, ...(exp.mapping.columns ? { columns: { ...exp.mapping.columns } } : {}) } };
  return { version: 1, model, settings: { training: { ...exp.settings.training }, data }, data: { ...exp.data }, ...mapping, backend: exp.backend };
}

/** `v=1&preset=...&...`, without the leading `?`: only what differs from the defaults, plus preset and data. */
export function experimentToQuery(exp: Experiment): string {
  const e = canonicalExperiment(exp);
  const out: [string, string][] = [['v', String(QUERY_VERSION)]];
  const base = presetWithShapes(e.model);
  out.push(['preset', base ?? 'custom']);
  for (const key of modelKeys) {
    if (base === null || !sameValue(e.model[key], presets[base][key])) out.push([key, modelText(e.model, key)]);
  }
  for (const key of trainingKeys) {
    if (e.settings.training[key] !== defaultTrainingSettings[key]) out.push([key, String(e.settings.training[key])]);
  }
  for (const key of dataKeys) {
    const value = e.settings.data[key];
    if (value !== undefined) out.push([key, String(value)]);
  }
  if (e.backend !== 'auto') out.push(['backend', e.backend]);
  writeDataRef(e.data, out);
  writeMapping(e.mapping, out);
  return writeQuery(out);
}

/**
 * The experiment a link describes (`location.search`, with or without `?`), starting from
 * defaultExperiment(). Each value that fails its check is left at the default with a
 * sentence in `problems`, as are unknown and repeated parameters. The result is canonical.
 */
export function experimentFromQuery(search: string): { experiment: Experiment; problems: string[] } {
  const r = new QueryReader(search);
  const fallback = defaultExperiment();
  const version = r.take('v');
  if (version !== undefined && version !== String(QUERY_VERSION)) {
    r.problem(`v=${shown(version)} is not a link version this app knows; read it as version ${QUERY_VERSION}`);
  }
  const training = readTraining(r);
  const model = readModel(r, fallback.model, training.dropout);
  const data = readDataSettings(r);
  const backendText = r.take('backend');
  let backend = fallback.backend;
  if (backendText !== undefined) {
    if (Object.hasOwn(backends, backendText)) backend = backendText as Experiment['backend'];
    else r.problem(`backend=${shown(backendText)} is not one of ${Object.keys(backends).join(', ')}; kept ${backend}`);
  }
  const dataRef = readDataRef(r);
  const mapping = readMapping(r);
  r.reportUnknown();
  const experiment: Experiment = { version: 1, model, settings: { training, data }, data: dataRef, ...(mapping ? { mapping } : {}), backend };
  return { experiment, problems: r.problems };
}

function readTraining(r: QueryReader): TrainingSettings {
  const training: TrainingSettings = { ...defaultTrainingSettings };
  for (const key of trainingKeys) {
    const text = r.take(key);
    if (text === undefined) continue;
    const kept = `; kept ${training[key]}`;
    const numeric = typeof defaultTrainingSettings[key] === 'number';
    if (numeric && decimal(text) === undefined) {
      r.problem(`${key}=${shown(text)} is not a number${kept}`);
      continue;
    }
    try {
      (training as unknown as Record<string, unknown>)[key] = parseTrainingSetting(key, text);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      r.problem(`${reason(e)}${kept}`);
    }
  }
  return training;
}

/**
 * The preset, then the sizes the link changes. customConfig checks them all at once; when
 * it refuses, each is checked on top of those already accepted, so that one bad size drops
 * only itself (nhead=8 with d_model=100 drops nhead, with customConfig's sentence).
 */
function readModel(r: QueryReader, fallback: ModelConfig, dropout: number): ModelConfig {
  const presetText = r.take('preset');
  let baseName: PresetName = fallback.preset === 'custom' ? 'v1' : fallback.preset;
  if (presetText !== undefined) {
    if ((presetNames as readonly string[]).includes(presetText)) baseName = presetText as PresetName;
    else if (presetText !== 'custom') r.problem(`preset=${shown(presetText)} is not one of ${presetNames.join(', ')}, custom; kept ${baseName}`);
  }
  // customConfig starts from the named preset ('custom' starts from v1, as customConfig does).
  const base = { preset: baseName, dropout };
  const given: Partial<Record<ModelKey, number | number[]>> = {};
  for (const key of modelKeys) {
    const text = r.take(key);
    if (text === undefined) continue;
    const value = key === 'ob_hidden' ? sizes(text) : decimal(text);
    if (value !== undefined) given[key] = value;
    else r.problem(`${key}=${shown(text)} is not ${key === 'ob_hidden' ? 'a list of sizes such as 128,64' : 'a number'}; kept ${modelText(customConfig(base), key)}`);
  }
  try {
    return customConfig({ ...base, ...given });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  const accepted: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(given)) {
    try {
      customConfig({ ...accepted, [key]: value });
      accepted[key] = value;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      r.problem(`${reason(e)}; kept ${modelText(customConfig(accepted), key as ModelKey)}`);
    }
  }
  return customConfig(accepted);
}

function readDataSettings(r: QueryReader): Partial<DataSettings> {
  const data: Partial<DataSettings> = {};
  for (const key of dataKeys) {
    const text = r.take(key);
    if (text === undefined) continue;
    const kept = `; kept ${DEFAULT_DATA_SETTINGS[key]}`;
    if (key === 'theta' && text === 'auto') {
      data.theta = 'auto';
      continue;
    }
    const value = decimal(text);
    if (value === undefined) {
      r.problem(`${key}=${shown(text)} is not a number${key === 'theta' ? ' of basis points or "auto"' : ''}${kept}`);
      continue;
    }
    const wrong = dataSettingProblem(key, value);
    if (wrong === null) Object.assign(data, { [key]: value });
    else r.problem(`${wrong}${kept}`);
  }
  const given = splitKeys.filter((k) => data[k] !== undefined);
  if (given.length > 0) {
    const sum = splitKeys.reduce((s, k) => s + (data[k] ?? DEFAULT_DATA_SETTINGS[k]), 0);
    // The same tolerance as src/data/dataset.ts's check, so a link never passes here and fails there.
    if (Math.abs(sum - 1) > 1e-9) {
      r.problem(`train_split, val_split and test_split must add up to 1, not ${Number(sum.toFixed(6))}; kept ${splitKeys.map((k) => DEFAULT_DATA_SETTINGS[k]).join(', ')}`);
      for (const k of given) delete data[k];
    }
  }
  return data;
}

/** `128,64` as sizes; customConfig checks their count and range. */
function sizes(text: string): number[] | undefined {
  const values = text.split(',').map((part) => decimal(part.trim()));
  return values.every((v) => v !== undefined) ? (values as number[]) : undefined;
}

/** The named preset with the same layers and heads (seq_len and dropout may differ), or null. */
function presetWithShapes(m: ModelConfig): PresetName | null {
  const same = (p: ModelConfig) => modelKeys.every((key) => key === 'seq_len' || sameValue(m[key], p[key]));
  return presetNames.find((name) => same(presets[name])) ?? null;
}

function modelText(m: ModelConfig, key: ModelKey): string {
  return key === 'ob_hidden' ? m.ob_hidden.join(',') : String(m[key]);
}

function sameValue(a: number | number[], b: number | number[]): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
}
