// The page's handle on the engine worker: sends ToWorker messages and keeps what the
// FromWorker messages report as reactive state for the components (which never import
// TensorFlow.js). Recording runs in the store is src/ui/runs.svelte.ts's job.

import type { BackendReport } from '../backend/backends.ts';
import type { LoadProgress } from '../data/load.ts';
import type { LoadReport } from '../data/types.ts';
import type { FromWorker, StartRun, ToWorker } from '../protocol.ts';
import type { EpochRecord, Progress, TrainerEvent } from '../train/events.ts';

type Done = Extract<TrainerEvent, { type: 'done' }>;
type RunData = Extract<FromWorker, { type: 'data' }>;
type Evaluation = Extract<FromWorker, { type: 'evaluation' }>;

export type RunState = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'failed';

/** The running training loss by optimizer step, for the live curve within an epoch. */
export interface LossPoint {
  step: number; // steps into the run, from 1
  loss: number;
}

// Progress comes twice a second; an hours-long run keeps every other point once past this.
const MAX_LOSS_POINTS = 2000;

export class Engine {
  backend = $state.raw<BackendReport | undefined>(undefined);
  loading = $state.raw<LoadProgress | undefined>(undefined);
  report = $state.raw<LoadReport | undefined>(undefined);
  progress = $state.raw<Progress | undefined>(undefined);
  epochs = $state.raw<EpochRecord[]>([]);
  losses = $state.raw<LossPoint[]>([]);
  done = $state.raw<Done | undefined>(undefined);
  runData = $state.raw<RunData | undefined>(undefined);
  evaluation = $state.raw<Evaluation | undefined>(undefined); // scored on demand during the run
  runId = $state<string | undefined>(undefined);
  /** The run scores imported weights without training: nothing to pause, stop or score on demand. */
  scoringOnly = $state(false);
  state = $state<RunState>('idle');
  error = $state<string | undefined>(undefined);
  private listeners = new Set<(msg: FromWorker) => void>();
  private worker: Worker;

  constructor() {
    this.worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    // The worker itself died (a crash, or its script failed to load): whatever it was running ended.
    this.worker.onerror = (event) => {
      const message = `the training engine stopped: ${event.message || 'its worker crashed'}; reload the page to start it again`;
      this.receive({ type: 'error', run_id: this.runId, message, ended: true });
    };
  }

  probe(): void {
    this.send({ type: 'probe' });
  }

  /** Every message as it arrives (the run recorder); returns the unsubscribe. */
  subscribe(listener: (msg: FromWorker) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(run: Omit<StartRun, 'type'>): void {
    this.epochs = run.resume?.checkpoint.history ?? [];
    this.losses = [];
    this.done = this.runData = this.progress = this.evaluation = undefined;
    this.error = undefined;
    this.state = 'loading';
    this.runId = run.run_id;
    this.scoringOnly = run.evaluate_only === true;
    this.send({ type: 'start', ...run });
  }

  pause(): void {
    this.send({ type: 'pause' });
    this.state = 'paused';
  }

  resume(): void {
    this.send({ type: 'resume' });
    this.state = 'training';
  }

  /** Scores the best weights so far on validation and test; the answer is `evaluation`. */
  evaluate(): void {
    this.send({ type: 'evaluate' });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    for (const listen of this.listeners) listen(msg);
    // What the worker says of another run (one it refused to start) is not this run's state.
    if ('run_id' in msg && msg.run_id !== undefined && msg.run_id !== this.runId) return;
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
      case 'progress': {
        this.progress = msg;
        const point = { step: (msg.epoch - 1) * msg.steps_per_epoch + msg.step, loss: msg.running_loss };
        const kept = this.losses.length < MAX_LOSS_POINTS ? this.losses : this.losses.filter((_, i) => i % 2 === 0);
        this.losses = [...kept, point];
        break;
      }
      case 'epoch':
        this.epochs = [...this.epochs, msg.record];
        break;
      case 'checkpoint':
        break;
      case 'done':
        this.done = msg;
        this.state = 'done';
        break;
      case 'evaluation':
        this.evaluation = msg;
        break;
      case 'error':
        this.error = msg.message;
        if (msg.ended && this.state !== 'idle') this.state = 'failed';
        break;
      default:
        msg satisfies never;
    }
  }
}
