import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/formats/crc32.ts';
import { readZip, writeZip } from '../../src/formats/zip.ts';
import { indexOf } from './helpers.ts';

const enc = new TextEncoder();
const entries = [
  { name: 'a/data.pkl', data: enc.encode('pickle bytes') },
  { name: 'a/data/0', data: new Uint8Array(37).map((_, i) => i) },
  { name: 'a/empty', data: new Uint8Array(0) },
  { name: 'a/version', data: enc.encode('3\n') },
];

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('zip round trip', () => {
  const zip = writeZip(entries);
  it('reads back every entry, in order, as views into the buffer', () => {
    const back = readZip(zip);
    expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    back.forEach((e, i) => {
      expect([...e.data]).toEqual([...entries[i].data]);
      expect(e.data.buffer).toBe(zip.buffer);
    });
  });
  it('starts every entry 64-byte aligned, as PyTorch does', () => {
    for (const e of readZip(zip)) expect(e.data.byteOffset % 64).toBe(0);
  });
  it('follows a zip64 end record when the classic one is saturated', () => {
    const body = zip.subarray(0, zip.length - 22);
    const classic = new DataView(zip.buffer, zip.length - 22);
    const out = new Uint8Array(body.length + 56 + 20 + 22);
    out.set(body);
    const v = new DataView(out.buffer);
    const z64 = body.length;
    v.setUint32(z64, 0x06064b50, true);
    v.setBigUint64(z64 + 4, 44n, true);
    v.setBigUint64(z64 + 24, BigInt(classic.getUint16(10, true)), true);
    v.setBigUint64(z64 + 32, BigInt(classic.getUint16(10, true)), true);
    v.setBigUint64(z64 + 40, BigInt(classic.getUint32(12, true)), true);
    v.setBigUint64(z64 + 48, BigInt(classic.getUint32(16, true)), true);
    v.setUint32(z64 + 56, 0x07064b50, true);
    v.setBigUint64(z64 + 64, BigInt(z64), true);
    v.setUint32(z64 + 72, 1, true);
    const end = z64 + 76;
    v.setUint32(end, 0x06054b50, true);
    v.setUint16(end + 8, 0xffff, true);
    v.setUint16(end + 10, 0xffff, true);
    v.setUint32(end + 12, 0xffffffff, true);
    v.setUint32(end + 16, 0xffffffff, true);
    expect(readZip(out).map((e) => e.name)).toEqual(entries.map((e) => e.name));
  });
  it('accepts a trailing archive comment', () => {
    const withComment = new Uint8Array(zip.length + 5);
    withComment.set(zip);
    withComment.set(enc.encode('hello'), zip.length);
    new DataView(withComment.buffer).setUint16(zip.length - 2, 5, true);
    expect(readZip(withComment).length).toBe(4);
  });
});

describe('malformed zip archives', () => {
  const ctx = 'x.pth is not a PyTorch file';
  const zip = () => writeZip(entries);
  const eocd = (z: Uint8Array) => z.length - 22;
  const central = (z: Uint8Array) => indexOf(z, [0x50, 0x4b, 0x01, 0x02]);

  it('rejects an archive cut in the middle', () => {
    const z = zip();
    expect(() => readZip(z.subarray(0, z.length >> 1), ctx)).toThrow(
      'x.pth is not a PyTorch file: its zip archive ends before the central directory',
    );
  });
  it('rejects an end record that points past the end', () => {
    const z = zip();
    new DataView(z.buffer).setUint32(eocd(z) + 16, z.length + 1000, true);
    expect(() => readZip(z, ctx)).toThrow(/its central directory \(bytes \d+\.\.\d+\) lies past the end of the file/);
  });
  it('rejects a central directory whose size lies', () => {
    const z = zip();
    new DataView(z.buffer).setUint32(central(z) + 24, 1_000_000, true);
    new DataView(z.buffer).setUint32(central(z) + 20, 1_000_000, true);
    expect(() => readZip(z, ctx)).toThrow("record 'a/data.pkl' claims 1000000 bytes at byte 64, past the end of the file");
  });
  it('rejects a local header whose size disagrees with the central directory', () => {
    const z = zip();
    new DataView(z.buffer).setUint32(22, 5, true); // first local header's uncompressed size
    expect(() => readZip(z, ctx)).toThrow("record 'a/data.pkl' claims 5 bytes in its entry header but 12 in the central directory");
  });
  it('rejects a CRC mismatch', () => {
    const z = zip();
    z[64] ^= 0xff; // first byte of the first entry's data
    expect(() => readZip(z, ctx)).toThrow("record 'a/data.pkl' is corrupted (its CRC-32 checksum does not match)");
  });
  it('rejects a deflate-compressed entry', () => {
    const z = zip();
    new DataView(z.buffer).setUint16(central(z) + 10, 8, true);
    expect(() => readZip(z, ctx)).toThrow("record 'a/data.pkl' is compressed (deflate); PyTorch stores records uncompressed");
  });
  it('rejects an entry offset that points at no header', () => {
    const z = zip();
    new DataView(z.buffer).setUint32(central(z) + 42, 3, true);
    expect(() => readZip(z, ctx)).toThrow("record 'a/data.pkl' points to byte 3, where there is no zip entry header");
  });
  it('rejects a record count the central directory cannot hold', () => {
    const z = zip();
    new DataView(z.buffer).setUint16(eocd(z) + 10, 500, true);
    expect(() => readZip(z, ctx)).toThrow('its central directory is too small for the 500 records it announces');
  });
});
