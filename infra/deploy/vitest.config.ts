import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // The first run on a machine without Go's caches builds helm (minutes); `npm test` has provisioned it already.
    hookTimeout: 30 * 60_000,
  },
});
