// The page's handle on the data worker: loads a CSV (file, sample or https URL) with
// progress, and keeps the bars, the load report and the split summary as reactive state.

import type { DataSettings } from '../data/dataset.ts';
import type { FromDataWorker, ToDataWorker } from '../data/protocol.ts';
import type { DatasetSummary } from '../data/summary.ts';
import type { Bars, ColumnMapping, LoadReport } from '../data/types.ts';

export interface LoadedFile {
  blob: Blob;
  name: string;
}

export class DataSource {
  file = $state.raw<LoadedFile | undefined>(undefined);
  progress = $state.raw<{ bytes: number; total: number | null; rows: number } | undefined>(undefined);
  bars = $state.raw<Bars | undefined>(undefined);
  report = $state.raw<LoadReport | undefined>(undefined);
  summary = $state.raw<DatasetSummary | undefined>(undefined);
  summaryError = $state<string | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  private worker: Worker;
  private id = 0;

  constructor() {
    this.worker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromDataWorker>) => this.receive(event.data);
  }

  get loading(): boolean {
    return this.progress !== undefined && this.report === undefined && this.error === undefined;
  }

  load(blob: Blob, name: string, settings: Partial<DataSettings>, mapping?: ColumnMapping): void {
    this.file = { blob, name };
    this.bars = this.report = this.summary = undefined;
    this.error = this.summaryError = undefined;
    this.progress = { bytes: 0, total: blob.size, rows: 0 };
    this.send({ type: 'load', id: ++this.id, file: blob, file_name: name, mapping, settings: { ...settings } });
  }

  /** Fetches a URL (the bundled sample, or a user's https link) and loads it. */
  async loadUrl(url: string, name: string, settings: Partial<DataSettings>, mapping?: ColumnMapping): Promise<void> {
    this.error = undefined;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
      this.load(await response.blob(), name, settings, mapping);
    } catch (e) {
      this.error = `could not download ${name}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  summarize(settings: Partial<DataSettings>): void {
    if (this.bars !== undefined) this.send({ type: 'summarize', id: this.id, settings: { ...settings } });
  }

  private send(msg: ToDataWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromDataWorker): void {
    if (msg.id !== this.id) return; // an answer about a file since replaced
    switch (msg.type) {
      case 'progress':
        this.progress = { bytes: msg.bytes, total: msg.total, rows: msg.rows };
        break;
      case 'loaded':
        this.bars = msg.bars;
        this.report = msg.report;
        break;
      case 'summary':
        this.summary = msg.summary ?? undefined;
        this.summaryError = msg.error ?? undefined;
        break;
      case 'error':
        this.error = msg.user ? msg.message : `the loader failed: ${msg.message}`;
        break;
      default:
        msg satisfies never;
    }
  }
}
