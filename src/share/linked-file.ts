// A link that trains on a local file names it and its SHA-256 (`file=...&sha256=...`); the
// file cannot travel in the link, so the user picks it, and it must hash to the link's
// SHA-256 before the link's settings are applied to it.

import { fileMismatch, sha256Of } from '../data/source.ts';
import { shown } from './query.ts';

export interface LinkedFile {
  name: string;
  sha256: string | null;
}

export interface FileCheck {
  sha256: string;
  /** Why the picked file is not the one the link names; absent when it is. */
  problem?: string;
}

/** Hashes the picked file and compares it with the link's SHA-256 (a link without one accepts any file). */
export async function checkLinkedFile(wanted: LinkedFile, file: Blob, fileName: string): Promise<FileCheck> {
  const sha256 = await sha256Of(file);
  const problem = fileMismatch({ name: shown(fileName), sha256 }, { name: shown(wanted.name), sha256: wanted.sha256 }, 'link');
  return problem === null ? { sha256 } : { sha256, problem };
}
