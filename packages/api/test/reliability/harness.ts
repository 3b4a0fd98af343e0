/**
 * Shared parts of the reliability suites: a real `virtplan serve` process on a free loopback port
 * (its pino output captured), a fresh Postgres database per suite, keys, and a small GraphQL client.
 * Nothing here fakes the server: every test talks HTTP to the process a user would run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApiKey, revokeApiKey, type Scope } from '../../src/auth/keys.ts';
import { openDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../../..');
export const CLI_BIN = join(REPO_ROOT, 'packages/cli/bin/virtplan.js');
export const EXAMPLES = join(REPO_ROOT, 'examples');

/** The machine's Postgres, when the run has one (`.ci/run` sets it). */
export const DATABASE_URL = process.env.DATABASE_URL;

export const readExample = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Where a suite's data lives: a PGlite folder, or a database of its own on the machine's Postgres. */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Env for the server and CLI: DATABASE_URL for Postgres, nothing for PGlite. */
  readonly env: Record<string, string>;
  /** `--data-dir DIR` for PGlite, nothing for Postgres. */
  readonly args: string[];
  readonly dataDir: string | undefined;
  readonly databaseUrl: string | undefined;
  /** PGlite: the keys the template was made with. */
  readonly templateKeys?: readonly (KeySpec & { id: string; key: string })[];
  readonly dispose: () => Promise<void>;
}

/**
 * The keys every PGlite store starts with. Making a PGlite database from nothing (initdb and the
 * migrations) takes 5-15 s on a busy 2-core machine, so it is done once per migration set into a
 * template folder that each suite copies; these keys are created in the template.
 */
const TEMPLATE_KEYS: readonly KeySpec[] = [
  { organization: 'org-a', scope: 'write' },
  { organization: 'org-a', scope: 'write' },
  { organization: 'org-a', scope: 'read' },
  { organization: 'org-a', scope: 'admin' },
  { organization: 'org-a', scope: 'admin', revoked: true },
  { organization: 'org-b', scope: 'write' },
  { organization: 'org-b', scope: 'read' },
  { organization: 'org-b', scope: 'admin' },
];

interface Template {
  readonly dataDir: string;
  readonly keys: readonly (KeySpec & { id: string; key: string })[];
}

/** The migrated PGlite template with TEMPLATE_KEYS, built once per set of migrations and reused. */
async function pgliteTemplate(): Promise<Template> {
  const hash = createHash('sha256').update(JSON.stringify(TEMPLATE_KEYS));
  const migrations = join(here, '../../drizzle');
  for (const dir of readdirSync(migrations).sort()) {
    const file = join(migrations, dir, 'migration.sql');
    if (existsSync(file)) hash.update(dir).update(readFileSync(file));
  }
  const root = join(tmpdir(), `virtplan-reliability-template-${hash.digest('hex').slice(0, 16)}`);
  const manifest = join(root, 'keys.json');
  if (!existsSync(manifest)) {
    const building = `${root}.building-${process.pid}-${randomBytes(3).toString('hex')}`;
    mkdirSync(building, { recursive: true });
    const dataDir = join(building, 'data');
    const database = await openDatabase({ dataDir });
    const keys: (KeySpec & { id: string; key: string })[] = [];
    try {
      await applyMigrations(database);
      for (const spec of TEMPLATE_KEYS) {
        const created = await createApiKey(database.db, {
          organization: spec.organization,
          scope: spec.scope,
        });
        if (spec.revoked) await revokeApiKey(database.db, created.id);
        keys.push({ ...spec, id: created.id, key: created.key });
      }
    } finally {
      await database.close();
    }
    writeFileSync(join(building, 'keys.json'), JSON.stringify(keys));
    try {
      renameSync(building, root);
    } catch {
      // Another suite built it first: use theirs.
      rmSync(building, { recursive: true, force: true });
    }
  }
  return { dataDir: join(root, 'data'), keys: JSON.parse(readFileSync(manifest, 'utf8')) };
}

