import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the cluster e2e test alone (`npm run cluster` on PostgreSQL and the Temporal server
 * built from source; the root script builds the server first when it is not cached).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/cluster.test.ts'],
    testTimeout: 420_000,
    hookTimeout: 300_000,
  },
});
