// A file's SHA-256 in the browser: Web Crypto, native, over the whole file at once
// (digest() cannot be fed in chunks; Chromium computes it on the calling thread, about
// 1.5 ms per MB here). A file too large to hold, or a page without Web Crypto (plain http
// from another host), gets the streaming JavaScript SHA-256 instead: slower, in constant memory.

import { WHOLE_FILE_LIMIT, type FileHash } from './file-hash.ts';
import { Sha256 } from './sha256.ts';
import type { ByteSource } from './source.ts';

async function digestHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fileHash(source: ByteSource): FileHash {
  const whole = source instanceof Uint8Array || (source instanceof Blob && source.size <= WHOLE_FILE_LIMIT);
  if (globalThis.crypto?.subtle === undefined || !whole) {
    const hash = new Sha256();
    return { streams: true, update: (chunk) => void hash.update(chunk), hex: async () => hash.hex() };
  }
  // Started by the first chunk that passes the loader's first checks, so that a refused file
  // is never hashed; where the digest runs off the calling thread, it overlaps the parse.
  let digest: Promise<string> | null = null;
  const start = () => {
    if (digest === null) {
      digest = source instanceof Blob
        ? source.arrayBuffer().then((b) => digestHex(new Uint8Array(b)))
        : digestHex(source as Uint8Array<ArrayBuffer>);
      digest.catch(() => {}); // a load that failed meanwhile never asks; whoever asks still gets the error
    }
    return digest;
  };
  return { streams: false, update: () => void start(), hex: start };
}
