// The data worker in headless Chromium: the bundled sample (a real CME Euro FX M1 file)
// loads from a Blob with progress events, the expected report and the candles the chart
// draws; noise is refused with a sentence, not a crash.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { callInPage, browserSuite } from './harness.ts';
import type { loadInWorker } from './data-page.ts';
import { SAMPLE_FILE } from '../data/helpers.ts';

type Result = Awaited<ReturnType<typeof loadInWorker>>;

browserSuite('data worker', (harness) => {
  it('loads the bundled sample with progress', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result>(page, '/tests/browser/data-page.ts', 'loadInWorker', '/sample/6EH4-XCME-M1-2024-01.csv');
    if (r.type !== 'loaded') throw new Error(`not loaded: ${r.type}`);
    expect(r.progress.length).toBeGreaterThanOrEqual(1);
    expect(r.progress.at(-1)).toBe(r.size);
    expect(r.report).toMatchObject({ format: 'generic', rows_kept: 29_996, timeframe: 'M1', header: true });
    // The page gets candles, not bars: 29,996 bars merged 8 to a candle, checked against the file itself.
    const rows = readFileSync(SAMPLE_FILE, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const first8 = rows.slice(0, 8);
    expect(r.candles.barsPerCandle).toBe(8);
    expect(r.candles.candles).toHaveLength(Math.ceil(29_996 / 8));
    expect(r.candles.candles[0]).toEqual({
      time: Date.parse(`${first8[0][0].replace(' ', 'T')}Z`) / 1000,
      open: Number(first8[0][1]),
      high: Math.max(...first8.map((x) => Number(x[2]))),
      low: Math.min(...first8.map((x) => Number(x[3]))),
      close: Number(first8[7][4]),
      volume: first8.reduce((v, x) => v + Number(x[5]), 0),
    });
    expect(r.candles.candles.at(-1)?.close).toBe(Number(rows.at(-1)![4]));
  });

  it('refuses a binary file with a sentence', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result>(page, '/tests/browser/data-page.ts', 'loadInWorker', null, true);
    expect(r.type).toBe('error');
    if (!('message' in r)) throw new Error('not an error');
    expect(r.user).toBe(true);
    expect(r.message).toMatch(/^this file is binary, not text: expected a CSV of bars/);
  });
});
