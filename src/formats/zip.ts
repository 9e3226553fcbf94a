// The zip subset torch.save uses (PyTorchStreamWriter over miniz): STORED entries whose data
// start 64-byte aligned thanks to a padding extra field, central directory, end record.
// Spec: APPNOTE.TXT, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT

import { UserError } from '../errors.ts';
import { crc32 } from './crc32.ts';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

// Record signatures (APPNOTE 4.3.7, 4.3.12, 4.3.14, 4.3.15, 4.3.16).
const LOCAL_HEADER_SIG = 0x04034b50;
const CENTRAL_HEADER_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const MAX_COMMENT = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
// PyTorch's padding extra field: id "FB", then that many 'Z' bytes (caffe2/serialize/inline_container.cc).
const PAD_EXTRA_ID = 0x4246;
const PAD_BYTE = 0x5a;
const ALIGNMENT = 64;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const VERSION_NEEDED = 20; // 2.0: plain stored entries, no zip64
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

const METHOD_NAMES: Record<number, string> = { 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd' };

/** Where each entry's local header goes and how much padding aligns its data; then the central directory. */
function layout(names: readonly Uint8Array[], lengths: readonly number[]) {
  const headerOffsets: number[] = [];
  const paddings: number[] = [];
  let cursor = 0;
  names.forEach((name, i) => {
    headerOffsets.push(cursor);
    const unpadded = cursor + LOCAL_HEADER_SIZE + name.length + 4;
    const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
    paddings.push(padding);
    cursor = unpadded + padding + lengths[i];
  });
  const centralOffset = cursor;
  const centralSize = names.reduce((n, name) => n + CENTRAL_HEADER_SIZE + name.length, 0);
  return { headerOffsets, paddings, centralOffset, centralSize, total: centralOffset + centralSize + EOCD_SIZE };
}

/** The size writeZip gives entries of these names and data lengths, without writing them. */
export function zipSize(entries: readonly { name: string; length: number }[]): number {
  const encoder = new TextEncoder();
  return layout(entries.map((e) => encoder.encode(e.name)), entries.map((e) => e.length)).total;
}

/** Writes a zip archive of STORED entries, each entry's data 64-byte aligned as torch.save does. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  // Layout first: where each local header and its data go, then the central directory.
  const { headerOffsets, paddings, centralOffset, centralSize, total } = layout(names, entries.map((e) => e.data.length));
  if (total > U32_MAX || entries.length > U16_MAX) {
    throw new UserError(`the export would be ${total} bytes in ${entries.length} records, more than a zip archive without zip64 can hold (4 GiB, 65535 records)`);
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const crcs = entries.map((e) => crc32(e.data));
  entries.forEach((entry, i) => {
    let p = headerOffsets[i];
    view.setUint32(p, LOCAL_HEADER_SIG, true);
    view.setUint16(p + 4, VERSION_NEEDED, true);
    view.setUint16(p + 6, FLAG_UTF8, true);
    view.setUint16(p + 8, METHOD_STORED, true);
    // p+10, p+12: DOS time and date left 0, as PyTorch writes them (reproducible files).
    view.setUint32(p + 14, crcs[i], true);
    view.setUint32(p + 18, entry.data.length, true);
    view.setUint32(p + 22, entry.data.length, true);
    view.setUint16(p + 26, names[i].length, true);
    view.setUint16(p + 28, 4 + paddings[i], true);
    p += LOCAL_HEADER_SIZE;
    out.set(names[i], p);
    p += names[i].length;
    view.setUint16(p, PAD_EXTRA_ID, true);
    view.setUint16(p + 2, paddings[i], true);
    out.fill(PAD_BYTE, p + 4, p + 4 + paddings[i]);
    out.set(entry.data, p + 4 + paddings[i]);
  });
  let p = centralOffset;
  entries.forEach((entry, i) => {
    view.setUint32(p, CENTRAL_HEADER_SIG, true);
    view.setUint16(p + 4, VERSION_NEEDED, true); // made by: MS-DOS, 2.0
    view.setUint16(p + 6, VERSION_NEEDED, true);
    view.setUint16(p + 8, FLAG_UTF8, true);
    view.setUint16(p + 10, METHOD_STORED, true);
    view.setUint32(p + 16, crcs[i], true);
    view.setUint32(p + 20, entry.data.length, true);
    view.setUint32(p + 24, entry.data.length, true);
    view.setUint16(p + 28, names[i].length, true);
    // extra, comment, disk, attributes: 0; the padding lives only in the local header.
    view.setUint32(p + 42, headerOffsets[i], true);
    out.set(names[i], p + CENTRAL_HEADER_SIZE);
    p += CENTRAL_HEADER_SIZE + names[i].length;
  });
  view.setUint32(p, EOCD_SIG, true);
  view.setUint16(p + 8, entries.length, true);
  view.setUint16(p + 10, entries.length, true);
  view.setUint32(p + 12, centralSize, true);
  view.setUint32(p + 16, centralOffset, true);
  return out;
}

/**
 * Reads a zip archive of STORED entries, in central-directory order, as views into `bytes`.
 * Every offset and size is checked against the buffer before use; `context` starts each
 * error sentence, e.g. "nexus_transformer.pth is not a PyTorch file".
 */
export function readZip(bytes: Uint8Array, context = 'this file is not a valid zip archive'): ZipEntry[] {
  const fail = (detail: string): never => {
    throw new UserError(`${context}: ${detail}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  const u64 = (at: number, what: string): number => {
    const hi = view.getUint32(at + 4, true);
    if (hi > 0x1fffff) fail(`its ${what} is larger than any file this app can read`);
    return hi * 2 ** 32 + view.getUint32(at, true);
  };

  const eocd = findEndRecord(view);
  if (eocd < 0) fail('its zip archive ends before the central directory (the file is truncated or not a zip archive)');
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    fail('it is a multi-part (spanned) zip archive, which PyTorch never writes');
  }
  let count = view.getUint16(eocd + 10, true);
  let centralSize = view.getUint32(eocd + 12, true);
  let centralOffset = view.getUint32(eocd + 16, true);
  if (count === U16_MAX || centralSize === U32_MAX || centralOffset === U32_MAX) {
    // Zip64: the real values sit in the zip64 end record, found through its locator.
    const locator = eocd - ZIP64_LOCATOR_SIZE;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIG) fail('its zip64 end record is missing');
    const record = u64(locator + 8, 'zip64 end record offset');
    if (record + ZIP64_EOCD_SIZE > locator || view.getUint32(record, true) !== ZIP64_EOCD_SIG) {
      fail(`its zip64 end record at byte ${record} is missing or lies past the end of the file (${len} bytes)`);
    }
    count = u64(record + 32, 'record count');
    centralSize = u64(record + 40, 'central directory size');
    centralOffset = u64(record + 48, 'central directory offset');
  }
  if (centralOffset + centralSize > eocd) {
    fail(`its central directory (bytes ${centralOffset}..${centralOffset + centralSize}) lies past the end of the file (${len} bytes)`);
  }
  // Each entry needs at least a central header, so a lying count cannot make us loop long.
  if (count * CENTRAL_HEADER_SIZE > centralSize) fail(`its central directory is too small for the ${count} records it announces`);

  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  const centralEnd = centralOffset + centralSize;
  let p = centralOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_HEADER_SIZE > centralEnd || view.getUint32(p, true) !== CENTRAL_HEADER_SIG) {
      fail(`its central directory is damaged at record ${i + 1} of ${count}`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressed = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    if (next > centralEnd) fail(`its central directory is damaged at record ${i + 1} of ${count}`);
    const name = decoder.decode(bytes.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen));
    // Zip64 extra field: the saturated fields follow in order size, compressed size, offset.
    let q = p + CENTRAL_HEADER_SIZE + nameLen;
    const extraEnd = q + extraLen;
    while (q + 4 <= extraEnd) {
      const id = view.getUint16(q, true);
      const fieldEnd = q + 4 + view.getUint16(q + 2, true);
      if (fieldEnd > extraEnd) fail(`record '${name}' has a damaged extra field`);
      if (id === ZIP64_EXTRA_ID) {
        let f = q + 4;
        const take = (): number => {
          if (f + 8 > fieldEnd) fail(`record '${name}' has a damaged zip64 field`);
          f += 8;
          return u64(f - 8, `record '${name}' size`);
        };
        if (size === U32_MAX) size = take();
        if (compressed === U32_MAX) compressed = take();
        if (localOffset === U32_MAX) localOffset = take();
      }
      q = fieldEnd;
    }
    if (flags & FLAG_ENCRYPTED) fail(`record '${name}' is encrypted`);
    if (method !== METHOD_STORED) {
      const label = METHOD_NAMES[method] ?? `method ${method}`;
      fail(`record '${name}' is compressed (${label}); PyTorch stores records uncompressed, so the archive was re-packed by another tool`);
    }
    if (compressed !== size) fail(`record '${name}' is stored but claims ${compressed} stored bytes for ${size} bytes of data`);
    if (seen.has(name)) fail(`record '${name}' appears twice`);
    seen.add(name);

    // The local header repeats name and sizes; its own name and extra lengths place the data.
    if (localOffset + LOCAL_HEADER_SIZE > len || view.getUint32(localOffset, true) !== LOCAL_HEADER_SIG) {
      fail(`record '${name}' points to byte ${localOffset}, where there is no zip entry header`);
    }
    const dataStart = localOffset + LOCAL_HEADER_SIZE + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + size > len) {
      fail(`record '${name}' claims ${size} bytes at byte ${dataStart}, past the end of the file (${len} bytes)`);
    }
    if (!(flags & FLAG_DATA_DESCRIPTOR)) {
      // Without a data descriptor the local sizes must agree (0xFFFFFFFF defers to zip64).
      const localSize = view.getUint32(localOffset + 22, true);
      if (localSize !== size && localSize !== U32_MAX) {
        fail(`record '${name}' claims ${localSize} bytes in its entry header but ${size} in the central directory`);
      }
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    if (crc32(data) !== crc) fail(`record '${name}' is corrupted (its CRC-32 checksum does not match)`);
    entries.push({ name, data });
    p = next;
  }
  return entries;
}

/** Offset of the end-of-central-directory record, searching back over at most a 64 KiB comment; -1 if none. */
function findEndRecord(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let p = last; p >= first; p--) {
    if (view.getUint32(p, true) === EOCD_SIG && p + EOCD_SIZE + view.getUint16(p + 20, true) <= view.byteLength) return p;
  }
  return -1;
}
