// The page's handle on the engine worker: sends ToWorker messages and keeps what the
// FromWorker messages report as reactive state for the components (which never import
// TensorFlow.js).

import type { BackendReport } from '../backend/backends.ts';
import type { LoadProgress } from '../data/load.ts';
import type { LoadReport } from '../data/types.ts';
import type { FromWorker, StartRun, ToWorker } from '../protocol.ts';
import type { EpochRecord, Progress, TrainerEvent } from '../train/events.ts';

type Done = Extract<TrainerEvent, { type: 'done' }>;

export class Engine {
  backend = $state.raw<BackendReport | undefined>(undefined);
  loading = $state.raw<LoadProgress | undefined>(undefined);
  report = $state.raw<LoadReport | undefined>(undefined);
  progress = $state.raw<Progress | undefined>(undefined);
  epochs = $state.raw<EpochRecord[]>([]);
  done = $state.raw<Done | undefined>(undefined);
  error = $state<string | undefined>(undefined);
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
    this.epochs = [];
    this.done = undefined;
    this.error = undefined;
    this.send({ type: 'start', ...run });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'backend':
        this.backend = msg.report;
        break;
      case 'load-progress':
        this.loading = msg.progress;
        break;
      case 'data':
        this.report = msg.report;
        break;
      case 'progress':
        this.progress = msg;
        break;
      case 'epoch':
        this.epochs = [...this.epochs, msg.record];
        break;
      case 'checkpoint':
        break; // stored by the persistence layer once it exists
      case 'done':
        this.done = msg;
        break;
      case 'evaluation':
        break;
      case 'error':
        this.error = msg.message;
        break;
      default:
        msg satisfies never;
    }
  }
}
