// The run store in headless Chromium, on real IndexedDB and Web Locks: runs and checkpoints
// saved, listed, loaded, pruned and deleted; a checkpoint the quota refuses leaves nothing
// half-written; a CSV is stored once by hash; a run whose tab is gone is listed interrupted.

import { expect, it } from 'vitest';
import { browserSuite, callInPage } from './harness.ts';
import type * as StorePage from './store-page.ts';

const PAGE = '/tests/browser/store-page.ts';
type Result<K extends keyof typeof StorePage> = Awaited<ReturnType<(typeof StorePage)[K]>>;

browserSuite('run store', (harness) => {
  it('saves, lists, loads, prunes and deletes runs and checkpoints', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'saveLoadList'>>(page, PAGE, 'saveLoadList', 'store-basic');
    // five saved, K = 3 kept plus the best (epoch 2), which took the flag from epoch 1's
    expect(r.refs.map((c) => [c.id, c.reason, c.best])).toEqual([[2, 'best', true], [3, 'periodic', false], [4, 'periodic', false], [5, 'pause', false]]);
    expect(r.refs.at(-1)!.mid_epoch).toBe(true);
    expect(r.refs[0].bytes).toBe(3 * (40 + 8 + 24) * 4);
    expect(r.metrics).toEqual([1, 2]);
    expect(r.latestEqual).toBe(true);
    expect(r.latestPosition).toEqual({ order_rng: [9, 9, 9, 9], step_in_epoch: 3, loss_sum: 2.5, samples: 48 });
    expect(r.bestEqual).toBe(true);
    expect(r.storedAsArrayBuffer).toBe(true);
    expect(r.pruned?.message).toBe('checkpoint 1 of run run-a is not in the browser storage: it may have been deleted');
    expect(r.afterDelete).toEqual([2, 3, 5]);
    expect(r.listed).toEqual([{ id: 'run-a', status: 'running' }]); // this tab held the lock
    expect(r.damaged).toEqual([]);
    expect(r.afterDeleteRun).toEqual([]);
  });

  it('keeps the previous checkpoint intact when the quota refuses a new one', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'refusedCheckpoint'>>(page, PAGE, 'refusedCheckpoint', 'store-quota');
    expect(r.refused?.name).toBe('StorageFullError');
    expect(r.refused?.message).toMatch(/^the best checkpoint at epoch 3 \(864 bytes\) was not saved: the browser's storage for this site is full: delete old runs or checkpoints/);
    expect(r.refused?.message).toMatch(/The last checkpoint that was saved is intact$/);
    expect(r.refsBefore).toEqual([2]);
    expect(r.refsAfter).toEqual([2]);
    expect(r.nextAfter).toBe(r.nextBefore);
    expect(r.halfWritten).toBe(false);
    expect(r.intactEqual).toBe(true); // the deletion of checkpoint 2 was rolled back too
    expect(r.retried).toBe(3);
    expect(r.refsRetried).toEqual([3]);
  });

  it('stores a CSV once by its hash, tells the UI when it is refused, and checks a re-picked file', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'csvOnce'>>(page, PAGE, 'csvOnce', 'store-csv');
    expect(r.statuses).toEqual([{ stored: true }, { stored: true }]);
    expect(r.storedOnce).toBe(1);
    expect(r.back).toMatch(/^time,open/);
    expect(r.afterFirst).toBe(1); // run-2 still uses it
    expect(r.afterBoth).toBe(0);
    expect(r.refused).toEqual({ stored: false, message: expect.stringMatching(/^the browser refused the space for "big.csv" \(\d+ bytes\): training goes on, but to resume this run later you will need to pick the file again$/) });
    expect(r.run3Stored).toBe(false);
    expect(r.noFile?.message).toMatch(/^the CSV this run trained on \("big.csv", \d+ bytes\) is not saved in this browser: pick the file again to resume$/);
    expect(r.wrongFile?.message).toMatch(/^"other.csv" is not the file this run trained on: its SHA-256 starts [0-9a-f]{12}, the run's \("big.csv", \d+ bytes\) starts [0-9a-f]{12}$/);
    expect(r.rightFile).toBe(r.sha);
  });

  it("lists a run as interrupted once its tab is gone, and refuses it to a second tab while it is not", async () => {
    const context = await harness().browser.newContext();
    try {
      const url = `${harness().baseUrl}/tests/browser/blank.html`;
      const owner = await context.newPage();
      const other = await context.newPage();
      await owner.goto(url);
      await other.goto(url);
      expect(await callInPage(owner, PAGE, 'holdRun', 'store-locks', 'run-l')).toBe('running');
      const whileOpen = await callInPage<Result<'fromAnotherTab'>>(other, PAGE, 'fromAnotherTab', 'store-locks', 'run-l');
      expect(whileOpen.status).toBe('running');
      expect(whileOpen.takeOver).toEqual({ name: 'RunBusyError', message: 'run run-l is open in another tab of this browser: continue it there, or close that tab first' });
      expect(whileOpen.remove?.name).toBe('RunBusyError');
      await owner.close();
      // the browser lets the lock go as the tab closes
      await expect.poll(async () => (await callInPage<Result<'fromAnotherTab'>>(other, PAGE, 'fromAnotherTab', 'store-locks', 'run-l')).status, { timeout: 10_000 }).toBe('interrupted');
    } finally {
      await context.close();
    }
  });

  it('upgrades a version-1 record: listed in the current layout, rewritten when resumed', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'migrateStored'>>(page, PAGE, 'migrateStored', 'store-migrate');
    expect(r.listed).toEqual([{ id: 'old-run', version: 2, status: 'interrupted', checkpoints: 1 }]);
    expect(r.damaged).toEqual([{ id: 'broken', message: 'the saved run broken is damaged: its created and updated times are not timestamps; delete it' }]);
    expect(r.needsFile?.message).toMatch(/^the CSV this run trained on \("old.csv", 999 bytes\) is not saved in this browser/);
    expect(r.resumeEpoch).toBe(2);
    expect(r.resumeEqual).toBe(true);
    expect(r.csvStored).toBe(true);
    expect(r.storedVersion).toBe(2);
    expect(r.checkpointRecord).toBe(true);
    expect(r.afterDelete).toEqual([]);
  });

  it("exports the best checkpoint with the end's test score, an older one with its epoch's validation", async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'exportChoices'>>(page, PAGE, 'exportChoices', 'store-export');
    expect(r.unprepared?.message).toBe('run run-x has no saved checkpoint to export');
    expect(r.best.from).toBe(2); // the best by default
    expect(r.best.training).toMatchObject({ best_epoch: 2, metrics: { validation: { loss: 0.5 }, test: { accuracy: 0.55 } } });
    expect(r.best.training).not.toHaveProperty('epoch');
    expect(r.best.preprocessing).toEqual({ horizon: 5 });
    expect(r.best.data).toEqual({ file_name: 'EURUSD-M1.csv' });
    expect(r.older.from).toBe(1);
    expect(r.older.training).toMatchObject({ best_epoch: 1, epoch: 1, metrics: { validation: { loss: 1 }, test: null } });
  });

  it('reports usage and quota and asks to persist', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Result<'storage'>>(page, PAGE, 'storage');
    expect(r.info.quota).toBeGreaterThan(0);
    expect(r.info.usage).toBeGreaterThanOrEqual(0);
    expect(r.info.text).toMatch(/used of .* \(\d+%\); the browser/);
    expect(typeof r.persisted).toBe('boolean');
  });
});
