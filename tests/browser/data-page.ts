// Runs in the browser: the data worker parses a Blob with progress, as the data view uses it.

import type { FromDataWorker, ToDataWorker } from '../../src/data/protocol.ts';

export async function loadInWorker(url: string | null, chunkOfBinary = false) {
  const worker = new Worker(new URL('/workers/data.worker.ts', location.href), { type: 'module' });
  const blob = url !== null
    ? await (await fetch(url)).blob()
    : new Blob([new Uint8Array(4096).map((_, i) => (i * 7919) % 256)]);
  const progress: number[] = [];
  const result = await new Promise<FromDataWorker>((resolve) => {
    worker.onmessage = (event: MessageEvent<FromDataWorker>) => {
      const msg = event.data;
      if (msg.type === 'progress') progress.push(msg.bytes);
      else if (msg.type !== 'summary') resolve(msg);
    };
    const msg: ToDataWorker = { type: 'load', id: 1, file: blob, file_name: chunkOfBinary ? 'noise.bin' : 'sample.csv' };
    worker.postMessage(msg);
  });
  worker.terminate();
  return result.type === 'loaded'
    ? { type: 'loaded' as const, progress, size: blob.size, report: result.report, candles: result.candles }
    : { type: result.type, progress, size: blob.size, message: result.type === 'error' ? result.message : '', user: result.type === 'error' && result.user };
}
