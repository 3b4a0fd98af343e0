// Two `virtplan serve` processes on one real Postgres, as two Kubernetes replicas would run:
// started at once on a fresh database (both migrate; neither fails), a write through one is read
// through the other, and SIGTERM in the middle of a slow request lets that request finish.
// Runs when DATABASE_URL points at a Postgres whose user may create databases (CI sets it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createKey,
  graphql,
  importEstate,
  type Replica,
  ROOT,
  serverEnv,
  startReplica,
  stopReplica,
} from './lib/virtplan-process.ts';

const BASE_URL = process.env.DATABASE_URL;
const COMMUNITY = readFileSync(join(ROOT, 'examples/community-hospital.yaml'), 'utf8');
const REGIONAL = readFileSync(join(ROOT, 'examples/regional-hospital.yaml'), 'utf8');
/** How long a replica may take to drain after SIGTERM (the Deployment sets the same). */
const SHUTDOWN_GRACE_MS = 30_000;

const READ_ESTATE = 'query($id: ID!) { estate(id: $id) { id name revision document } }';
const RUN_PLAN = 'mutation($id: ID!) { runPlan(estateId: $id) { id estateId hostsUsed lowerBound } }';
const READ_PLAN = 'query($id: ID!) { plan(id: $id) { id estateId hostsUsed lowerBound } }';

if (!BASE_URL) {
  describe('two replicas on one Postgres', () => {
    it.skip('needs DATABASE_URL pointing at a Postgres that may create databases (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
} else {
  describe('two replicas on one Postgres', () => {
    const dbName = `vp_infra_${process.pid}_${Date.now().toString(36)}`;
    const dbUrl = new URL(BASE_URL);
    dbUrl.pathname = `/${dbName}`;
    const databaseUrl = dbUrl.toString();
    const env = serverEnv(databaseUrl, { VIRTPLAN_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS) });
    let a: Replica;
    let b: Replica;
    let key: string;

    beforeAll(async () => {
      const admin = new pg.Client({ connectionString: BASE_URL });
      await admin.connect();
      await admin.query(`create database ${dbName}`);
      await admin.end();
      // Both at the same time, on a database with no tables yet: both take the migration path.
      [a, b] = await Promise.all([startReplica('replica A', env), startReplica('replica B', env)]);
      key = await createKey(env, 'infra-two-replicas');
    });

    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map((r) => stopReplica(r, SHUTDOWN_GRACE_MS + 5_000)));
      const admin = new pg.Client({ connectionString: BASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    });

    it('start together on a fresh database: both ready, each migration recorded once', async () => {
      for (const replica of [a, b]) {
        const ready = await fetch(new URL('/readyz', replica.url));
        expect(ready.status, replica.output()).toBe(200);
        expect(await ready.json()).toMatchObject({ database: 'reachable', migrations: 'applied' });
      }
      const committed = readdirSync(join(ROOT, 'packages/api/drizzle'), { withFileTypes: true }).filter((d) =>
        d.isDirectory(),
      ).length;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      await client.end();
      expect(rows[0]?.n).toBe(committed);
      expect(key).toMatch(/^vpk_/);
    });

    it('serve a write made through one replica from the other', async () => {
      const id = await importEstate(a, key, COMMUNITY);
      const fromA = await graphql(a, key, READ_ESTATE, { id });
      const fromB = await graphql(b, key, READ_ESTATE, { id });
      expect(fromB.status).toBe(200);
      expect(fromB.body).toEqual(fromA.body);
      const estate = fromB.body.data?.estate as { name: string; revision: number; document: string };
      const source = parse(COMMUNITY) as { name: string; workloads: unknown[] };
      expect(estate.name).toBe(source.name);
      expect(estate.revision).toBe(1);
      expect((JSON.parse(estate.document) as { workloads: unknown[] }).workloads).toHaveLength(
        source.workloads.length,
      );
    });

    it('serve a plan computed on one replica from the other', async () => {
      const id = await importEstate(b, key, COMMUNITY);
      const planned = await graphql(b, key, RUN_PLAN, { id });
      expect(planned.status).toBe(200);
      const plan = planned.body.data?.runPlan as { id: string; hostsUsed: number };
      expect(plan.hostsUsed).toBeGreaterThan(0);
      const read = await graphql(a, key, READ_PLAN, { id: plan.id });
      expect(read.body.data?.plan).toEqual(plan);
    });

    it('finish a slow request after SIGTERM, then exit 0; the other replica keeps serving', async () => {
      const id = await importEstate(a, key, REGIONAL);
      const started = Date.now();
      let answeredAt = 0;
      const slow = graphql(b, key, RUN_PLAN, { id }).then((answer) => {
        answeredAt = Date.now();
        return answer;
      });
      await new Promise((r) => setTimeout(r, 500));
      const signalledAt = Date.now();
      expect(answeredAt, 'the plan answered before the signal: nothing was in flight').toBe(0);
      b.child.kill('SIGTERM');

      const answer = await slow;
      expect(answer.status, b.output()).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      const plan = answer.body.data?.runPlan as { id: string; estateId: string; hostsUsed: number };
      expect(plan.estateId).toBe(id);
      expect(plan.hostsUsed).toBeGreaterThan(0);
      expect(answeredAt).toBeGreaterThan(signalledAt);

      expect(await b.exit).toBe(0);
      const exitedAt = Date.now();
      await expect(fetch(new URL('/healthz', b.url))).rejects.toThrow();

      // What the stopped replica computed was stored: the survivor serves it.
      const read = await graphql(a, key, READ_PLAN, { id: plan.id });
      expect(read.body.data?.plan).toEqual(plan);
      console.info(
        `SIGTERM drain: request ${answeredAt - started} ms (signal at ${signalledAt - started} ms), ` +
          `replica exited ${exitedAt - signalledAt} ms after the signal`,
      );
    });
  });
}
