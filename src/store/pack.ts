// A checkpoint's stored form: the weights and the Adam moments each packed into one
// little-endian float32 ArrayBuffer (the layout computed first, allocated once), the rest
// of the Checkpoint kept as it is. Pure, so it tests in Node; runs.ts puts it in IndexedDB.

import { UserError } from '../errors.ts';
import { numel, type StateDict } from '../formats/state-dict.ts';
import type { AdamHostState, AdamParamState } from '../train/optim.ts';
import type { Checkpoint } from '../train/events.ts';

/** Tensors in insertion order, back to back in `data`; offsets follow from the shapes. */
export interface PackedTensors {
  names: string[];
  shapes: number[][];
  data: ArrayBuffer;
}

/** Per entry: `sizes[i]` floats of exp_avg, then as many of exp_avg_sq. */
export interface PackedAdam {
  version: 1; // AdamHostState's version
  names: string[];
  steps: number[];
  sizes: number[];
  data: ArrayBuffer;
}

/** The part of a Checkpoint that is small and stored by structured clone as it is. */
export type CheckpointMeta = Omit<Checkpoint, 'weights' | 'adam'>;

export interface CheckpointRecord {
  version: 2; // the store's record layout (records.ts), not the Checkpoint's own version
  run_id: string;
  id: number; // the run's checkpoint sequence number
  created: number; // epoch ms
  meta: CheckpointMeta;
  weights: PackedTensors;
  adam: PackedAdam;
}

// IndexedDB keeps the buffer as bytes in platform order; every platform a browser runs
// on is little-endian, which is what .pth and .safetensors use too, so a Float32Array
// view is the explicit layout here.
const FLOAT_BYTES = 4;

export function packStateDict(sd: StateDict): PackedTensors {
  const names = [...sd.keys()];
  const shapes = names.map((n) => [...sd.get(n)!.shape]);
  const total = shapes.reduce((s, shape) => s + numel(shape), 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const name of names) {
    const t = sd.get(name)!;
    if (t.data.length !== numel(t.shape)) throw new Error(`tensor "${name}" has ${t.data.length} values for shape [${t.shape}]`);
    out.set(t.data, offset);
    offset += t.data.length;
  }
  return { names, shapes, data: out.buffer };
}

/** Views into `p.data` (no copy); `what` names the source in errors ("checkpoint 4's weights"). */
export function unpackStateDict(p: PackedTensors, what: string): StateDict {
  const sd: StateDict = new Map();
  const floats = p.data.byteLength / FLOAT_BYTES;
  let offset = 0;
  p.names.forEach((name, i) => {
    const shape = p.shapes[i];
    const n = numel(shape);
    if (offset + n > floats) throw damaged(what, `"${name}" runs past the end of the stored data`);
    sd.set(name, { shape: [...shape], data: new Float32Array(p.data, offset * FLOAT_BYTES, n) });
    offset += n;
  });
  if (offset !== floats) throw damaged(what, `${floats - offset} stored values belong to no tensor`);
  return sd;
}

export function packAdam(adam: AdamHostState): PackedAdam {
  const names = [...adam.state.keys()];
  const entries = names.map((n) => adam.state.get(n)!);
  const sizes = entries.map((s) => s.exp_avg.length);
  const out = new Float32Array(2 * sizes.reduce((a, b) => a + b, 0));
  let offset = 0;
  entries.forEach((s, i) => {
    if (s.exp_avg_sq.length !== sizes[i]) throw new Error(`Adam state "${names[i]}" has moments of different lengths`);
    out.set(s.exp_avg, offset);
    out.set(s.exp_avg_sq, offset + sizes[i]);
    offset += 2 * sizes[i];
  });
  return { version: adam.version, names, steps: entries.map((s) => s.step), sizes, data: out.buffer };
}

export function unpackAdam(p: PackedAdam, what: string): AdamHostState {
  const state = new Map<string, AdamParamState>();
  const floats = p.data.byteLength / FLOAT_BYTES;
  let offset = 0;
  p.names.forEach((name, i) => {
    const n = p.sizes[i];
    if (offset + 2 * n > floats) throw damaged(what, `the moments of "${name}" run past the end of the stored data`);
    state.set(name, {
      step: p.steps[i],
      exp_avg: new Float32Array(p.data, offset * FLOAT_BYTES, n),
      exp_avg_sq: new Float32Array(p.data, (offset + n) * FLOAT_BYTES, n),
    });
    offset += 2 * n;
  });
  if (offset !== floats) throw damaged(what, `${floats - offset} stored moment values belong to no parameter`);
  return { version: p.version, state };
}

export function packCheckpoint(cp: Checkpoint, runId: string, id: number, created: number): CheckpointRecord {
  const { weights, adam, ...meta } = cp;
  return { version: 2, run_id: runId, id, created, meta: structuredClone(meta), weights: packStateDict(weights), adam: packAdam(adam) };
}

/** Back to the trainer's Checkpoint, checking what storage handed back. */
export function unpackCheckpoint(raw: unknown): Checkpoint {
  const rec = raw as Partial<CheckpointRecord> | undefined;
  const what = `checkpoint ${String(rec?.id)} of run ${String(rec?.run_id)}`;
  if (typeof rec !== 'object' || rec === null) throw new UserError('the checkpoint is missing from the browser storage: it may have been deleted');
  if (rec.version !== 2) throw damaged(what, `its layout version is ${String(rec.version)}; this app reads version 2`);
  if (!isPacked(rec.weights) || !Array.isArray(rec.weights.shapes)) throw damaged(what, 'its weights are not stored as a float32 buffer');
  if (!isPacked(rec.adam) || !Array.isArray(rec.adam.steps) || !Array.isArray(rec.adam.sizes)) throw damaged(what, 'its optimizer state is not stored as a float32 buffer');
  if (typeof rec.meta !== 'object' || rec.meta === null || rec.meta.version !== 1) throw damaged(what, 'its training state is missing or of an unknown version');
  return { ...rec.meta, weights: unpackStateDict(rec.weights, `${what}'s weights`), adam: unpackAdam(rec.adam, `${what}'s optimizer state`) };
}

/** Bytes a packed checkpoint occupies, for the run's list of checkpoints. */
export function checkpointBytes(rec: CheckpointRecord): number {
  return rec.weights.data.byteLength + rec.adam.data.byteLength;
}

function isPacked(p: unknown): p is PackedTensors {
  const q = p as Partial<PackedTensors> | undefined;
  return typeof q === 'object' && q !== null && Array.isArray(q.names) && q.data instanceof ArrayBuffer && q.data.byteLength % FLOAT_BYTES === 0;
}

function damaged(what: string, why: string): UserError {
  return new UserError(`${what} is damaged: ${why}. Delete it and resume from an earlier one`);
}
