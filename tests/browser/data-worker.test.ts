// The data worker in headless Chromium: the bundled sample (a real CME Euro FX M1 file)
// loads from a Blob with progress events and the expected report; noise is refused
// with a sentence, not a crash.

import { expect, it } from 'vitest';
import { callInPage, browserSuite } from './harness.ts';
import type { loadInWorker } from './data-page.ts';

type Result = Awaited<ReturnType<typeof loadInWorker>>;

browserSuite('data worker', (harness) => {
  it('loads the bundled sample with progress', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result>(page, '/tests/browser/data-page.ts', 'loadInWorker', '/sample/6EH4-XCME-M1-2024-01.csv');
    expect(r.type).toBe('loaded');
    if (!('report' in r)) throw new Error('not loaded');
    expect(r.progress.length).toBeGreaterThanOrEqual(1);
    expect(r.progress.at(-1)).toBe(r.size);
    expect(r.report).toMatchObject({ format: 'generic', rows_kept: 29_996, timeframe: 'M1', header: true });
    expect(r.bars).toBe(29_996);
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
