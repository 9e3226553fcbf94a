// The Python side of the benchmarks (bench/py): which interpreter has the packages (Debian's
// /usr/bin/python3 here, with torch 1.13 and pandas; plain python3 on the GPU machine), and
// running a script that prints one JSON object.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { benchPath } from './paths.ts';

const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
const found = new Map<string, string | null>();

/** The first interpreter that imports every module, or null. */
export function pythonWith(...modules: string[]): string | null {
  const key = modules.join(',');
  if (!found.has(key)) {
    const ok = candidates.find((p) => (p.includes('/') ? existsSync(p) : true) &&
      spawnSync(p, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' }).status === 0);
    found.set(key, ok ?? null);
  }
  return found.get(key)!;
}

export function pyScript(name: string): string {
  return benchPath('py', name);
}

/** Runs `python script args`, parses its stdout as JSON; rejects with its stderr's end. */
export function runPythonJson<T>(python: string, script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script} ${signal ? `was stopped (${signal}, over ${timeoutMs / 1000} s)` : `exited with ${code}`}: ${err.trim().split('\n').slice(-3).join(' ')}`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${out.slice(-300)}`));
      }
    });
  });
}
