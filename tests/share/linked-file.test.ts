// A link's local file: the picked file is accepted only when it hashes to the link's
// SHA-256, and the refusal names both files by the start of their hashes.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkLinkedFile } from '../../src/share/linked-file.ts';

const bytes = new TextEncoder().encode('time,open,high,low,close\n2024-01-02 00:00,1,2,0.5,1.5\n');
const sha = createHash('sha256').update(bytes).digest('hex');

describe('checkLinkedFile', () => {
  it('accepts the file with the link\'s SHA-256, whatever it is called now', async () => {
    expect(await checkLinkedFile({ name: 'bars.csv', sha256: sha }, new Blob([bytes]), 'renamed.csv')).toEqual({ sha256: sha });
  });

  it('accepts any file when the link has no SHA-256, and still hashes it for the link', async () => {
    expect(await checkLinkedFile({ name: 'bars.csv', sha256: null }, new Blob([bytes]), 'other.csv')).toEqual({ sha256: sha });
  });

  it('refuses another file with a sentence naming both hashes, quoting names as text', async () => {
    const wanted = { name: 'bars\u202e.csv', sha256: 'ab'.repeat(32) };
    const check = await checkLinkedFile(wanted, new Blob([bytes]), '<b>other</b>.csv');
    expect(check).toEqual({
      sha256: sha,
      problem: `"<b>other</b>.csv" is not the file this link trains on: its SHA-256 starts ${sha.slice(0, 12)}, the link's ("bars\uFFFD.csv") starts abababababab`,
    });
  });
});
