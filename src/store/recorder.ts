// Between the engine worker's messages and the store: the page hands each FromWorker
// message to receive(), which saves metrics, checkpoints and status in order, under the
// run's lock, so a resumed run continues the same record and the same curves.

import type { ColumnMapping } from '../data/types.ts';
import type { StateDict } from '../formats/state-dict.ts';
import type { ModelConfig } from '../model/config.ts';
import type { FromWorker } from '../protocol.ts';
import type { ExperimentSettings } from '../run/settings.ts';
import type { EpochRecord } from '../train/events.ts';
import { acquireRunLock, type RunLock } from './locks.ts';
import type { ImportedFrom, RunStatus } from './records.ts';
import { resumePlan, type ResumePlan, type StartMessage } from './resume.ts';
import type { RunStore } from './runs.ts';

export interface NewRunOptions {
  source: Blob; // the CSV as picked
  file_name: string;
  model: ModelConfig;
  settings: ExperimentSettings;
  mapping?: ColumnMapping;
  /** Imported weights to fine-tune, or to score without training (from.evaluate_only). */
  initial_weights?: { weights: StateDict; from: ImportedFrom };
  id?: string; // a fresh UUID by default
}

export interface RecorderOptions {
  /** Things the user should know that do not stop training (a refused CSV, a full quota). */
  onNotice?: (message: string) => void;
}

export class RunRecorder {
  readonly notices: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private status: RunStatus = 'running';
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly store: RunStore,
    readonly lock: RunLock,
    private csv: { blob: Blob; name: string } | null, // until the load report gives its SHA-256
    private readonly o: RecorderOptions,
  ) {}

  get runId(): string {
    return this.lock.runId;
  }

  /** Takes the new run's lock, saves its record and returns what to send the worker. */
  static async begin(store: RunStore, run: NewRunOptions, o: RecorderOptions = {}): Promise<{ recorder: RunRecorder; start: StartMessage }> {
    const lock = await acquireRunLock(run.id ?? crypto.randomUUID());
    try {
      const { model, settings, mapping } = run;
      await store.createRun(lock, { config: { model, settings, mapping }, file_name: run.file_name, bytes: run.source.size, imported: run.initial_weights?.from });
    } catch (e) {
      await lock.release();
      throw e;
    }
    const { source, file_name, model, settings, mapping, initial_weights: init } = run;
    const imported = init === undefined ? {} : { initial_weights: init.weights, evaluate_only: init.from.evaluate_only };
    return {
      recorder: new RunRecorder(store, lock, { blob: source, name: file_name }, o),
      start: { run_id: lock.runId, source, file_name, model, settings, mapping, ...imported },
    };
  }

  /**
   * Takes an interrupted (or failed) run's lock, so a second tab gets RunBusyError, and
   * returns what to send a new worker; metrics go back to the checkpoint's, which the
   * resumed trainer continues.
   */
  static async resume(store: RunStore, runId: string, o: RecorderOptions & { file?: Blob } = {}): Promise<{ recorder: RunRecorder; start: ResumePlan['start']; plan: ResumePlan }> {
    const lock = await acquireRunLock(runId);
    try {
      const plan = await resumePlan(store, lock, runId, o.file);
      const { history } = plan.start.resume.checkpoint;
      await store.updateRun(lock, runId, (run) => Object.assign(run, { status: 'running', error: null, metrics: [...history] }));
      const recorder = new RunRecorder(store, lock, null, o);
      if (!plan.csv.stored) recorder.notice(plan.csv.message);
      return { recorder, start: plan.start, plan };
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** Call with every message of the worker; writes are queued so they land in order. */
  receive(msg: FromWorker): void {
    if (this.closed || ('run_id' in msg && msg.run_id !== undefined && msg.run_id !== this.runId)) return;
    switch (msg.type) {
      case 'backend':
      case 'load-progress':
      case 'evaluation':
        break;
      case 'data': {
        const { report, preprocessing, data_block } = msg;
        this.enqueue(async () => {
          await this.store.updateRun(this.lock, this.runId, (run) =>
            Object.assign(run.data, { sha256: report.sha256, format: report.format, report, bytes: report.bytes, preprocessing, data_block }),
          );
          if (this.csv === null) return;
          const status = await this.store.storeCsv(this.lock, this.csv.blob, report.sha256, this.csv.name);
          this.csv = null;
          if (!status.stored) this.notice(status.message);
        });
        break;
      }
      case 'progress':
        // training again after a pause
        if (this.status === 'paused') this.setStatus('running');
        break;
      case 'epoch': {
        const record = msg.record;
        this.enqueue(() => this.store.updateRun(this.lock, this.runId, (run) => (run.metrics = upsert(run.metrics, record))));
        break;
      }
      case 'checkpoint': {
        const checkpoint = msg.checkpoint;
        this.enqueue(() => this.store.saveCheckpoint(this.lock, checkpoint));
        if (checkpoint.reason === 'pause') this.setStatus('paused');
        break;
      }
      case 'done': {
        const { history, reason, best_epoch, validation = null, test = null } = msg;
        const result = { reason, best_epoch, validation, test };
        this.enqueue(() => this.store.updateRun(this.lock, this.runId, (run) => Object.assign(run, { status: 'done', metrics: [...history], result })));
        this.finish();
        break;
      }
      case 'error': {
        if (!msg.ended) break; // a request failed (scoring on demand); the run goes on
        const message = msg.message;
        this.enqueue(() => this.store.updateRun(this.lock, this.runId, (run) => Object.assign(run, { status: 'failed', error: message })));
        this.finish();
        break;
      }
      default:
        msg satisfies never;
    }
  }

  /** Resolves when every write so far has landed (or failed into a notice). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Stops recording and lets the run's lock go once the queued writes are done (once, however often called). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true; // before the first await: later messages are dropped at once
      await this.queue;
      await this.lock.release();
    })();
    return this.closing;
  }

  /** Once the run has ended ('done', or an error that ended it): resolves when its last write has landed. */
  get ended(): Promise<void> | undefined {
    return this.closing;
  }

  private finish(): void {
    this.status = 'done';
    void this.close();
  }

  private setStatus(status: RunStatus): void {
    this.status = status;
    this.enqueue(() => this.store.updateRun(this.lock, this.runId, (run) => (run.status = status)));
  }

  private enqueue(write: () => Promise<unknown>): void {
    this.queue = this.queue.then(write).then(
      () => undefined,
      (e: unknown) => this.notice(e instanceof Error ? e.message : String(e)),
    );
  }

  private notice(message: string): void {
    this.notices.push(message);
    this.o.onNotice?.(message);
  }
}

/** Replaces the record of the same epoch and any after it: a resumed run redoes those. */
function upsert(metrics: EpochRecord[], record: EpochRecord): EpochRecord[] {
  return [...metrics.filter((e) => e.epoch < record.epoch), record];
}