/** A PGlite data folder (a copy of the template) in a temporary directory, removed on dispose. */
export async function pgliteStore(): Promise<Store> {
  const template = await pgliteTemplate();
  const root = mkdtempSync(join(tmpdir(), 'vp-rel-'));
  const dataDir = join(root, 'data');
  cpSync(template.dataDir, dataDir, { recursive: true });
  return {
    kind: 'pglite',
    env: {},
    args: ['--data-dir', dataDir],
    dataDir,
    databaseUrl: undefined,
    templateKeys: template.keys,
    dispose: async () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Connects to the maintenance database of `url`'s server. */
function adminClient(url: string): pg.Client {
  const u = new URL(url);
  u.pathname = '/postgres';
  return new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5_000 });
}

/**
 * A uniquely named database on the machine's Postgres (created here, dropped on dispose), so a
 * suite neither sees nor disturbs the others' data.
 */
export async function postgresStore(baseUrl: string, label: string): Promise<Store> {
  const name = `vp_rel_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = adminClient(baseUrl);
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  return {
    kind: 'postgres',
    env: { DATABASE_URL: databaseUrl },
    args: [],
    dataDir: undefined,
    databaseUrl,
    dispose: async () => {
      // The server may have been restarted with the database: retry until it answers.
      for (let attempt = 0; attempt < 20; attempt++) {
        const client = adminClient(baseUrl);
        try {
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          return;
        } catch {
          await sleep(500);
        } finally {
          await client.end().catch(() => {});
        }
      }
    },
  };
}

/** The stores this run can test on: PGlite always, Postgres when DATABASE_URL is set. */
export const STORE_KINDS: readonly ('pglite' | 'postgres')[] = DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

export async function makeStore(kind: 'pglite' | 'postgres', label: string): Promise<Store> {
  if (kind === 'pglite') return await pgliteStore();
  if (!DATABASE_URL) throw new Error('postgres store asked for without DATABASE_URL');
  return postgresStore(DATABASE_URL, label);
}

export interface KeySpec {
  readonly organization: string;
  readonly scope: Scope;
  readonly revoked?: boolean;
}

/**
 * The keys asked for, in order, each with its public id. Postgres: created now (migrations applied
 * first). PGlite: taken from the template's keys (organizations org-a and org-b), each used once.
 */
export async function createKeys(
  store: Store,
  specs: readonly KeySpec[],
): Promise<{ id: string; key: string }[]> {
  if (store.templateKeys) {
    const unused = [...store.templateKeys];
    return specs.map((spec) => {
      const i = unused.findIndex(
        (k) =>
          k.organization === spec.organization &&
          k.scope === spec.scope &&
          Boolean(k.revoked) === Boolean(spec.revoked),
      );
      if (i < 0) throw new Error(`the PGlite template has no (more) key like ${JSON.stringify(spec)}`);
      const [k] = unused.splice(i, 1);
      return { id: k!.id, key: k!.key };
    });
  }
  const database = await openDatabase({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
  try {
    await applyMigrations(database);
    const out: { id: string; key: string }[] = [];
    for (const spec of specs) {
      const created = await createApiKey(database.db, { organization: spec.organization, scope: spec.scope });
      if (spec.revoked) await revokeApiKey(database.db, created.id);
      out.push({ id: created.id, key: created.key });
    }
    return out;
  } finally {
    await database.close();
  }
}

/** One key (see createKeys). */
export async function createKey(store: Store, spec: KeySpec): Promise<string> {
  const [created] = await createKeys(store, [spec]);
  return created!.key;
}

/** Runs `fn` against the store's database directly (PGlite: only while no server holds it). */
export async function withDirectDb<T>(store: Store, fn: (client: DirectSql) => Promise<T>): Promise<T> {
  if (store.kind === 'postgres') {
    const client = new pg.Client({ connectionString: store.databaseUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return await fn({
        query: async (text, params) => (await client.query(text, params ? [...params] : undefined)).rows,
      });
    } finally {
      await client.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: store.dataDir! });
  try {
    return await fn({
      query: async (text, params) =>
        (await db.query<Record<string, unknown>>(text, params as unknown[])).rows,
    });
  } finally {
    await db.close();
  }
}

export interface DirectSql {
  readonly query: (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;
}

export interface ServerOptions {
  readonly store: Store;
  /** Extra environment (limits and timeouts the server reads). */
  readonly env?: Record<string, string>;
  readonly args?: readonly string[];
  /** Milliseconds to wait for /readyz (default 60 s: PGlite on a busy 2-core machine is slow to start). */
  readonly startTimeoutMs?: number;
}

/** A running `virtplan serve`. */
export interface RunningServer {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Every line the process wrote to stdout and stderr so far (pino JSON and anything else). */
  readonly output: () => string;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  readonly stop: (graceMs?: number) => Promise<void>;
  /** SIGKILL at once (a crash), resolves when the process is gone. */
  readonly kill: () => Promise<void>;
}

const running = new Set<RunningServer>();

/** Stops every server a suite started and forgot: call from afterAll as a safety net. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill()));
}

/** Starts `virtplan serve` on a free port and waits until /readyz answers 200. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const chunks: string[] = [];
  const child = spawn(
    process.execPath,
    [
      CLI_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...options.store.args,
      ...(options.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...withoutDatabaseUrl(process.env),
        NODE_ENV: 'production',
        ...options.store.env,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.setEncoding('utf8').on('data', (c: string) => chunks.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => chunks.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    graphqlUrl: `${url}/graphql`,
    port,
    process: child,
    output: () => chunks.join(''),
    exited,
    stop: async (graceMs = 10_000) => {
      running.delete(server);
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      running.delete(server);
      if (gone) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  running.add(server);
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (gone) {
      running.delete(server);
      throw new Error(`virtplan serve exited before it was ready:\n${server.output()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  await server.kill();
  throw new Error(`virtplan serve was not ready within the time limit:\n${server.output()}`);
}

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'DATABASE_URL') out[k] = v;
  return out;
}

