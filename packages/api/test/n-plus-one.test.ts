import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/keys.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { type RunningServer, startHttpServer } from '../src/http.ts';
import { createLogger } from '../src/logger.ts';
import { gql, readExample } from './helpers.ts';

describe('nested lists load in a bounded number of queries (no N+1)', () => {
  const root = mkdtempSync(join(tmpdir(), 'vp-n1-'));
  let database: Database;
  let server: RunningServer;
  let key = '';
  let queries = 0;

  beforeAll(async () => {
    database = await openDatabase({
      dataDir: join(root, 'data'),
      onQuery: () => {
        queries++;
      },
    });
    await applyMigrations(database);
    key = (await createApiKey(database.db, { organization: 'n1', scope: 'write' })).key;
    server = await startHttpServer({
      database,
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      cacheTtlMs: 0,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const NESTED = `{ estates(first: 10) { edges { node { id sites { id } links { between } hosts { id }
    policies { dr { replicationMode } } workloads(first: 20) { totalCount edges { node { id readiness { status } } } }
    plans(first: 5) { edges { node { id } } } drEvaluations(first: 5) { edges { node { id } } }
    auditLog(first: 5) { edges { node { action } } } } } } }`;

  async function queriesFor(estateCount: number): Promise<number> {
    while (
      (await gql(server.url, key, '{ estates { totalCount } }')).body.data.estates.totalCount < estateCount
    ) {
      const content = readExample('community-hospital.yaml').replace(
        /^name: .*$/m,
        `name: Copy ${Math.random()}`,
      );
      await gql(
        server.url,
        key,
        'mutation($c: String!) { importEstate(content: $c, format: YAML) { __typename } }',
        { c: content },
      );
    }
    await gql(server.url, key, NESTED); // warm the readiness cache: it is per revision, not per request
    queries = 0;
    const res = await gql(server.url, key, NESTED);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.estates.edges.length).toBe(estateCount);
    return queries;
  }

  it('costs the same number of queries for 2 estates as for 6', async () => {
    const few = await queriesFor(2);
    const many = await queriesFor(6);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(15);
  });
});
