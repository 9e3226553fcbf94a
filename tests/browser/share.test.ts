// Shared links in the real app: a link copied in one browser context restores every setting
// in a fresh one, a link naming a local file asks for it and checks its SHA-256, and markup
// in a crafted link is shown as text: no element is injected and no script runs.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { browserSuite } from './harness.ts';
import { customConfig } from '../../src/model/config.ts';
import { defaultExperiment, sampleId, type Experiment } from '../../src/run/experiment.ts';
import { experimentToQuery } from '../../src/share/url.ts';
import type { TrainingSettings } from '../../src/train/settings.ts';

const FIXTURE = new URL('../fixtures/data/mt4.csv', import.meta.url).pathname;
const OTHER = new URL('../fixtures/data/yahoo.csv', import.meta.url).pathname;

/** An experiment with every setting away from its default, on the sample with its own mapping. */
function everythingChanged(): Experiment {
  const training: TrainingSettings = {
    batch_size: 48, epochs: 7, learning_rate: 0.00031, weight_decay: 0.002, scheduler: 'none',
    early_stopping_patience: 4, grad_clip_norm: 0.5, dropout: 0.15, vol_loss_weight: 0.7,
    class_weights: 'balanced', seed: 1234567, checkpoint_every: 3, cost_bps: 1.25,
  };
  const exp = defaultExperiment();
  exp.model = customConfig({ d_model: 96, nhead: 4, num_layers: 3, dim_feedforward: 200, seq_len: 48, ob_hidden: [32, 16], dropout: training.dropout });
  exp.settings = { training, data: { horizon: 7, theta: 1.5, train_split: 0.6, val_split: 0.25, test_split: 0.15 } };
  exp.mapping = { version: 1, columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 }, delimiter: ',', header: true };
  exp.backend = 'webgl';
  return exp;
}

