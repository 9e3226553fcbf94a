// A file's SHA-256 in Node: node:crypto, fed chunk by chunk as the loader streams the file.

import { createHash } from 'node:crypto';
import type { FileHash } from './file-hash.ts';
import type { ByteSource } from './source.ts';

export function fileHash(_source: ByteSource): FileHash {
  const hash = createHash('sha256');
  return {
    streams: true,
    update: (chunk) => void hash.update(chunk),
    hex: async () => hash.digest('hex'),
  };
}
