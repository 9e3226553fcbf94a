// The export of a run (spec/EXPORT.md): its metadata from what the run knows, for the CLI
// straight after training and for the app from any stored checkpoint (the best by default).

import { DEFAULT_DATA_SETTINGS, type DataBlock, type DataSettings, type PreprocessingBlock } from '../data/dataset.ts';
import { exportFiles, type ExportFiles } from '../formats/export.ts';
import { exportMetadata, type ExportMetadata } from '../formats/metadata.ts';
import type { ModelConfig } from '../model/config.ts';
import { UserError } from '../errors.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { bestCheckpoint } from '../store/prune.ts';
import type { CheckpointRef, RunRecord } from '../store/records.ts';
import type { RunStore } from '../store/runs.ts';

export interface RunExportInput {
  config: ModelConfig; // as trained: seq_len and dropout from the settings
  preprocessing: PreprocessingBlock;
  data: DataBlock;
  settings: { training: TrainingSettings; data: DataSettings };
  best_epoch: number | null;
  epoch?: number; // the epochs completed by the exported weights, when not the best epoch's
  metrics: { validation: SplitMetrics | null; test: SplitMetrics | null };
}

export function runMetadata(r: RunExportInput): ExportMetadata {
  return exportMetadata({
    config: r.config,
    preprocessing: { ...r.preprocessing },
    data: { ...r.data },
    training: {
      settings: { ...r.settings.training, ...r.settings.data },
      best_epoch: r.best_epoch,
      ...(r.epoch === undefined ? {} : { epoch: r.epoch }),
      metrics: r.metrics,
    },
  });
}

export interface RunExport {
  files: ExportFiles;
  meta: ExportMetadata;
  from: CheckpointRef;
}

/**
 * The export of a stored run's checkpoint `checkpointId` (its best one by default). The test
 * split is scored once, with the best weights, at the end of a run: other checkpoints
 * export their epoch's validation metrics and `test: null`.
 */
export async function exportStoredRun(store: RunStore, run: RunRecord, checkpointId?: number): Promise<RunExport> {
  const from = checkpointId === undefined ? (bestCheckpoint(run.checkpoints) ?? run.checkpoints.at(-1)) : run.checkpoints.find((c) => c.id === checkpointId);
  if (from === undefined) throw new UserError(`run ${run.id} has no saved checkpoint to export`);
  const { preprocessing, data_block } = run.data;
  if (preprocessing === null || data_block === null) throw new UserError(`run ${run.id} stopped before its data was prepared: there is nothing to export`);
  const checkpoint = await store.loadCheckpoint(run.id, from.id);
  const scoredAtEnd = from.best && run.result !== null;
  const meta = runMetadata({
    config: checkpoint.config,
    preprocessing,
    data: data_block,
    settings: { training: checkpoint.settings, data: { ...DEFAULT_DATA_SETTINGS, ...run.config.settings.data, seq_len: checkpoint.config.seq_len } },
    best_epoch: checkpoint.best_epoch,
    ...(from.best ? {} : { epoch: from.epoch }),
    metrics: {
      validation: scoredAtEnd ? run.result!.validation : (checkpoint.history.find((e) => e.epoch === from.epoch)?.validation ?? null),
      test: scoredAtEnd ? run.result!.test : null,
    },
  });
  return { files: exportFiles(checkpoint.weights, meta), meta, from };
}
