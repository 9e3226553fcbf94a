// The engine's worker: a thin entry over src/run/session.ts. TensorFlow.js runs here,
// never on the main thread.

import { Session } from '../src/run/session.ts';
import { transferables, type FromWorker, type ToWorker } from '../src/protocol.ts';

const session = new Session((msg: FromWorker) => self.postMessage(msg, { transfer: transferables(msg) }));

self.onmessage = (event: MessageEvent<ToWorker>) => void session.handle(event.data);
