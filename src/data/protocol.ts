// The data worker's messages (workers/data.worker.ts), one tagged union each way.
// Bars travel as typed arrays whose buffers are transferred, not copied.

import type { Bars, ColumnMapping, LoadReport } from './types.ts';

export type ToDataWorker =
  | { type: 'load'; id: number; file: Blob; file_name?: string; mapping?: ColumnMapping }
  /** Stops load `id` at its next chunk; it answers with an error message. */
  | { type: 'cancel'; id: number };

export type FromDataWorker =
  | { type: 'progress'; id: number; bytes: number; total: number | null; rows: number }
  | { type: 'loaded'; id: number; report: LoadReport; bars: Bars }
  /** `user`: a problem with the file, shown as is; otherwise a bug. */
  | { type: 'error'; id: number; message: string; user: boolean };

/** The buffers to transfer along with a Bars object. */
export function barsTransferables(bars: Bars): ArrayBuffer[] {
  const arrays = [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume, bars.orderBook];
  return arrays.flatMap((a) => (a === null ? [] : [a.buffer as ArrayBuffer]));
}
