// Runs in the browser: the run store against Chromium's real IndexedDB and Web Locks.
// Each function takes its own database name, so the tests do not see each other's runs,
// and returns plain JSON for the test to check.

import { createStore, get, keys, set } from 'idb-keyval';
import { acquireRunLock, type RunLock } from '../../src/store/locks.ts';
import { RunStore } from '../../src/store/runs.ts';
import { sha256Of } from '../../src/data/source.ts';
import { checkPickedFile, resumePlan } from '../../src/store/resume.ts';
import { requestPersistence, storageInfo } from '../../src/store/quota.ts';
import type { DataBlock, PreprocessingBlock } from '../../src/data/dataset.ts';
import { exportStoredRun } from '../../src/run/export-run.ts';
import { fakeCheckpoint, fakeEpoch, fakeNewRun, tensorsOf, v1Record } from '../store/helpers.ts';

const message = (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message });

async function attempt(f: () => Promise<unknown>): Promise<{ name: string; message: string } | null> {
  try {
    await f();
    return null;
  } catch (e) {
    return message(e);
  }
}

/** Saves five checkpoints and two epochs of a run, lists, loads and deletes. */
export async function saveLoadList(db: string) {
  const store = new RunStore({ dbName: db });
  const lock = await acquireRunLock('run-a');
  await store.createRun(lock, fakeNewRun());
  for (const epoch of [1, 2]) await store.updateRun(lock, 'run-a', (run) => run.metrics.push(fakeEpoch(epoch)));
  for (const [epoch, reason] of [[1, 'best'], [2, 'best'], [3, 'periodic'], [4, 'periodic'], [5, 'pause']] as const) {
    await store.saveCheckpoint(lock, fakeCheckpoint(epoch, reason));
  }
  const run = (await store.getRun('run-a'))!;
  const latest = await store.loadCheckpoint('run-a', 5);
  const best = await store.loadCheckpoint('run-a', 2);
  const pruned = await attempt(() => store.loadCheckpoint('run-a', 1));
  const rawCheckpoint = (await get(['checkpoint', 'run-a', 5], createStore(db, 'records'))) as { weights: { data: unknown } };
  await store.deleteCheckpoint('run-a', 4, lock);
  const afterDelete = (await store.getRun('run-a'))!.checkpoints.map((c) => c.id);
  const listed = await store.listRuns();
  await lock.release();
  await store.deleteRun('run-a');
  return {
    refs: run.checkpoints.map((c) => ({ id: c.id, epoch: c.epoch, reason: c.reason, best: c.best, mid_epoch: c.mid_epoch, bytes: c.bytes })),
    metrics: run.metrics.map((m) => m.epoch),
    latestEqual: JSON.stringify(tensorsOf(latest.weights)) === JSON.stringify(tensorsOf(fakeCheckpoint(5).weights)),
    latestPosition: latest.position,
    bestEqual: JSON.stringify(tensorsOf(best.weights)) === JSON.stringify(tensorsOf(fakeCheckpoint(2).weights)),
    storedAsArrayBuffer: rawCheckpoint.weights.data instanceof ArrayBuffer,
    pruned,
    afterDelete,
    listed: listed.runs.map((r) => ({ id: r.id, status: r.status })),
    damaged: listed.damaged,
    afterDeleteRun: await keys(createStore(db, 'records')),
  };
}

/**
 * A checkpoint write that the quota refuses after all its writes were issued (injected:
 * Chromium cannot shrink a quota here): nothing of it may remain, the old ones intact.
 */
