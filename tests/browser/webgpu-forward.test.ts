// In headless Chromium on WebGPU (SwiftShader here, the real GPU elsewhere) the forward
// pass equals the CPU backend's within 1e-4 (MODEL.md).

import { expect, it } from 'vitest';
import { callInPage, browserSuite } from './harness.ts';
import type { compareForward } from './forward-page.ts';

browserSuite('webgpu forward pass', (harness) => {
  it('matches the CPU backend on the tiny preset', async () => {
    const page = await harness().newPage();
    const result = await callInPage<Awaited<ReturnType<typeof compareForward>>>(page, '/tests/browser/forward-page.ts', 'compareForward');
    expect(result.backend).toBe('webgpu');
    expect(result.adapter?.name).toMatch(/\w/);
    expect(result.n).toBe(16);
    expect(result.maxDiff).toBeLessThan(1e-4);
  });
});
