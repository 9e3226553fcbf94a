// The page's handle on the data worker: loads a CSV (file, sample or https URL) with
// progress, and keeps the bars, the load report and the split summary as reactive state.

import type { CandleView } from '../data/candles.ts';
import type { DataSettings } from '../data/dataset.ts';
import type { FromDataWorker, ToDataWorker } from '../data/protocol.ts';
import { SAMPLE } from '../data/sample.ts';
import type { DatasetSummary } from '../data/summary.ts';
import type { ColumnMapping, LoadReport } from '../data/types.ts';
import type { DataRef } from '../run/experiment.ts';

export interface LoadedFile {
  blob: Blob;
  name: string;
}

/** The file name an address ends with, for the report and the run's record. */
export function urlFileName(href: string): string {
  const url = new URL(href);
  return decodeURIComponent(url.pathname.split('/').pop() ?? '') || url.host;
}

export class DataSource {
  file = $state.raw<LoadedFile | undefined>(undefined);
  /** A download in flight (the sample or an https address), before parsing starts. */
  download = $state.raw<{ name: string; bytes: number; total: number | null } | undefined>(undefined);
  progress = $state.raw<{ bytes: number; total: number | null; rows: number } | undefined>(undefined);
  candles = $state.raw<CandleView | undefined>(undefined);
  report = $state.raw<LoadReport | undefined>(undefined);
  summary = $state.raw<DatasetSummary | undefined>(undefined);
  summaryError = $state<string | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  private worker: Worker;
  private id = 0;
  private downloadId = 0;
  // The caller of load() waits for its report; an answer about a replaced file settles it with undefined.
  private settle: ((report: LoadReport | undefined) => void) | undefined;

  constructor() {
    this.worker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromDataWorker>) => this.receive(event.data);
  }

  get loading(): boolean {
    return this.progress !== undefined && this.report === undefined && this.error === undefined;
  }

  /** Parses `blob` in the worker; resolves with its report, or undefined if it failed or was replaced. */
  load(blob: Blob, name: string, mapping?: ColumnMapping): Promise<LoadReport | undefined> {
    this.settle?.(undefined);
    if (this.loading) this.send({ type: 'cancel', id: this.id }); // the file it replaces stops parsing
    this.downloadId++; // a download still in flight must not replace this file when it lands
    this.download = undefined;
    this.file = { blob, name };
    this.candles = this.report = this.summary = undefined;
    this.error = this.summaryError = undefined;
    this.progress = { bytes: 0, total: blob.size, rows: 0 };
    // A snapshot: a mapping kept in $state is a proxy, which postMessage cannot clone.
    this.send({ type: 'load', id: ++this.id, file: blob, file_name: name, mapping: $state.snapshot(mapping) });
    return new Promise((resolve) => (this.settle = resolve));
  }

  /** Loads what a sample or https reference names; a local file needs the user to pick it. */
  loadRef(ref: Exclude<DataRef, { kind: 'file' }>, mapping?: ColumnMapping): Promise<LoadReport | undefined> {
    if (ref.kind === 'sample') return this.loadUrl(SAMPLE.path, SAMPLE.file_name, mapping);
    return this.loadUrl(ref.url, urlFileName(ref.url), mapping);
  }

  /** Fetches a URL (the bundled sample, or a user's https link) with progress, and loads it. */
  async loadUrl(url: string, name: string, mapping?: ColumnMapping): Promise<LoadReport | undefined> {
    const id = ++this.downloadId;
    this.error = undefined;
    this.download = { name, bytes: 0, total: null };
    let blob: Blob;
    try {
      blob = await this.fetchBlob(url, name, id);
    } catch (e) {
      if (id === this.downloadId) {
        this.download = undefined;
        this.error = `could not download ${name}: ${downloadProblem(e)}`;
      }
      return undefined;
    }
    if (id !== this.downloadId) return undefined; // another file was chosen meanwhile
    return this.load(blob, name, mapping);
  }

  summarize(settings: Partial<DataSettings>): void {
    if (this.candles !== undefined) this.send({ type: 'summarize', id: this.id, settings: $state.snapshot(settings) });
  }

  private async fetchBlob(url: string, name: string, id: number): Promise<Blob> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    if (response.body === null) return response.blob();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let bytes = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (id !== this.downloadId) {
        await reader.cancel();
        break;
      }
      chunks.push(value);
      bytes += value.length;
      this.download = { name, bytes, total };
    }
    return new Blob(chunks);
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
        this.candles = msg.candles;
        this.report = msg.report;
        this.settled(msg.report);
        break;
      case 'summary':
        this.summary = msg.summary ?? undefined;
        this.summaryError = msg.error ?? undefined;
        break;
      case 'error':
        this.error = msg.user ? msg.message : `the loader failed: ${msg.message}`;
        this.settled(undefined);
        break;
      default:
        msg satisfies never;
    }
  }

  private settled(report: LoadReport | undefined): void {
    this.settle?.(report);
    this.settle = undefined;
  }
}

/** Why a download failed, as a sentence: fetch's own TypeError only says "Failed to fetch". */
function downloadProblem(e: unknown): string {
  if (e instanceof TypeError) {
    return 'the server did not answer, or it does not let other sites read the file (CORS); download it and open it as a file instead';
  }
  return e instanceof Error ? e.message : String(e);
}
