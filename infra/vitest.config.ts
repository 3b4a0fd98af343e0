import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The two-replica test starts real servers against Postgres.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
