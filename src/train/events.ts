// What the trainer reports: progress, per-epoch records, checkpoints and the end of a run.
// These objects cross the worker boundary and go into storage, so keys are snake_case and
// checkpoints carry a version.

import type { RngState } from '../random.ts';
import type { StateDict } from '../formats/state-dict.ts';
import type { ModelConfig } from '../model/config.ts';
import type { AdamHostState } from './optim.ts';
import type { EarlyStoppingState, PlateauState } from './schedule.ts';
import type { SplitMetrics } from './metrics.ts';
import type { TrainingSettings } from './settings.ts';

export interface EpochRecord {
  epoch: number; // 1-based
  train_loss: number;
  validation: SplitMetrics;
  learning_rate: number; // the rate this epoch trained with
  seconds: number;
  samples_per_second: number;
}

/** Everything needed to continue the same run, not a similar one. */
export interface Checkpoint {
  version: 1;
  reason: 'periodic' | 'best' | 'pause';
  epoch: number; // completed epochs
  step: number; // optimizer steps taken
  config: ModelConfig;
  settings: TrainingSettings;
  weights: StateDict;
  adam: AdamHostState;
  learning_rate: number;
  plateau: PlateauState | null;
  early_stopping: EarlyStoppingState;
  rng: { shuffle: RngState; dropout: RngState };
  /** A checkpoint taken inside an epoch (on pause) says where in the epoch it is. */
  position?: { order_rng: RngState; step_in_epoch: number; loss_sum: number; samples: number };
  best_epoch: number | null;
  history: EpochRecord[];
}

export interface Progress {
  type: 'progress';
  epoch: number;
  epochs: number;
  step: number;
  steps_per_epoch: number;
  running_loss: number;
  samples_per_second: number;
  eta_seconds: number; // to the epoch limit; early stopping may end sooner
  learning_rate: number;
  num_tensors: number; // tensors alive on the backend: constant from step to step, or a leak
}

export type TrainerEvent =
  | Progress
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | {
      type: 'done';
      // 'evaluated': imported weights scored without training (no epochs)
      reason: 'finished' | 'early_stopped' | 'stopped' | 'evaluated';
      best_epoch: number | null;
      validation?: SplitMetrics;
      test?: SplitMetrics;
      history: EpochRecord[];
    };
