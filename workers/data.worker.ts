// Thin entry: parses a File in a Web Worker with src/data/load.ts, streams progress back,
// and summarizes the splits and labels (protocol in src/data/protocol.ts), so that a large
// CSV never blocks the page.

import { isUserError } from '../src/errors.ts';
import { candles } from '../src/data/candles.ts';
import { loadBars } from '../src/data/load.ts';
import { prepareDataset, type DataSettings } from '../src/data/dataset.ts';
import { summarizeDataset } from '../src/data/summary.ts';
import type { Bars } from '../src/data/types.ts';
import type { FromDataWorker, ToDataWorker } from '../src/data/protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: FromDataWorker) => scope.postMessage(msg);
const running = new Map<number, AbortController>();
let latest = 0; // the newest load: an older one that finishes later must not replace its bars
let loaded: Bars | undefined;

function summarize(id: number, settings: Partial<DataSettings>): void {
  if (loaded === undefined) return post({ type: 'summary', id, summary: null, error: 'no file is loaded' });
  try {
    post({ type: 'summary', id, summary: summarizeDataset(loaded, prepareDataset(loaded, settings)), error: null });
  } catch (e) {
    if (!isUserError(e)) throw e;
    post({ type: 'summary', id, summary: null, error: e.message });
  }
}

scope.onmessage = async (event: MessageEvent<ToDataWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'load': {
      const { id } = msg;
      latest = id;
      const abort = new AbortController();
      running.set(id, abort);
      try {
        const { bars, report } = await loadBars(msg.file, {
          fileName: msg.file_name ?? (msg.file instanceof File ? msg.file.name : undefined),
          mapping: msg.mapping,
          onProgress: (p) => post({ type: 'progress', id, ...p }),
          signal: abort.signal,
        });
        if (id === latest) loaded = bars;
        post({ type: 'loaded', id, report, candles: candles(bars) });
      } catch (e) {
        const cancelled = abort.signal.aborted;
        const message = cancelled ? 'loading was cancelled' : e instanceof Error ? e.message : String(e);
        post({ type: 'error', id, message, user: cancelled || isUserError(e) });
      } finally {
        running.delete(id);
      }
      break;
    }
    case 'summarize':
      summarize(msg.id, msg.settings);
      break;
    case 'cancel':
      running.get(msg.id)?.abort();
      break;
    default:
      msg satisfies never;
  }
};
