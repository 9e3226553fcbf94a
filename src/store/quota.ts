// The browser's storage budget for this site: how much is used (navigator.storage.estimate),
// asking to keep it (navigator.storage.persist), and the sentences for a full quota, which
// IndexedDB reports as a QuotaExceededError that aborts the whole transaction.

import { UserError } from '../errors.ts';

export const STORAGE_FULL =
  "the browser's storage for this site is full: delete old runs or checkpoints, or free space on the disk, then try again. The last checkpoint that was saved is intact";

/** Thrown for a write the quota refused; nothing of that write was kept. */
export class StorageFullError extends UserError {
  override name = 'StorageFullError';
  constructor(what = '') {
    super(what === '' ? STORAGE_FULL : `${what}: ${STORAGE_FULL}`);
  }
}

/** Chromium and Firefox say QuotaExceededError; Safari has used a plain UnknownError with "quota" in it. */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, message } = e as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (typeof message === 'string' && /quota/i.test(message));
}

/** A storage failure as the user should read it: the quota sentence, or the browser's own words. */
export function storageError(e: unknown, what: string): Error {
  if (e instanceof UserError) return e;
  if (isQuotaError(e)) return new StorageFullError(what);
  const why = e instanceof Error || e instanceof DOMException ? e.message : String(e ?? 'the transaction was aborted');
  return new UserError(`${what}: the browser storage failed (${why})`);
}

export interface StorageInfo {
  usage: number | null; // bytes; null where the browser does not say
  quota: number | null;
  persisted: boolean; // the browser will not evict this site's data under storage pressure
  text: string;
}

export async function storageInfo(): Promise<StorageInfo> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  const estimate = storage?.estimate === undefined ? {} : await storage.estimate();
  const persisted = storage?.persisted === undefined ? false : await storage.persisted();
  return describeStorage(estimate.usage ?? null, estimate.quota ?? null, persisted);
}

export function describeStorage(usage: number | null, quota: number | null, persisted: boolean): StorageInfo {
  const used = usage === null ? 'an unknown amount' : sizeText(usage);
  const of = quota === null ? '' : ` of ${sizeText(quota)} (${((100 * (usage ?? 0)) / Math.max(quota, 1)).toFixed(0)}%)`;
  const kept = persisted ? 'the browser keeps this data' : 'the browser may clear this data when the disk runs low';
  return { usage, quota, persisted, text: `${used} used${of}; ${kept}` };
}

/**
 * Asks the browser not to evict this site's runs. Browsers decide by their own rules
 * (Chromium grants it to bookmarked or installed sites, Firefox asks the user).
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (storage?.persist === undefined) return false;
  return storage.persist();
}

/** Bytes as people read them, in binary units with three significant digits: "12.7 MiB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(3)).toLocaleString('en-US')} ${units[u]}`;
}
