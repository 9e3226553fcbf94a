// Running the bot's side in tests: Debian's PyTorch lives at /usr/bin/python3, not the
// `python3` first on PATH. Tests that need it are skipped (with the reason) where absent;
// in CI, which installs it, a missing one fails instead.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const python = '/usr/bin/python3';

/** Whether /usr/bin/python3 can import every module in `modules`. */
export function pythonHas(...modules: string[]): boolean {
  return spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' }).status === 0;
}

export const hasTorch: boolean = pythonHas('torch');

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

/** Runs `script IN.json OUT.json` with `input` as IN and returns OUT parsed. */
export function runPythonJson<T>(script: string, input: unknown): T {
  const dir = tempDir('nexus-py-');
  try {
    const inPath = join(dir, 'in.json');
    const outPath = join(dir, 'out.json');
    writeFileSync(inPath, JSON.stringify(input));
    runPython(script, [inPath, outPath]);
    return JSON.parse(readFileSync(outPath, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function tempDir(prefix = 'nexus-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
