// The three files of an export (spec/EXPORT.md), built in one place for the CLI and the
// app: nexus_transformer.pth, .safetensors (metadata inside) and .json.

import type { StateDict } from './state-dict.ts';
import { writePth } from './pth.ts';
import { writeSafetensors } from './safetensors.ts';
import { safetensorsMetadata, type ExportMetadata } from './metadata.ts';

export const exportFileNames = {
  pth: 'nexus_transformer.pth',
  safetensors: 'nexus_transformer.safetensors',
  json: 'nexus_transformer.json',
} as const;

export interface ExportFiles {
  pth: Uint8Array;
  safetensors: Uint8Array;
  json: string;
}

export function exportFiles(sd: StateDict, meta: ExportMetadata): ExportFiles {
  return {
    pth: writePth(sd),
    safetensors: writeSafetensors(sd, safetensorsMetadata(meta)),
    json: `${JSON.stringify(meta, null, 2)}\n`,
  };
}
