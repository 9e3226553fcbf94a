// bot/preprocess.py, the bot's numpy twin, gives the same model inputs as the TypeScript
// code on the same file, to 1e-6; numpy also recomputes the training statistics and theta.
// Runs /usr/bin/python3 (Debian's, with numpy); skips where it is missing.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDataset, type DataSettings } from '../../src/data/dataset.ts';
import { loadBars } from '../../src/data/load.ts';
import { FIXTURES, HAS_SHARED_DATA, SAMPLE_FILE, SHARED_DATA, utf16 } from './helpers.ts';
import { pythonHas, runPython } from '../support/python.ts';

const SCRIPT = fileURLToPath(new URL('../../bot/preprocess.py', import.meta.url));
const HAS_NUMPY = pythonHas('numpy');

const work = mkdtempSync(join(tmpdir(), 'nexus-twin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function python([script, ...args]: string[]): string {
  return runPython(script, args);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const FILES: [string, string, Partial<DataSettings>][] = [
  ['the bundled sample', SAMPLE_FILE, {}],
  ['bars with a 10-level book', `${FIXTURES}orderbook-bars.csv`, { seq_len: 4, horizon: 2 }],
  ['bars with a Tardis-named book', `${FIXTURES}tardis-bars.csv`, { seq_len: 4, horizon: 2 }],
  ...(HAS_SHARED_DATA ? [['the MT5 export', `${SHARED_DATA}mt5-export_EURUSD_H1_Nils3600.csv`, {}] as [string, string, Partial<DataSettings>]] : []),
];

// numpy's view of the statistics: mean/std over bars 1..t_train_end, theta as np.quantile.
const NUMPY_STATS = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import preprocess as p
bars = p.read_bars_csv(sys.argv[2])
a, b, h = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
f = p.bar_features(bars["open"], bars["high"], bars["low"], bars["close"], bars["volume"])[1:b + 1]
c = bars["close"]
r = np.log(c[a + h:b + h + 1] / c[a:b + 1])
lr = np.log(c[1:] / c[:-1])
v = np.array([np.log(np.sqrt(np.sum(lr[t:t + h] ** 2)) + 1e-12) for t in range(a, b + 1)])
std = f.std(axis=0)
print(json.dumps({"mean": f.mean(axis=0).tolist(), "std": np.where(std == 0, 1, std).tolist(),
                  "theta": float(np.quantile(np.abs(r), 1 / 3)), "vol_mean": float(v.mean()), "vol_std": float(v.std())}))
`;

describe.skipIf(!HAS_NUMPY)('bot/preprocess.py', () => {
  it.each(FILES)('matches the TypeScript features on %s', async (_, path, settings) => {
    const { bars, report } = await loadBars(readFileSync(path));
    // The twin reads the file as written: only files the loader keeps whole and in order.
    expect([report.rows_kept, report.sorted, report.duplicates]).toEqual([report.rows_read, false, 0]);
    const ds = prepareDataset(bars, settings);
    const pre = join(work, 'export.json');
    const out = join(work, 'out.bin');
    writeFileSync(pre, JSON.stringify({ preprocessing: ds.preprocessing }));
    python([SCRIPT, path, pre, out]);
    const raw = readFileSync(out);
    const floats = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const n = bars.length;
    expect(floats.length).toBe(n * 45);
    expect(maxAbsDiff(floats.subarray(0, n * 5), ds.features)).toBeLessThanOrEqual(1e-6);
    const ob = floats.subarray(n * 5);
    expect(maxAbsDiff(ob, ds.orderBook ?? new Float32Array(n * 40))).toBeLessThanOrEqual(1e-6);
    if (ds.orderBook !== null) expect(ob.some((v) => v !== 0)).toBe(true);
  });

  it('agrees with numpy on the training statistics and theta', async () => {
    const { bars } = await loadBars(readFileSync(SAMPLE_FILE));
    const ds = prepareDataset(bars);
    const [a, b] = ds.splits.train!;
    const stats = JSON.parse(python(['-c', NUMPY_STATS, join(SCRIPT, '..'), SAMPLE_FILE, String(a), String(b), String(ds.horizon)]));
    const p = ds.preprocessing;
    for (let j = 0; j < 5; j++) {
      expect(p.mean[j]).toBeCloseTo(stats.mean[j], 12);
      expect(p.std[j] / stats.std[j]).toBeCloseTo(1, 12);
    }
    expect(p.theta / stats.theta).toBeCloseTo(1, 12);
    expect(p.vol_mean).toBeCloseTo(stats.vol_mean, 10);
    expect(p.vol_std).toBeCloseTo(stats.vol_std, 10);
  });

  it('reads a UTF-16LE MetaTrader export like the TypeScript loader', async () => {
    const text = readFileSync(`${FIXTURES}mt5-export.txt`, 'utf8');
    const path = join(work, 'mt5-utf16.csv');
    writeFileSync(path, utf16(text, 'le'));
    const { bars } = await loadBars(readFileSync(path));
    const ds = prepareDataset(bars, { seq_len: 4, horizon: 2 });
    const pre = join(work, 'mt5.json');
    writeFileSync(pre, JSON.stringify(ds.preprocessing));
    python([SCRIPT, path, pre, join(work, 'mt5.bin')]);
    const raw = readFileSync(join(work, 'mt5.bin'));
    const x = new Float32Array(raw.buffer, raw.byteOffset, bars.length * 5);
    expect(maxAbsDiff(x, ds.features)).toBeLessThanOrEqual(1e-6);
  });
});
