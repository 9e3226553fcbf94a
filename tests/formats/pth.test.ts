import { describe, expect, it } from 'vitest';
import { writeStateDictPickle } from '../../src/formats/pickle.ts';
import { pthSize, readPth, writePth } from '../../src/formats/pth.ts';
import type { StateDict } from '../../src/formats/state-dict.ts';
import { readZip } from '../../src/formats/zip.ts';
import { archive, bytesOf, indexOf, pickleBytes, smallStateDict, u32 } from './helpers.ts';

function expectSame(a: StateDict, b: StateDict): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, t] of a) {
    expect(b.get(k)!.shape).toEqual(t.shape);
    expect(b.get(k)!.data).toEqual(t.data);
  }
}

/** A torch.save-like archive for `sd`, with extra or replaced records. */
function craft(sd: StateDict, extra: [string, Uint8Array | string][] = [], folder = 'archive'): Uint8Array {
  const pickle = writeStateDictPickle([...sd].map(([key, t]) => ({ key, shape: t.shape })));
  return archive([['data.pkl', pickle], ...[...sd.values()].map((t, i): [string, Uint8Array] => [`data/${i}`, bytesOf(t.data)]), ['version', '3\n'], ...extra], folder);
}

describe('pth round trip', () => {
  it('reads back what it writes', () => {
    const sd = smallStateDict();
    expectSame(sd, readPth(writePth(sd), 'x.pth'));
  });
  it('writes the records torch.save writes, in its order, 64-byte aligned', () => {
    const entries = readZip(writePth(smallStateDict(), 'model'));
    expect(entries.map((e) => e.name)).toEqual([
      'model/data.pkl', 'model/byteorder', 'model/data/0', 'model/data/1', 'model/data/2', 'model/data/3', 'model/version', 'model/.data/serialization_id',
    ]);
    expect(new TextDecoder().decode(entries[1].data)).toBe('little');
    expect(new TextDecoder().decode(entries[6].data)).toBe('3\n');
    expect(new TextDecoder().decode(entries[7].data)).toMatch(/^\d{40}$/);
    for (const e of entries) expect(e.data.byteOffset % 64).toBe(0);
  });
  it('knows its size without writing it, whatever the archive name', () => {
    const sd = smallStateDict();
    const tensors = [...sd].map(([key, t]) => ({ key, shape: t.shape }));
    expect(pthSize(tensors)).toBe(writePth(sd).length);
    expect(pthSize(tensors, 'archive')).toBe(writePth(sd, 'archive').length);
    expect(pthSize([])).toBe(writePth(new Map()).length);
  });

  it('is deterministic', () => {
    expect(writePth(smallStateDict())).toEqual(writePth(smallStateDict()));
  });
  it('reads a PyTorch 2.x-style archive (archive/ folder, byteorder, format and alignment records)', () => {
    const sd = smallStateDict();
    const pickle = writeStateDictPickle([...sd].map(([key, t]) => ({ key, shape: t.shape })));
    const bytes = archive([
      ['data.pkl', pickle],
      ['.format_version', '1'],
      ['.storage_alignment', '64'],
      ['byteorder', 'little'],
      ...[...sd.values()].map((t, i): [string, Uint8Array] => [`data/${i}`, bytesOf(t.data)]),
      ['version', '3\n'],
      ['.data/serialization_id', '1234567890123456789012345678901234567890'],
    ]);
    expectSame(sd, readPth(bytes, 'nexus_transformer.pth'));
  });
  it('accepts an archive without a byteorder record (PyTorch 1.13)', () => {
    const sd = smallStateDict();
    expectSame(sd, readPth(craft(sd, [], 'nexus_transformer'), 'x.pth'));
  });
});

