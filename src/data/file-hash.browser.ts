// A file's SHA-256 (the export's `data.sha256`, spec/EXPORT.md) in the browser: Web Crypto,
// native and off the JavaScript thread, over the whole file read at once (digest() cannot
// be fed in chunks). Without Web Crypto (a page served over plain http from another
// machine) the streaming JavaScript SHA-256 does it. Node's twin is file-hash.node.ts.

import type { FileHash } from './file-hash.node.ts';
import { Sha256 } from './sha256.ts';
import type { ByteSource } from './source.ts';

export type { FileHash };

async function digestHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fileHash(source: ByteSource): FileHash {
  if (globalThis.crypto?.subtle === undefined) {
    const hash = new Sha256();
    return { streams: true, update: (chunk) => void hash.update(chunk), hex: async () => hash.hex() };
  }
  if (source instanceof Uint8Array || source instanceof Blob) {
    // Started by the first chunk (so a file refused at once is never read whole), it runs
    // while the loader parses the rest.
    let digest: Promise<string> | null = null;
    const start = () => (digest ??= source instanceof Blob
      ? source.arrayBuffer().then((b) => digestHex(new Uint8Array(b)))
      : digestHex(source as Uint8Array<ArrayBuffer>));
    return { streams: false, update: () => void start(), hex: start };
  }
  // A stream of chunks (not a source the app has): kept until the end, then digested whole.
  const chunks: Uint8Array[] = [];
  return {
    streams: true,
    update: (chunk) => void chunks.push(chunk),
    hex: () => {
      const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((at, c) => (whole.set(c, at), at + c.length), 0);
      return digestHex(whole);
    },
  };
}
