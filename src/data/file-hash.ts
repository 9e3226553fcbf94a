// What the loader needs of a file's SHA-256 (the export's `data.sha256`, spec/EXPORT.md).
// The package.json `imports` entry "#file-hash" picks the platform's implementation:
// file-hash.node.ts (node:crypto) or file-hash.browser.ts (Web Crypto).

export interface FileHash {
  /** Whether `update` must see every chunk; false when the hash reads the source itself (from the first `update`, or `hex`). */
  readonly streams: boolean;
  update(chunk: Uint8Array): void;
  /** Lowercase hex; the hash must not be used afterwards. */
  hex(): Promise<string>;
}

/**
 * Up to this size a Blob (a picked File) is read whole, once: the loader parses the bytes
 * the hash digests. A larger one streams, and is hashed as it streams.
 */
export const WHOLE_FILE_LIMIT = 512 * 1024 * 1024;