export async function refusedCheckpoint(db: string) {
  const store = new RunStore({ dbName: db, keep: 1 }); // keep 1: the write also prunes
  const lock = await acquireRunLock('run-q');
  await store.createRun(lock, fakeNewRun());
  await store.saveCheckpoint(lock, fakeCheckpoint(1, 'periodic'));
  await store.saveCheckpoint(lock, fakeCheckpoint(2, 'periodic'));
  const before = (await store.getRun('run-q'))!;

  // The run record is the transaction's last write: by then checkpoint 3 is put and
  // checkpoint 2 (pruned by it) deleted, so the abort must undo both.
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const request = put.call(this, value, key);
    if (Array.isArray(key) && key[0] === 'run') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return request;
  };
  const refused = await attempt(() => store.saveCheckpoint(lock, fakeCheckpoint(3, 'best')));
  IDBObjectStore.prototype.put = put;

  const after = (await store.getRun('run-q'))!;
  const raw = createStore(db, 'records');
  const intact = await store.loadCheckpoint('run-q', 2);
  const result = {
    refused,
    refsBefore: before.checkpoints.map((c) => c.id),
    refsAfter: after.checkpoints.map((c) => c.id),
    nextBefore: before.next_checkpoint,
    nextAfter: after.next_checkpoint,
    halfWritten: (await get(['checkpoint', 'run-q', 3], raw)) !== undefined,
    intactEqual: JSON.stringify(tensorsOf(intact.weights)) === JSON.stringify(tensorsOf(fakeCheckpoint(2).weights)),
    // and the store works again once there is room
    retried: (await store.saveCheckpoint(lock, fakeCheckpoint(3, 'best'))).id,
    refsRetried: (await store.getRun('run-q'))!.checkpoints.map((c) => c.id),
  };
  await lock.release();
  return result;
}

/** Two runs on one CSV store it once; it goes with the last run that uses it; a refusal is a status. */
export async function csvOnce(db: string) {
  const store = new RunStore({ dbName: db });
  const csv = new Blob(['time,open,high,low,close\n2024-01-01T00:00:00Z,1,2,0.5,1.5\n']);
  const sha = await sha256Of(csv);
  const raw = createStore(db, 'records');
  const csvKeys = async () => (await keys(raw)).filter((k) => Array.isArray(k) && k[0] === 'csv');
  const statuses = [];
  for (const id of ['run-1', 'run-2']) {
    const lock = await acquireRunLock(id);
    await store.createRun(lock, fakeNewRun('bars.csv', csv.size));
    statuses.push(await store.storeCsv(lock, csv, sha, 'bars.csv'));
    await lock.release();
  }
  const storedOnce = (await csvKeys()).length;
  const back = await (await store.getCsv(sha))!.text();
  await store.deleteRun('run-1');
  const afterFirst = (await csvKeys()).length;
  await store.deleteRun('run-2');
  const afterBoth = (await csvKeys()).length;

  // The quota refuses the file: training goes on, the run says it is not stored.
  const lock = await acquireRunLock('run-3');
  await store.createRun(lock, fakeNewRun('big.csv', csv.size));
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (Array.isArray(key) && key[0] === 'csv') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.call(this, value, key);
  };
  const refused = await store.storeCsv(lock, csv, sha, 'big.csv');
  IDBObjectStore.prototype.put = put;
  const run3 = (await store.getRun('run-3'))!;
  await store.saveCheckpoint(lock, fakeCheckpoint(1, 'best'));
  const noFile = await attempt(() => resumePlan(store, lock, 'run-3'));
  // re-picking: the run knows the file's hash from the load report
  const data = { ...run3.data, sha256: sha };
  const wrongFile = await attempt(() => checkPickedFile(data, new File(['other bytes'], 'other.csv')));
  const rightFile = await checkPickedFile(data, new File([csv], 'bars-again.csv'));
  await lock.release();
  return { sha, statuses, storedOnce, back, afterFirst, afterBoth, refused, run3Stored: run3.data.stored, noFile, wrongFile, rightFile };
}

const held = new Map<string, RunLock>();

