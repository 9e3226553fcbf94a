// Which checkpoints a run keeps: the newest K (3 by default) and the best by validation
// loss, whatever its age. Pure decisions over the run record's list; runs.ts applies them
// in the same transaction as the write that caused them.

import type { CheckpointRef } from './records.ts';

export const DEFAULT_KEEP = 3;

/**
 * The list after adding `ref` (newer than all in `refs`), and the ids to delete. A 'best'
 * checkpoint takes the best flag from the previous best, which then ages out like any other.
 */
export function withCheckpoint(refs: readonly CheckpointRef[], ref: CheckpointRef, keep = DEFAULT_KEEP): { refs: CheckpointRef[]; drop: number[] } {
  const all = [...refs.map((r) => (ref.best && r.best ? { ...r, best: false } : r)), ref];
  return prune(all, keep);
}

/** Keeps the newest `keep` and the best; `refs` in ascending id, as the run record holds them. */
export function prune(refs: readonly CheckpointRef[], keep = DEFAULT_KEEP): { refs: CheckpointRef[]; drop: number[] } {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of at least 1, got ${keep}`);
  const newest = new Set(refs.slice(-keep).map((r) => r.id));
  const kept = refs.filter((r) => newest.has(r.id) || r.best);
  return { refs: kept, drop: refs.filter((r) => !kept.includes(r)).map((r) => r.id) };
}

/** Where a resume starts: the newest checkpoint. */
export function latestCheckpoint(refs: readonly CheckpointRef[]): CheckpointRef | undefined {
  return refs.at(-1);
}

export function bestCheckpoint(refs: readonly CheckpointRef[]): CheckpointRef | undefined {
  return refs.find((r) => r.best);
}
