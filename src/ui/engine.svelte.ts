// The page's handle on the engine worker: sends ToWorker messages and keeps what the
// FromWorker messages report as reactive state for the components (which never import
// TensorFlow.js).

import type { BackendReport } from '../backend/backends.ts';
import type { LoadProgress } from '../data/load.ts';
import type { LoadReport } from '../data/types.ts';
import { exportFiles, type ExportFiles } from '../formats/export.ts';
import { exportMetadata, type ExportMetadata } from '../formats/metadata.ts';
import type { FromWorker, StartRun, ToWorker } from '../protocol.ts';
import type { Checkpoint, EpochRecord, Progress, TrainerEvent } from '../train/events.ts';

type Done = Extract<TrainerEvent, { type: 'done' }>;
type RunData = Extract<FromWorker, { type: 'data' }>;

export type RunState = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'failed';

export class Engine {
  backend = $state.raw<BackendReport | undefined>(undefined);
  loading = $state.raw<LoadProgress | undefined>(undefined);
  report = $state.raw<LoadReport | undefined>(undefined);
  progress = $state.raw<Progress | undefined>(undefined);
  epochs = $state.raw<EpochRecord[]>([]);
  done = $state.raw<Done | undefined>(undefined);
  runData = $state.raw<RunData | undefined>(undefined);
  best = $state.raw<Checkpoint | undefined>(undefined); // the best-validation checkpoint so far
  state = $state<RunState>('idle');
  error = $state<string | undefined>(undefined);
  /** Every message, for the persistence layer and tests. */
  listeners: ((msg: FromWorker) => void)[] = [];
  private started: StartRun | undefined;
  private worker: Worker;

  constructor() {
    this.worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      this.error = `the training engine failed to start: ${event.message}`;
    };
  }

  probe(): void {
    this.send({ type: 'probe' });
  }

  start(run: Omit<StartRun, 'type'>): void {
    this.epochs = run.resume?.checkpoint.history ?? [];
    this.done = this.runData = this.best = this.progress = undefined;
    this.error = undefined;
    this.state = 'loading';
    this.started = { type: 'start', ...run };
    this.send(this.started);
  }

  pause(): void {
    this.send({ type: 'pause' });
    this.state = 'paused';
  }

  resume(): void {
    this.send({ type: 'resume' });
    this.state = 'training';
  }

  /** The export of the best checkpoint (EXPORT.md), once a run has one. */
  exportFiles(): { files: ExportFiles; meta: ExportMetadata } | undefined {
    const best = this.best;
    const data = this.runData;
    if (best === undefined || data === undefined || this.started === undefined) return undefined;
    const meta = exportMetadata({
      config: data.config,
      preprocessing: { ...data.preprocessing },
      data: { ...data.data_block },
      training: {
        settings: { ...this.started.settings.training, ...this.started.settings.data, seq_len: data.config.seq_len },
        best_epoch: best.best_epoch,
        metrics: { validation: this.done?.validation ?? best.history.at(-1)?.validation ?? null, test: this.done?.test ?? null },
      },
    });
    return { files: exportFiles(best.weights, meta), meta };
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    for (const listen of this.listeners) listen(msg);
    switch (msg.type) {
      case 'backend':
        this.backend = msg.report;
        break;
      case 'load-progress':
        this.loading = msg.progress;
        break;
      case 'data':
        this.report = msg.report;
        this.runData = msg;
        this.state = 'training';
        break;
      case 'progress':
        this.progress = msg;
        break;
      case 'epoch':
        this.epochs = [...this.epochs, msg.record];
        break;
      case 'checkpoint':
        if (msg.checkpoint.reason === 'best') this.best = msg.checkpoint;
        break;
      case 'done':
        this.done = msg;
        this.state = 'done';
        break;
      case 'evaluation':
        break;
      case 'error':
        this.error = msg.message;
        if (this.state !== 'idle') this.state = 'failed';
        break;
      default:
        msg satisfies never;
    }
  }
}
