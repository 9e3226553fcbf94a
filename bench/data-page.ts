// Runs in headless Chromium (bench/data.ts): a served CSV fetched as a Blob, as a picked
// File is, then loadBars + prepareDataset on the page's thread (a first load: nothing has
// run before it); and the same Blob through the app's data worker (workers/data.worker.ts)
// after the sample the app opens with, to its dataset's summary.

import { loadBars } from '../src/data/load.ts';
import { prepareDataset } from '../src/data/dataset.ts';
import type { FromDataWorker, ToDataWorker } from '../src/data/protocol.ts';
import { SAMPLE } from '../src/data/sample.ts';

/** Chrome's non-standard, coarse heap figures; absent in other browsers. */
function heap(): { used: number; limit: number } | null {
  const m = (performance as Performance & { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } }).memory;
  return m === undefined ? null : { used: m.usedJSHeapSize, limit: m.jsHeapSizeLimit };
}

export async function loadInPage(url: string, fileName: string) {
  const t0 = performance.now();
  const blob = await (await fetch(url)).blob();
  const t1 = performance.now();
  const before = heap();
  let peak = before?.used ?? null;
  const sample = () => {
    const h = heap();
    if (h !== null && peak !== null) peak = Math.max(peak, h.used);
  };
  const { bars, report } = await loadBars(blob, { fileName, onProgress: sample });
  const t2 = performance.now();
  sample();
  const dataset = prepareDataset(bars);
  const t3 = performance.now();
  sample();
  return {
    bytes: blob.size,
    rows: bars.length,
    rejected: report.rows_read - report.rows_kept,
    samples: dataset.length,
    fetchMs: t1 - t0,
    loadMs: t2 - t1,
    featurizeMs: t3 - t2,
    totalMs: t3 - t1,
    heapBefore: before?.used ?? null,
    heapPeak: peak,
    heapLimit: before?.limit ?? null,
  };
}

/**
 * The app's path, as a user meets it: the page's data worker first loads the bundled
 * sample the app opens with (and summarizes it, as the data view asks), then the user's
 * file, timed from the Blob posted to the summary of its dataset.
 */
export async function loadInWorker(url: string, fileName: string) {
  const blob = await (await fetch(url)).blob();
  const worker = new Worker(new URL('/workers/data.worker.ts', location.href), { type: 'module' });
  const send = (file: Blob, id: number, name: string) =>
    new Promise<{ loadedMs: number; doneMs: number; rows: number; error: string | null }>((resolve) => {
      const t0 = performance.now();
      let loadedMs = NaN;
      let rows = 0;
      worker.onmessage = (event: MessageEvent<FromDataWorker>) => {
        // Only this load's answers: Vite's dev client in the worker posts messages of its own.
        const m = event.data;
        if (m.id !== id) return;
        if (m.type === 'loaded') {
          loadedMs = performance.now() - t0;
          rows = m.report.rows_kept;
          worker.postMessage({ type: 'summarize', id, settings: {} } satisfies ToDataWorker); // as the app's data view asks next
        } else if (m.type === 'summary' || m.type === 'error') {
          const error = m.type === 'error' ? m.message : m.error;
          resolve({ loadedMs, doneMs: performance.now() - t0, rows, error });
        }
      };
      const msg: ToDataWorker = { type: 'load', id, file, file_name: name };
      worker.postMessage(msg);
    });
  const sample = await (await fetch(`/${SAMPLE.path}`)).blob(); // served from public/
  const opened = await send(sample, 1, SAMPLE.file_name);
  if (opened.error !== null) throw new Error(`the sample did not load: ${opened.error}`);
  const result = await send(blob, 2, fileName);
  worker.terminate();
  return result;
}
