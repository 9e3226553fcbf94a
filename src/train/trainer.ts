// The training loop of spec/TRAINING.md, independent of where it runs (worker or CLI):
// seeded shuffling and dropout, the TRAINING.md loss, clipping, PyTorch's Adam, the
// plateau schedule and early stopping, validation every epoch and the test split scored
// with the best checkpoint at the end. It reports through `emit` and reads the GPU only
// with `await data()`.

import * as tf from '../tf.ts';
import { UserError } from '../errors.ts';
import { Rng } from '../random.ts';
import type { StateDict } from '../formats/state-dict.ts';
import type { ModelConfig } from '../model/config.ts';
import { initStateDict } from '../model/init.ts';
import { createParams, readParams } from '../model/transformer.ts';
import { lossAndGrads, type TensorBatch } from './grads.ts';
import { Adam, clipGradNorm } from './optim.ts';
import { EarlyStopping, ReduceLROnPlateau } from './schedule.ts';
import { evaluateSplit, type SplitMetrics } from './evaluate.ts';
import type { TrainingSettings } from './settings.ts';
import type { TrainingData, HostBatch } from './data.ts';
import { classWeightsOf } from './data.ts';
import type { Checkpoint, EpochRecord, TrainerEvent } from './events.ts';

export interface TrainerOptions {
  config: ModelConfig;
  settings: TrainingSettings;
  data: TrainingData;
  emit: (event: TrainerEvent) => void | Promise<void>;
  initialWeights?: StateDict; // fine-tuning; fresh seeded weights otherwise
  resumeFrom?: Checkpoint;
  bestWeights?: StateDict; // with resumeFrom: the weights of the best checkpoint so far
}

const progressIntervalMs = 400;

export class Trainer {
  readonly config: ModelConfig;
  private readonly settings: TrainingSettings;
  private readonly data: TrainingData;
  private readonly emit: TrainerOptions['emit'];
  private readonly params: Map<string, tf.Variable>;
  private readonly adam: Adam;
  private plateau: ReduceLROnPlateau | null;
  private early: EarlyStopping;
  private readonly lossOptions;
  private shuffleRng: Rng;
  private dropoutRng: Rng;
  private epoch = 0; // completed epochs
  private step = 0; // optimizer steps so far
  private history: EpochRecord[] = [];
  private bestWeights: StateDict | undefined;
  private control: 'run' | 'pause' | 'stop' = 'run';
  private resumeWaiter: (() => void) | undefined;
  private resumePosition: Checkpoint['position'];

  constructor(o: TrainerOptions) {
    this.config = { ...o.config, dropout: o.settings.dropout };
    this.settings = o.settings;
    this.data = o.data;
    this.emit = o.emit;
    const cp = o.resumeFrom;
    this.params = createParams(this.config, cp?.weights ?? o.initialWeights ?? initStateDict(this.config, o.settings.seed));
    this.adam = new Adam(this.params, { learningRate: o.settings.learning_rate, weightDecay: o.settings.weight_decay });
    this.plateau = o.settings.scheduler === 'none' ? null : new ReduceLROnPlateau(o.settings.learning_rate);
    this.early = new EarlyStopping(o.settings.early_stopping_patience || Infinity);
    this.lossOptions = {
      volLossWeight: o.settings.vol_loss_weight,
      classWeights: o.settings.class_weights === 'balanced' ? classWeightsOf(this.data.labels(this.data.splits.train)) : undefined,
    };
    // Separate streams, so that changing one (say, dropout) does not reshuffle the epochs.
    const root = new Rng((o.settings.seed ^ 0x5bd1e995) >>> 0);
    this.shuffleRng = root.fork();
    this.dropoutRng = root.fork();
    if (cp !== undefined) this.restore(cp);
    this.bestWeights = cp?.reason === 'best' ? cp.weights : o.bestWeights;
  }

  pause(): void {
    if (this.control === 'run') this.control = 'pause';
  }

  resume(): void {
    if (this.control === 'pause') this.control = 'run';
    this.resumeWaiter?.();
  }

  stop(): void {
    this.control = 'stop';
    this.resumeWaiter?.();
  }

