// The model view and the compare view, mounted in headless Chromium: exact parameter counts
// and .pth sizes, custom settings checked as typed with the error beside the field, keyboard
// choice of a preset, the better score marked and uPlot's canvas drawn; screenshots kept.

import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { browserSuite, callInPage } from './harness.ts';
import type * as ComponentsPage from './components-page.ts';

const PAGE = '/tests/browser/components-page.ts';
type Result<K extends keyof typeof ComponentsPage> = Awaited<ReturnType<(typeof ComponentsPage)[K]>>;

/**
 * The first import of a dependency Vite has not pre-bundled (uplot) makes it optimize and
 * reload the page; importing once and waiting for that settles it before the test acts.
 */
async function settled(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.evaluate(`import(${JSON.stringify(PAGE)}).then(() => new Promise((r) => setTimeout(r, 1500)))`);
      await page.waitForLoadState('load');
      await page.evaluate(`import(${JSON.stringify(PAGE)})`);
      return;
    } catch {
      await page.waitForLoadState('load'); // the context went away in a reload: try again
    }
  }
}

browserSuite('model and compare views', (harness) => {
  it('shows exact counts and sizes, checks custom settings as typed, and works from the keyboard', async () => {
    const page = await harness().newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    await settled(page);
    await callInPage(page, PAGE, 'mountModelView', 'v1', 'webgpu');
    expect(await page.getByTestId('parameters-v1').textContent()).toBe('417,700');
    expect(await page.getByTestId('parameters-v2').textContent()).toBe('3,204,132');
    expect(await page.getByTestId('parameters-tiny').textContent()).toBe('17,572');
    expect(await page.getByTestId('module-total').textContent()).toBe('417,700');
    expect(await page.getByTestId('card-v1').textContent()).toMatch(/estimate: 20,000 training samples \(assumed\) at an assumed 100 GFLOP\/s on webgpu/);
    for (const s of await callInPage<Result<'pthSizes'>>(page, PAGE, 'pthSizes')) expect(s.computed, s.name).toBe(s.written);

    // Arrow keys move between the radio buttons of the cards, as in any radio group.
    await page.getByRole('radio', { name: /^v1/ }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await callInPage(page, PAGE, 'takeChanges')).toEqual([{ preset: 'v2', d_model: 256, nhead: 8 }]);
    expect(await page.getByTestId('module-total').textContent()).toBe('3,204,132');
    await callInPage(page, PAGE, 'mountModelView', 'v2'); // now without a detected backend
    expect(await page.getByTestId('card-v2').textContent()).toMatch(/backend not detected yet/);

    await page.getByRole('radio', { name: /^custom/ }).check();
    const dModel = page.getByLabel('d_model', { exact: true });
    const nhead = page.getByLabel('nhead', { exact: true });
    expect(await dModel.inputValue()).toBe('256'); // custom starts from the current configuration
    await dModel.fill('100');
    await nhead.fill('8');
    const error = page.getByTestId('error-d_model');
    expect(await error.textContent()).toBe('d_model (100) must be divisible by nhead (8) so that every head gets the same width');
    expect(await dModel.getAttribute('aria-invalid')).toBe('true');
    expect(await nhead.getAttribute('aria-invalid')).toBe('true');
    expect(await dModel.getAttribute('aria-describedby')).toContain('model-d_model-error');
    expect(await page.getByTestId('card-custom').textContent()).toMatch(/Fix the custom settings/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/model-view-error.png', fullPage: true });

    await page.getByLabel('num_layers', { exact: true }).fill('abc');
    expect(await page.getByTestId('error-num_layers').textContent()).toBe('num_layers must be a whole number (got "abc")');
    await page.getByLabel('num_layers', { exact: true }).fill('3');
    await nhead.fill('4');
    expect(await page.getByTestId('error-d_model').count()).toBe(0);
    expect(await dModel.getAttribute('aria-invalid')).toBe('false');
    expect((await callInPage<Result<'takeChanges'>>(page, PAGE, 'takeChanges')).at(-1)).toEqual({ preset: 'custom', d_model: 100, nhead: 4 });
    const customCount = await page.getByTestId('parameters-custom').textContent();
    expect(customCount).toMatch(/^\d{1,3}(,\d{3})*$/);
    expect(await page.getByTestId('module-total').textContent()).toBe(customCount); // the table follows the custom model
    const obHidden = page.getByLabel('ob_hidden', { exact: true });
    await obHidden.fill('128,6');
    await page.getByLabel('dropout', { exact: true }).fill('0.10');
    // What was typed stays as typed when the parent hands the configuration back.
    expect([await dModel.inputValue(), await obHidden.inputValue(), await page.getByLabel('dropout', { exact: true }).inputValue()]).toEqual(['100', '128,6', '0.10']);
    expect(await page.getByTestId('module-table').textContent()).toContain('Linear(128, 6)');
    await page.screenshot({ path: 'test-results/model-view.png', fullPage: true });
  });

  it('lists differing settings, marks the better score and draws the curves with uPlot', async () => {
    const page = await harness().newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    await settled(page);
    await callInPage(page, PAGE, 'mountCompareView');
    const diffs = page.getByTestId('config-differences');
    expect(await diffs.locator('tbody th').allTextContents()).toEqual([
      'model.preset', 'model.d_model', 'model.nhead', 'model.num_layers', 'model.dim_feedforward', 'model.seq_len', 'model.ob_hidden',
      'training.learning_rate', 'data.seq_len', 'data.horizon',
    ]);
    expect(await diffs.locator('thead th').nth(2).textContent()).toBe('<b>v2</b>, lr 3e-4'); // text, not markup
    const lossRow = page.locator('[data-metric="validation.loss"] td');
    expect(await lossRow.count()).toBe(2);
    const better = page.locator('[data-metric="validation.loss"] td.better');
    expect(await better.count()).toBe(1);
    expect(await better.textContent()).toMatch(/▲ \d\.\d{4} \(better\)/);
    expect(await lossRow.nth(1).evaluate((td) => td.classList.contains('better'))).toBe(true); // run b reached the lower loss
    expect(await page.locator('[data-metric="seconds_per_epoch"] td').nth(0).evaluate((td) => td.classList.contains('better'))).toBe(true);
    expect(await page.locator('[data-metric="parameters"] td.better').count()).toBe(0);
    expect(await page.locator('[data-metric="test.loss"] td').allTextContents()).toEqual(['1.0200', '—']);
    expect(await page.locator('[data-metric="validation.baselines.majority.accuracy"] td').allTextContents()).toEqual(['0.3500', '0.3500']);
    expect(await page.locator('.uplot canvas').count()).toBe(2);
    const box = await page.locator('.uplot canvas').first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(await page.locator('.uplot .u-legend').first().textContent()).toContain('<b>v2</b>, lr 3e-4');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/compare-view.png', fullPage: true });
  });
});
