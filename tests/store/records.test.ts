// The run record at the storage boundary: a version-1 record upgrades to version 2 with
// its inline checkpoint split out (and unpacking gives the same checkpoint back), and
// damaged or newer records fail with a sentence that names the run and the problem.

import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { unpackCheckpoint } from '../../src/store/pack.ts';
import { newRunRecord, parseRunRecord, type RunRecord } from '../../src/store/records.ts';
import { fakeCheckpoint, fakeEpoch, fakeNewRun, tensorsOf, v1Record } from './helpers.ts';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isUserError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('version-1 run records', () => {
  it('upgrade to version 2 with the inline checkpoint as a separate record', () => {
    const cp = fakeCheckpoint(2, 'best');
    const { run, upgraded } = parseRunRecord(v1Record('old-run', cp));
    expect(run.version).toBe(2);
    expect(run.config.model.preset).toBe('tiny');
    expect(run.config.settings.training.epochs).toBe(5);
    expect(run.data).toEqual({ file_name: 'old.csv', bytes: 999, sha256: 'ab'.repeat(32), format: null, report: null, stored: false, preprocessing: null, data_block: null });
    expect([run.result, run.imported]).toEqual([null, null]);
    expect(run.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(run.status).toBe('running');
    expect(run.checkpoints).toHaveLength(1);
    expect(run.checkpoints[0]).toMatchObject({ id: 1, epoch: 2, step: 20, reason: 'best', best: true, mid_epoch: false });
    expect(run.next_checkpoint).toBe(2);
    // what the upgrade produced is a valid version-2 record
    expect(parseRunRecord(structuredClone(run)).upgraded).toBeNull();

    expect(upgraded).toHaveLength(1);
    const rec = upgraded![0];
    expect(rec.weights.data).toBeInstanceOf(ArrayBuffer);
    expect(rec.adam.data).toBeInstanceOf(ArrayBuffer);
    expect(run.checkpoints[0].bytes).toBe(rec.weights.data.byteLength + rec.adam.data.byteLength);
    const back = unpackCheckpoint(structuredClone(rec));
    expect(tensorsOf(back.weights)).toEqual(tensorsOf(cp.weights));
    expect(back.adam.state.get('fc_out.weight')!.exp_avg_sq).toEqual(cp.adam.state.get('fc_out.weight')!.exp_avg_sq);
    expect(back.history).toEqual(cp.history);
  });

  it('upgrade a run that had no checkpoint yet', () => {
    const { run, upgraded } = parseRunRecord(v1Record('fresh', null));
    expect(run.checkpoints).toEqual([]);
    expect(run.next_checkpoint).toBe(1);
    expect(upgraded).toEqual([]);
  });

  it('refuse a damaged version-1 record', () => {
    const bad = { ...v1Record('x', null), status: 'interrupted' };
    expect(messageOf(() => parseRunRecord(bad))).toBe('the saved run x is damaged: its status "interrupted" is not a version-1 status; delete it');
  });
});

describe('version-2 run records', () => {
  const good = (): RunRecord => {
    const run = newRunRecord('r1', fakeNewRun(), 1_700_000_000_000);
    run.metrics = [fakeEpoch(1), fakeEpoch(2)];
    return run;
  };

  it('pass validation as written', () => {
    expect(parseRunRecord(good())).toEqual({ run: good(), upgraded: null });
  });

  it.each([
    ['not an object', () => 'hello', 'the saved run (no id) is damaged: it is not a record; delete it'],
    ['a newer layout', (r: RunRecord) => ({ ...r, version: 3 }), 'the saved run r1 has layout version 3, from a newer version of this app: it reads versions 1 and 2'],
    ['an unknown status', (r: RunRecord) => ({ ...r, status: 'lost' }), 'the saved run r1 is damaged: its status "lost" is not one of running, paused, interrupted, done, failed; delete it'],
    ['a gap in the metrics', (r: RunRecord) => ({ ...r, metrics: [fakeEpoch(1), fakeEpoch(3)] }), 'the saved run r1 is damaged: its metrics are not one record per epoch from epoch 1; delete it'],
    ['a bad hash', (r: RunRecord) => ({ ...r, data: { ...r.data, sha256: 'xyz' } }), 'the saved run r1 is damaged: its data reference has a malformed SHA-256; delete it'],
    ['a stored file without a hash', (r: RunRecord) => ({ ...r, data: { ...r.data, stored: true } }), 'the saved run r1 is damaged: it says the file is stored but not under which SHA-256; delete it'],
    ['two best checkpoints', (r: RunRecord) => ({ ...r, checkpoints: [ref(1, true), ref(2, true)], next_checkpoint: 3 }), 'the saved run r1 is damaged: it has more than one best checkpoint; delete it'],
    ['a stale counter', (r: RunRecord) => ({ ...r, checkpoints: [ref(4, false)], next_checkpoint: 4 }), 'the saved run r1 is damaged: its next checkpoint number is behind its checkpoints; delete it'],
    ['a missing model', (r: RunRecord) => ({ ...r, config: { settings: r.config.settings } }), 'the saved run r1 is damaged: its configuration is missing or incomplete; delete it'],
  ])('refuse %s', (_, change, message) => {
    expect(messageOf(() => parseRunRecord((change as (r: RunRecord) => unknown)(good())))).toBe(message);
  });
});

function ref(id: number, best: boolean) {
  return { id, epoch: id, step: id, reason: best ? 'best' : 'periodic', best, mid_epoch: false, created: 1_700_000_000_000, bytes: 10 };
}
