// One IndexedDB transaction over an idb-keyval store, written with request callbacks so
// that reads, decisions and writes all happen while the transaction is active, and it
// either commits whole or aborts whole (a refused write rolls back everything before it).

import type { UseStore } from 'idb-keyval';
import { storageError } from './quota.ts';

export interface Tx {
  get(key: IDBValidKey, then: (value: unknown) => void): void;
  getAll(range: IDBKeyRange, then: (values: unknown[], keys: IDBValidKey[]) => void): void;
  put(key: IDBValidKey, value: unknown): void;
  delete(key: IDBValidKey | IDBKeyRange): void;
}

/**
 * Runs `body` in a transaction and resolves with what it passed to `finish` once the
 * transaction has committed. A throw in `body` or a callback aborts it; the promise then
 * rejects with that error, a DOMException (quota, clone) turned into a sentence on `what`.
 */
export function transact<T>(use: UseStore, mode: IDBTransactionMode, what: string, body: (tx: Tx, finish: (value: T) => void) => void): Promise<T> {
  return use(mode, (store) => new Promise<T>((resolve, reject) => {
    const t = store.transaction;
    let failure: { error: unknown } | undefined;
    let result: T | undefined;
    const fail = (error: unknown) => {
      if (failure !== undefined) return;
      failure = { error };
      try {
        t.abort();
      } catch {
        // already finished: onabort or oncomplete reports it
      }
    };
    const guard = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        fail(e);
      }
    };
    const tx: Tx = {
      get(key, then) {
        const r = store.get(key);
        r.onsuccess = () => guard(() => then(r.result));
      },
      getAll(range, then) {
        const keys = store.getAllKeys(range);
        const values = store.getAll(range);
        values.onsuccess = () => guard(() => then(values.result, keys.result));
      },
      put: (key, value) => store.put(value, key),
      delete: (key) => store.delete(key),
    };
    t.oncomplete = () => resolve(result as T);
    t.onabort = () => {
      const e = failure?.error ?? t.error;
      reject(e instanceof DOMException || failure === undefined ? storageError(e, what) : e);
    };
    guard(() => body(tx, (value) => (result = value)));
  }));
}
