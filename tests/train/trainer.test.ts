// The loop on small synthetic data (CPU backend, deterministic): it learns a planted
// pattern, does not leak tensors, stops on a NaN loss naming the step, pauses and stops
// between steps, and a run resumed from a mid-epoch checkpoint ends with the same weights
// as an uninterrupted one.

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf.ts';
import { preset } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { trainingSettings } from '../../src/train/settings.ts';
import type { Checkpoint, TrainerEvent } from '../../src/train/events.ts';
import { syntheticData } from '../support/synthetic.ts';
import { cpuBackend } from '../support/tf.ts';

const config = { ...preset('tiny'), seq_len: 8 };

function collect() {
  const events: TrainerEvent[] = [];
  return { events, emit: (e: TrainerEvent) => void events.push(e) };
}

describe('Trainer', () => {
  beforeAll(cpuBackend);

  it('learns a planted pattern and beats both baselines on test', async () => {
    const data = syntheticData({ samples: 600, seqLen: 8, seed: 1, planted: true });
    const { events, emit } = collect();
    const settings = trainingSettings({ epochs: 6, learning_rate: 3e-3, batch_size: 32, early_stopping_patience: 0 });
    const trainer = new Trainer({ config, settings, data, emit });
    await trainer.run();
    trainer.dispose();
    const done = events.find((e) => e.type === 'done');
    if (done?.type !== 'done') throw new Error('no done event');
    const test = done.test!;
    expect(test.accuracy).toBeGreaterThan(test.baselines.majority.accuracy + 0.2);
    expect(test.accuracy).toBeGreaterThan(test.baselines.persistence.accuracy + 0.2);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(6);
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(6);
  });

  it('keeps the tensor count constant from step 10 to step 1000', async () => {
    const data = syntheticData({ samples: 1500, seqLen: 8, seed: 2, planted: true });
    const counts = new Map<number, number>();
    let step = 0;
    const settings = trainingSettings({ epochs: 1, batch_size: 1, learning_rate: 1e-3 });
    const trainer = new Trainer({
      config,
      settings,
      data: {
        ...data,
        splits: { ...data.splits, train: data.splits.train.slice(0, 1000) },
        // the batch builder runs once per step, before the step: count there
        batch: (t) => {
          if (t.length === 1) counts.set(++step, tf.memory().numTensors);
          return data.batch(t);
        },
      },
      emit: () => undefined,
    });
    await trainer.run();
    expect(step).toBe(1000);
    trainer.dispose();
    expect(counts.get(1000)).toBe(counts.get(10));
  });

  it('keeps the tensor count constant across epochs, evaluations and checkpoints, and frees all on dispose', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticData({ samples: 300, seqLen: 8, seed: 5, planted: true });
    const atEpochEnd: number[] = [];
    const settings = trainingSettings({ epochs: 3, batch_size: 16, checkpoint_every: 1, early_stopping_patience: 0 });
    const trainer = new Trainer({
      config,
      settings,
      data,
      emit: (e) => {
        if (e.type === 'epoch') atEpochEnd.push(tf.memory().numTensors);
      },
    });
    await trainer.run(); // also scores validation and test with the best weights at the end
    expect(atEpochEnd).toHaveLength(3);
    expect(new Set(atEpochEnd).size).toBe(1);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on a NaN loss and names the step', async () => {
    const data = syntheticData({ samples: 100, seqLen: 8, seed: 3, planted: true, poison: 5 });
    // batch_size 1 without shuffling would hit sample 5 at step 6; shuffled, find its step
    const settings = trainingSettings({ epochs: 1, batch_size: 1 });
    const trainer = new Trainer({ config, settings, data, emit: () => undefined });
    await expect(trainer.run()).rejects.toThrow(/the loss became NaN at step \d+ \(epoch 1\); no checkpoint yet/);
    trainer.dispose();
  });

  it('pauses with a checkpoint, resumes, and stops within one step', async () => {
    const data = syntheticData({ samples: 400, seqLen: 8, seed: 4, planted: true });
    const settings = trainingSettings({ epochs: 3, batch_size: 8 });
    let steps = 0;
    const events: TrainerEvent[] = [];
    const trainer = new Trainer({
      config,
      settings,
      data: { ...data, batch: (t) => (steps++, data.batch(t)) },
      emit: (e) => {
        events.push(e);
        if (e.type === 'checkpoint' && e.checkpoint.reason === 'pause') {
          pausedAt = steps;
          setTimeout(() => {
            expect(steps).toBe(pausedAt); // no step while paused
            trainer.resume();
          }, 50);
        }
      },
    });
    let pausedAt = -1;
    const running = trainer.run();
    await new Promise((r) => setTimeout(r, 200));
    trainer.pause();
    await new Promise((r) => setTimeout(r, 400));
    const before = steps;
    trainer.stop();
    await running;
    trainer.dispose();
    expect(pausedAt).toBeGreaterThan(0);
    expect(steps - before).toBeLessThanOrEqual(1 + Math.ceil(data.splits.test.length / 256) + Math.ceil(data.splits.validation.length / 256) * 2);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.reason).toBe('stopped');
  });

  it('resumes a mid-epoch checkpoint to the same weights as an uninterrupted run', async () => {
    const data = syntheticData({ samples: 300, seqLen: 8, seed: 5, planted: true });
    const settings = trainingSettings({ epochs: 2, batch_size: 16, learning_rate: 1e-3 });

    const straight = new Trainer({ config, settings, data, emit: () => undefined });
    await straight.run();
    const expected = await straight.weights();
    straight.dispose();

    // pause after a few steps; take the pause checkpoint; start a new trainer from it
    let checkpoint: Checkpoint | undefined;
    let steps = 0;
    const first: Trainer = new Trainer({
      config,
      settings,
      data: {
        ...data,
        batch: (t) => {
          if (t.length === 16 && ++steps === 20) first.pause();
          return data.batch(t);
        },
      },
      emit: (e) => {
        if (e.type === 'checkpoint' && e.checkpoint.reason === 'pause') {
          checkpoint = e.checkpoint;
          first.stop();
        }
      },
    });
    await first.run();
    first.dispose();
    expect(checkpoint?.position?.step_in_epoch).toBeGreaterThan(0);

    const resumed = new Trainer({ config, settings, data, emit: () => undefined, resumeFrom: checkpoint });
    await resumed.run();
    const actual = await resumed.weights();
    resumed.dispose();
    for (const [name, t] of expected) expect(Array.from(actual.get(name)!.data), name).toEqual(Array.from(t.data));
  });
});
