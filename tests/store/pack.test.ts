// A checkpoint's stored form: weights and Adam moments each in one float32 ArrayBuffer,
// unpacked to the same values and the same training state; damage is named, not crashed on.

import { describe, expect, it } from 'vitest';
import { packCheckpoint, unpackCheckpoint } from '../../src/store/pack.ts';
import { describeStorage, isQuotaError, sizeText, STORAGE_FULL, storageError, StorageFullError } from '../../src/store/quota.ts';
import { fakeCheckpoint, tensorsOf } from './helpers.ts';

describe('packed checkpoints', () => {
  it('round-trip through structured clone (what IndexedDB does)', () => {
    const cp = fakeCheckpoint(3, 'pause');
    const rec = structuredClone(packCheckpoint(cp, 'run-a', 7, 1_700_000_000_000));
    expect(rec.weights.data.byteLength).toBe((40 + 8 + 24) * 4);
    expect(rec.adam.data.byteLength).toBe(2 * (40 + 8 + 24) * 4);
    const back = unpackCheckpoint(rec);
    expect(tensorsOf(back.weights)).toEqual(tensorsOf(cp.weights));
    expect([...back.adam.state.keys()]).toEqual([...cp.adam.state.keys()]);
    for (const [k, s] of cp.adam.state) {
      expect(back.adam.state.get(k)).toEqual(s);
    }
    const { weights: _w, adam: _a, ...meta } = back;
    const { weights: _w2, adam: _a2, ...expected } = cp;
    expect(meta).toEqual(expected);
  });

  it('name what is wrong with a damaged record', () => {
    const rec = packCheckpoint(fakeCheckpoint(1), 'run-a', 2, 1_700_000_000_000);
    const short = { ...rec, weights: { ...rec.weights, data: rec.weights.data.slice(0, 42 * 4) } };
    expect(() => unpackCheckpoint(short)).toThrow(`checkpoint 2 of run run-a's weights is damaged: "input_proj.bias" runs past the end of the stored data. Delete it and resume from an earlier one`);
    expect(() => unpackCheckpoint({ ...rec, version: 1 })).toThrow('its layout version is 1; this app reads version 2');
    expect(() => unpackCheckpoint(undefined)).toThrow('the checkpoint is missing from the browser storage');
  });
});

describe('storage sentences', () => {
  it('recognise a quota error and say what to do', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new DOMException('x', 'DataCloneError'))).toBe(false);
    const e = storageError(quota, 'the best checkpoint at epoch 4 was not saved');
    expect(e).toBeInstanceOf(StorageFullError);
    expect(e.message).toBe(`the best checkpoint at epoch 4 was not saved: ${STORAGE_FULL}`);
    expect(STORAGE_FULL).toMatch(/^the browser's storage for this site is full: delete old runs or checkpoints/);
    expect(storageError(new DOMException('Version change', 'AbortError'), 'run r was not saved').message).toBe('run r was not saved: the browser storage failed (Version change)');
  });

  it('describe usage and quota', () => {
    expect(sizeText(512)).toBe('512 bytes');
    expect(sizeText(1536)).toBe('1.5 KiB');
    expect(sizeText(250 * 2 ** 20)).toBe('250 MiB');
    expect(sizeText(13_357_673)).toBe('12.7 MiB');
    expect(describeStorage(3 * 2 ** 20, 2 ** 30, false).text).toBe('3 MiB used of 1 GiB (0%); the browser may clear this data when the disk runs low');
    expect(describeStorage(null, null, true).text).toBe('an unknown amount used; the browser keeps this data');
  });
});
