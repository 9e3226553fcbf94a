// The engine's worker: a thin entry over src/ that answers the page's messages.
// TensorFlow.js runs here, never on the main thread.

import { chooseBackend } from '../src/backend/backends.ts';
import type { FromWorker, ToWorker } from '../src/protocol.ts';

const post = (msg: FromWorker) => self.postMessage(msg);

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  try {
    switch (msg.type) {
      case 'probe':
        post({ type: 'backend', report: await chooseBackend(msg.order) });
        break;
      default:
        msg.type satisfies never;
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
