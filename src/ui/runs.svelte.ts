// The runs this browser keeps (IndexedDB, src/store): every run the engine trains is
// recorded here, listed with its status, resumed after a reload, exported from any of its
// checkpoints, deleted; and a queue, so that v1 and then v2 train on the same data.

import type { BackendName } from '../backend/names.ts';
import { exportFileNames } from '../formats/export.ts';
import type { FromWorker } from '../protocol.ts';
import { exportBundle } from '../run/bundle.ts';
import { exportStoredRun } from '../run/export-run.ts';
import { RunRecorder, type NewRunOptions } from '../store/recorder.ts';
import { requestPersistence, storageInfo, type StorageInfo } from '../store/quota.ts';
import { RunStore, type RunList } from '../store/runs.ts';
import botModule from '../../bot/nexus_transformer.py?raw';
import botPreprocess from '../../bot/preprocess.py?raw';
import botPredict from '../../bot/predict.py?raw';
import { download } from './download.ts';
import type { Engine } from './engine.svelte.ts';

export type ExportKind = 'pth' | 'safetensors' | 'json' | 'zip';

const mimeTypes: Record<ExportKind, string> = {
  pth: 'application/octet-stream',
  safetensors: 'application/octet-stream',
  json: 'application/json',
  zip: 'application/zip',
};

export class Runs {
  list = $state.raw<RunList>({ runs: [], damaged: [] });
  storage = $state.raw<StorageInfo | undefined>(undefined);
  /** Things the user should know that did not stop anything (a refused CSV, a failed write). */
  notices = $state.raw<string[]>([]);
  error = $state<string | undefined>(undefined);
  /** Runs waiting for the current one to end, in order (the v1-then-v2 comparison). */
  queue = $state.raw<NewRunOptions[]>([]);
  /** The runs picked for the Compare view; the v1-then-v2 queue picks the runs it starts. */
  compared = $state.raw<string[]>([]);
  private recorder = $state.raw<RunRecorder | undefined>(undefined);
  private starting = $state(false); // from a click on start or resume until the engine has the run
  private closing = new Map<string, Promise<void>>(); // ended runs whose last writes may still be landing
  private backends: BackendName[] | undefined;
  readonly store: RunStore;

  constructor(
    private readonly engine: Engine,
    dbName?: string,
  ) {
    this.store = new RunStore({ dbName });
    engine.subscribe((msg) => this.receive(msg));
  }

  /** The run this tab is recording (training, paused or being scored), if any. */
  get activeRunId(): string | undefined {
    return this.recorder?.runId;
  }

  get busy(): boolean {
    return this.recorder !== undefined || this.starting;
  }

  async refresh(): Promise<void> {
    await this.attempt(async () => {
      this.list = await this.store.listRuns();
      this.storage = await storageInfo();
    });
  }

  /** Records a new run and starts it in the engine; `backends` is the order to try. */
  async start(run: NewRunOptions, backends?: BackendName[]): Promise<void> {
    if (this.busy) return;
    this.queue = [];
    await this.launch(run, backends);
  }

  /** Trains each run in turn, the next when the previous one finishes. */
  async startQueue(runs: NewRunOptions[], backends?: BackendName[]): Promise<void> {
    const [first, ...rest] = runs;
    if (first === undefined || this.busy) return;
    this.compared = [];
    this.queue = rest;
    await this.launch(first, backends, true);
  }

  /** Continues a stored run from its last checkpoint; `file` is a re-picked CSV when the store lacks it. */
  async resume(runId: string, file?: Blob, backends?: BackendName[]): Promise<void> {
    if (this.busy) return;
    this.queue = [];
    await this.claim(async () => {
      const { recorder, start } = await RunRecorder.resume(this.store, runId, { file, onNotice: (m) => this.notice(m) });
      this.begin(recorder, backends);
      this.engine.start({ ...start, backends });
    });
  }

  async remove(runId: string): Promise<void> {
    await this.attempt(() => this.store.deleteRun(runId));
    await this.refresh();
  }

  async removeCheckpoint(runId: string, checkpointId: number): Promise<void> {
    await this.attempt(() => this.store.deleteCheckpoint(runId, checkpointId));
    await this.refresh();
  }

  /** Downloads a run's export from checkpoint `checkpointId` (its best by default). */
  async exportRun(runId: string, kind: ExportKind, checkpointId?: number): Promise<void> {
    await this.attempt(async () => {
      // its last writes first: the final checkpoint and result land just after 'done'
      if (this.recorder?.runId === runId) await this.recorder.idle();
      await this.closing.get(runId);
      const run = await this.store.getRun(runId);
      if (run === undefined) throw new Error(`run ${runId} is no longer stored`);
      const { files, meta } = await exportStoredRun(this.store, run, checkpointId);
      if (kind === 'zip') {
        const bundle = exportBundle(files, meta, { nexus_transformer_py: botModule, preprocess_py: botPreprocess, predict_py: botPredict });
        download('nexus_transformer_export.zip', bundle, mimeTypes.zip);
      } else {
        download(exportFileNames[kind], files[kind], mimeTypes[kind]);
      }
    });
  }

  async persist(): Promise<void> {
    await this.attempt(async () => {
      const granted = await requestPersistence();
      if (!granted) this.notice('the browser did not promise to keep the runs: it grants that to sites you bookmark or install; export the runs you need');
    });
    await this.refresh();
  }

  toggleCompared(runId: string): void {
    this.compared = this.compared.includes(runId) ? this.compared.filter((id) => id !== runId) : [...this.compared, runId];
  }

  private async launch(run: NewRunOptions, backends: BackendName[] | undefined, queued = false): Promise<void> {
    await this.claim(async () => {
      const { recorder, start } = await RunRecorder.begin(this.store, run, { onNotice: (m) => this.notice(m) });
      if (queued) this.compared = [...this.compared, recorder.runId];
      this.begin(recorder, backends);
      this.engine.start({ ...start, backends });
    });
  }

  /** Runs `action` as the one start in progress: busy from before its first await, so a second click is refused. */
  private async claim(action: () => Promise<void>): Promise<void> {
    this.starting = true;
    try {
      await this.attempt(action);
    } finally {
      this.starting = false;
    }
  }

  private begin(recorder: RunRecorder, backends: BackendName[] | undefined): void {
    this.recorder = recorder;
    this.backends = backends;
    void this.refresh();
  }

  private receive(msg: FromWorker): void {
    const recorder = this.recorder;
    if (recorder === undefined) return;
    recorder.receive(msg);
    if (msg.type === 'checkpoint' && msg.checkpoint.reason === 'pause') void recorder.idle().then(() => this.refresh());
    const ended = recorder.ended;
    if (ended === undefined) return;
    this.recorder = undefined;
    this.closing.set(recorder.runId, ended);
    // An error or a stop ends the queue too: the user sees why before anything else trains.
    const next = msg.type === 'done' && msg.reason !== 'stopped' ? this.queue[0] : undefined;
    this.queue = next === undefined ? [] : this.queue.slice(1);
    if (next !== undefined) this.starting = true; // the queue's next run is on its way: no other start meanwhile
    void ended.then(async () => {
      this.closing.delete(recorder.runId);
      await this.refresh();
      if (next !== undefined) await this.launch(next, this.backends, true);
    });
  }

  private notice(message: string): void {
    this.notices = [...this.notices, message];
  }

  private async attempt(action: () => Promise<unknown>): Promise<void> {
    this.error = undefined;
    try {
      await action();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}
