// Runs that outlive the page, through the app's own controls in headless Chromium: a run
// (with a column-mapping override) that the page loses in a reload is listed as interrupted
// and resumes from its checkpoint to the same weights as a run never interrupted (CPU
// backend: deterministic); the bot's own
// v1 .pth, imported, scores the test split as `nexus evaluate` does; a .pth whose heads the
// shapes cannot tell is read once the user says how many.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { nexus } from '../support/cli.ts';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { browserSuite } from './harness.ts';
import { chooseBackend, choosePreset, download, loadCsv, m1Fixture, pageErrors, root, runRows, screenshot, setTraining, startTraining, tab, waitForResult } from './app-driver.ts';

const EPOCHS = 6;

/** The epochs listed in the Train view's table. */
async function epochsShown(page: Page): Promise<number[]> {
  return (await page.locator('[data-testid=epoch-table] tbody tr td:first-child').allTextContents()).map(Number);
}

async function trainTinyOnCpu(page: Page): Promise<void> {
  await loadCsv(page, m1Fixture);
  // with the column mapping overridden (as detected): the run keeps it and the link carries it
  if (!(await page.getByTestId('mapping').isVisible())) await page.getByText('Column mapping').click();
  await page.getByRole('button', { name: 'Reload with this mapping' }).click();
  await expect.poll(() => page.url()).toContain('columns=time');
  await expect.poll(() => page.getByRole('region', { name: 'What was found' }).isVisible(), { timeout: 30_000 }).toBe(true);
  await choosePreset(page, 'tiny');
  await setTraining(page, { epochs: EPOCHS, checkpoint_every: 1, learning_rate: 0.002, early_stopping_patience: 0 });
  await chooseBackend(page, 'cpu');
  await startTraining(page);
}

/** The Test metrics table as the app shows it: its text, confusion counts included. */
async function testMetrics(page: Page): Promise<string> {
  return (await page.getByTestId('metrics-test').locator('table').allTextContents()).join(' | ');
}

browserSuite('runs in the app', (harness) => {
  it('resumes a run that a reload interrupted, from its checkpoint, to the same weights', async () => {
    const context = await harness().browser.newContext();
    const dir = tempDir('nexus-app-resume-');
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${harness().baseUrl}/`);
      await trainTinyOnCpu(page);
      await expect.poll(() => epochsShown(page), { timeout: 120_000 }).toEqual([1]);
      await page.reload(); // the engine worker dies with the page, mid-run

      // the link names the file by its hash, and the run's store has it: no picker
      await tab(page, 'Data');
      await expect.poll(() => page.getByRole('region', { name: 'What was found' }).isVisible(), { timeout: 30_000 }).toBe(true);
      const [lost] = await runRows(page);
      expect(lost.status).toBe('interrupted');
      await screenshot(page, 'runs-interrupted');
      await page.getByRole('button', { name: 'Resume' }).click();
      expect(await waitForResult(page)).toMatch(/^Result \(finished, best epoch \d\)$/);
      expect(await epochsShown(page)).toEqual([1, 2, 3, 4, 5, 6]); // the same curves, continued
      expect((await runRows(page)).map((r) => [r.status, r.epochs])).toEqual([['done', `${EPOCHS}/${EPOCHS}`]]);
      await tab(page, 'Train');
      const resumed = await download(page, 'nexus_transformer.pth', join(dir, 'resumed'));
      const resumedScores = await testMetrics(page);

      // The same experiment, never interrupted.
      await startTraining(page);
      expect(await waitForResult(page)).toMatch(/^Result \(finished, best epoch \d\)$/);
      const straight = await download(page, 'nexus_transformer.pth', join(dir, 'straight'));
      expect(readFileSync(resumed.path).equals(readFileSync(straight.path))).toBe(true);
      expect(await testMetrics(page)).toBe(resumedScores);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);

  it.skipIf(!hasTorch)("scores the bot's own v1 .pth on the loaded data as nexus evaluate does", async () => {
    const dir = tempDir('nexus-app-import-');
    const pth = join(dir, 'bot-v1.pth');
    runPython(join(root, 'tests', 'cli', 'py', 'evaluate_ref.py'), ['save-v1', '7', pth]);
    const cli = nexus('evaluate', '--weights', pth, m1Fixture, '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(cli.stdout).test as { accuracy: number; confusion: number[][]; baselines: { majority: { accuracy: number } } };

    const context = await harness().browser.newContext();
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${harness().baseUrl}/`);
      await loadCsv(page, m1Fixture);
      await chooseBackend(page, 'cpu');
      await tab(page, 'Runs');
      await page.locator('input[type=file][accept*=".pth"]').setInputFiles(pth);
      expect(await page.getByTestId('imported').textContent()).toMatch(/bot-v1\.pth: the v1 preset \(d_model 128, 4 heads,\s+2 layers, feed-forward 512, 64 bars\), 417,700 parameters, read from pth\./);
      await page.getByRole('button', { name: 'Score it on mt4_CADJPY1_jeremidaneau.csv' }).click();
      expect(await waitForResult(page)).toBe('Result (evaluated, best epoch –)');

      const shown = page.getByTestId('metrics-test');
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      const accuracy = await shown.locator('tr', { hasText: /^accuracy/ }).first().locator('td').allTextContents(); // model, majority, persistence
      expect(accuracy.slice(0, 2)).toEqual([pct(expected.accuracy), pct(expected.baselines.majority.accuracy)]);
      const confusion = await shown.locator('table.confusion tbody tr').evaluateAll((rows) => rows.slice(0, 3).map((r) => [...r.querySelectorAll('td')].slice(0, 3).map((td) => Number(td.textContent))));
      expect(confusion).toEqual(expected.confusion);
      expect((await runRows(page)).map((r) => r.status)).toEqual(['done']);
      expect(await page.locator('[data-testid=runs] tbody th').first().textContent()).toMatch(/^imported v1 \(bot-v1\.pth\)/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);

  it('asks for the number of heads when the shapes match no preset', async () => {
    const dir = tempDir('nexus-app-heads-');
    const made = nexus('export', '--config', JSON.stringify({ d_model: 48, nhead: 3, num_layers: 1, dim_feedforward: 96, seq_len: 16, ob_hidden: [16] }), '--out', dir);
    expect(made.code, made.stderr).toBe(0);
    const context = await harness().browser.newContext();
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${harness().baseUrl}/`);
      await tab(page, 'Runs');
      await page.locator('input[type=file][accept*=".pth"]').setInputFiles(join(dir, 'nexus_transformer.pth'));
      const heads = page.getByLabel(/how many attention heads its d_model of 48/);
      expect(await heads.locator('option:not([disabled])').allTextContents()).toEqual(['1', '2', '3', '4', '6', '8', '12', '16', '24', '48']);
      await heads.selectOption('3');
      await page.getByRole('button', { name: 'Read it with 3 heads' }).click();
      expect(await page.getByTestId('imported').textContent()).toMatch(/a custom model \(d_model 48, 3 heads,\s+1 layers, feed-forward 96, 64 bars\)/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