/** This tab takes run `id`'s lock and keeps it (a tab that trains). */
export async function holdRun(db: string, id: string) {
  const store = new RunStore({ dbName: db });
  const lock = await acquireRunLock(id);
  held.set(id, lock);
  await store.createRun(lock, fakeNewRun());
  await store.saveCheckpoint(lock, fakeCheckpoint(1, 'best'));
  return (await store.getRun(id))!.status;
}

/** What another tab sees of the runs, and what happens when it tries to take one over. */
export async function fromAnotherTab(db: string, id: string) {
  const store = new RunStore({ dbName: db });
  const { runs } = await store.listRuns();
  return {
    status: runs.find((r) => r.id === id)?.status,
    takeOver: await attempt(() => acquireRunLock(id).then((l) => l.release())),
    remove: await attempt(() => store.deleteRun(id)),
  };
}

/** A version-1 record written by an older app: listed upgraded, and upgraded for good on resume. */
export async function migrateStored(db: string) {
  const raw = createStore(db, 'records');
  const csv = new File(['time,open,high,low,close\n'], 'old.csv');
  const old = { ...v1Record('old-run', fakeCheckpoint(2, 'best')), sha256: await sha256Of(csv) };
  await set(['run', 'old-run'], old, raw);
  await set(['run', 'broken'], { version: 2, id: 'broken' }, raw);
  const store = new RunStore({ dbName: db });
  const listed = await store.listRuns();
  const lock = await acquireRunLock('old-run');
  const needsFile = await attempt(() => resumePlan(store, lock, 'old-run'));
  const plan = await resumePlan(store, lock, 'old-run', csv);
  await lock.release();
  const stored = (await get(['run', 'old-run'], raw)) as { version: number };
  await store.deleteRun('broken');
  return {
    listed: listed.runs.map((r) => ({ id: r.id, version: r.version, status: r.status, checkpoints: r.checkpoints.length })),
    damaged: listed.damaged,
    needsFile,
    resumeEpoch: plan.start.resume.checkpoint.epoch,
    resumeEqual: JSON.stringify(tensorsOf(plan.start.resume.checkpoint.weights)) === JSON.stringify(tensorsOf(fakeCheckpoint(2).weights)),
    csvStored: plan.csv.stored,
    storedVersion: stored.version,
    checkpointRecord: (await get(['checkpoint', 'old-run', 1], raw)) !== undefined,
    afterDelete: (await keys(raw)).filter((k) => (k as string[])[1] === 'broken'),
  };
}

export async function storage() {
  return { info: await storageInfo(), persisted: await requestPersistence() };
}

/** The export's metadata from the best checkpoint (scored on test at the end) and from an older one. */
export async function exportChoices(db: string) {
  const store = new RunStore({ dbName: db });
  const lock = await acquireRunLock('run-x');
  await store.createRun(lock, fakeNewRun());
  const unprepared = await attempt(async () => exportStoredRun(store, (await store.getRun('run-x'))!));
  await store.saveCheckpoint(lock, fakeCheckpoint(1, 'periodic'));
  await store.saveCheckpoint(lock, fakeCheckpoint(2, 'best'));
  const test = { ...fakeEpoch(2).validation, accuracy: 0.55 };
  await store.updateRun(lock, 'run-x', (run) => {
    run.metrics.push(fakeEpoch(1), fakeEpoch(2));
    run.data.preprocessing = { horizon: 5 } as PreprocessingBlock;
    run.data.data_block = { file_name: 'EURUSD-M1.csv' } as DataBlock;
    run.result = { reason: 'finished', best_epoch: 2, validation: fakeEpoch(2).validation, test };
  });
  const run = (await store.getRun('run-x'))!;
  const best = await exportStoredRun(store, run);
  const older = await exportStoredRun(store, run, 1);
  await lock.release();
  return {
    unprepared,
    best: { from: best.from.id, training: best.meta.training, preprocessing: best.meta.preprocessing, data: best.meta.data },
    older: { from: older.from.id, training: older.meta.training },
  };
}
