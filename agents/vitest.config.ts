import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60000,
    include: ['test/**/*.test.ts'],
  },
});