export interface GqlResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly body: GqlBody | undefined;
}

export interface GqlBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

/** POSTs one GraphQL operation; never throws for an HTTP status, only for a transport failure. */
export async function gql(
  server: { graphqlUrl: string },
  key: string | null,
  query: string,
  variables?: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<GqlResponse> {
  return post(server, key, JSON.stringify({ query, variables }), timeoutMs);
}

/** POSTs a raw body as application/json (for malformed and oversized bodies). */
export async function post(
  server: { graphqlUrl: string },
  key: string | null,
  body: string | Uint8Array<ArrayBuffer>,
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
): Promise<GqlResponse> {
  const res = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: GqlBody | undefined;
  try {
    parsed = JSON.parse(text) as GqlBody;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Throws with the whole response when a GraphQL call did not succeed without errors. */
export function dataOf(res: GqlResponse): Record<string, unknown> {
  if (res.status !== 200 || !res.body?.data || res.body.errors?.length) {
    throw new Error(`GraphQL call failed: HTTP ${res.status} ${res.text.slice(0, 2_000)}`);
  }
  return res.body.data;
}

/** Traces of internals a client must never see: stack frames, file paths, SQL, driver names. */
export const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat [\w.<>]+ \(/, // stack frame "at fn ("
  /\bat (file:|node:|\/)/,
  /\.ts:\d+/,
  /node_modules/,
  /\b(select|insert|update|delete)\b[\s\S]{0,80}\b(from|into|set|where)\b/i,
  /\bdrizzle\b/i,
  /\bpglite\b/i,
  /\bERROR:\s/,
  /syntax error at or near/i,
  /postgres:\/\//,
];

/** The leak patterns found in `text` (empty when clean). */
export function leaks(text: string): string[] {
  return LEAK_PATTERNS.filter((p) => p.test(text)).map((p) => `${p} in ${text.match(p)?.[0]}`);
}

/** Where result files go when a report run asks for them (VIRTPLAN_RESULTS_DIR). */
export function recordResult(name: string, result: unknown): void {
  const dir = process.env.VIRTPLAN_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ ...(result as object), at: new Date().toISOString() }, null, 2)}\n`,
  );
}
