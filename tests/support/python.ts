// Running the bot's side in tests: Debian's PyTorch lives at /usr/bin/python3, not the
// `python3` first on PATH. Tests that need it are skipped (with the reason) where absent.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const python = '/usr/bin/python3';

export const hasTorch: boolean = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

// CI installs PyTorch: there a missing one is a failure, not a reason to skip.
if (process.env.CI && !hasTorch) throw new Error(`CI needs PyTorch at ${python} (apt-get install python3-torch)`);

/** Runs a Python script with arguments; returns stdout, throws with stderr on failure. */
export function runPython(script: string, args: string[]): string {
  try {
    return execFileSync(python, [script, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${script} failed: ${err.stderr ?? err.message}`);
  }
}

export function tempDir(prefix = 'nexus-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
