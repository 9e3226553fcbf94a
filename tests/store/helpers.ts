// Small, seeded stand-ins for what the trainer hands the store (checkpoints, epoch
// records, run settings), shared by the Node tests here and the browser pages that
// exercise IndexedDB. No Node imports, so a page can load it too.

import { Rng } from '../../src/random.ts';
import { preset } from '../../src/model/config.ts';
import { experimentSettings } from '../../src/run/settings.ts';
import type { StateDict } from '../../src/formats/state-dict.ts';
import type { Checkpoint, EpochRecord } from '../../src/train/events.ts';
import type { SplitMetrics } from '../../src/train/metrics.ts';
import type { CheckpointRef, NewRun, RunRecordV1 } from '../../src/store/records.ts';

const shapes: [string, number[]][] = [
  ['input_proj.weight', [8, 5]],
  ['input_proj.bias', [8]],
  ['fc_out.weight', [3, 8]],
];

export function fakeWeights(seed: number): StateDict {
  const rng = new Rng(seed);
  return new Map(shapes.map(([name, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return [name, { shape, data: rng.fillUniform(new Float32Array(n), -1, 1) }];
  }));
}

export function fakeEpoch(epoch: number): EpochRecord {
  const validation = { loss: 1 / epoch, accuracy: 0.4 } as unknown as SplitMetrics;
  return { epoch, train_loss: 1.1 / epoch, validation, learning_rate: 1e-3, seconds: 1, samples_per_second: 100 };
}

/** A checkpoint whose tensors are seeded by `epoch`. */
export function fakeCheckpoint(epoch: number, reason: Checkpoint['reason'] = 'periodic'): Checkpoint {
  const weights = fakeWeights(epoch);
  const moments = fakeWeights(1000 + epoch);
  const settings = experimentSettings(['epochs=5']).training;
  return {
    version: 1,
    reason,
    epoch,
    step: epoch * 10 + (reason === 'pause' ? 3 : 0),
    config: preset('tiny'),
    settings,
    weights,
    adam: {
      version: 1,
      state: new Map([...moments].map(([name, t]) => [name, { step: epoch * 10, exp_avg: t.data, exp_avg_sq: t.data.map((x) => x * x) }])),
    },
    learning_rate: 1e-3,
    plateau: null,
    early_stopping: { version: 1, kind: 'early_stopping', patience: 10, threshold: 1e-4, best: 0.5, best_epoch: epoch, num_bad_epochs: 0, last_epoch: epoch },
    rng: { shuffle: [1, 2, 3, epoch], dropout: [5, 6, 7, epoch] },
    position: reason === 'pause' ? { order_rng: [9, 9, 9, 9], step_in_epoch: 3, loss_sum: 2.5, samples: 48 } : undefined,
    best_epoch: epoch,
    history: Array.from({ length: epoch }, (_, i) => fakeEpoch(i + 1)),
  };
}

export function fakeNewRun(fileName = 'EURUSD-M1.csv', bytes = 1234): NewRun {
  return { config: { model: preset('tiny'), settings: experimentSettings(['seq_len=16', 'epochs=5']) }, file_name: fileName, bytes };
}

export function fakeRef(id: number, o: Partial<CheckpointRef> = {}): CheckpointRef {
  return { id, epoch: id, step: id * 10, reason: 'periodic', best: false, mid_epoch: false, created: 1_700_000_000_000 + id, bytes: 100, ...o };
}

export function v1Record(id: string, checkpoint: Checkpoint | null): RunRecordV1 {
  return {
    version: 1,
    id,
    created: 1_700_000_000_000,
    updated: 1_700_000_100_000,
    model: preset('tiny'),
    settings: experimentSettings(['epochs=5']),
    file_name: 'old.csv',
    bytes: 999,
    sha256: 'ab'.repeat(32),
    status: 'running',
    history: checkpoint?.history ?? [],
    checkpoint,
  };
}

/** Every value of every tensor equal, as plain arrays (for toEqual). */
export function tensorsOf(sd: StateDict): Record<string, { shape: number[]; data: number[] }> {
  return Object.fromEntries([...sd].map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }]));
}
