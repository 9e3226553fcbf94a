// Thin entry: parses a File in a Web Worker with src/data/load.ts and streams progress
// back (protocol in src/data/protocol.ts), so a large CSV never blocks the page.

import { isUserError } from '../src/errors.ts';
import { loadBars } from '../src/data/load.ts';
import { barsTransferables, type FromDataWorker, type ToDataWorker } from '../src/data/protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: FromDataWorker, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
const running = new Map<number, AbortController>();

scope.onmessage = async (event: MessageEvent<ToDataWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'load': {
      const { id } = msg;
      const abort = new AbortController();
      running.set(id, abort);
      try {
        const { bars, report } = await loadBars(msg.file, {
          fileName: msg.file_name ?? (msg.file instanceof File ? msg.file.name : undefined),
          mapping: msg.mapping,
          onProgress: (p) => post({ type: 'progress', id, ...p }),
          signal: abort.signal,
        });
        post({ type: 'loaded', id, report, bars }, barsTransferables(bars));
      } catch (e) {
        const cancelled = abort.signal.aborted;
        const message = cancelled ? 'loading was cancelled' : e instanceof Error ? e.message : String(e);
        post({ type: 'error', id, message, user: cancelled || isUserError(e) });
      } finally {
        running.delete(id);
      }
      break;
    }
    case 'cancel':
      running.get(msg.id)?.abort();
      break;
    default:
      msg satisfies never;
  }
};
