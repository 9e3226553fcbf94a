// Driving the whole app as a user does, through Playwright: tabs, the file picker, the
// preset cards, the settings form, the training controls and the downloads. Shared by the
// app tests (tests/browser/app*.test.ts), which then assert on what the page shows.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Download, Page } from 'playwright-core';

export const root = join(import.meta.dirname, '..', '..');
export const m1Fixture = join(root, 'tests', 'fixtures', 'm1', 'mt4_CADJPY1_jeremidaneau.csv');
export const screenshots = join(root, 'test-results', 'screenshots');

export type Tab = 'Data' | 'Model' | 'Train' | 'Compare' | 'Runs';

export async function tab(page: Page, name: Tab): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();
}

/** The page's uncaught errors from now on; an app test ends by expecting none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Picks a CSV in the Data view and waits for its load report. */
export async function loadCsv(page: Page, path: string): Promise<void> {
  await tab(page, 'Data');
  await page.locator('input[type=file][accept*=".csv"]').first().setInputFiles(path);
  await expect.poll(() => page.locator('#report-title').isVisible(), { timeout: 60_000 }).toBe(true);
}

export async function choosePreset(page: Page, name: 'tiny' | 'v1' | 'v2'): Promise<void> {
  await tab(page, 'Model');
  await page.locator(`input[type=radio][name=model-preset][value=${name}]`).check();
}

/** Types TRAINING.md settings into the Train view's form, as `key=value`. */
export async function setTraining(page: Page, settings: Record<string, string | number>): Promise<void> {
  await tab(page, 'Train');
  for (const [key, value] of Object.entries(settings)) {
    const input = page.getByRole('group', { name: 'Training settings' }).getByLabel(key.replaceAll('_', ' '), { exact: true });
    await input.fill(String(value));
    await input.press('Tab'); // commits on change, as a user leaving the field does
  }
}

export async function chooseBackend(page: Page, backend: 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu'): Promise<void> {
  await tab(page, 'Train');
  await page.getByLabel('backend', { exact: true }).selectOption(backend);
}

/** Clicks "Start training" and waits until the previous run's result has left the page. */
export async function startTraining(page: Page): Promise<void> {
  await tab(page, 'Train');
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.locator('#result-title').waitFor({ state: 'detached', timeout: 60_000 });
}

/** The Train view's result heading once a run has ended, e.g. "Result (finished, best epoch 1)". */
export async function waitForResult(page: Page, timeout = 300_000): Promise<string> {
  const heading = page.locator('#result-title');
  const error = page.getByTestId('train-error');
  await expect.poll(async () => (await error.isVisible()) || (await heading.isVisible()), { timeout, interval: 1000 }).toBe(true);
  if (await error.isVisible()) throw new Error(`training failed: ${await error.textContent()}`);
  return (await heading.textContent()) ?? '';
}

/** Clicks a button that downloads a file and saves the file into `dir`. */
export async function download(page: Page, buttonName: string | RegExp, dir: string): Promise<{ path: string; name: string }> {
  const [file] = await Promise.all([page.waitForEvent('download') as Promise<Download>, page.getByRole('button', { name: buttonName, exact: typeof buttonName === 'string' }).first().click()]);
  const name = file.suggestedFilename();
  const path = join(dir, name);
  await file.saveAs(path);
  return { path, name };
}

/** The Runs view's table as [label, status, epochs] rows. */
export async function runRows(page: Page): Promise<{ id: string; status: string; epochs: string }[]> {
  await tab(page, 'Runs');
  return page.locator('[data-testid=runs] tbody tr[data-run]').evaluateAll((rows) =>
    rows.map((r) => ({ id: r.getAttribute('data-run') ?? '', status: r.getAttribute('data-status') ?? '', epochs: r.children[3]?.textContent?.trim() ?? '' })),
  );
}

/**
 * Collects main-thread long tasks (PerformanceObserver 'longtask') from page start; read
 * them with longTasks(page, since) to keep only those during training.
 */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

export async function longTasks(page: Page, from: number, to: number): Promise<{ start: number; duration: number }[]> {
  const all = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
  return all.filter((t) => t.start >= from && t.start <= to);
}
