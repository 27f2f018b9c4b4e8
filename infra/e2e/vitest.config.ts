import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // The stack tests start real processes; run the files one after another on 2 cores.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The cluster test runs on its own (vitest.cluster.config.ts, `npm run test:cluster`).
    exclude: [...configDefaults.exclude, 'test/cluster.test.ts'],
  },
});
