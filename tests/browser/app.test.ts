// The app's first screen in headless Chromium: the engine worker starts, picks WebGPU and
// names the adapter. A screenshot is kept in test-results/ as an artifact.

import { mkdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { browserSuite } from './harness.ts';

browserSuite('the app shell', (harness) => {
  it('reports the backend chosen in the worker and the GPU adapter', async () => {
    const page = await harness().newPage('/');
    const backend = page.getByTestId('backend');
    await backend.waitFor({ timeout: 60_000 });
    expect(await backend.textContent()).toMatch(/Training runs on webgpu \(GPU adapter: \S+/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/app-shell.png', fullPage: true });
  });
});
