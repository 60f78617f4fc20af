import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests, and integration tests that start real kernels,
// JupyterLab servers and Chromium (slow, run one file at a time).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Tests import the package by name; resolve it to the source so no build is needed.
          alias: { distlab: new URL('./kernel-lib/src/index.ts', import.meta.url).pathname },
          include: ['kernel-lib/test/**/*.test.ts', 'extension/test/**/*.test.ts'],
          testTimeout: 60_000
        }
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false
        }
      }
    ]
  }
});
