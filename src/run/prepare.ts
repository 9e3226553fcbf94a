// From a CSV and an experiment's settings to what the trainer takes: bars and load report,
// the prepared dataset (DATA.md), and the loop's view of it. Shared by the CLI and worker.

import { loadBars, type ByteSource, type LoadProgress } from '../data/load.ts';
import { prepareDataset, type Dataset } from '../data/dataset.ts';
import type { Bars, ColumnMapping, LoadReport } from '../data/types.ts';
import type { ModelConfig } from '../model/config.ts';
import { trainingDataOf, type TrainingData } from '../train/data.ts';
import type { ExperimentSettings } from './settings.ts';

export interface PreparedRun {
  config: ModelConfig; // seq_len and dropout as the settings say
  bars: Bars;
  report: LoadReport;
  dataset: Dataset;
  data: TrainingData;
}

export interface PrepareOptions {
  fileName?: string;
  mapping?: ColumnMapping;
  onProgress?: (p: LoadProgress) => void;
}

export async function prepareRun(source: ByteSource, model: ModelConfig, settings: ExperimentSettings, o: PrepareOptions = {}): Promise<PreparedRun> {
  const config = { ...model, seq_len: settings.data.seq_len ?? model.seq_len, dropout: settings.training.dropout };
  const { bars, report } = await loadBars(source, { fileName: o.fileName, mapping: o.mapping, onProgress: o.onProgress });
  const dataset = prepareDataset(bars, { ...settings.data, seq_len: config.seq_len });
  return { config, bars, report, dataset, data: trainingDataOf(dataset, bars, report.timeframe_ms) };
}
