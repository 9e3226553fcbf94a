// The playground as a user meets it, in headless Chromium with WebGPU (SwiftShader here):
// the sample loads with its report and chart; the tiny preset trains an epoch of a real
// M1 file on webgpu with live curves and no long main-thread task; the export downloads
// load in PyTorch; two runs compare; a reload keeps them. Screenshots of each view are
// kept in test-results/screenshots/.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { expect, it } from 'vitest';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { browserSuite } from './harness.ts';
import {
  chooseBackend, choosePreset, download, loadCsv, longTasks, m1Fixture, observeLongTasks, pageErrors, pageNow, root, runRows, screenshot, setTraining, startTraining, tab,
  waitForResult,
} from './app-driver.ts';

const checkModule = join(root, 'tests', 'bot', 'py', 'check_module.py');

browserSuite('the playground', (harness) => {
  it('trains on WebGPU, exports for the bot, compares two runs and keeps them over a reload', async () => {
    const context = await harness().browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await observeLongTasks(page);
      await page.goto(`${harness().baseUrl}/`);

      // First screen: WebGPU in the worker, the bundled sample's report, chart and splits.
      await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toMatch(/^Training runs on webgpu \(GPU adapter: .+\)$/);
      await expect.poll(() => page.locator('#report-title').isVisible(), { timeout: 60_000 }).toBe(true);
      expect(await page.getByRole('region', { name: 'What was found' }).textContent()).toMatch(/29,996 read, 29,996 kept/);
      expect(await page.locator('section:has(#chart-title) canvas').count()).toBeGreaterThan(0);
      expect(await page.locator('section:has(#chart-title) tbody tr').allTextContents()).toHaveLength(3);
      await screenshot(page, 'data');

      // One epoch of the tiny preset on the real M1 fixture, on webgpu.
      await loadCsv(page, m1Fixture);
      await choosePreset(page, 'tiny');
      await screenshot(page, 'model');
      await setTraining(page, { epochs: 1 });
      await chooseBackend(page, 'webgpu');
      await startTraining(page);
      await page.getByTestId('progress').waitFor({ timeout: 120_000 });
      const trainingFrom = await pageNow(page);
      expect(await waitForResult(page)).toBe('Result (finished, best epoch 1)');
      const trainingTo = await pageNow(page);
      expect(await page.getByTestId('train-backend').textContent()).toMatch(/^Backend: webgpu on /);
      const points = await page.getByTestId('curve').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-points'))));
      expect(points.length).toBe(4); // running loss, loss, accuracy, learning rate
      expect(points[0]).toBeGreaterThan(1); // the running loss, step by step
      expect(points.slice(1)).toEqual([1, 1, 1]); // one epoch
      expect(await page.locator('[data-testid=epoch-table] tbody tr').count()).toBe(1);
      const test = await page.getByTestId('metrics-test').textContent();
      expect(test).toMatch(/accuracy\d+\.\d%\d+\.\d%\d+\.\d%/); // model, majority, persistence
      // the page stayed responsive: the engine trains in its worker (a long task is >= 50 ms)
      expect((await longTasks(page, trainingFrom, trainingTo)).filter((t) => t.duration > 100)).toEqual([]);
      await screenshot(page, 'train');

      // The export: three files and the zip, which PyTorch loads with weights_only=True.
      const dir = tempDir('nexus-app-export-');
      const names = [];
      for (const button of ['nexus_transformer.pth', '.safetensors', '.json', 'everything as .zip']) names.push((await download(page, button, dir)).name);
      expect(names).toEqual(['nexus_transformer.pth', 'nexus_transformer.safetensors', 'nexus_transformer.json', 'nexus_transformer_export.zip']);
      const meta = JSON.parse(readFileSync(join(dir, 'nexus_transformer.json'), 'utf8'));
      expect(meta).toMatchObject({ format: 'nexus-export', parameters: 17_572, config: { preset: 'tiny' }, data: { file_name: 'mt4_CADJPY1_jeremidaneau.csv', format: 'mt4' } });
      expect(meta.training.metrics.test.baselines.majority.accuracy).toBeGreaterThan(0);
      const zip = unzipSync(readFileSync(join(dir, 'nexus_transformer_export.zip')));
      expect(Object.keys(zip).sort()).toEqual(['HOW_TO_LOAD.txt', 'bot/nexus_transformer.py', 'bot/predict.py', 'bot/preprocess.py', 'nexus_transformer.json', 'nexus_transformer.pth', 'nexus_transformer.safetensors']);
      expect(Buffer.from(zip['nexus_transformer.pth']).equals(readFileSync(join(dir, 'nexus_transformer.pth')))).toBe(true);
      if (hasTorch) {
        const loaded = JSON.parse(runPython(checkModule, [dir]));
        expect(loaded.export).toEqual({ training: false, preset: 'tiny', parameters: 17_572, meta_parameters: 17_572 });
      }

      // A second run with another seed, then both side by side.
      await setTraining(page, { seed: 7 });
      await startTraining(page);
      expect(await waitForResult(page)).toBe('Result (finished, best epoch 1)');
      await tab(page, 'Compare');
      const picks = page.getByRole('group', { name: 'Runs to compare' }).getByRole('checkbox');
      await expect.poll(() => picks.count()).toBe(2); // the list refreshes once the run's last writes land
      for (const pick of await picks.all()) await pick.check();
      const differences = await page.locator('[data-testid=config-differences] tbody tr').allTextContents();
      expect(differences).toHaveLength(1); // only the seed differs (runs are listed newest first)
      expect(differences[0]).toMatch(/^training\.seed(427|742)$/);
      expect(await page.locator('[data-testid=metrics] td.better').count()).toBeGreaterThan(0);
      expect(await page.locator('.compare-view canvas').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'compare');

      // A reload keeps both runs.
      await page.reload();
      await expect.poll(async () => (await runRows(page)).map((r) => [r.status, r.epochs]), { timeout: 30_000 }).toEqual([['done', '1/1'], ['done', '1/1']]);
      await screenshot(page, 'runs');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);
});
