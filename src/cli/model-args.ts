// The CLI's shared model options: `--preset NAME` or `--config JSON`, and whole-number options.

import { UserError } from '../errors.ts';
import { customConfig, preset, type ModelConfig } from '../model/config.ts';
import { option, type ParsedArgs } from './args.ts';

export function configFromArgs(args: ParsedArgs): ModelConfig {
  const name = option(args, 'preset');
  const json = option(args, 'config');
  if (name !== undefined && json !== undefined) throw new UserError('give either --preset or --config, not both');
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new UserError(`--config is not valid JSON: ${json}`);
    }
    return customConfig(parsed);
  }
  if (name === undefined) throw new UserError('missing --preset (tiny, v1, v2) or --config JSON');
  return preset(name);
}

export function integerOption(args: ParsedArgs, name: string, fallback?: number): number {
  const text = option(args, name);
  if (text === undefined) {
    if (fallback === undefined) throw new UserError(`missing --${name}`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UserError(`--${name} must be a whole number (got "${text}")`);
  return value;
}
