import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql-js: vitest inlines the api package's sources and would resolve their
    // `graphql` import to its ESM build, while graphql-yoga (loaded by Node) uses the CJS one.
    // Two copies break `instanceof GraphQLError`, and the API masks its NOT_FOUND and
    // FORBIDDEN errors as INTERNAL_SERVER_ERROR. Node itself loads the CJS build for both.
    alias: [
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      // The examples import the package by name, as its users do; test them against the source.
      { find: /^@virtplan\/client$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    // The contract suite starts the real API on PGlite: seconds alone, more on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
