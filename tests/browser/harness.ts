// The browser test harness: a Vite dev server on 127.0.0.1 and Debian's Chromium driven
// by playwright-core, with WebGPU enabled (SwiftShader where there is no GPU). Pages
// import src/ modules directly, so a test runs the app's real code in a real browser.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

// CI installs Chromium: there a missing one is a failure, not a reason to skip.
if (process.env.CI && !hasChromium) throw new Error(`CI needs Chromium at ${chromiumPath} (apt-get install chromium)`);

export interface Harness {
  server: ViteDevServer;
  browser: Browser;
  baseUrl: string;
  newPage(path?: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = await createServer({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || typeof address !== 'object') throw new Error('vite did not start');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const pageErrors: string[] = [];
  return {
    server,
    browser,
    baseUrl,
    async newPage(path = '/tests/browser/blank.html') {
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${baseUrl}${path}`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Calls `exportName(...args)` of a module served by Vite inside the page. The call is
 * passed as a string: vitest would otherwise rewrite the test's own `import()`.
 */
export async function callInPage<T>(page: Page, modulePath: string, exportName: string, ...args: unknown[]): Promise<T> {
  const argList = args.map((a) => JSON.stringify(a)).join(', ');
  return (await page.evaluate(`import(${JSON.stringify(modulePath)}).then((m) => m[${JSON.stringify(exportName)}](${argList}))`)) as T;
}

/**
 * A describe block that shares one harness (server + browser) across its tests and is
 * skipped where there is no Chromium: `browserSuite('x', (h) => it('...', async () => h().newPage()))`.
 */
export function browserSuite(name: string, body: (harness: () => Harness) => void): void {
  describe.skipIf(!hasChromium)(name, () => {
    let harness: Harness | undefined;
    beforeAll(async () => {
      harness = await startHarness();
    });
    afterAll(async () => harness?.close());
    body(() => {
      if (harness === undefined) throw new Error('the browser harness did not start');
      return harness;
    });
  });
}
