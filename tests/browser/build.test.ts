// The static build as a host serves it: `vite build` into a temporary folder, served under a
// sub-path by a tiny static server, opened in Chromium. The app starts (the engine worker
// reports a backend, the sample loads), the first screen's JavaScript leaves out the TF.js
// WebGPU backend, which only the engine worker loads, the wasm fallback finds its binaries,
// and a browser without WebGPU is told why and what to do while the app falls back.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserSuite, chromiumPath } from './harness.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const SUB_PATH = '/some/sub/path/';
// A flag only @tensorflow/tfjs-backend-webgpu registers; minifying keeps string literals.
const WEBGPU_BACKEND = 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.md': 'text/markdown',
};

/** Serves `dir` at `base` only, as a static host would: a folder answers with its index.html. */
function serveStatic(dir: string, base: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === base.slice(0, -1)) {
      res.writeHead(301, { location: base }).end();
      return;
    }
    const file = normalize(join(dir, path.slice(base.length)));
    if (!path.startsWith(base) || !(file + sep).startsWith(dir + sep) && file !== dir) {
      res.writeHead(404).end();
      return;
    }
    const target = statSync(file, { throwIfNoEntry: false })?.isDirectory() ? join(file, 'index.html') : file;
    try {
      const body = readFileSync(target);
      res.writeHead(200, { 'content-type': types[extname(target)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The chunks the page itself loads before anything is imported on demand: entry, preloads and their static imports. */
function initialChunks(dir: string): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const queue = [...html.matchAll(/<script[^>]+src="\.\/([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="\.\/([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const chunk = queue.pop() as string;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    const code = readFileSync(join(dir, chunk), 'utf8');
    // Static `import ... from "./x.js"` and `import "./x.js"`; `import("./x.js")` is on demand.
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      queue.push(join(chunk, '..', m[1]));
    }
  }
  return [...seen];
}

browserSuite('the static build', (harness) => {
  let dist = '';
  let server: Server | undefined;
  let siteUrl = '';

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'nexus-dist-'));
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
    server = await serveStatic(dist, SUB_PATH);
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SUB_PATH}`;
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dist !== '') rmSync(dist, { recursive: true, force: true });
  });

  it('keeps the WebGPU backend and the workers out of the first screen\'s JavaScript', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="\/(?!\/)/); // every address is relative: the site works under any path
    const initial = initialChunks(dist);
    expect(initial.length).toBeGreaterThan(0);
    for (const chunk of initial) {
      const code = readFileSync(join(dist, chunk), 'utf8');
      expect(code.includes(WEBGPU_BACKEND), `${chunk} holds the WebGPU backend`).toBe(false);
      expect(code.includes('not found in registry'), `${chunk} holds tfjs-core`).toBe(false); // the page never runs TensorFlow.js
      expect(chunk, 'a worker is its own chunk').not.toMatch(/\.worker-/);
    }
    // The backend is in the build, in a chunk of its own that the engine worker imports on demand.
    const workerChunk = initial.map((c) => readFileSync(join(dist, c), 'utf8')).join('').match(/engine\.worker-[\w-]+\.js/)?.[0];
    expect(workerChunk, 'the page starts the engine worker from its own file').toBeDefined();
    const worker = readFileSync(join(dist, 'assets', workerChunk as string), 'utf8');
    expect(worker.includes(WEBGPU_BACKEND)).toBe(false);
    const onDemand = [...worker.matchAll(/import\(\s*[`"'](\.\/[^`"']+\.js)[`"']\s*\)/g)].map((m) => m[1]);
    expect(onDemand.some((c) => readFileSync(join(dist, 'assets', c), 'utf8').includes(WEBGPU_BACKEND))).toBe(true);
  });

  it('starts from a sub-path: the engine worker reports a backend, the sample loads, the link follows', async () => {
    const context = await harness().browser.newContext();
    const page = await context.newPage();
    const failures: string[] = [];
    const errors: string[] = [];
    page.on('response', (r) => r.status() >= 400 && failures.push(`${r.status()} ${r.url()}`));
    page.on('requestfailed', (r) => failures.push(`failed ${r.url()}`));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${siteUrl}?v=1&preset=tiny`);
    const backend = page.getByTestId('backend');
    await backend.waitFor({ timeout: 90_000 });
    expect(await backend.textContent()).toMatch(/^Training runs on (webgpu|webgl|wasm|cpu)/);
    await page.getByTestId('load-report').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => location.search.includes('data=sample:'));
    expect(await page.evaluate(() => location.pathname + location.search)).toMatch(new RegExp(`^${SUB_PATH}\\?v=1&preset=tiny&data=sample:`));
    expect(failures).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('ships the wasm backend\'s binaries beside the engine worker, where TF.js looks for them', async () => {
    const worker = readdirSync(join(dist, 'assets')).find((f) => /^engine\.worker-[\w-]+\.js$/.test(f));
    expect(worker).toBeDefined();
    const context = await harness().browser.newContext();
    const page = await context.newPage();
    await page.goto(siteUrl);
    // The engine worker as the page starts it, asked for wasm alone (protocol.ts's probe).
    const report = await page.evaluate(`new Promise((resolve) => {
      const w = new Worker('./assets/${worker}', { type: 'module' });
      w.onmessage = (e) => (e.data.type === 'backend' || e.data.type === 'error') && resolve(e.data);
      w.postMessage({ type: 'probe', backends: ['wasm'] });
    })`);
    expect(report).toEqual({ type: 'backend', report: { backend: 'wasm', skipped: [] } });
    await context.close();
  });

  it('explains, in a browser without WebGPU, which browser or flag gives it, and falls back', async () => {
    // The harness's browser has WebGPU switched on; Chromium started plainly on Linux has none.
    const plain = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-features=WebGPU'] });
    try {
      const page = await plain.newPage();
      await page.goto(siteUrl);
      const backend = page.getByTestId('backend');
      await backend.waitFor({ timeout: 90_000 });
      expect(await backend.textContent()).toMatch(/^Training runs on (webgl|wasm|cpu)/);
      const notice = (await page.getByTestId('webgpu-notice').innerText()).replace(/\s+/g, ' ');
      expect(notice).toMatch(/^No WebGPU here, so training runs on (webgl|wasm|cpu), which is much slower\./);
      // Depending on the build, Chromium hides navigator.gpu or offers no adapter: either is explained.
      expect(notice).toMatch(/This browser has no WebGPU \(navigator\.gpu is missing\)|WebGPU is present but offers no GPU adapter/);
      expect(notice).toContain('--enable-unsafe-webgpu --enable-features=Vulkan');
      expect(notice).toMatch(/The tiny preset trains fine on (webgl|wasm|cpu)/);
    } finally {
      await plain.close();
    }
  });
});
