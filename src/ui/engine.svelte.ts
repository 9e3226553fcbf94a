// The page's handle on the engine worker: sends ToWorker messages, keeps what the
// FromWorker messages report as reactive state for the components.

import type { BackendReport } from '../backend/backends.ts';
import type { FromWorker, ToWorker } from '../protocol.ts';

export class Engine {
  backend = $state.raw<BackendReport | undefined>(undefined);
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

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'backend':
        this.backend = msg.report;
        break;
      case 'error':
        this.error = msg.message;
        break;
      default:
        msg satisfies never;
    }
  }
}