  /** Trains to the end (epochs, early stopping or stop()), then scores the test split. */
  async run(): Promise<void> {
    const { train } = this.data.splits;
    if (train.length === 0) throw new UserError('the training split has no samples: load more bars or shorten seq_len or horizon');
    const B = this.settings.batch_size;
    const stepsPerEpoch = Math.ceil(train.length / B);
    let reason: 'finished' | 'early_stopped' | 'stopped' = 'finished';
    const started = performance.now();
    const stepsAtStart = this.step;

    epochs: while (this.epoch < this.settings.epochs) {
      const position = this.resumePosition ?? { order_rng: this.shuffleRng.state, step_in_epoch: 0, loss_sum: 0, samples: 0 };
      this.resumePosition = undefined;
      // The epoch's order is replayable from the generator's state at its start, which is
      // what a mid-epoch checkpoint stores.
      this.shuffleRng = new Rng(position.order_rng);
      const order = this.shuffleRng.shuffle(Int32Array.from(train));
      let { loss_sum: lossSum, samples } = position;
      const epochStart = performance.now();
      let lastProgress = 0;

      for (let s = position.step_in_epoch; s < stepsPerEpoch; s++) {
        if (this.control !== 'run') {
          const here = { order_rng: position.order_rng, step_in_epoch: s, loss_sum: lossSum, samples };
          if (this.control === 'pause') await this.waitForResume(here);
          if (this.control === 'stop') {
            reason = 'stopped';
            break epochs;
          }
        }
        // Let pause/stop messages in: on the CPU backend nothing else would yield.
        await yieldToEventLoop();
        const batch = order.subarray(s * B, Math.min((s + 1) * B, order.length));
        lossSum += (await this.trainStep(batch)) * batch.length;
        samples += batch.length;

        const now = performance.now();
        if (now - lastProgress >= progressIntervalMs || s === stepsPerEpoch - 1) {
          lastProgress = now;
          const perStep = (now - started) / Math.max(1, this.step - stepsAtStart);
          const remaining = (this.settings.epochs - this.epoch - 1) * stepsPerEpoch + (stepsPerEpoch - s - 1);
          await this.emit({
            type: 'progress',
            epoch: this.epoch + 1,
            epochs: this.settings.epochs,
            step: s + 1,
            steps_per_epoch: stepsPerEpoch,
            running_loss: lossSum / samples,
            samples_per_second: (samples - position.samples) / ((now - epochStart) / 1000),
            eta_seconds: (remaining * perStep) / 1000,
            learning_rate: this.adam.learningRate,
            num_tensors: tf.memory().numTensors,
          });
        }
      }

      this.epoch += 1;
      const validation = await this.evaluate('validation');
      const seconds = (performance.now() - epochStart) / 1000;
      const record: EpochRecord = {
        epoch: this.epoch,
        train_loss: lossSum / samples,
        validation,
        learning_rate: this.adam.learningRate,
        seconds,
        samples_per_second: (samples - position.samples) / seconds,
      };
      this.history.push(record);
      await this.emit({ type: 'epoch', record });

      const { improved, stop } = this.early.step(validation.loss);
      if (this.plateau !== null) this.adam.setLearningRate(this.plateau.step(validation.loss));
      if (improved) {
        this.bestWeights = await readParams(this.params);
        await this.emitCheckpoint('best');
      } else if (this.epoch % this.settings.checkpoint_every === 0) {
        await this.emitCheckpoint('periodic');
      }
      if (stop) {
        reason = 'early_stopped';
        break;
      }
    }

    // The test split is scored once, with the best weights by validation loss.
    if (this.bestWeights !== undefined) await this.loadWeights(this.bestWeights);
    const test = this.history.length > 0 ? await this.evaluate('test') : undefined;
    const validation = this.history.length > 0 ? await this.evaluate('validation') : undefined;
    await this.emit({ type: 'done', reason, best_epoch: this.early.bestEpochNumber, validation, test, history: this.history });
  }

