// Resume after a reload, in headless Chromium: the engine worker trains a run that the
// page records into IndexedDB; the page reloads mid-run; the run is listed interrupted,
// resumes from its last checkpoint in a new worker without a file picker (a second tab
// is refused it) and finishes with the same weights and curves as an uninterrupted run.

import { expect, it } from 'vitest';
import { browserSuite, callInPage } from './harness.ts';
import type * as ResumePage from './resume-page.ts';

const PAGE = '/tests/browser/resume-page.ts';
const DB = 'resume-test';
const BACKEND = process.env.RESUME_BACKEND ?? 'cpu';
type Result<K extends keyof typeof ResumePage> = Awaited<ReturnType<(typeof ResumePage)[K]>>;

browserSuite('resuming a run after a reload', (harness) => {
  it('continues the same run to the same weights as an uninterrupted one', async () => {
    const context = await harness().browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${harness().baseUrl}/tests/browser/blank.html`);

      const left = await callInPage<Result<'trainThenLeave'>>(page, PAGE, 'trainThenLeave', DB, 'interrupted', BACKEND);
      expect(left.errors).toEqual([]);
      expect(left.notices).toEqual([]);
      expect(left.stored).toBe(true); // the CSV is in the store: no picker on resume
      expect(left.metrics).toBe(1);
      expect(left.checkpoints.map((c) => [c.epoch, c.reason, c.mid_epoch])).toEqual([[1, 'best', false], [1, 'pause', true]]);

      await page.reload(); // the worker dies with the page, mid-epoch 2
      await expect
        .poll(async () => (await callInPage<Result<'listRuns'>>(page, PAGE, 'listRuns', DB)).runs.map((r) => [r.id, r.status]), { timeout: 10_000 })
        .toEqual([['interrupted', 'interrupted']]);
      const { runs } = await callInPage<Result<'listRuns'>>(page, PAGE, 'listRuns', DB);
      expect(runs[0].latest?.reason).toBe('pause');

      const from = await callInPage<Result<'resumeRun'>>(page, PAGE, 'resumeRun', DB, 'interrupted', BACKEND);
      expect(from.epoch).toBe(1);
      expect(from.position?.step_in_epoch).toBeGreaterThan(0);
      expect(from.hasBest).toBe(true); // epoch 1's best checkpoint rides along
      expect(from.csvBytes).toBeGreaterThan(30_000);

      // a second tab of the same browser cannot take the run over while it trains here
      const second = await context.newPage();
      await second.goto(`${harness().baseUrl}/tests/browser/blank.html`);
      expect(await callInPage(second, PAGE, 'tryResume', DB, 'interrupted')).toEqual({
        name: 'RunBusyError',
        message: 'run interrupted is open in another tab of this browser: continue it there, or close that tab first',
      });
      await second.close();

      const finished = await callInPage<Result<'finishResumed'>>(page, PAGE, 'finishResumed');
      expect(finished).toEqual({ errors: [], notices: [], done: 'finished' });

      const straight = await callInPage<Result<'trainStraight'>>(page, PAGE, 'trainStraight', DB, 'straight', BACKEND);
      expect(straight).toEqual({ errors: [], notices: [], done: 'finished' });

      // The trainer's 'done' carries no weights: the end-of-epoch-3 checkpoint holds the
      // final ones (checkpoint_every=1), so both runs' are compared, Adam moments too.
      const c = await callInPage<Result<'compareRuns'>>(page, PAGE, 'compareRuns', DB, 'interrupted', 'straight');
      expect(c.status).toEqual(['done', 'done']);
      expect(c.finalEpochs).toEqual([3, 3]);
      expect(c.steps[0]).toBe(c.steps[1]);
      expect(c.tensors).toBe(27); // the tiny preset's state_dict, pos_encoder.pe included
      expect(c.maxDiff).toBe(0);
      expect(c.differing).toBe(0);
      expect(c.momentsEqual).toBe(true);
      // the resumed run's metrics continue the same curves, epoch 2 included
      expect(c.curves[0].map((e) => e.epoch)).toEqual([1, 2, 3]);
      expect(c.curves[0]).toEqual(c.curves[1]);
    } finally {
      await context.close();
    }
  });
});
