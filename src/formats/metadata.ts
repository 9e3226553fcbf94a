// nexus_transformer.json, the export's metadata (spec/EXPORT.md), whose keys bot owners'
// scripts read. The model part is known at export; preprocessing, data and training come
// from the run (null for a freshly initialized model).

import type { ModelConfig } from '../model/config.ts';
import { parameterCount } from '../model/params.ts';

export const appVersion = '0.1.0';

export interface ExportMetadata {
  format: 'nexus-export';
  format_version: 1;
  config: ModelConfig;
  classes: ['DOWN', 'NEUTRAL', 'UP'];
  preprocessing: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
  training: Record<string, unknown> | null;
  parameters: number;
  created: string;
  app_version: string;
}

export interface MetadataInput {
  config: ModelConfig;
  preprocessing?: Record<string, unknown>;
  data?: Record<string, unknown>;
  training?: Record<string, unknown>;
  created?: Date;
}

export function exportMetadata(m: MetadataInput): ExportMetadata {
  return {
    format: 'nexus-export',
    format_version: 1,
    config: m.config,
    classes: ['DOWN', 'NEUTRAL', 'UP'],
    preprocessing: m.preprocessing ?? null,
    data: m.data ?? null,
    training: m.training ?? null,
    parameters: parameterCount(m.config),
    created: (m.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    app_version: appVersion,
  };
}

/** The safetensors `__metadata__` string map: the same metadata, one JSON string per key. */
export function safetensorsMetadata(meta: ExportMetadata): Record<string, string> {
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
