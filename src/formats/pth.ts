// .pth files as torch.save(model.state_dict(), path) writes them: a zip archive holding
// <name>/data.pkl, <name>/data/<key> (raw float32), <name>/version (spec/EXPORT.md).
// Reads what PyTorch 1.13 and 2.x write; sizes are checked against the file before allocating.

import { UserError } from '../errors.ts';
import { crc32 } from './crc32.ts';
import { numel } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';
import { contiguousStrides, PyDict, PyTensor, unpickle, writeStateDictPickle } from './pickle.ts';
import type { PyValue } from './pickle.ts';
import { readZip, writeZip, zipSize } from './zip.ts';
import type { ZipEntry } from './zip.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4", a local file header
// The legacy (pre-1.6) format starts by pickling the magic number 0x1950a86a20f9469cfc6c as LONG1.
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const PICKLE_PROTO = 0x80;
// torch.save writes file format version 3 (caffe2/serialize/inline_container.h kProducedFileFormatVersion).
const FILE_FORMAT_VERSION = '3\n';

/** The records of a .pth in torch.save's order: data.pkl, byteorder, data/0..N-1, version, .data/serialization_id. */
function recordNames(tensors: number): string[] {
  return ['data.pkl', 'byteorder', ...Array.from({ length: tensors }, (_, i) => `data/${i}`), 'version', '.data/serialization_id'];
}

const BYTEORDER = 'little'; // typed arrays are little-endian on every platform we run on
const SERIALIZATION_ID_DIGITS = 40;

/**
 * The state_dict as torch.save writes it, records in torch's order (recordNames; PyTorch
 * 1.13 ignores the records it predates).
 */
