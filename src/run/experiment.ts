// An experiment: everything that decides a run (model, training and data settings, the
// data it trains on, a column-mapping override, the backend). It is what a shared URL
// holds and what a run record keeps, so it is snake_case and versioned.

import type { BackendName } from '../backend/names.ts';
import type { ColumnMapping } from '../data/types.ts';
import { SAMPLE } from '../data/sample.ts';
import { preset, type ModelConfig } from '../model/config.ts';
import { trainingSettings } from '../train/settings.ts';
import type { ExperimentSettings } from './settings.ts';

/** Where the data comes from: the bundled sample, an https URL, or a local file known by hash. */
export type DataRef =
  | { kind: 'sample'; id: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; name: string; sha256: string | null };

export interface Experiment {
  version: 1;
  model: ModelConfig;
  settings: ExperimentSettings;
  data: DataRef;
  mapping?: ColumnMapping;
  backend: BackendName | 'auto';
}

export const sampleId = SAMPLE.file_name.replace(/\.csv$/, '');

/** The first-open experiment: the bot's current model on the bundled sample. */
export function defaultExperiment(): Experiment {
  return {
    version: 1,
    model: preset('v1'),
    settings: { training: trainingSettings(), data: {} },
    data: { kind: 'sample', id: sampleId },
    backend: 'auto',
  };
}
