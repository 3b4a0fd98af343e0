/**
 * One server for the benchmark, in its own process so the load generator does not share its event
 * loop: `api` (the real server on in-memory PGlite with the examples loaded) or `hello` (a bare
 * graphql-yoga hello-world, the baseline). Prints one JSON line with the URL (and key) when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApiKey } from '../src/auth/keys.ts';
import { openDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { loadDemo } from '../src/demo.ts';
import { startHttpServer } from '../src/http.ts';
import { createLogger } from '../src/logger.ts';
import { EXAMPLES_DIR } from '../test/helpers.ts';

const kind = process.argv[2];

if (kind === 'hello') {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { hello: String! }',
      resolvers: { Query: { hello: () => 'world' } },
    }),
    logging: false,
  });
  const server = createServer(yoga);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else if (kind === 'api') {
  const database = await openDatabase({ dataDir: 'memory://' });
  await applyMigrations(database);
  const demo = await loadDemo(database.db, EXAMPLES_DIR);
  const { key } = await createApiKey(database.db, { organization: 'demo', scope: 'read' });
  const server = await startHttpServer({
    database,
    logger: createLogger('warn'),
    port: 0,
    host: '127.0.0.1',
  });
  const estate = demo.estates.find((e) => e.name.includes('Riverside')) ?? demo.estates[0];
  process.stdout.write(`${JSON.stringify({ url: server.url, key, estateId: estate?.id })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  throw new Error('usage: servers.ts api|hello');
}
