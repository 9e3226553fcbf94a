// Weights from a file the user or the bot saved: .pth (torch.save zip) or .safetensors,
// told apart by their first bytes, with the configuration inferred from the shapes.

import { UserError } from '../errors.ts';
import type { StateDict } from '../formats/state-dict.ts';
import { readPth } from '../formats/pth.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import type { ModelConfig } from './config.ts';
import { inferConfig, type InferHints } from './infer.ts';

export interface ImportedWeights {
  config: ModelConfig;
  stateDict: StateDict;
  format: 'pth' | 'safetensors';
}

const zipMagic = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4", torch.save's zip container

export function importWeights(bytes: Uint8Array, fileName: string, hints: InferHints = {}): ImportedWeights {
  if (bytes.length === 0) throw new UserError(`${fileName} is empty`);
  const isZip = zipMagic.every((b, i) => bytes[i] === b);
  if (isZip || /\.(pth|pt)$/i.test(fileName)) {
    const stateDict = readPth(bytes, fileName);
    return { config: inferConfig(stateDict, hints), stateDict, format: 'pth' };
  }
  const { tensors, metadata } = readSafetensors(bytes, fileName);
  const metadataConfig = metadata.config === undefined ? undefined : parseMetadataConfig(metadata.config, fileName);
  return { config: inferConfig(tensors, { metadataConfig, ...hints }), stateDict: tensors, format: 'safetensors' };
}

function parseMetadataConfig(text: string, fileName: string): Partial<ModelConfig> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value as Partial<ModelConfig>;
  } catch {
    // fall through to the error below
  }
  throw new UserError(`${fileName}: its "config" metadata is not a JSON object`);
}
