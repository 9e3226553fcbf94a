// Runs, their checkpoints and the CSVs they trained on, in one idb-keyval store keyed
// ['run', id], ['checkpoint', run id, n] and ['csv', sha256]: one object store, so a new
// checkpoint, the run record's pointer to it and the pruning it causes commit together.

import { createStore, type UseStore } from 'idb-keyval';
import { UserError } from '../errors.ts';
import type { Checkpoint } from '../train/events.ts';
import { acquireRunLock, ownedRunIds, type RunLock } from './locks.ts';
import { packCheckpoint, unpackCheckpoint, type CheckpointRecord } from './pack.ts';
import { DEFAULT_KEEP, withCheckpoint } from './prune.ts';
import { sizeText, StorageFullError } from './quota.ts';
import { newRunRecord, parseRunRecord, refOf, type CheckpointRef, type NewRun, type RunRecord } from './records.ts';
import { transact, type Tx } from './transaction.ts';

export const DEFAULT_DB = 'nexus-runs';

const runKey = (id: string) => ['run', id];
const checkpointKey = (runId: string, id: number) => ['checkpoint', runId, id];
const csvKey = (sha256: string) => ['csv', sha256];
// Arrays sort after strings in IndexedDB, so [prefix..., []] bounds every key under a prefix.
const runRange = () => IDBKeyRange.bound(['run'], ['run', []]);
const checkpointRange = (runId: string) => IDBKeyRange.bound(['checkpoint', runId], ['checkpoint', runId, []]);

export interface CsvRecord {
  version: 2;
  sha256: string;
  bytes: number;
  file_name: string; // the name it had when first stored
  blob: Blob;
}

/** Whether the CSV is in the store; the message is for the UI to show when it is not. */
export type CsvStatus = { stored: true } | { stored: false; message: string };

export interface RunList {
  runs: RunRecord[]; // newest first; status 'interrupted' where the owning tab is gone
  damaged: { id: string; message: string }[]; // records that cannot be read: deleteRun(id) removes them
}

export interface StoreOptions {
  dbName?: string;
  keep?: number; // checkpoints kept per run besides the best (3)
}

export class RunStore {
  readonly keep: number;
  private readonly use: UseStore;

  constructor(o: StoreOptions = {}) {
    this.use = createStore(o.dbName ?? DEFAULT_DB, 'records');
    this.keep = o.keep ?? DEFAULT_KEEP;
  }

  async createRun(lock: RunLock, init: NewRun): Promise<RunRecord> {
    lock.check(lock.runId);
    const run = newRunRecord(lock.runId, init, Date.now());
    return transact<RunRecord>(this.use, 'readwrite', 'the run was not saved', (tx, finish) => {
      tx.get(runKey(run.id), (old) => {
        if (old !== undefined) throw new UserError(`a run with id ${run.id} already exists`);
        tx.put(runKey(run.id), run);
        finish(run);
      });
    });
  }

  /** The run as stored (an older layout upgraded in memory), or undefined. */
  async getRun(id: string): Promise<RunRecord | undefined> {
    return transact<RunRecord | undefined>(this.use, 'readonly', `run ${id} could not be read`, (tx, finish) => {
      tx.get(runKey(id), (raw) => finish(raw === undefined ? undefined : parseRunRecord(raw).run));
    });
  }

  async listRuns(): Promise<RunList> {
    const raw = await transact<{ values: unknown[]; keys: IDBValidKey[] }>(this.use, 'readonly', 'the saved runs could not be read', (tx, finish) => {
      tx.getAll(runRange(), (values, keys) => finish({ values, keys }));
    });
    const owned = await ownedRunIds();
    const list: RunList = { runs: [], damaged: [] };
    raw.values.forEach((value, i) => {
      try {
        const { run } = parseRunRecord(value);
        const orphaned = (run.status === 'running' || run.status === 'paused') && !owned.has(run.id);
        list.runs.push(orphaned ? { ...run, status: 'interrupted' } : run);
      } catch (e) {
        list.damaged.push({ id: String((raw.keys[i] as string[])[1]), message: e instanceof Error ? e.message : String(e) });
      }
    });
    list.runs.sort((a, b) => b.created - a.created);
    return list;
  }

  /** Changes the run record under its lock; an older layout is upgraded for good here. */
  async updateRun(lock: RunLock, id: string, change: (run: RunRecord) => void): Promise<RunRecord> {
    return this.write(lock, id, `run ${id} was not saved`, (_, run) => {
      change(run);
      return run;
    });
  }

  /**
   * Stores a checkpoint, points the run record at it and prunes old ones, in one
   * transaction: a refused write (quota) keeps every earlier checkpoint as it was.
   */
  async saveCheckpoint(lock: RunLock, cp: Checkpoint): Promise<CheckpointRef> {
    const runId = lock.runId;
    lock.check(runId);
    const rec = packCheckpoint(cp, runId, 0, Date.now());
    const what = `the ${cp.reason} checkpoint at epoch ${cp.epoch} (${sizeText(rec.weights.data.byteLength + rec.adam.data.byteLength)}) was not saved`;
    return transact<CheckpointRef>(this.use, 'readwrite', what, (tx, finish) => {
      this.readForWrite(tx, runId, (run) => {
        rec.id = run.next_checkpoint;
        const ref = refOf(rec);
        const { refs, drop } = withCheckpoint(run.checkpoints, ref, this.keep);
        tx.put(checkpointKey(runId, rec.id), rec);
        for (const id of drop) tx.delete(checkpointKey(runId, id));
        Object.assign(run, { checkpoints: refs, next_checkpoint: rec.id + 1, updated: rec.created });
        tx.put(runKey(runId), run);
        finish(ref);
      });
    });
  }

