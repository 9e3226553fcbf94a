// Which checkpoints a run keeps: the newest three and the best, the best flag moving to
// each new 'best' checkpoint, and the resume point being the newest.

import { describe, expect, it } from 'vitest';
import { bestCheckpoint, latestCheckpoint, prune, withCheckpoint } from '../../src/store/prune.ts';
import { fakeRef } from './helpers.ts';

const ids = (refs: { id: number }[]) => refs.map((r) => r.id);

describe('pruning checkpoints', () => {
  it('keeps the newest three', () => {
    let refs = [fakeRef(1), fakeRef(2), fakeRef(3)];
    const r = withCheckpoint(refs, fakeRef(4));
    expect(ids(r.refs)).toEqual([2, 3, 4]);
    expect(r.drop).toEqual([1]);
    refs = r.refs;
    expect(withCheckpoint(refs, fakeRef(5)).drop).toEqual([2]);
  });

  it('keeps an old best beside the newest three', () => {
    const refs = [fakeRef(1, { reason: 'best', best: true }), fakeRef(2), fakeRef(3), fakeRef(4)];
    const r = withCheckpoint(refs, fakeRef(5));
    expect(ids(r.refs)).toEqual([1, 3, 4, 5]);
    expect(r.drop).toEqual([2]);
    expect(bestCheckpoint(r.refs)?.id).toBe(1);
  });

  it('moves the best flag to a new best, and the old best then ages out', () => {
    const refs = [fakeRef(1, { reason: 'best', best: true }), fakeRef(2), fakeRef(3)];
    const r = withCheckpoint(refs, fakeRef(4, { reason: 'best', best: true }));
    expect(r.refs.filter((c) => c.best).map((c) => c.id)).toEqual([4]);
    expect(r.drop).toEqual([1]);
    expect(r.refs[0]).toEqual(fakeRef(2)); // the others unchanged
  });

  it('keeps everything while under the limit, and honours another K', () => {
    expect(withCheckpoint([fakeRef(1)], fakeRef(2))).toEqual({ refs: [fakeRef(1), fakeRef(2)], drop: [] });
    expect(prune([fakeRef(1), fakeRef(2), fakeRef(3)], 1)).toEqual({ refs: [fakeRef(3)], drop: [1, 2] });
    expect(() => prune([], 0)).toThrow('keep must be a whole number of at least 1, got 0');
  });

  it('resumes from the newest, a pause checkpoint included', () => {
    const refs = [fakeRef(1, { reason: 'best', best: true }), fakeRef(2, { reason: 'pause', mid_epoch: true })];
    expect(latestCheckpoint(refs)?.id).toBe(2);
    expect(latestCheckpoint([])).toBeUndefined();
    expect(bestCheckpoint([fakeRef(1)])).toBeUndefined();
  });
});
