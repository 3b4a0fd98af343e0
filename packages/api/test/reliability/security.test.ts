/**
 * Access rules, one test each, against the real server: missing, malformed, revoked, wrong and
 * other-organization keys; every root field that takes an id, called with another organization's
 * ids (the list comes from the live schema, so a new field without a case here fails); read keys
 * cannot mutate (every mutation, again from the schema); keys stored only hashed; an append-only
 * audit log naming the key of every change; no key, secret or SQL in logs or error messages.
 * Runs on PGlite and, when DATABASE_URL is set, on a database of its own on the machine's Postgres.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/auth/keys.ts';
import { openDatabase } from '../../src/db/client.ts';
import {
  createKeys,
  dataOf,
  type GqlResponse,
  leaks,
  makeStore,
  post,
  type RunningServer,
  gql as rawGql,
  readExample,
  recordResult,
  STORE_KINDS,
  type Store,
  sleep,
  startServer,
  stopAllServers,
  withDirectDb,
} from './harness.ts';

/** Identifying text of organization A's data: none of it may reach organization B. */
const A_ESTATE_NAME = 'Zq7 Secret Estate of Org A';
const A_WORKLOAD_NAME = 'zq7-secret-workload-name';

interface Ids {
  estateId: string;
  revision: number;
  workloadId: string;
  hostEntryId: string;
  siteId: string;
  planId: string;
  drEvaluationId: string;
}

interface Call {
  readonly query: string;
  readonly variables: (ids: Ids) => Record<string, unknown>;
}

/**
 * One call per root field that names something by id, made with organization A's ids. A root
 * field taking an id that is missing here fails the enumeration test.
 */
const ID_CALLS: Record<string, Call> = {
  'Query.estate': {
    query: 'query($id: ID!) { estate(id: $id) { id name revision } }',
    variables: (ids) => ({ id: ids.estateId }),
  },
  'Query.applicationReadiness': {
    query: `query($id: ID!) { applicationReadiness(estateId: $id, application: "Sec") {
      status findings { code message } } }`,
    variables: (ids) => ({ id: ids.estateId }),
  },
  'Query.comparePlans': {
    query: 'query($a: ID!, $b: ID!) { comparePlans(a: $a, b: $b) { __typename } }',
    variables: (ids) => ({ a: ids.planId, b: ids.planId }),
  },
  'Query.plan': {
    query: 'query($id: ID!) { plan(id: $id) { __typename } }',
    variables: (ids) => ({ id: ids.planId }),
  },
  'Query.drEvaluation': {
    query: 'query($id: ID!) { drEvaluation(id: $id) { __typename } }',
    variables: (ids) => ({ id: ids.drEvaluationId }),
  },
  ...mutationCalls(),
};

/** A valid call of every mutation against organization A's estate (also used for the scope and audit tests). */
function mutationCalls(): Record<string, Call> {
  const change = (field: string, args: string, types: string): Call => ({
    query: `mutation($e: ID!, $r: Int!${types}) { ${field}(estateId: $e, expectedRevision: $r${args}) {
      __typename ... on EstateChanged { revision } ... on DomainError { message } } }`,
    variables: () => ({}),
  });
  return {
    'Mutation.importEstate': {
      query: `mutation($c: String!) { importEstate(content: $c, format: YAML) {
        __typename ... on ImportEstateSuccess { estate { id } } } }`,
      variables: () => ({ c: readExample('spec-example.yaml') }),
    },
    'Mutation.addWorkload': {
      ...change('addWorkload', ', workload: $w', ', $w: WorkloadInput!'),
      variables: (ids) => ({
        e: ids.estateId,
        r: ids.revision,
        w: { id: 'sec-added', application: 'Sec', memoryGiB: 4, site: ids.siteId },
      }),
    },
    'Mutation.changeWorkload': {
      ...change('changeWorkload', ', id: $id, changes: { memoryGiB: 5 }', ', $id: String!'),
      variables: (ids) => ({ e: ids.estateId, r: ids.revision, id: ids.workloadId }),
    },
    'Mutation.removeWorkload': {
      ...change('removeWorkload', ', id: $id', ', $id: String!'),
      variables: (ids) => ({ e: ids.estateId, r: ids.revision, id: 'sec-added' }),
    },
    'Mutation.addHost': {
      ...change('addHost', ', host: $h', ', $h: HostInput!'),
      variables: (ids) => ({
        e: ids.estateId,
        r: ids.revision,
        h: { id: 'sec-host', site: ids.siteId, cpuCores: 16, memoryGiB: 256 },
      }),
    },
    'Mutation.changeHost': {
      ...change('changeHost', ', id: $id, changes: { cpuCores: 32 }', ', $id: String!'),
      variables: (ids) => ({ e: ids.estateId, r: ids.revision, id: 'sec-host' }),
    },
    'Mutation.removeHost': {
      ...change('removeHost', ', id: $id', ', $id: String!'),
      variables: (ids) => ({ e: ids.estateId, r: ids.revision, id: 'sec-host' }),
    },
    'Mutation.runPlan': {
      query: 'mutation($e: ID!) { runPlan(estateId: $e) { __typename id } }',
      variables: (ids) => ({ e: ids.estateId }),
    },
    'Mutation.evaluateDr': {
      query: 'mutation($e: ID!) { evaluateDr(estateId: $e) { __typename id } }',
      variables: (ids) => ({ e: ids.estateId }),
    },
    'Mutation.deleteEstate': {
      query: `mutation($e: ID!, $r: Int!) { deleteEstate(id: $e, expectedRevision: $r) {
        __typename ... on DomainError { message } } }`,
      variables: (ids) => ({ e: ids.estateId, r: ids.revision }),
    },
  };
}

