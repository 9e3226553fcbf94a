// Node tests mirror src/; browser tests (tests/browser) drive headless Chromium through
// playwright-core, one file at a time (a browser is heavy on 2 cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
