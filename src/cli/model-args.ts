// The CLI's shared pieces: `--preset NAME` or `--config JSON`, whole-number options, and
// writing an export folder.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFileNames, type ExportFiles } from '../formats/export.ts';
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

/** Writes an export's three files into `dir` (created if needed). */
export async function writeExport(dir: string, files: ExportFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, exportFileNames.pth), files.pth);
  await writeFile(join(dir, exportFileNames.safetensors), files.safetensors);
  await writeFile(join(dir, exportFileNames.json), files.json);
}
