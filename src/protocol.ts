// The messages between the page and the engine worker, as tagged unions (STYLE.md §4).
// Every switch over them is exhaustive; errors travel as messages; weights travel as
// transferred ArrayBuffers.

import type { BackendReport } from './backend/backends.ts';
import type { BackendName } from './backend/names.ts';
import type { ColumnMapping, LoadReport, SplitName } from './data/types.ts';
import type { DataBlock, PreprocessingBlock } from './data/dataset.ts';
import type { LoadProgress } from './data/load.ts';
import type { StateDict } from './formats/state-dict.ts';
import type { ModelConfig } from './model/config.ts';
import type { ExperimentSettings } from './run/settings.ts';
import type { Checkpoint, TrainerEvent } from './train/events.ts';
import type { SplitMetrics } from './train/metrics.ts';

export interface StartRun {
  type: 'start';
  run_id: string;
  source: Blob | ArrayBuffer; // the CSV
  file_name: string;
  mapping?: ColumnMapping;
  model: ModelConfig;
  settings: ExperimentSettings;
  backends?: BackendName[]; // the order to try; all, fastest first, by default
  resume?: { checkpoint: Checkpoint; best_weights?: StateDict };
  initial_weights?: StateDict; // fine-tuning an imported model
  /** Scores initial_weights on validation and test without training: 'done' says 'evaluated'. */
  evaluate_only?: boolean;
}

export type ToWorker =
  | { type: 'probe'; backends?: BackendName[] }
  | StartRun
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'evaluate' }; // score the best weights so far on validation and test now (TRAINING.md's "on demand")

export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  | { type: 'load-progress'; progress: LoadProgress }
  | {
      type: 'data';
      report: LoadReport;
      samples: Record<SplitName, number>;
      config: ModelConfig;
      preprocessing: PreprocessingBlock; // what the export tells the bot to apply
      data_block: DataBlock;
    }
  | (TrainerEvent & { run_id: string })
  /** best_epoch null: no epoch has ended, the current weights were scored. */
  | { type: 'evaluation'; run_id: string; best_epoch: number | null; validation: SplitMetrics; test: SplitMetrics }
  /** `ended`: the run stopped with it (a failed start or training); else only the request failed (scoring on demand). */
  | { type: 'error'; run_id?: string; message: string; ended: boolean };

/** The ArrayBuffers a message can hand over instead of copying (checkpoint weights and moments). */
export function transferables(msg: FromWorker | ToWorker): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (a: Float32Array) => {
    if (a.buffer instanceof ArrayBuffer && !buffers.includes(a.buffer)) buffers.push(a.buffer);
  };
  const addStateDict = (sd: StateDict | undefined) => sd?.forEach((t) => add(t.data));
  if (msg.type === 'checkpoint') {
    addStateDict(msg.checkpoint.weights);
    msg.checkpoint.adam.state.forEach((s) => {
      add(s.exp_avg);
      add(s.exp_avg_sq);
    });
  }
  return buffers;
}
