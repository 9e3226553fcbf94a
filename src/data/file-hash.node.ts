// A file's SHA-256 (the export's `data.sha256`, spec/EXPORT.md) in Node: node:crypto,
// fed chunk by chunk as the loader streams the file. The browser's twin is file-hash.browser.ts.

import { createHash } from 'node:crypto';
import type { ByteSource } from './source.ts';

export interface FileHash {
  /** Whether `update` must see every chunk; false when the hash reads the source itself (from the first `update`, or `hex`). */
  readonly streams: boolean;
  update(chunk: Uint8Array): void;
  /** Lowercase hex; the hash must not be used afterwards. */
  hex(): Promise<string>;
}

export function fileHash(_source: ByteSource): FileHash {
  const hash = createHash('sha256');
  return {
    streams: true,
    update: (chunk) => void hash.update(chunk),
    hex: async () => hash.digest('hex'),
  };
}