  /** One optimizer step on the samples `t`; returns the batch's loss (before the update). */
  private async trainStep(t: Int32Array): Promise<number> {
    const batch = toTensors(this.data.batch(t));
    const { loss, grads } = lossAndGrads(this.config, this.params, batch, this.lossOptions, { training: true, rng: this.dropoutRng });
    try {
      const value = (await loss.data())[0];
      this.step += 1;
      if (!Number.isFinite(value)) {
        const last = this.bestWeights === undefined ? 'no checkpoint yet' : `the last good checkpoint, epoch ${this.early.bestEpochNumber}, is kept`;
        throw new UserError(`training stopped: the loss became ${value} at step ${this.step} (epoch ${this.epoch + 1}); ${last}. Lower learning_rate or check the data`);
      }
      const clipped = clipGradNorm(grads, this.settings.grad_clip_norm);
      this.adam.step(clipped.grads);
      tf.dispose([...clipped.grads.values(), clipped.totalNorm]);
      return value;
    } finally {
      tf.dispose([loss, ...grads.values(), batch.x, batch.ob, batch.label, batch.vol]);
    }
  }

  private async evaluate(split: 'validation' | 'test'): Promise<SplitMetrics> {
    return evaluateSplit(this.config, this.params, this.data, split, this.lossOptions, this.settings.cost_bps);
  }

  private async waitForResume(position: Checkpoint['position']): Promise<void> {
    await this.emitCheckpoint('pause', position);
    // resume() or stop() may have come while the checkpoint was being handed over
    if (this.control !== 'pause') return;
    await new Promise<void>((resolve) => {
      this.resumeWaiter = resolve;
    });
    this.resumeWaiter = undefined;
  }

  private async emitCheckpoint(reason: Checkpoint['reason'], position?: Checkpoint['position']): Promise<void> {
    const checkpoint: Checkpoint = {
      version: 1,
      reason,
      epoch: this.epoch,
      step: this.step,
      config: this.config,
      settings: this.settings,
      weights: await readParams(this.params),
      adam: await this.adam.exportState(),
      learning_rate: this.adam.learningRate,
      plateau: this.plateau?.state() ?? null,
      early_stopping: this.early.state(),
      rng: { shuffle: this.shuffleRng.state, dropout: this.dropoutRng.state },
      position,
      best_epoch: this.early.bestEpochNumber,
      history: this.history,
    };
    await this.emit({ type: 'checkpoint', checkpoint });
  }

  private restore(cp: Checkpoint): void {
    this.adam.importState(cp.adam);
    this.adam.setLearningRate(cp.learning_rate);
    if (this.plateau !== null && cp.plateau !== null) this.plateau = ReduceLROnPlateau.fromState(cp.plateau);
    this.early = EarlyStopping.fromState(cp.early_stopping);
    this.shuffleRng = new Rng(cp.rng.shuffle);
    this.dropoutRng = new Rng(cp.rng.dropout);
    this.epoch = cp.epoch;
    this.step = cp.step;
    this.history = [...cp.history];
    this.resumePosition = cp.position;
  }

  private async loadWeights(sd: StateDict): Promise<void> {
    tf.tidy(() => {
      for (const [name, v] of this.params) v.assign(tf.tensor(sd.get(name)!.data, v.shape));
    });
  }

  /** The best weights so far by validation loss and their epoch; the current ones before any epoch ends. */
  async bestSoFar(): Promise<{ weights: StateDict; epoch: number | null }> {
    if (this.bestWeights !== undefined) return { weights: this.bestWeights, epoch: this.early.bestEpochNumber };
    return { weights: await readParams(this.params), epoch: null };
  }

  /** The current weights, e.g. for an export of the last state. */
  async weights(): Promise<StateDict> {
    return readParams(this.params);
  }

  dispose(): void {
    this.adam.dispose();
    tf.dispose([...this.params.values()]);
  }
}

/** Resolves after pending events (messages, timers) have run; no 4 ms timer clamp. */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function toTensors(b: HostBatch): TensorBatch {
  return {
    x: tf.tensor3d(b.x, [b.size, b.x.length / (b.size * 5), 5]),
    ob: tf.tensor2d(b.ob, [b.size, 40]),
    label: tf.tensor1d(b.label, 'int32'),
    vol: tf.tensor1d(b.vol),
  };
}