afterAll(async () => {
  await stopAllServers();
});

describe.each(STORE_KINDS)('access rules on %s', (kind) => {
  let store: Store;
  let server: RunningServer;
  /** Org A: write, read, admin, revoked; org B: write, read, admin. */
  let keys: { id: string; key: string }[];
  let aWrite: string;
  let aRead: string;
  let aAdmin: string;
  let bWrite: string;
  let bRead: string;
  let bAdmin: string;
  let revoked: string;
  let a: Ids;
  const responses: GqlResponse[] = [];
  /** A's audit entries right after the setup: every one must still be there, unchanged, at the end. */
  let auditAtStart: string[] = [];
  const AUDIT_QUERY = `query($id: ID!) { estate(id: $id) { auditLog(first: 500) { edges { node {
    sequence at action keyId estateRevision detail } } } } }`;
  const auditOfA = async (): Promise<string[]> => {
    const data = dataOf(await gql(aRead, AUDIT_QUERY, { id: a.estateId }));
    return (data.estate as { auditLog: { edges: { node: unknown }[] } }).auditLog.edges.map((e) =>
      JSON.stringify(e.node),
    );
  };
  let revocationSeenAfterMs: number | null = null;
  /** Successful changes made per key id (each must have exactly one audit entry). */
  const changesByKey = new Map<string, number>();

  const gql = async (key: string | null, query: string, variables?: Record<string, unknown>) => {
    const res = await rawGql(server, key, query, variables);
    responses.push(res);
    return res;
  };
  const keyIdOf = (key: string) => keys.find((k) => k.key === key)!.id;
  const countChange = (key: string) =>
    changesByKey.set(keyIdOf(key), (changesByKey.get(keyIdOf(key)) ?? 0) + 1);

  async function estateOfA(): Promise<{ revision: number; plans: number } | null> {
    const data = dataOf(
      await gql(
        aRead,
        'query($id: ID!) { estate(id: $id) { revision plans(first: 100) { edges { node { id } } } } }',
        {
          id: a.estateId,
        },
      ),
    );
    const e = data.estate as { revision: number; plans: { edges: unknown[] } } | null;
    return e ? { revision: e.revision, plans: e.plans.edges.length } : null;
  }

  /** Runs a change-style mutation as `key` and returns its result object. */
  async function mutate(name: string, key: string, ids: Ids): Promise<Record<string, unknown>> {
    const call = ID_CALLS[`Mutation.${name}`]!;
    const data = dataOf(await gql(key, call.query, call.variables(ids)));
    return data[name] as Record<string, unknown>;
  }

  beforeAll(async () => {
    store = await makeStore(kind, 'sec');
    keys = await createKeys(store, [
      { organization: 'org-a', scope: 'write' },
      { organization: 'org-a', scope: 'read' },
      { organization: 'org-a', scope: 'admin' },
      { organization: 'org-b', scope: 'write' },
      { organization: 'org-b', scope: 'read' },
      { organization: 'org-a', scope: 'admin', revoked: true },
      { organization: 'org-b', scope: 'admin' },
    ]);
    [aWrite, aRead, aAdmin, bWrite, bRead, revoked, bAdmin] = keys.map((k) => k.key) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    server = await startServer({ store });
    const text = readExample('community-hospital.yaml').replace(/^name: .*$/m, `name: ${A_ESTATE_NAME}`);
    const imported = dataOf(
      await gql(
        aWrite,
        `mutation($c: String!) { importEstate(content: $c, format: YAML) { ... on ImportEstateSuccess {
          estate { id revision sites { id } hosts { hostId } workloads(first: 1) { edges { node { id } } } } } } }`,
        { c: text },
      ),
    ).importEstate as {
      estate: {
        id: string;
        revision: number;
        sites: { id: string }[];
        hosts: { hostId: string }[];
        workloads: { edges: { node: { id: string } }[] };
      };
    };
    countChange(aWrite);
    a = {
      estateId: imported.estate.id,
      revision: imported.estate.revision,
      workloadId: imported.estate.workloads.edges[0]!.node.id,
      hostEntryId: imported.estate.hosts[0]!.hostId,
      siteId: imported.estate.sites[0]!.id,
      planId: '',
      drEvaluationId: '',
    };
    const added = await gql(
      aWrite,
      `mutation($e: ID!, $r: Int!, $w: WorkloadInput!) { addWorkload(estateId: $e, expectedRevision: $r, workload: $w) {
        __typename ... on EstateChanged { revision } } }`,
      {
        e: a.estateId,
        r: a.revision,
        w: { id: 'zq7', name: A_WORKLOAD_NAME, application: 'Sec', memoryGiB: 2 },
      },
    );
    a.revision = (dataOf(added).addWorkload as { revision: number }).revision;
    countChange(aWrite);
    const plan = await gql(aWrite, 'mutation($e: ID!) { runPlan(estateId: $e) { id } }', { e: a.estateId });
    a.planId = (dataOf(plan).runPlan as { id: string }).id;
    countChange(aWrite);
    const dr = await gql(aWrite, 'mutation($e: ID!) { evaluateDr(estateId: $e) { id } }', { e: a.estateId });
    a.drEvaluationId = (dataOf(dr).evaluateDr as { id: string }).id;
    countChange(aWrite);
    auditAtStart = await auditOfA();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  }, 60_000);

  describe('keys', () => {
    const expect401 = (res: GqlResponse, message: RegExp) => {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body?.errors?.[0]?.message).toMatch(message);
      expect(res.body?.data ?? null).toBeNull();
    };

    it('no key: 401 saying how to send one', async () => {
      expect401(await gql(null, '{ viewer { organization } }'), /Authorization: Bearer/);
    });

    it.each([
      ['empty', ''],
      ['no scheme', 'vpk_abcdefghijkl_0123456789012345678901234567890123456789012'],
      ['Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['Bearer only', 'Bearer'],
      ['not a virtplan key', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
      ['too short', 'Bearer vpk_abc_def'],
      ['two keys', 'Bearer vpk_a vpk_b'],
      ['unicode', 'Bearer vpk_ÄÖÜ'],
    ])('malformed key (%s): 401', async (_name, header) => {
      const res = await post(server, null, JSON.stringify({ query: '{ viewer { organization } }' }), 10_000, {
        authorization: header,
      });
      responses.push(res);
      expect(res.status).toBe(401);
      expect(res.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('a revoked key: 401', async () => {
      expect401(await gql(revoked, '{ viewer { organization } }'), /not valid/);
    });

    it('a real key id with a wrong secret: 401, same message as an unknown key', async () => {
      const wrongSecret = aAdmin.slice(0, -4) + (aAdmin.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const unknownId = `vpk_ZZZZZZZZZZZZ_${aAdmin.split('_').slice(2).join('_')}`;
      const r1 = await gql(wrongSecret, '{ viewer { organization } }');
      const r2 = await gql(unknownId, '{ viewer { organization } }');
      expect401(r1, /not valid/);
      expect401(r2, /not valid/);
      expect(r1.body?.errors?.[0]?.message).toBe(r2.body?.errors?.[0]?.message);
    });

    it('each key sees its own organization and scope', async () => {
      const viewer = async (key: string) =>
        dataOf(await gql(key, '{ viewer { organization scope keyId } }')).viewer as Record<string, string>;
      expect(await viewer(aRead)).toEqual({ organization: 'org-a', scope: 'READ', keyId: keyIdOf(aRead) });
      expect(await viewer(bWrite)).toEqual({ organization: 'org-b', scope: 'WRITE', keyId: keyIdOf(bWrite) });
    });

    it('on Postgres: a key revoked while the server runs stops working within seconds', async () => {
      if (kind !== 'postgres') return; // PGlite: one process holds the data, so keys change only while it is down.
      const [fresh] = await createKeys(store, [{ organization: 'org-a', scope: 'read' }]);
      dataOf(await gql(fresh!.key, '{ viewer { organization } }'));
      const database = await openDatabase({ databaseUrl: store.databaseUrl });
      try {
        expect(await revokeApiKey(database.db, fresh!.id)).toBe(true);
      } finally {
        await database.close();
      }
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 5_000) {
        status = (await gql(fresh!.key, '{ viewer { organization } }')).status;
        if (status === 200) await sleep(100);
      }
      expect(status).toBe(401);
      revocationSeenAfterMs = Date.now() - revokedAt;
    });
  });

  describe('other organizations', () => {
    it('the list of B shows nothing of A', async () => {
      for (const key of [bRead, bWrite, bAdmin]) {
        const res = await gql(key, '{ estates(first: 100) { totalCount edges { node { id name } } } }');
        expect(dataOf(res).estates).toEqual({ totalCount: 0, edges: [] });
      }
    });

    it("A's ids look to B exactly like ids that do not exist (no existence oracle)", async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const [name, field] of [
        ['Query.applicationReadiness', 'estateId'],
        ['Query.comparePlans', 'planId'],
        ['Query.plan', 'planId'],
        ['Mutation.changeWorkload', 'estateId'],
        ['Mutation.runPlan', 'estateId'],
      ] as const) {
        const call = ID_CALLS[name]!;
        const real = await gql(bAdmin, call.query, call.variables(a));
        const fake = await gql(bAdmin, call.query, call.variables({ ...a, [field]: missing }));
        const strip = (text: string) => text.replaceAll(a[field], 'ID').replaceAll(missing, 'ID');
        expect(real.status, name).toBe(fake.status);
        expect(strip(real.text), name).toBe(strip(fake.text));
      }
    });

    it('every root field that takes an id has a cross-organization case here', async () => {
      const res = await gql(
        aRead,
        `{ __schema { queryType { fields { name args { name type { ...T } } } }
            mutationType { fields { name args { name type { ...T } } } } } }
         fragment T on __Type { name kind ofType { name kind ofType { name kind ofType { name kind } } } }`,
      );
      type TypeRef = { name: string | null; ofType?: TypeRef | null };
      const named = (t: TypeRef): string | null => (t.ofType ? named(t.ofType) : t.name);
      const schema = dataOf(res).__schema as Record<
        'queryType' | 'mutationType',
        { fields: { name: string; args: { name: string; type: TypeRef }[] }[] }
      >;
      const takingIds: string[] = [];
      for (const [root, type] of [
        ['Query', schema.queryType],
        ['Mutation', schema.mutationType],
      ] as const) {
        for (const field of type.fields) {
          if (field.args.some((arg) => named(arg.type) === 'ID' || /id$/i.test(arg.name))) {
            takingIds.push(`${root}.${field.name}`);
          }
        }
      }
      expect(takingIds.length).toBeGreaterThan(5);
      const missing = takingIds.filter((name) => !(name in ID_CALLS));
      expect(missing, 'root fields taking ids without a cross-organization test').toEqual([]);
    });

    it("each of them, called by B with A's ids, returns nothing of A's and changes nothing", async () => {
      const before = await estateOfA();
      const roots = dataOf(
        await gql(aRead, '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }'),
      ).__schema as Record<'queryType' | 'mutationType', { fields: { name: string }[] }>;
      const schemaFields = new Set([
        ...roots.queryType.fields.map((f) => `Query.${f.name}`),
        ...roots.mutationType.fields.map((f) => `Mutation.${f.name}`),
      ]);
      let tried = 0;
      for (const [name, call] of Object.entries(ID_CALLS)) {
        if (!schemaFields.has(name) || name === 'Mutation.importEstate') continue;
        const field = name.split('.')[1]!;
        for (const key of [bAdmin, bWrite, bRead]) {
          const res = await gql(key, call.query, call.variables(a));
          tried++;
          expect(res.text, `${name}: A's estate name leaked`).not.toContain(A_ESTATE_NAME);
          expect(res.text, `${name}: A's workload leaked`).not.toContain(A_WORKLOAD_NAME);
          const value = res.body?.data?.[field];
          const codes = (res.body?.errors ?? []).map((e) => e.extensions?.code);
          const refused =
            value === null ||
            (value as { __typename?: string } | undefined)?.__typename === 'NotFoundError' ||
            codes.includes('NOT_FOUND') ||
            // A scope refusal tells nothing of A either; the admin key of B shows the id refusal itself.
            (key !== bAdmin && codes.includes('FORBIDDEN'));
          expect(refused, `${name} as key ${keyIdOf(key)} of B: ${res.text.slice(0, 400)}`).toBe(true);
        }
      }
      expect(tried).toBeGreaterThan(10);
      expect(await estateOfA()).toEqual(before);
    });
  });

  describe('scopes', () => {
    it('a read key cannot run any mutation, and nothing changes', async () => {
      const res = await gql(aRead, '{ __schema { mutationType { fields { name } } } }');
      const names = (
        dataOf(res).__schema as { mutationType: { fields: { name: string }[] } }
      ).mutationType.fields.map((f) => f.name);
      const missing = names.filter((n) => !(`Mutation.${n}` in ID_CALLS));
      expect(missing, 'mutations without a scope test').toEqual([]);
      const before = await estateOfA();
      const estatesBefore = dataOf(await gql(aRead, '{ estates { totalCount } }')).estates;
      for (const name of names) {
        const call = ID_CALLS[`Mutation.${name}`]!;
        const denied = await gql(aRead, call.query, call.variables(a));
        const codes = (denied.body?.errors ?? []).map((e) => e.extensions?.code);
        expect(codes, `${name} with a read key: ${denied.text.slice(0, 300)}`).toContain('FORBIDDEN');
        expect(denied.body?.data?.[name] ?? null).toBeNull();
      }
      expect(await estateOfA()).toEqual(before);
      expect(dataOf(await gql(aRead, '{ estates { totalCount } }')).estates).toEqual(estatesBefore);
    });

    it('a write key cannot delete an estate; an admin key can', async () => {
      const imported = await mutate('importEstate', aWrite, a);
      countChange(aWrite);
      const victim = { ...a, estateId: (imported.estate as { id: string }).id, revision: 1 };
      const denied = await gql(aWrite, ID_CALLS['Mutation.deleteEstate']!.query, {
        e: victim.estateId,
        r: 1,
      });
      expect((denied.body?.errors ?? []).map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      const done = await mutate('deleteEstate', aAdmin, victim);
      countChange(aAdmin);
      expect(done.__typename).toBe('EstateDeleted');
    });
  });

  describe('audit log', () => {
    it('every change made through the API is recorded with the key that made it', async () => {
      const ids = { ...a };
      for (const name of [
        'addWorkload',
        'changeWorkload',
        'removeWorkload',
        'addHost',
        'changeHost',
        'removeHost',
      ]) {
        const result = await mutate(name, aWrite, ids);
        expect(result.__typename, `${name}: ${JSON.stringify(result)}`).toBe('EstateChanged');
        ids.revision = result.revision as number;
        countChange(aWrite);
      }
      for (const name of ['runPlan', 'evaluateDr']) {
        await mutate(name, aAdmin, { ...ids, revision: ids.revision });
        countChange(aAdmin);
      }
      a.revision = ids.revision;
      const log = dataOf(
        await gql(
          aRead,
          'query($id: ID!) { estate(id: $id) { auditLog(first: 100) { edges { node { action keyId } } } } }',
          {
            id: a.estateId,
          },
        ),
      );
      const entries = (
        log.estate as { auditLog: { edges: { node: { action: string; keyId: string } }[] } }
      ).auditLog.edges.map((e) => e.node);
      const actions = entries.map((e) => e.action);
      for (const action of [
        'ESTATE_IMPORTED',
        'WORKLOAD_ADDED',
        'WORKLOAD_CHANGED',
        'WORKLOAD_REMOVED',
        'HOST_ADDED',
        'HOST_CHANGED',
        'HOST_REMOVED',
      ]) {
        expect(actions).toContain(action);
      }
      expect(entries.every((e) => e.keyId === keyIdOf(aWrite) || e.keyId === keyIdOf(aAdmin))).toBe(true);
    });

    it('is append-only: after every mutation above, the entries of the start are all there, unchanged', async () => {
      expect(auditAtStart.length).toBeGreaterThanOrEqual(4);
      const now = await auditOfA();
      for (const entry of auditAtStart) expect(now).toContain(entry);
      expect(now.length).toBeGreaterThan(auditAtStart.length);
    });

    it('no mutation or input type can reach the audit log', async () => {
      const res = await gql(
        aRead,
        `{ __schema { mutationType { fields { name args { name type { name ofType { name ofType { name } } } } } } }
           __type(name: "AuditEntry") { fields { name } } }`,
      );
      const text = JSON.stringify(dataOf(res).__schema);
      expect(text).not.toMatch(/audit/i);
      const attempt = await gql(aAdmin, 'mutation { deleteAuditEntry(sequence: 1) }');
      expect(attempt.status).toBe(400);
    });
  });

  describe('what is stored and what is written', () => {
    it('on Postgres: an internal database error is masked for the client and logged without SQL', async () => {
      if (kind !== 'postgres') return;
      await withDirectDb(store, (db) => db.query('alter table plans rename to plans_hidden'));
      try {
        const res = await gql(aWrite, 'mutation($e: ID!) { runPlan(estateId: $e) { id } }', {
          e: a.estateId,
        });
        expect(res.body?.errors?.[0]?.message).toBe('Unexpected error.');
        expect(leaks(res.text)).toEqual([]);
      } finally {
        await withDirectDb(store, (db) => db.query('alter table plans_hidden rename to plans'));
      }
    });

    it('keys are stored only as hashes, and no table holds a key or a secret', async () => {
      await server.stop();
      const secrets = keys.map((k) => ({ ...k, secret: k.key.split('_').slice(2).join('_') }));
      await withDirectDb(store, async (db) => {
        const rows = await db.query('select id, secret_sha256 from api_keys');
        for (const k of secrets) {
          const row = rows.find((r) => r.id === k.id);
          expect(row?.secret_sha256).toBe(createHash('sha256').update(k.secret).digest('hex'));
        }
        const tables = await db.query(
          "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
        );
        expect(tables.length).toBeGreaterThan(5);
        for (const { table_name } of tables) {
          const dump = await db.query(`select row_to_json(t)::text as j from "${String(table_name)}" t`);
          const text = dump.map((r) => r.j).join('\n');
          for (const k of secrets) {
            expect(text, `${table_name} holds a secret`).not.toContain(k.secret);
          }
        }
      });
    });

    it('the audit log in the database has one entry per change, each with its key', async () => {
      await withDirectDb(store, async (db) => {
        const rows = await db.query(
          "select key_id, count(*)::int as n from audit_log where action not like 'API_KEY_%' group by key_id",
        );
        const counted = Object.fromEntries(rows.map((r) => [String(r.key_id), Number(r.n)]));
        expect(counted).toEqual(Object.fromEntries(changesByKey));
      });
    });

    it('no key, secret, password or SQL in the logs or in any error message', () => {
      const output = server.output();
      expect(output.length).toBeGreaterThan(100);
      for (const k of keys) {
        expect(output).not.toContain(k.key);
        expect(output).not.toContain(k.key.split('_').slice(2).join('_'));
      }
      expect(output).not.toMatch(/Bearer\s+\S/);
      expect(output).not.toMatch(
        /\b(select|insert into|update|delete from)\b[\s\S]{0,200}\b(from|values|set|where)\b/i,
      );
      expect(output).not.toMatch(/Failed query|params:/);
      for (const res of responses) {
        for (const k of keys) expect(res.text).not.toContain(k.key.split('_').slice(2).join('_'));
        expect(leaks(res.text), res.text.slice(0, 300)).toEqual([]);
      }
      recordResult(`security.${kind}`, {
        requests: responses.length,
        rules: [
          'missing key',
          'malformed keys',
          'revoked key',
          'wrong secret',
          'cross-organization ids',
          'read key mutations',
          'write key delete',
          'hashed keys',
          'audit log',
          'logs and messages',
        ],
        idFieldsCovered: Object.keys(ID_CALLS).length,
        revocationSeenAfterMs,
      });
    });
  });
});
