import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Starts (or reuses, via TEMPORAL_TEST_ADDRESS) a Temporal dev server; tests read it with testTemporalAddress().
    globalSetup: ['@hub/testing/global-setup'],
  },
});
