// Runs in headless Chromium (bench/data.ts): a served CSV fetched as a Blob, as a picked
// File is, then loadBars + prepareDataset on the page's thread; and the same Blob through
// the app's data worker (workers/data.worker.ts), to the bars arriving back in the page.

import { loadBars } from '../src/data/load.ts';
import { prepareDataset } from '../src/data/dataset.ts';
import type { FromDataWorker, ToDataWorker } from '../src/data/protocol.ts';

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

/** The app's path: the data worker parses the Blob, posts the bars, then prepares and summarizes the dataset. */
export async function loadInWorker(url: string, fileName: string) {
  const blob = await (await fetch(url)).blob();
  const worker = new Worker(new URL('/workers/data.worker.ts', location.href), { type: 'module' });
  // The worker's module graph loads on its first message; a tiny file goes first so that
  // the measured load is parsing, not Vite serving modules.
  const send = (file: Blob, id: number) =>
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
          rows = m.bars.length;
          worker.postMessage({ type: 'summarize', id, settings: {} } satisfies ToDataWorker); // as the app's data view asks next
        } else if (m.type === 'summary' || m.type === 'error') {
          const error = m.type === 'error' ? m.message : m.error;
          resolve({ loadedMs, doneMs: performance.now() - t0, rows, error });
        }
      };
      const msg: ToDataWorker = { type: 'load', id, file, file_name: fileName };
      worker.postMessage(msg);
    });
  await send(blob.slice(0, 64 * 1024), 1);
  const result = await send(blob, 2);
  worker.terminate();
  return result;
}
