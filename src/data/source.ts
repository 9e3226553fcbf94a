// Bytes in, text out: a file as chunks (Uint8Array, Blob/File, or any async iterable of
// byte chunks such as a Node read stream), its encoding from the byte-order mark (UTF-8,
// UTF-16LE/BE; BOM-less UTF-16 by its zero bytes), and the refusal of binary content.

import { fileHash } from '#file-hash';
import { WHOLE_FILE_LIMIT } from './file-hash.ts';
import { UserError } from '../errors.ts';
import type { Encoding } from './types.ts';

export type ByteSource = Uint8Array | Blob | AsyncIterable<Uint8Array>;

/** The chunk size for a Uint8Array source: large enough to be fast, small enough for steady progress. */
const CHUNK_BYTES = 1 << 20;

/** A Blob small enough to hold, read whole (the parse and the hash then share its bytes); any other source as it is. */
export async function holdSmallBlob(source: ByteSource): Promise<ByteSource> {
  const small = typeof Blob !== 'undefined' && source instanceof Blob && source.size <= WHOLE_FILE_LIMIT;
  return small ? new Uint8Array(await source.arrayBuffer()) : source;
}

export function sourceSize(source: ByteSource): number | null {
  if (source instanceof Uint8Array) return source.length;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size;
  return null;
}

/** The bytes the encoding and binary checks look at: the first chunk holds them all (or the whole file). */
export const HEAD_BYTES = 4096;

/**
 * A source's bytes in chunks, the first one at least HEAD_BYTES long, so that what is
 * detected from it (byte-order mark, BOM-less UTF-16, binary magic) is the same however
 * the source happens to be chunked.
 */
export async function* byteChunks(source: ByteSource, chunkBytes = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  let head: Uint8Array | null = new Uint8Array(0);
  for await (const chunk of rawChunks(source, chunkBytes)) {
    if (head === null) {
      yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : concat(head, chunk);
    if (head.length >= HEAD_BYTES) {
      yield head;
      head = null;
    }
  }
  if (head !== null && head.length > 0) yield head;
}

async function* rawChunks(source: ByteSource, chunkBytes: number): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += chunkBytes) yield source.subarray(i, i + chunkBytes);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    // The browser's own stream of a File reads ahead, in chunks of its choosing: faster than slices.
    const reader = source.stream().getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) if (r.value.length > 0) yield r.value;
    } finally {
      await reader.cancel(); // a load that stopped early reads no further
    }
  } else {
    for await (const chunk of source as AsyncIterable<Uint8Array>) if (chunk.length > 0) yield chunk;
  }
}

/** a then b, in a new array. */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The SHA-256 of a whole source, as the loader records it; a re-picked or linked file is checked with it. */
export async function sha256Of(source: ByteSource): Promise<string> {
  const hash = fileHash(source);
  if (hash.streams) for await (const chunk of byteChunks(source)) hash.update(chunk);
  return hash.hex();
}

/**
 * Why a picked file is not the one a link or a run names, from their SHA-256s (names as
 * they may be shown; `detail` such as the size follows the named one's); null when it is,
 * or when the link or run names no SHA-256.
 */
export function fileMismatch(picked: { name: string; sha256: string }, named: { name: string; sha256: string | null; detail?: string },
  owner: 'link' | 'run'): string | null {
  if (named.sha256 === null || named.sha256 === picked.sha256) return null;
  const whose = owner === 'link' ? 'this link trains on' : 'this run trained on';
  const described = named.detail === undefined ? `"${named.name}"` : `"${named.name}", ${named.detail}`;
  return `"${picked.name}" is not the file ${whose}: its SHA-256 starts ${picked.sha256.slice(0, 12)}, ` +
    `the ${owner}'s (${described}) starts ${named.sha256.slice(0, 12)}`;
}

export interface EncodingGuess {
  encoding: Encoding;
  bom: boolean;
  /** Set when the encoding was inferred without a byte-order mark. */
  assumption: string | null;
}

export function detectEncoding(head: Uint8Array): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true, assumption: null };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true, assumption: null };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true, assumption: null };
  // ASCII text in UTF-16 has a zero in every other byte.
  const n = Math.min(head.length, HEAD_BYTES) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (pairs >= 8 && oddZeros > 0.4 * pairs && evenZeros < 0.05 * pairs) {
    return { encoding: 'utf-16le', bom: false, assumption: 'the file has no byte-order mark but reads as UTF-16LE text' };
  }
  if (pairs >= 8 && evenZeros > 0.4 * pairs && oddZeros < 0.05 * pairs) {
    return { encoding: 'utf-16be', bom: false, assumption: 'the file has no byte-order mark but reads as UTF-16BE text' };
  }
  return { encoding: 'utf-8', bom: false, assumption: null };
}

const MAGIC: readonly [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'this is a ZIP archive (an Excel .xlsx workbook is one): save the sheet as CSV and load that'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'this is an old Excel .xls workbook: save the sheet as CSV and load that'],
  [[0x1f, 0x8b], 'this file is gzip-compressed: decompress it (.csv.gz to .csv) and load the CSV'],
  [[0x25, 0x50, 0x44, 0x46], 'this is a PDF document, not a CSV of bars'],
];

/** Rejects well-known binary containers by their first bytes. */
export function checkMagic(head: Uint8Array): void {
  for (const [magic, message] of MAGIC) {
    if (magic.every((b, i) => head[i] === b)) throw new UserError(message);
  }
}

/** Rejects decoded text with NULs, or with more than 1% control or undecodable characters. */
export function checkText(text: string): void {
  const n = Math.min(text.length, 65_536);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) bad += n;
    else if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  if (n > 0 && bad > n * 0.01) {
    throw new UserError('this file is binary, not text: expected a CSV of bars (for example MetaTrader\'s "Export bars")');
  }
}
