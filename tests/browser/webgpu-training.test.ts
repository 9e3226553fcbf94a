// Training on WebGPU in headless Chromium (SwiftShader here): the engine worker trains the
// tiny preset on the bundled sample, reports progress, pauses with no step taken while
// paused, scores on demand, resumes, stops within a step, leaks no tensors, and its loss falls; one step's
// gradients on WebGPU equal the CPU backend's within 1e-3 relative.

import { expect, it } from 'vitest';
import { callInPage, browserSuite } from './harness.ts';
import type { WorkerRunReport } from './train-page.ts';
import type { compareGradients } from './grad-page.ts';

browserSuite('training on webgpu', (harness) => {
  it('one step of gradients matches the CPU backend', async () => {
    const page = await harness().newPage();
    const r = await callInPage<Awaited<ReturnType<typeof compareGradients>>>(page, '/tests/browser/grad-page.ts', 'compareGradients');
    expect(r.tensors).toBe(26);
    expect(r.lossDiff).toBeLessThan(1e-4);
    expect(r.worstRelative, r.worstName).toBeLessThan(1e-3);
  });

  it('a worker trains, pauses, resumes and stops, without leaking tensors', async () => {
    const page = await harness().newPage();
    const r = await callInPage<WorkerRunReport>(page, '/tests/browser/train-page.ts', 'trainInWorker');
    expect(r.errors).toEqual([]);
    expect(r.backend).toBe('webgpu');
    expect(r.adapter).toMatch(/\w/);
    expect(r.samples!.train).toBeGreaterThan(10_000);
    expect(r.progress.length).toBeGreaterThanOrEqual(4);
    // paused: the checkpoint came and no step was taken for 1.5 s
    expect(r.pausedAtStep).toBeGreaterThanOrEqual(8);
    expect(r.progressWhilePaused).toBe(0);
    // scored on demand: no epoch has ended, so the current weights, on every test sample
    expect(r.evaluation).toEqual({ best_epoch: null, test_samples: r.samples!.test });
    // stop takes effect within one step
    expect(r.lastStep - r.stoppedAtStep).toBeLessThanOrEqual(1);
    expect(r.done).toBe('stopped');
    // the same number of live tensors after every step
    expect(new Set(r.progress.map((p) => p.num_tensors)).size).toBe(1);
    // the running loss falls from the first report to the last
    expect(r.progress.at(-1)!.running_loss).toBeLessThan(r.progress[0].running_loss);
  });
});
