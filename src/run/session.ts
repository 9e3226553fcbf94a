// The engine worker's state machine over ordinary modules: choose a backend, load the
// CSV, train, and answer pause/resume/stop/evaluate. The worker entry only forwards.

import * as tf from '../tf.ts';
import { UserError } from '../errors.ts';
import { chooseBackend, type BackendReport } from '../backend/backends.ts';
import type { FromWorker, StartRun, ToWorker } from '../protocol.ts';
import { Trainer } from '../train/trainer.ts';
import { evaluateSplit } from '../train/evaluate.ts';
import { dataBlock } from '../data/dataset.ts';
import { createParams, type Params } from '../model/transformer.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { prepareRun, type PreparedRun } from './prepare.ts';

export class Session {
  private backend: BackendReport | undefined;
  private trainer: Trainer | undefined;
  private run: { id: string; prepared: PreparedRun; msg: StartRun } | undefined;
  private running = false; // from a start message until its run ends, preparation included
  private early: 'pause' | 'stop' | undefined; // asked for while the data was still loading

  constructor(private readonly post: (msg: FromWorker) => void) {}

  async handle(msg: ToWorker): Promise<void> {
    try {
      switch (msg.type) {
        case 'probe':
          this.backend = await chooseBackend(msg.backends);
          this.post({ type: 'backend', report: this.backend });
          break;
        case 'start':
          await this.start(msg);
          break;
        case 'pause':
        case 'resume':
        case 'stop':
          this.control(msg.type);
          break;
        case 'evaluate':
          await this.evaluate();
          break;
        default:
          msg satisfies never;
      }
    } catch (e) {
      // A failed start (or training) ends that run; a failed request about a run does not.
      const run = msg.type === 'start' ? msg : this.run?.msg;
      this.post({ type: 'error', run_id: run?.run_id, message: explain(e, run?.settings.training.batch_size), ended: msg.type === 'start' });
    }
  }

  private async start(msg: StartRun): Promise<void> {
    if (this.running) throw new UserError('a run is already training in this tab: stop it first');
    this.running = true;
    try {
      await this.prepareAndRun(msg);
    } finally {
      this.running = false;
      this.run = undefined;
      this.early = undefined;
    }
  }

  /** Pause, resume and stop reach the trainer, or wait for it while the data loads. */
  private control(action: 'pause' | 'resume' | 'stop'): void {
    if (this.trainer === undefined) {
      if (this.running) this.early = action === 'resume' ? undefined : action;
      return;
    }
    this.trainer[action]();
  }

  private async prepareAndRun(msg: StartRun): Promise<void> {
    if (this.backend === undefined || msg.backends !== undefined) {
      this.backend = await chooseBackend(msg.backends);
      this.post({ type: 'backend', report: this.backend });
    }
    const source = msg.source instanceof ArrayBuffer ? new Uint8Array(msg.source) : msg.source;
    const prepared = await prepareRun(source, msg.model, msg.settings, {
      fileName: msg.file_name,
      mapping: msg.mapping,
      onProgress: (progress) => this.post({ type: 'load-progress', progress }),
    });
    const { splits } = prepared.data;
    this.post({
      type: 'data',
      report: prepared.report,
      samples: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
      config: prepared.config,
      preprocessing: prepared.dataset.preprocessing,
      data_block: dataBlock(prepared.report, prepared.dataset),
    });
    if (msg.evaluate_only) {
      await this.evaluateImported(msg, prepared);
      return;
    }
    this.run = { id: msg.run_id, prepared, msg };
    this.trainer = new Trainer({
      config: prepared.config,
      settings: msg.settings.training,
      data: prepared.data,
      initialWeights: msg.initial_weights,
      resumeFrom: msg.resume?.checkpoint,
      bestWeights: msg.resume?.best_weights,
      emit: (event) => this.post({ ...event, run_id: msg.run_id }),
    });
    if (this.early !== undefined) this.trainer[this.early]();
    try {
      await this.trainer.run();
    } finally {
      this.trainer.dispose();
      this.trainer = undefined;
    }
  }

  /** The upgrade guide's "compare old vs new": an imported model scored like a run's best checkpoint. */
  private async evaluateImported(msg: StartRun, prepared: PreparedRun): Promise<void> {
    if (msg.initial_weights === undefined) throw new Error('evaluate_only needs initial_weights');
    const params = createParams(prepared.config, msg.initial_weights);
    try {
      const [validation, test] = await this.scoreSplits(prepared, params, msg.settings.training);
      this.post({ type: 'done', run_id: msg.run_id, reason: 'evaluated', best_epoch: null, validation, test, history: [] });
    } finally {
      tf.dispose([...params.values()]);
    }
  }

  private async scoreSplits(prepared: PreparedRun, params: Params, training: TrainingSettings): Promise<[SplitMetrics, SplitMetrics]> {
    const loss = { volLossWeight: training.vol_loss_weight };
    const score = (split: 'validation' | 'test') => evaluateSplit(prepared.config, params, prepared.data, split, loss, training.cost_bps);
    return [await score('validation'), await score('test')];
  }

  private async evaluate(): Promise<void> {
    if (this.run === undefined || this.trainer === undefined) throw new UserError('there is no run to evaluate: start one first');
    const { prepared, msg } = this.run;
    const best = await this.trainer.bestSoFar();
    const params = createParams(prepared.config, best.weights);
    try {
      const [validation, test] = await this.scoreSplits(prepared, params, msg.settings.training);
      this.post({ type: 'evaluation', run_id: this.run.id, best_epoch: best.epoch, validation, test });
    } finally {
      tf.dispose([...params.values()]);
    }
  }
}

/** A sentence for the user; GPU memory exhaustion gets the upgrade guide's advice. */
function explain(e: unknown, batchSize: number | undefined): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UserError) return message;
  if (/out of memory|OOM|failed to allocate|allocation failed|device (was )?lost|exceeds the max/i.test(message)) {
    const smaller = batchSize !== undefined && batchSize > 1 ? Math.max(1, Math.floor(batchSize / 2)) : 16;
    return `the GPU ran out of memory${batchSize === undefined ? '' : ` at batch_size ${batchSize}`}: try a smaller batch (batch_size ${smaller}) or a smaller model (${message})`;
  }
  return `the engine failed: ${message} (tensors in use: ${tf.memory().numTensors})`;
}
