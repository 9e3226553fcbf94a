// Deterministic synthetic M1 bars for the data benchmark: a seeded random walk written as
// the generic CSV layout of spec/DATA.md §1 (`timestamp,open,high,low,close,volume`),
// generated once per size into bench/cache/ (gitignored), where Vite can serve it too.

import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/random.ts';
import { benchPath } from './paths.ts';

export const cacheDir = benchPath('cache');

/** The file for `bars` bars, generated if missing; its path relative to the repo root is `bench/cache/<name>`. */
export async function syntheticCsv(bars: number): Promise<{ path: string; name: string }> {
  const name = `synthetic-M1-${bars}.csv`;
  const path = join(cacheDir, name);
  if (existsSync(path)) return { path, name };
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${path}.partial`; // a killed run must not leave a short file behind
  const out = createWriteStream(partial);
  const rng = new Rng(20240102);
  const start = Date.UTC(2024, 0, 2);
  let close = 1.1;
  const chunk: string[] = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < bars; i++) {
    // EUR/USD-like: about 0.8 bp per minute, open one tick from the previous close.
    const open = close + (rng.next() - 0.5) * 2e-5;
    const c = open * Math.exp((rng.next() + rng.next() + rng.next() - 1.5) * 1.6e-4);
    const high = Math.max(open, c) + rng.next() * 6e-5;
    const low = Math.min(open, c) - rng.next() * 6e-5;
    const volume = 1 + Math.floor(rng.next() * 400);
    const time = new Date(start + i * 60_000).toISOString(); // 2024-01-02T00:00:00.000Z
    chunk.push(`${time.slice(0, 10)} ${time.slice(11, 19)},${open.toFixed(5)},${high.toFixed(5)},${low.toFixed(5)},${c.toFixed(5)},${volume}`);
    close = Number(c.toFixed(5));
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk.length = 0;
    }
  }
  out.end(chunk.length > 0 ? chunk.join('\n') + '\n' : '');
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  renameSync(partial, path);
  return { path, name };
}
