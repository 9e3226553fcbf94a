// The data worker's messages (workers/data.worker.ts), one tagged union each way. The
// worker keeps the last file's bars, so that changing a data setting re-summarizes it
// without parsing again.

import type { CandleView } from './candles.ts';
import type { DataSettings } from './dataset.ts';
import type { DatasetSummary } from './summary.ts';
import type { ColumnMapping, LoadReport } from './types.ts';

export type ToDataWorker =
  | { type: 'load'; id: number; file: Blob; file_name?: string; mapping?: ColumnMapping }
  /** The splits and labels of the loaded bars under other settings. */
  | { type: 'summarize'; id: number; settings: Partial<DataSettings> }
  /** Stops load `id` at its next chunk; it answers with an error message. */
  | { type: 'cancel'; id: number };

export type FromDataWorker =
  | { type: 'progress'; id: number; bytes: number; total: number | null; rows: number }
  /** The bars stay in the worker; the page gets what its chart draws. */
  | { type: 'loaded'; id: number; report: LoadReport; candles: CandleView }
  /** `error` says why the settings give no samples (too few bars, bad split). */
  | { type: 'summary'; id: number; summary: DatasetSummary | null; error: string | null }
  /** `user`: a problem with the file, shown as is; otherwise a bug. */
  | { type: 'error'; id: number; message: string; user: boolean };
