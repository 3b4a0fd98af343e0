import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql: Node (and so Pothos and yoga) loads graphql's CJS main, while Vite would pick its
    // ESM `module` build for our sources; two copies break `instanceof` and schema building.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Database suites: PGlite start-up is seconds on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the fault test restarts the machine's Postgres under every other suite.
    fileParallelism: false,
  },
});
