// What to send the engine worker to continue a stored run where it stopped: the latest
// checkpoint, the best checkpoint's weights, the CSV (from the store, or a re-picked file
// whose SHA-256 must match) and the run's own model and settings.

import { UserError } from '../errors.ts';
import { fileMismatch, sha256Of } from '../data/source.ts';
import type { StartRun } from '../protocol.ts';
import type { RunLock } from './locks.ts';
import { bestCheckpoint, latestCheckpoint } from './prune.ts';
import { sizeText } from './quota.ts';
import type { CheckpointRef, RunData, RunRecord } from './records.ts';
import type { CsvStatus, RunStore } from './runs.ts';

/** A StartRun without `backends`, which is the page's choice, not the run's. */
export type StartMessage = Omit<StartRun, 'type' | 'backends'>;

export interface ResumePlan {
  start: StartMessage & { resume: NonNullable<StartRun['resume']> };
  run: RunRecord;
  from: CheckpointRef;
  csv: CsvStatus; // not stored: a re-picked file is used this time, but the quota refused it
}

/**
 * Builds the resume of run `runId`, whose lock the caller holds. `file` is a re-picked CSV,
 * needed only when the store does not have the run's; it must hash to the run's SHA-256.
 */
export async function resumePlan(store: RunStore, lock: RunLock, runId: string, file?: Blob): Promise<ResumePlan> {
  // A write under the lock, so that an older record is upgraded for good before reading its checkpoints.
  const run = await store.updateRun(lock, runId, () => undefined);
  if (run.status === 'done') throw new UserError(`run ${runId} has finished: there is nothing to resume`);
  const from = latestCheckpoint(run.checkpoints);
  if (from === undefined) {
    throw new UserError(`run ${runId} has no checkpoint: it stopped before its first one was saved (at the end of an epoch, or on pause), so start it again`);
  }
  const checkpoint = await store.loadCheckpoint(runId, from.id);
  // The trainer takes a 'best' checkpoint's own weights as the best; others need the best's.
  const best = bestCheckpoint(run.checkpoints);
  const bestWeights = best === undefined || best.id === from.id ? undefined : (await store.loadCheckpoint(runId, best.id)).weights;

  const stored = run.data.stored && run.data.sha256 !== null ? await store.getCsv(run.data.sha256) : undefined;
  let source: Blob;
  let csv: CsvStatus = { stored: true };
  if (stored !== undefined) {
    source = stored;
  } else if (file !== undefined) {
    const sha256 = await checkPickedFile(run.data, file);
    source = file;
    csv = await store.storeCsv(lock, file, sha256, fileName(file, run.data.file_name));
  } else {
    throw new UserError(`the CSV this run trained on ("${run.data.file_name}", ${sizeText(run.data.bytes)}) is not saved in this browser: pick the file again to resume`);
  }
  return {
    start: {
      run_id: runId,
      source,
      file_name: run.data.file_name,
      mapping: run.config.mapping,
      model: run.config.model,
      settings: run.config.settings,
      resume: bestWeights === undefined ? { checkpoint } : { checkpoint, best_weights: bestWeights },
    },
    run,
    from,
    csv,
  };
}

/** The SHA-256 of a re-picked file, after checking that it is the file the run trained on. */
export async function checkPickedFile(data: RunData, file: Blob): Promise<string> {
  const sha256 = await sha256Of(file);
  // A null sha256: the run stopped before the worker's load report, so there is nothing to compare.
  const problem = fileMismatch({ name: fileName(file, 'the picked file'), sha256 },
    { name: data.file_name, sha256: data.sha256, detail: sizeText(data.bytes) }, 'run');
  if (problem !== null) throw new UserError(problem);
  return sha256;
}

function fileName(file: Blob, fallback: string): string {
  return typeof File !== 'undefined' && file instanceof File ? file.name : fallback;
}