  async loadCheckpoint(runId: string, id: number): Promise<Checkpoint> {
    const raw = await transact<unknown>(this.use, 'readonly', `checkpoint ${id} of run ${runId} could not be read`, (tx, finish) => {
      tx.get(checkpointKey(runId, id), finish);
    });
    if (raw === undefined) throw new UserError(`checkpoint ${id} of run ${runId} is not in the browser storage: it may have been deleted`);
    return unpackCheckpoint(raw);
  }

  /** Deletes one checkpoint; takes the run's lock unless the caller (the owning tab) passes it. */
  async deleteCheckpoint(runId: string, id: number, lock?: RunLock): Promise<void> {
    await this.withLock(runId, lock, (held) =>
      this.write(held, runId, 'the checkpoint was not deleted', (tx, run) => {
        run.checkpoints = run.checkpoints.filter((c) => c.id !== id);
        tx.delete(checkpointKey(runId, id));
      }),
    );
  }

  /** Deletes the run, its checkpoints and, when no other run trained on it, its CSV. */
  async deleteRun(runId: string, lock?: RunLock): Promise<void> {
    await this.withLock(runId, lock, (held) => {
      held.check(runId);
      return transact<void>(this.use, 'readwrite', `run ${runId} was not deleted`, (tx, finish) => {
        tx.getAll(runRange(), (values, keys) => {
          // read loosely: a damaged or older record must still be deletable
          const shaOf = (v: unknown) => (v as Partial<RunRecord> | undefined)?.data?.sha256 ?? (v as { sha256?: string } | undefined)?.sha256;
          const mine = keys.findIndex((k) => (k as string[])[1] === runId);
          const sha = mine < 0 ? undefined : shaOf(values[mine]);
          const shared = values.some((v, i) => i !== mine && shaOf(v) === sha);
          tx.delete(checkpointRange(runId));
          tx.delete(runKey(runId));
          if (typeof sha === 'string' && !shared) tx.delete(csvKey(sha));
          finish();
        });
      });
    });
  }

  /**
   * Keeps the CSV under its SHA-256 (once, however many runs use it) and marks the run as
   * having it. Never throws for quota: the run goes on and the UI shows the message.
   */
  async storeCsv(lock: RunLock, blob: Blob, sha256: string, fileName: string): Promise<CsvStatus> {
    const runId = lock.runId;
    try {
      await this.write(lock, runId, 'the CSV was not saved', (tx, run) => {
        if (run.data.sha256 !== null && run.data.sha256 !== sha256) throw new Error(`run ${runId} trained on a file with another SHA-256`);
        run.data.sha256 = sha256;
        run.data.stored = true;
        tx.get(csvKey(sha256), (old) => {
          if (old === undefined) tx.put(csvKey(sha256), { version: 2, sha256, bytes: blob.size, file_name: fileName, blob } satisfies CsvRecord);
        });
      });
      return { stored: true };
    } catch (e) {
      if (!(e instanceof StorageFullError)) throw e;
      return { stored: false, message: `the browser refused the space for "${fileName}" (${sizeText(blob.size)}): training goes on, but to resume this run later you will need to pick the file again` };
    }
  }

  async getCsv(sha256: string): Promise<Blob | undefined> {
    const rec = await transact<unknown>(this.use, 'readonly', 'the saved CSV could not be read', (tx, finish) => tx.get(csvKey(sha256), finish));
    return (rec as CsvRecord | undefined)?.blob;
  }

  /** Reads the run record for a write in the same transaction, upgrading an older layout. */
  private readForWrite(tx: Tx, id: string, then: (run: RunRecord) => void): void {
    tx.get(runKey(id), (raw) => {
      if (raw === undefined) throw new UserError(`run ${id} is not in the browser storage: it may have been deleted in another tab`);
      const { run, upgraded } = parseRunRecord(raw);
      for (const c of upgraded ?? []) tx.put(checkpointKey(id, c.id), c satisfies CheckpointRecord);
      then(run);
    });
  }

  /** Reads, changes and puts back the run record in one transaction, with `change`'s other writes. */
  private write<T>(lock: RunLock, id: string, what: string, change: (tx: Tx, run: RunRecord) => T): Promise<T> {
    lock.check(id);
    return transact<T>(this.use, 'readwrite', what, (tx, finish) => {
      this.readForWrite(tx, id, (run) => {
        const result = change(tx, run);
        run.updated = Date.now();
        tx.put(runKey(id), run);
        finish(result);
      });
    });
  }

  private async withLock<T>(runId: string, lock: RunLock | undefined, body: (lock: RunLock) => Promise<T>): Promise<T> {
    const held = lock ?? (await acquireRunLock(runId));
    try {
      return await body(held);
    } finally {
      if (lock === undefined) await held.release();
    }
  }
}
