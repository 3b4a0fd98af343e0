import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql-js: vitest inlines the api package's sources and would resolve their
    // `graphql` import to its ESM build, while graphql-yoga (loaded by Node) uses the CJS one.
    // Two copies break `instanceof GraphQLError`, and the API masks its NOT_FOUND and
    // FORBIDDEN errors as INTERNAL_SERVER_ERROR. Node itself loads the CJS build for both.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // The contract suite starts the real API on PGlite: seconds alone, more on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
