// The run record's stored layout (version 2), checked where it comes out of storage, and
// the upgrade of version-1 records. Records cross a boundary (IndexedDB, and the exports
// that read them), so keys are snake_case and every record carries `version` (STYLE.md §3).

import { UserError } from '../errors.ts';
import type { DataBlock, PreprocessingBlock } from '../data/dataset.ts';
import type { BarFormat, ColumnMapping, LoadReport } from '../data/types.ts';
import type { ModelConfig } from '../model/config.ts';
import type { ExperimentSettings } from '../run/settings.ts';
import type { Checkpoint, EpochRecord } from '../train/events.ts';
import type { SplitMetrics } from '../train/metrics.ts';
import { checkpointBytes, packCheckpoint, type CheckpointRecord } from './pack.ts';

export const RUN_RECORD_VERSION = 2;

/** 'interrupted' is what listing says of a running or paused run whose tab is gone. */
export const runStatuses = ['running', 'paused', 'interrupted', 'done', 'failed'] as const;
export type RunStatus = (typeof runStatuses)[number];

const checkpointReasons: readonly Checkpoint['reason'][] = ['periodic', 'best', 'pause'];

export interface RunConfig {
  model: ModelConfig;
  settings: ExperimentSettings;
  mapping?: ColumnMapping;
}

/**
 * The CSV the run trained on. sha256, format, report and the export's blocks arrive with
 * the worker's 'data' message, once the file is loaded.
 */
export interface RunData {
  file_name: string;
  bytes: number;
  sha256: string | null;
  format: BarFormat | null;
  report: LoadReport | null;
  stored: boolean; // the file itself is in the store (under its sha256), so resuming needs no picker
  preprocessing: PreprocessingBlock | null; // what the export tells the bot to apply
  data_block: DataBlock | null; // the export's `data` block: splits as sample ranges
}

/** How a run ended: the best checkpoint scored on validation and test (EXPORT.md's `M`s). */
export interface RunResult {
  reason: 'finished' | 'early_stopped' | 'stopped' | 'evaluated';
  best_epoch: number | null;
  validation: SplitMetrics | null;
  test: SplitMetrics | null;
}

/** Weights from a file that a run started from (fine-tuning) or was scored with (evaluation). */
export interface ImportedFrom {
  file_name: string;
  format: 'pth' | 'safetensors';
  evaluate_only: boolean; // scored as it is, not trained
}

/** What the run record knows of one of its checkpoints; the tensors live in their own record. */
export interface CheckpointRef {
  id: number;
  epoch: number; // completed epochs
  step: number;
  reason: Checkpoint['reason'];
  best: boolean; // the weights with the lowest validation loss so far: kept by pruning
  mid_epoch: boolean; // a pause checkpoint inside an epoch
  created: number;
  bytes: number;
}

export interface RunRecord {
  version: 2;
  id: string;
  created: number; // epoch ms
  updated: number;
  config: RunConfig;
  data: RunData;
  status: RunStatus;
  error: string | null; // why it failed, as the engine said it
  metrics: EpochRecord[];
  checkpoints: CheckpointRef[]; // ascending id; the last is where a resume starts
  next_checkpoint: number;
  result: RunResult | null; // once done
  imported: ImportedFrom | null; // an imported model's evaluation (no epochs) or fine-tuning
}

/**
 * The first layout: flat data fields, metrics under `history`, and only the latest
 * checkpoint, inline, with its tensors as a structured-cloned StateDict. Version 2 moved
 * checkpoints into their own records so that a run can keep several and list them cheaply.
 */
export interface RunRecordV1 {
  version: 1;
  id: string;
  created: number;
  updated: number;
  model: ModelConfig;
  settings: ExperimentSettings;
  file_name: string;
  bytes: number;
  sha256: string;
  status: 'running' | 'paused' | 'done' | 'failed';
  history: EpochRecord[];
  checkpoint: Checkpoint | null;
}

export interface NewRun {
  config: RunConfig;
  file_name: string;
  bytes: number;
  imported?: ImportedFrom;
}

export function newRunRecord(id: string, init: NewRun, now: number): RunRecord {
  return {
    version: 2,
    id,
    created: now,
    updated: now,
    config: structuredClone(init.config),
    data: { file_name: init.file_name, bytes: init.bytes, sha256: null, format: null, report: null, stored: false, preprocessing: null, data_block: null },
    status: 'running',
    error: null,
    metrics: [],
    checkpoints: [],
    next_checkpoint: 1,
    result: null,
    imported: init.imported ?? null,
  };
}

/** A version-1 record in the current layout, with the checkpoint records split out of it. */
export function upgradeV1(v1: RunRecordV1): { run: RunRecord; checkpoints: CheckpointRecord[] } {
  const checkpoints = v1.checkpoint === null ? [] : [packCheckpoint(v1.checkpoint, v1.id, 1, v1.updated)];
  return {
    run: {
      version: 2,
      id: v1.id,
      created: v1.created,
      updated: v1.updated,
      config: { model: v1.model, settings: v1.settings },
      // version 1 never kept the file, the load report, the export's blocks nor the result
      data: { file_name: v1.file_name, bytes: v1.bytes, sha256: v1.sha256, format: null, report: null, stored: false, preprocessing: null, data_block: null },
      status: v1.status,
      error: null,
      metrics: v1.history,
      checkpoints: checkpoints.map((c) => refOf(c)),
      next_checkpoint: checkpoints.length + 1,
      result: null,
      imported: null,
    },
    checkpoints,
  };
}