async function freshPage(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

/** The query once the app has written the experiment back (it debounces by 200 ms). */
async function settledQuery(page: Page): Promise<string> {
  await page.waitForFunction(() => new URLSearchParams(location.search).has('v'));
  await page.waitForTimeout(600);
  return page.evaluate(() => location.search.slice(1));
}

browserSuite('shared links', (harness) => {
  it('restores every setting from a link in a fresh browser context, and copies the link of what was changed', async () => {
    const { browser, baseUrl } = harness();
    const exp = everythingChanged();
    const query = experimentToQuery(exp);
    expect(query).toContain('preset=custom'); // every kind of value is in the link
    expect(query).toContain('columns=time:0');

    const context = await browser.newContext();
    const page = await freshPage(context, `${baseUrl}/?${query}`);
    await page.getByTestId('load-report').waitFor({ timeout: 60_000 }); // the sample, read with the link's mapping
    // The app writes its state back to the address bar: an identical query means every value was kept.
    expect(await settledQuery(page)).toBe(query);
    expect(await page.getByTestId('link-problems').count()).toBe(0);
    expect(await page.getByLabel('horizon (bars ahead)').inputValue()).toBe('7');
    expect(await page.getByLabel('theta (bp or auto)').inputValue()).toBe('1.5');
    expect(await page.getByRole('spinbutton', { name: 'validation' }).inputValue()).toBe('0.25');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const training = page.getByRole('group', { name: 'Training settings' });
    for (const [key, value] of Object.entries(exp.settings.training)) {
      // A select's accessible name ends with its chosen option, so the label is matched as a prefix.
      const field = training.getByLabel(new RegExp(`^${key.replaceAll('_', ' ')}(\\s|$)`));
      expect(await field.inputValue(), key).toBe(String(value));
    }
    expect(await page.getByRole('combobox', { name: /^backend/ }).inputValue()).toBe('webgl');
    await page.getByRole('button', { name: 'Model', exact: true }).click();
    expect(await page.getByLabel('d_model', { exact: true }).inputValue()).toBe('96');
    expect(await page.getByLabel('ob_hidden', { exact: true }).inputValue()).toMatch(/^32,\s?16$/);
    await context.close();

    // Change settings through the UI, copy the link, open it elsewhere.
    const first = await browser.newContext();
    await first.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const editor = await freshPage(first, `${baseUrl}/`);
    expect(await settledQuery(editor)).toBe(`v=1&preset=v1&data=sample:${sampleId}`);
    await editor.getByTestId('load-report').waitFor({ timeout: 60_000 }); // the data settings show with the data
    await editor.getByLabel('horizon (bars ahead)').fill('12');
    await editor.getByLabel('horizon (bars ahead)').press('Tab');
    await editor.getByRole('button', { name: 'Train', exact: true }).click();
    await editor.getByLabel('learning rate', { exact: true }).fill('0.002');
    await editor.getByLabel('learning rate', { exact: true }).press('Enter');
    await editor.getByLabel('seed', { exact: true }).fill('99');
    await editor.getByLabel('seed', { exact: true }).press('Tab');
    await editor.getByRole('button', { name: 'Copy link' }).click();
    await editor.getByText('Link copied').waitFor();
    const copied = await editor.evaluate(() => navigator.clipboard.readText());
    expect(new URL(copied).search).toBe(`?v=1&preset=v1&learning_rate=0.002&seed=99&horizon=12&data=sample:${sampleId}`);
    expect(copied).toBe(await editor.evaluate(() => location.href));
    await first.close();

    const second = await browser.newContext();
    const opened = await freshPage(second, copied);
    await opened.getByTestId('load-report').waitFor({ timeout: 60_000 });
    expect(await opened.getByLabel('learning rate', { exact: true }).inputValue()).toBe('0.002');
    expect(await opened.getByLabel('seed', { exact: true }).inputValue()).toBe('99');
    expect(await opened.getByLabel('horizon (bars ahead)').inputValue()).toBe('12');
    expect(`${baseUrl}/?${await settledQuery(opened)}`).toBe(copied);
    await second.close();
  });

  it('asks for the local file a link names, refuses another, and loads the one with its SHA-256', async () => {
    const { browser, baseUrl } = harness();
    const sha256 = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    const context = await browser.newContext();
    const page = await freshPage(context, `${baseUrl}/?v=1&preset=tiny&file=EURUSD%20M1.csv&sha256=${sha256}`);
    const prompt = page.getByTestId('linked-file');
    await prompt.waitFor();
    expect(await prompt.innerText()).toContain(`This link trains on EURUSD M1.csv (SHA-256 ${sha256.slice(0, 12)}…): pick that file`);
    expect(await page.getByTestId('load-report').count()).toBe(0); // nothing loads by itself

    const picker = page.getByLabel('Open a CSV…');
    await picker.setInputFiles(OTHER);
    const mismatch = page.getByTestId('file-mismatch');
    await mismatch.waitFor();
    expect(await mismatch.innerText()).toMatch(/"yahoo\.csv" is not the file this link trains on: its SHA-256 starts [0-9a-f]{12}, the link's \("EURUSD M1\.csv"\) starts/);
    expect(await page.getByTestId('load-report').count()).toBe(0);

    await picker.setInputFiles(FIXTURE);
    await page.getByTestId('load-report').waitFor({ timeout: 30_000 });
    expect(await mismatch.count()).toBe(0);
    expect(await settledQuery(page)).toBe(`v=1&preset=tiny&file=mt4.csv&sha256=${sha256}`);

    // A file opened without a link gets its SHA-256 into the address once the loader has it.
    await page.getByRole('button', { name: 'Use the bundled sample' }).click();
    await page.waitForFunction(() => location.search.includes('data=sample:'));
    await picker.setInputFiles(OTHER);
    const other = createHash('sha256').update(readFileSync(OTHER)).digest('hex');
    await page.waitForFunction((hash) => location.search.includes(`sha256=${hash}`), other, { timeout: 30_000 });
    expect(await settledQuery(page)).toBe(`v=1&preset=tiny&file=yahoo.csv&sha256=${other}`);
    await context.close();
  });

  it('renders markup from a crafted link as text: no element is injected and no script runs', async () => {
    const { browser, baseUrl } = harness();
    const attacks = [
      `<img src=x onerror="window.__pwned='img'">`,
      `<script>window.__pwned='script'</script>`,
      `<svg onload="window.__pwned='svg'"></svg>`,
      `"><iframe src="javascript:parent.__pwned='iframe'"></iframe>`,
    ];
    const q = new URLSearchParams();
    q.set('preset', attacks[0]);
    q.set('learning_rate', attacks[1]);
    q.set(attacks[2], '1');
    q.set('scheduler', attacks[3]);
    q.set('file', `${attacks[0]}.csv`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${baseUrl}/?${q}`);
    const problems = page.getByTestId('link-problems');
    await problems.waitFor();
    const text = (await problems.textContent()) ?? '';
    for (const attack of attacks.slice(0, 3)) expect(text).toContain(attack.slice(0, 30));
    expect(await page.getByTestId('linked-file').textContent()).toContain('<img src=x onerror=');
    await page.waitForTimeout(500);

    const injected = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: string }).__pwned,
      images: document.querySelectorAll('img').length,
      frames: document.querySelectorAll('iframe').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      scripts: [...document.scripts].filter((s) => !s.src).length,
      title: document.title,
    }));
    expect(injected).toEqual({ pwned: undefined, images: 0, frames: 0, handlers: 0, scripts: 0, title: 'NexusBrain Playground' });
    expect(dialogs).toEqual([]);
    // The address bar now holds the experiment as the app read it: the bad values are gone.
    const written = await settledQuery(page);
    expect(written).not.toMatch(/[<>"]/);
    expect(new URLSearchParams(written).get('preset')).toBe('v1');
    await context.close();
  });
});
