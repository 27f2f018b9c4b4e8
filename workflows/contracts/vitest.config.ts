import { defineConfig } from 'vitest/config';

// Pure schema tests: no Temporal server needed.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