export function refOf(rec: CheckpointRecord): CheckpointRef {
  return {
    id: rec.id,
    epoch: rec.meta.epoch,
    step: rec.meta.step,
    reason: rec.meta.reason,
    // a 'best' checkpoint is the best so far when it is taken; withCheckpoint() moves the flag
    best: rec.meta.reason === 'best',
    mid_epoch: rec.meta.position !== undefined,
    created: rec.created,
    bytes: checkpointBytes(rec),
  };
}

/**
 * Checks a record read from storage and brings it to the current layout. `upgraded` is
 * non-null for an older record: the checkpoint records to write with it when it is saved.
 */
export function parseRunRecord(raw: unknown): { run: RunRecord; upgraded: CheckpointRecord[] | null } {
  const r = isObject(raw) ? raw : {};
  const id = typeof r.id === 'string' && r.id !== '' ? r.id : '(no id)';
  const need = (ok: boolean, why: string) => {
    if (!ok) throw new UserError(`the saved run ${id} is damaged: ${why}; delete it`);
  };
  need(isObject(raw), 'it is not a record');
  need(id !== '(no id)', 'it has no id');
  need(isTime(r.created) && isTime(r.updated), 'its created and updated times are not timestamps');
  if (r.version === 1) {
    checkV1(r, need);
    const { run, checkpoints } = upgradeV1(raw as RunRecordV1);
    return { run, upgraded: checkpoints };
  }
  if (r.version !== RUN_RECORD_VERSION) {
    throw new UserError(`the saved run ${id} has layout version ${String(r.version)}, from a newer version of this app: it reads versions 1 and 2`);
  }
  need(isObject(r.config) && isModel(r.config.model) && isSettings(r.config.settings), 'its configuration is missing or incomplete');
  const data = isObject(r.data) ? r.data : {};
  need(typeof data.file_name === 'string' && isCount(data.bytes), 'its data reference has no file name or size');
  need(data.sha256 === null || isSha256(data.sha256), 'its data reference has a malformed SHA-256');
  need(data.report === null || isObject(data.report), 'its load report is malformed');
  need((data.preprocessing === null || isObject(data.preprocessing)) && (data.data_block === null || isObject(data.data_block)), 'its preprocessing or data block is malformed');
  need(typeof data.stored === 'boolean' && (data.stored === false || data.sha256 !== null), 'it says the file is stored but not under which SHA-256');
  need((runStatuses as readonly unknown[]).includes(r.status), `its status "${String(r.status)}" is not one of ${runStatuses.join(', ')}`);
  need(r.error === null || typeof r.error === 'string', 'its error is not a sentence');
  checkMetrics(r.metrics, need);
  need(Array.isArray(r.checkpoints) && r.checkpoints.every(isRef), 'its list of checkpoints is malformed');
  const refs = r.checkpoints as CheckpointRef[];
  need(refs.every((c, i) => i === 0 || c.id > refs[i - 1].id), 'its checkpoints are not in order');
  need(refs.filter((c) => c.best).length <= 1, 'it has more than one best checkpoint');
  need(isCount(r.next_checkpoint) && refs.every((c) => c.id < (r.next_checkpoint as number)), 'its next checkpoint number is behind its checkpoints');
  need(r.result === null || (isObject(r.result) && typeof r.result.reason === 'string'), 'its result is malformed');
  need(r.imported === null || (isObject(r.imported) && typeof r.imported.file_name === 'string' && typeof r.imported.evaluate_only === 'boolean'), 'its imported weights reference is malformed');
  return { run: raw as RunRecord, upgraded: null };
}

type Need = (ok: boolean, why: string) => void;

function checkV1(r: Record<string, unknown>, need: Need): void {
  need(isModel(r.model) && isSettings(r.settings), 'its configuration is missing or incomplete');
  need(typeof r.file_name === 'string' && isCount(r.bytes) && isSha256(r.sha256), 'its data reference is incomplete');
  need(['running', 'paused', 'done', 'failed'].includes(r.status as string), `its status "${String(r.status)}" is not a version-1 status`);
  checkMetrics(r.history, need);
  const cp = r.checkpoint;
  need(cp === null || (isObject(cp) && cp.version === 1 && cp.weights instanceof Map && isObject(cp.adam) && cp.adam.state instanceof Map), 'its checkpoint is malformed');
}

function checkMetrics(m: unknown, need: Need): void {
  need(Array.isArray(m), 'its metrics are not a list');
  const epochs = (m as unknown[]).map((e) => (isObject(e) && typeof e.train_loss === 'number' && isObject(e.validation) ? e.epoch : NaN));
  need(epochs.every((e, i) => e === i + 1), 'its metrics are not one record per epoch from epoch 1');
}

function isRef(c: unknown): boolean {
  return (
    isObject(c) && isCount(c.id) && isCount(c.epoch) && isCount(c.step) && checkpointReasons.includes(c.reason as Checkpoint['reason']) &&
    typeof c.best === 'boolean' && typeof c.mid_epoch === 'boolean' && isTime(c.created) && isCount(c.bytes)
  );
}

function isModel(m: unknown): boolean {
  return isObject(m) && isCount(m.d_model) && isCount(m.num_layers) && isCount(m.seq_len);
}

function isSettings(s: unknown): boolean {
  return isObject(s) && isObject(s.training) && isObject(s.data) && isCount(s.training.epochs);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function isSha256(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}