export function writePth(sd: StateDict, archiveName = 'nexus_transformer'): Uint8Array {
  checkArchiveName(archiveName);
  const tensors = [...sd].map(([key, t]) => {
    if (t.data.length !== numel(t.shape)) throw new Error(`${key}: ${t.data.length} values for shape [${t.shape}]`);
    return { key, shape: t.shape, bytes: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  });
  const names = recordNames(tensors.length);
  const records: ZipEntry[] = [writeStateDictPickle(tensors), ascii(BYTEORDER), ...tensors.map((t) => t.bytes), ascii(FILE_FORMAT_VERSION)]
    .map((data, i) => ({ name: names[i], data }));
  records.push({ name: names[records.length], data: ascii(serializationId(records)) });
  return writeZip(records.map((r) => ({ name: `${archiveName}/${r.name}`, data: r.data })));
}

/** The size of writePth's file for tensors of these names and shapes, without writing it. */
export function pthSize(tensors: readonly { key: string; shape: readonly number[] }[], archiveName = 'nexus_transformer'): number {
  checkArchiveName(archiveName);
  const lengths = [writeStateDictPickle(tensors).length, BYTEORDER.length, ...tensors.map((t) => 4 * numel(t.shape)),
    FILE_FORMAT_VERSION.length, SERIALIZATION_ID_DIGITS];
  return zipSize(recordNames(tensors.length).map((name, i) => ({ name: `${archiveName}/${name}`, length: lengths[i] })));
}

function checkArchiveName(archiveName: string): void {
  if (archiveName === '' || archiveName.includes('/')) throw new Error(`invalid archive name '${archiveName}'`);
}

/**
 * PyTorch 2.x writes 40 decimal digits derived from the record names and contents; it only
 * identifies the checkpoint, so any stable value of that form does.
 */
function serializationId(records: readonly ZipEntry[]): string {
  const names = crc32(ascii(records.map((r) => r.name).join('\n')));
  const crcs = new Uint8Array(records.length * 4);
  const view = new DataView(crcs.buffer);
  records.forEach((r, i) => view.setUint32(4 * i, crc32(r.data), true));
  const half = SERIALIZATION_ID_DIGITS / 2;
  return String(names).padStart(half, '0') + String(crc32(crcs)).padStart(half, '0');
}

/** Reads a torch.save(state_dict) file; `fileName` starts every error sentence. */
export function readPth(bytes: Uint8Array, fileName = 'this file'): StateDict {
  const notPth = `${fileName} is not a PyTorch file`;
  if (bytes.length === 0) throw new UserError(`${fileName} is empty (0 bytes), so it holds no weights`);
  if (startsWith(bytes, LEGACY_MAGIC)) {
    throw new UserError(`${fileName} was saved with _use_new_zipfile_serialization=False, an old format this app does not read; re-save it with torch.save(model.state_dict(), path)`);
  }
  if (!startsWith(bytes, ZIP_MAGIC)) {
    if (bytes[0] === PICKLE_PROTO) throw new UserError(`${notPth}: it is a bare pickle, not a torch.save archive; re-save it with torch.save(model.state_dict(), path)`);
    if (bytes.length > 8 && bytes[8] === 0x7b && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
      throw new UserError(`${notPth}: it looks like a safetensors file; give it the .safetensors extension`);
    }
    throw new UserError(`${notPth}: it is not a zip archive as torch.save writes`);
  }

  const entries = readZip(bytes, notPth);
  // Like PyTorch's reader, the first record names the archive folder (the file's stem in 1.13,
  // 'archive' in 2.x, anything a user renamed it to).
  const slash = entries.length > 0 ? entries[0].name.indexOf('/') : -1;
  if (slash <= 0) throw new UserError(`${notPth}: its records are not inside one top-level folder`);
  const prefix = entries[0].name.slice(0, slash + 1);
  const records = new Map<string, Uint8Array>();
  for (const e of entries) if (e.name.startsWith(prefix)) records.set(e.name.slice(prefix.length), e.data);
  const pickle = records.get('data.pkl');
  if (pickle === undefined) {
    if ([...records.keys()].some((n) => n.startsWith('code/'))) {
      throw new UserError(`${fileName} is a TorchScript model (torch.jit.save); save model.state_dict() with torch.save instead`);
    }
    throw new UserError(`${notPth}: its archive has no ${prefix}data.pkl record`);
  }
  const byteorder = records.get('byteorder');
  const order = byteorder === undefined ? 'little' : new TextDecoder().decode(byteorder).trim();
  if (order === 'big') {
    throw new UserError(`${fileName} was saved on a big-endian machine; load it there and re-save it as safetensors, or save it on a little-endian (x86 or ARM) machine`);
  }
  if (order !== 'little') throw new UserError(`${notPth}: its byteorder record says '${order.slice(0, 20)}' instead of 'little' or 'big'`);

  return materialize(unpickle(pickle, fileName), records, fileName, bytes.length);
}

/** Checks the unpickled value is a flat map of float32 tensors and copies their data out. */
function materialize(value: PyValue, records: Map<string, Uint8Array>, fileName: string, fileSize: number): StateDict {
  const fail = (detail: string): never => {
    throw new UserError(`${fileName}: ${detail}`);
  };
  if (!(value instanceof PyDict)) return fail('it does not hold a state_dict (an OrderedDict of tensors); save model.state_dict() with torch.save');
  const storages = new Map<string, number>();
  for (const [key, t] of value.map) {
    if (typeof key !== 'string') fail(`it is not a state_dict: it has the key ${key}, which is not a name`);
    if (!(t instanceof PyTensor)) {
      fail(`it is not a state_dict of tensors: '${key}' holds ${t instanceof PyDict ? 'a dict' : 'a non-tensor value'}; save model.state_dict() itself with torch.save`);
    }
    const { storage } = t as PyTensor;
    const seen = storages.get(storage.key);
    if (seen !== undefined && seen !== storage.numel) fail(`tensor data record 'data/${storage.key}' is described with two different sizes`);
    storages.set(storage.key, storage.numel);
    const record = records.get(`data/${storage.key}`);
    if (record === undefined) fail(`its pickle refers to tensor data record 'data/${storage.key}' (for '${key}'), which the archive does not contain`);
    if (record!.length !== storage.numel * 4) {
      fail(`tensor data record 'data/${storage.key}' holds ${record!.length} bytes, but its float32 storage needs ${storage.numel * 4}`);
    }
  }
  const dataRecords = [...records.keys()].filter((n) => n.startsWith('data/')).length;
  if (dataRecords !== storages.size) fail(`its archive holds ${dataRecords} tensor data records, but its pickle uses ${storages.size}`);

  const sd: StateDict = new Map();
  let allocated = 0;
  for (const [key, entry] of value.map) {
    const t = entry as PyTensor; // checked above
    const n = numel(t.shape);
    // Every value read must lie inside the storage; with zero-size dims nothing is read.
    const last = t.offset + t.shape.reduce((s, d, i) => s + (d - 1) * t.stride[i], 0);
    if (n > 0 && last >= t.storage.numel) {
      fail(`tensor '${key}' (shape [${t.shape.join(', ')}], from offset ${t.offset}) needs ${last + 1} values, but its storage holds only ${t.storage.numel}`);
    }
    // Views may share or repeat a storage; never allocate more than the file could describe.
    allocated += n * 4;
    if (allocated > fileSize) fail(`its tensors would take more memory than the file's ${fileSize} bytes (expanded or shared storages)`);
    const record = records.get(`data/${t.storage.key}`) as Uint8Array;
    sd.set(key as string, { shape: [...t.shape], data: readTensor(record, t, n) });
  }
  return sd;
}

/** Copies a tensor's values out of its storage record (little-endian float32, like the host). */
function readTensor(record: Uint8Array, t: PyTensor, n: number): Float32Array {
  const strides = contiguousStrides(t.shape);
  if (t.shape.every((d, i) => d === 1 || t.stride[i] === strides[i])) {
    // slice() copies into a fresh, 4-byte aligned buffer.
    return new Float32Array(record.slice(4 * t.offset, 4 * (t.offset + n)).buffer);
  }
  // A non-contiguous view: gather it in row-major order, as tensor.contiguous() would.
  const out = new Float32Array(n);
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const index = new Array<number>(t.shape.length).fill(0);
  let src = t.offset;
  for (let i = 0; i < n; i++) {
    out[i] = view.getFloat32(4 * src, true);
    for (let k = t.shape.length - 1; k >= 0; k--) {
      index[k]++;
      src += t.stride[k];
      if (index[k] < t.shape[k]) break;
      src -= t.stride[k] * t.shape[k];
      index[k] = 0;
    }
  }
  return out;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
