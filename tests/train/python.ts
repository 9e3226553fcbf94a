// Runs a reference script from tests/train/py with Debian's /usr/bin/python3 (which has
// torch 1.13 and numpy), passing JSON through temp files. Tests skip when it is missing.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const PY_DIR = fileURLToPath(new URL('./py', import.meta.url));

/** Whether /usr/bin/python3 can import every module in `modules`. */
export function pythonHas(...modules: string[]): boolean {
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
  return r.status === 0;
}

export function runPython<T>(script: string, input: unknown): T {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-train-'));
  try {
    const inPath = join(dir, 'in.json');
    const outPath = join(dir, 'out.json');
    writeFileSync(inPath, JSON.stringify(input));
    execFileSync(PYTHON, [join(PY_DIR, script), inPath, outPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(outPath, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