describe('malformed .pth files', () => {
  const sd = smallStateDict();
  it('rejects an empty file', () => {
    expect(() => readPth(new Uint8Array(0), 'x.pth')).toThrow('x.pth is empty (0 bytes), so it holds no weights');
  });
  it('rejects the legacy non-zip torch format', () => {
    const legacy = pickleBytes(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.');
    expect(() => readPth(legacy, 'x.pth')).toThrow(
      'x.pth was saved with _use_new_zipfile_serialization=False, an old format this app does not read; re-save it with torch.save(model.state_dict(), path)',
    );
  });
  it('rejects a bare pickle and a text file', () => {
    expect(() => readPth(pickleBytes(0x80, 2, '}.'), 'x.pth')).toThrow('x.pth is not a PyTorch file: it is a bare pickle, not a torch.save archive');
    expect(() => readPth(new TextEncoder().encode('time,open,high\n'), 'x.pth')).toThrow('x.pth is not a PyTorch file: it is not a zip archive as torch.save writes');
  });
  it('rejects a truncated archive', () => {
    const bytes = writePth(sd);
    expect(() => readPth(bytes.subarray(0, bytes.length >> 1), 'nexus_transformer.pth')).toThrow(
      'nexus_transformer.pth is not a PyTorch file: its zip archive ends before the central directory',
    );
  });
  it('rejects a big-endian byteorder', () => {
    expect(() => readPth(craft(sd, [['byteorder', 'big']]), 'x.pth')).toThrow('x.pth was saved on a big-endian machine');
  });
  it('rejects a pickle that calls os.system', () => {
    const evil = pickleBytes(0x80, 2, 'cos\nsystem\nX', u32(2), 'ls', 0x85, 'R.');
    expect(() => readPth(archive([['data.pkl', evil], ['version', '3\n']]), 'x.pth')).toThrow('x.pth: its pickle refers to os.system');
  });
  it('rejects a half-precision tensor', () => {
    const p = craft(sd);
    const pickle = readZip(p)[0].data;
    const at = indexOf(pickle, 'FloatStorage');
    const half = pickleBytes([...pickle.subarray(0, at)], 'HalfStorage', [...pickle.subarray(at + 12)]);
    const records = readZip(p).map((e): [string, Uint8Array] => [e.name.slice('archive/'.length), e.data]);
    records[0][1] = half;
    expect(() => readPth(archive(records), 'x.pth')).toThrow("x.pth: wrong dtype: the bot's weights must be float32 (found torch.HalfStorage)");
  });
  it('rejects a missing data record', () => {
    const records = readZip(craft(sd)).map((e): [string, Uint8Array] => [e.name.slice('archive/'.length), e.data]);
    const bytes = archive(records.filter(([name]) => name !== 'data/2'));
    expect(() => readPth(bytes, 'x.pth')).toThrow(
      "x.pth: its pickle refers to tensor data record 'data/2' (for 'pos_encoder.pe'), which the archive does not contain",
    );
  });
  it('rejects a data record smaller than its storage', () => {
    const records = readZip(craft(sd)).map((e): [string, Uint8Array] => [e.name.slice('archive/'.length), e.data]);
    records[1][1] = records[1][1].subarray(0, 8);
    expect(() => readPth(archive(records), 'x.pth')).toThrow("x.pth: tensor data record 'data/0' holds 8 bytes, but its float32 storage needs 80");
  });
  it('rejects a tensor larger than its storage', () => {
    // Storage of 8 values (and a matching 32-byte record) but shape [4, 4].
    const pickle = writeStateDictPickle([{ key: 'w', shape: [4, 4] }]);
    const at = indexOf(pickle, [0x4b, 16, 0x74]); // BININT1 16 TUPLE: the storage size in the persistent id
    pickle[at + 1] = 8;
    const bytes = archive([['data.pkl', pickle], ['data/0', new Uint8Array(32)], ['version', '3\n']]);
    expect(() => readPth(bytes, 'x.pth')).toThrow("x.pth: tensor 'w' (shape [4, 4], from offset 0) needs 16 values, but its storage holds only 8");
  });
  it('rejects data records the pickle does not use', () => {
    expect(() => readPth(craft(sd, [['data/9', new Uint8Array(4)]]), 'x.pth')).toThrow('x.pth: its archive holds 5 tensor data records, but its pickle uses 4');
  });
  it('rejects a pickle that is not a state_dict', () => {
    const list = pickleBytes(0x80, 2, ']K', 1, 'a.');
    expect(() => readPth(archive([['data.pkl', list]]), 'x.pth')).toThrow('x.pth: it does not hold a state_dict');
  });
});
