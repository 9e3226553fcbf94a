// In headless Chromium on WebGPU (SwiftShader here, the real GPU elsewhere) the forward
// pass equals the CPU backend's within 1e-4 (MODEL.md).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInPage, hasChromium, startHarness, type Harness } from './harness.ts';
import type { compareForward } from './forward-page.ts';

describe.skipIf(!hasChromium)('webgpu forward pass', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness?.close());

  it('matches the CPU backend on the tiny preset', async () => {
    const page = await harness.newPage();
    const result = await callInPage<Awaited<ReturnType<typeof compareForward>>>(page, '/tests/browser/forward-page.ts', 'compareForward');
    expect(result.backend).toBe('webgpu');
    expect(result.adapter?.name).toMatch(/\w/);
    expect(result.n).toBe(16);
    expect(result.maxDiff).toBeLessThan(1e-4);
  });
});
