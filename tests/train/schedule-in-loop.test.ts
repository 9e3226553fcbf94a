// The loop applies ReduceLROnPlateau and early stopping to its own validation losses:
// replaying the recorded losses through fresh instances gives the same learning rates and
// the same stopping epoch.

import { beforeAll, expect, it } from 'vitest';
import { preset } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { trainingSettings } from '../../src/train/settings.ts';
import { EarlyStopping, ReduceLROnPlateau } from '../../src/train/schedule.ts';
import type { TrainerEvent } from '../../src/train/events.ts';
import { syntheticData } from '../support/synthetic.ts';
import { cpuBackend } from '../support/tf.ts';

beforeAll(cpuBackend);

it('reduces the learning rate on plateaus and stops early, as its validation losses say', async () => {
  // random labels and a high rate: validation loss stops improving within a few epochs
  const data = syntheticData({ samples: 200, seqLen: 8, seed: 6, planted: false });
  const settings = trainingSettings({ epochs: 20, learning_rate: 0.01, batch_size: 16, early_stopping_patience: 6 });
  const events: TrainerEvent[] = [];
  const trainer = new Trainer({ config: { ...preset('tiny'), seq_len: 8 }, settings, data, emit: (e) => void events.push(e) });
  await trainer.run();
  trainer.dispose();

  const records = events.flatMap((e) => (e.type === 'epoch' ? [e.record] : []));
  const done = events.find((e) => e.type === 'done');
  const plateau = new ReduceLROnPlateau(settings.learning_rate);
  const early = new EarlyStopping(settings.early_stopping_patience);
  let expectedLr = settings.learning_rate;
  let stopAt = settings.epochs;
  for (const r of records) {
    expect(r.learning_rate).toBe(expectedLr);
    expectedLr = plateau.step(r.validation.loss);
    if (early.step(r.validation.loss).stop) {
      stopAt = r.epoch;
      break;
    }
  }
  expect(records).toHaveLength(stopAt);
  expect(done?.type === 'done' && done.reason).toBe('early_stopped');
  expect(new Set(records.map((r) => r.learning_rate)).size).toBeGreaterThan(1); // at least one reduction
  expect(done?.type === 'done' && done.best_epoch).toBe(early.bestEpochNumber);
});
