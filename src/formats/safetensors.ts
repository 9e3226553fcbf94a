// The safetensors format (https://github.com/huggingface/safetensors#format): an 8-byte
// little-endian header length, a JSON header {key: {dtype, shape, data_offsets}, __metadata__},
// then the raw data. Float32 only; every size is checked before anything is allocated.

import { UserError } from '../errors.ts';
import { numel } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

const LENGTH_BYTES = 8;
const HEADER_ALIGNMENT = 8; // the header is padded with spaces so the data starts 8-byte aligned
const MAX_HEADER_BYTES = 100_000_000; // the reference implementation's limit
const METADATA_KEY = '__metadata__';
const SPACE = 0x20;

export interface Safetensors {
  tensors: StateDict;
  metadata: Record<string, string>;
}

/** Writes the tensors in state_dict order, data packed back to back, and the metadata string map. */
export function writeSafetensors(sd: StateDict, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [key, t] of sd) {
    if (key === METADATA_KEY) throw new Error(`${METADATA_KEY} cannot be a tensor name`);
    if (t.data.length !== numel(t.shape)) throw new Error(`${key}: ${t.data.length} values for shape [${t.shape}]`);
    header[key] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  if (metadata !== undefined) header[METADATA_KEY] = metadata;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;

  const out = new Uint8Array(LENGTH_BYTES + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, LENGTH_BYTES);
  out.fill(SPACE, LENGTH_BYTES + json.length, LENGTH_BYTES + headerBytes);
  let p = LENGTH_BYTES + headerBytes;
  for (const t of sd.values()) {
    // Typed arrays are little-endian on every platform we run on, as safetensors requires.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}

interface Placed {
  key: string;
  shape: number[];
  start: number;
  end: number;
}

/** Reads a float32 safetensors file; tensors come back in data-offset order. */
export function readSafetensors(bytes: Uint8Array, fileName = 'this file'): Safetensors {
  const fail = (detail: string): never => {
    throw new UserError(`${fileName} is not a valid safetensors file: ${detail}`);
  };
  if (bytes.length === 0) throw new UserError(`${fileName} is empty (0 bytes), so it holds no weights`);
  if (bytes.length < LENGTH_BYTES) fail(`it is only ${bytes.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`its header length (${headerLength} bytes) is over the 100 MB limit`);
  const headerBytes = Number(headerLength);
  if (LENGTH_BYTES + headerBytes > bytes.length) {
    fail(`its header length (${headerBytes} bytes) is larger than the ${bytes.length - LENGTH_BYTES} bytes that follow it`);
  }

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + headerBytes)));
  } catch {
    return fail('its header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('its header is not a JSON object');

  const dataStart = LENGTH_BYTES + headerBytes;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const placed: Placed[] = [];
  for (const [key, entry] of Object.entries(header as Record<string, unknown>)) {
    if (key === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`its ${METADATA_KEY} is not a JSON object`);
      for (const [name, value] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`its metadata value '${name}' is not a string`);
        metadata[name] = value as string;
      }
      continue;
    }
    placed.push(parseEntry(key, entry, dataLength, fail));
  }

  // The tensors must tile the data exactly: no overlaps (aliasing) and no holes, as the spec says.
  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  let cursor = 0;
  for (const t of placed) {
    if (t.start < cursor) fail(`tensor '${t.key}' overlaps the tensor before it (bytes ${t.start}..${t.end})`);
    if (t.start > cursor) fail(`its data has a hole at bytes ${cursor}..${t.start}, before tensor '${t.key}'`);
    cursor = t.end;
  }
  if (cursor !== dataLength) fail(`its data has ${dataLength - cursor} bytes after the last tensor`);

  const tensors: StateDict = new Map();
  for (const t of placed) {
    // slice() copies into a fresh, 4-byte aligned buffer.
    tensors.set(t.key, { shape: t.shape, data: new Float32Array(bytes.slice(dataStart + t.start, dataStart + t.end).buffer) });
  }
  return { tensors, metadata };
}

function parseEntry(key: string, entry: unknown, dataLength: number, fail: (detail: string) => never): Placed {
  if (typeof entry !== 'object' || entry === null) return fail(`tensor '${key}' is not described by a JSON object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (dtype !== 'F32') {
    return fail(`tensor '${key}' has dtype ${typeof dtype === 'string' ? dtype : 'missing'}; the bot's weights must be float32 (F32)`);
  }
  const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isIndex)) return fail(`tensor '${key}' has a shape that is not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(`tensor '${key}' has data_offsets that are not two byte positions`);
  }
  const [start, end] = offsets as [number, number];
  if (start > end || end > dataLength) {
    fail(`tensor '${key}' has data_offsets [${start}, ${end}] outside the ${dataLength} bytes of data`);
  }
  // numel can be astronomically large for a lying shape; compare in bytes without allocating.
  const bytesNeeded = numel(shape as number[]) * 4;
  if (bytesNeeded !== end - start) {
    fail(`tensor '${key}' has ${end - start} bytes of data, but its shape [${(shape as number[]).join(', ')}] needs ${bytesNeeded}`);
  }
  return { key, shape: [...(shape as number[])], start, end };
}
