// Damaged files must fail with a UserError sentence, never with a RangeError or a hang:
// a deterministic mutation fuzz over each reader.
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { unpickle, writeStateDictPickle } from '../../src/formats/pickle.ts';
import { readPth, writePth } from '../../src/formats/pth.ts';
import { readSafetensors, writeSafetensors } from '../../src/formats/safetensors.ts';
import { readZip, writeZip } from '../../src/formats/zip.ts';
import { smallStateDict } from './helpers.ts';

const ROUNDS = 3000;

function fuzz(source: Uint8Array, read: (b: Uint8Array) => unknown, seed: number): string[] {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const unexpected: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const b = source.slice();
    const edits = 1 + Math.floor(random() * 4);
    for (let j = 0; j < edits; j++) b[Math.floor(random() * b.length)] = random() < 0.5 ? Math.floor(random() * 256) : Math.floor(random() * 8);
    try {
      read(random() < 0.1 ? b.subarray(0, Math.floor(random() * b.length)) : b);
    } catch (e) {
      if (!isUserError(e)) unexpected.push(String(e));
    }
  }
  return unexpected;
}

describe('mutation fuzz', () => {
  const sd = smallStateDict();
  it('zip and .pth structure', () => {
    expect(fuzz(writePth(sd), (b) => readPth(b), 1)).toEqual([]);
  });
  it('pickles inside a valid archive (CRCs recomputed, so the pickle reader sees the damage)', () => {
    const entries = readZip(writePth(sd));
    const rezip = (pickle: Uint8Array) => writeZip([{ name: entries[0].name, data: pickle }, ...entries.slice(1)]);
    expect(fuzz(entries[0].data, (p) => readPth(rezip(p)), 2)).toEqual([]);
  });
  it('bare pickles', () => {
    const pickle = writeStateDictPickle([...sd].map(([key, t]) => ({ key, shape: t.shape })));
    expect(fuzz(pickle, (p) => unpickle(p, 'x'), 3)).toEqual([]);
  });
  it('safetensors', () => {
    expect(fuzz(writeSafetensors(sd, { a: 'b' }), (b) => readSafetensors(b), 4)).toEqual([]);
  });
});
