// Two `virtplan serve` processes on one real Postgres, as two Kubernetes replicas would run:
// started at once on a fresh database (both migrate; neither fails), a write through one is read
// through the other, and SIGTERM in the middle of a slow request lets that request finish.
// Runs when DATABASE_URL points at a Postgres whose user may create databases (CI sets it).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const BASE_URL = process.env.DATABASE_URL;
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'packages/cli/bin/virtplan.js');
const COMMUNITY = readFileSync(join(ROOT, 'examples/community-hospital.yaml'), 'utf8');
const REGIONAL = readFileSync(join(ROOT, 'examples/regional-hospital.yaml'), 'utf8');
/** How long a replica may take to drain after SIGTERM (the Deployment sets the same). */
const SHUTDOWN_GRACE_MS = 30_000;

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly exit: Promise<number | null>;
  readonly output: () => string;
}

/** The server's environment: the test database and nothing of the caller's DATABASE_URL/PORT. */
function serverEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const { PORT: _port, DATABASE_URL: _url, VIRTPLAN_DEMO: _demo, ...rest } = process.env;
  return {
    ...rest,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    VIRTPLAN_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  };
}

/** Starts `virtplan serve` on a free port (port 0: the kernel picks) and waits for its banner. */
function startReplica(name: string, databaseUrl: string): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: serverEnv(databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 90 s:\n${output}`)), 90_000);
    const onData = () => {
      const url = /listening on (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      ready({ name, child, url, exit, output: () => output });
    };
    child.stderr?.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}

async function stopReplica(replica: Replica): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  replica.child.kill('SIGTERM');
  const killer = setTimeout(() => replica.child.kill('SIGKILL'), SHUTDOWN_GRACE_MS + 5_000);
  await replica.exit;
  clearTimeout(killer);
}

interface GraphqlAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
}

async function graphql(
  replica: Replica,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlAnswer['body'] };
}

/** Runs a CLI command against the test database; resolves to its stdout (rejects on a non-zero exit). */
function cli(databaseUrl: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: serverEnv(databaseUrl),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? done(stdout) : fail(new Error(`virtplan ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

const IMPORT = `mutation($content: String!) {
  importEstate(content: $content, format: YAML) {
    __typename
    ... on ImportEstateSuccess { estate { id name revision } }
    ... on EstateValidationError { message }
  }
}`;
const READ_ESTATE = 'query($id: ID!) { estate(id: $id) { id name revision document } }';
const RUN_PLAN = 'mutation($id: ID!) { runPlan(estateId: $id) { id estateId hostsUsed lowerBound } }';
const READ_PLAN = 'query($id: ID!) { plan(id: $id) { id estateId hostsUsed lowerBound } }';

async function importEstate(replica: Replica, key: string, content: string): Promise<string> {
  const answer = await graphql(replica, key, IMPORT, { content });
  expect(answer.status).toBe(200);
  const result = answer.body.data?.importEstate as { __typename: string; estate?: { id: string } };
  expect(result.__typename, JSON.stringify(answer.body)).toBe('ImportEstateSuccess');
  return result.estate?.id as string;
}

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
    let a: Replica;
    let b: Replica;
    let key: string;

    beforeAll(async () => {
      const admin = new pg.Client({ connectionString: BASE_URL });
      await admin.connect();
      await admin.query(`create database ${dbName}`);
      await admin.end();
      // Both at the same time, on a database with no tables yet: both take the migration path.
      [a, b] = await Promise.all([
        startReplica('replica A', databaseUrl),
        startReplica('replica B', databaseUrl),
      ]);
      key = (await cli(databaseUrl, ['keys', 'create', '--org', 'infra-two-replicas', '--scope', 'write']))
        .trim()
        .split('\n')
        .at(-1) as string;
    });

    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map(stopReplica));
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
