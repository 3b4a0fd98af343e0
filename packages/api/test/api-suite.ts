/**
 * The API integration suite: the real HTTP server on a free port, talked to over HTTP. Run once per
 * database driver (pglite.test.ts, postgres.test.ts).
 */
import { sql } from 'drizzle-orm';
import { getIntrospectionQuery } from 'graphql';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureOrganization, revokeApiKey } from '../src/auth/keys.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { type RunningServer, startHttpServer } from '../src/http.ts';
import { createLogger } from '../src/logger.ts';
import { gql, readExample, type TestDatabase } from './helpers.ts';

const SMALL_BODY_LIMIT = 4 * 1024 * 1024;

const ESTATE_FIELDS = `id name revision`;

const IMPORT = `mutation($content: String!, $format: EstateFormat!) {
  importEstate(content: $content, format: $format) {
    __typename
    ... on ImportEstateSuccess { estate { ${ESTATE_FIELDS} } }
    ... on EstateValidationError { message issues { path message severity } }
  }
}`;

const CHANGE_RESULT = `__typename
  ... on EstateChanged { revision estate { revision } }
  ... on StaleRevisionError { message expectedRevision currentRevision }
  ... on EstateValidationError { message issues { path message } }
  ... on NotFoundError { message id }`;

export function runApiSuite(label: string, makeDatabase: () => Promise<TestDatabase>): void {
  describe(`API over HTTP (${label})`, () => {
    let testDb: TestDatabase;
    let database: Database;
    let server: RunningServer;
    let url: string;
    const keys = { read: '', write: '', admin: '', otherWrite: '', revoked: '' };
    let estateId = '';
    let logs = '';

    async function start(): Promise<void> {
      database = await openDatabase(testDb.options());
      await applyMigrations(database);
      logs = '';
      server = await startHttpServer({
        database,
        logger: createLogger('info', {
          write: (line: string) => {
            logs += line;
            return true;
          },
        } as unknown as NodeJS.WritableStream),
        port: 0,
        host: '127.0.0.1',
        maxBodyBytes: SMALL_BODY_LIMIT,
        maxConcurrentRuns: 1,
        planTimeLimitMs: 300,
      });
      url = server.url;
    }

    beforeAll(async () => {
      testDb = await makeDatabase();
      await start();
      keys.read = (await createApiKey(database.db, { organization: 'north-hospital', scope: 'read' })).key;
      keys.write = (await createApiKey(database.db, { organization: 'north-hospital', scope: 'write' })).key;
      keys.admin = (await createApiKey(database.db, { organization: 'north-hospital', scope: 'admin' })).key;
      keys.otherWrite = (
        await createApiKey(database.db, { organization: 'south-clinic', scope: 'write' })
      ).key;
      const revoked = await createApiKey(database.db, { organization: 'north-hospital', scope: 'admin' });
      await revokeApiKey(database.db, revoked.id);
      keys.revoked = revoked.key;
    });

    afterAll(async () => {
      await server?.close();
      await testDb?.dispose();
    });

    it('answers /healthz, /readyz and /metrics', async () => {
      const base = url.replace('/graphql', '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ database: 'reachable', migrations: 'applied' });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('virtplan_http_requests_total');
    });

    it('refuses an invalid estate with every error and its path, storing nothing', async () => {
      const bad = readExample('community-hospital.yaml').replace(/memoryGiB: (\d+)/, 'memoryGiB: -$1');
      const res = await gql(url, keys.write, IMPORT, { content: `${bad}\nbogus: [`, format: 'YAML' });
      expect(res.status).toBe(200);
      expect(res.body.data.importEstate.__typename).toBe('EstateValidationError');
      expect(res.body.data.importEstate.issues.length).toBeGreaterThan(0);
      const semantic = await gql(url, keys.write, IMPORT, { content: bad, format: 'YAML' });
      const issues = semantic.body.data.importEstate.issues as { path: string; message: string }[];
      expect(issues.some((i) => /memoryGiB$/.test(i.path) && /must be/.test(i.message))).toBe(true);
      const list = await gql(url, keys.read, '{ estates { totalCount } }');
      expect(list.body.data.estates.totalCount).toBe(0);
    });

    it('imports an estate and reads it back', async () => {
      const res = await gql(url, keys.write, IMPORT, {
        content: readExample('community-hospital.yaml'),
        format: 'YAML',
      });
      expect(res.body.data.importEstate.__typename).toBe('ImportEstateSuccess');
      estateId = res.body.data.importEstate.estate.id;
      expect(res.body.data.importEstate.estate.revision).toBe(1);
      const read = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { name revision sites { id } hosts { id role } links { between }
          policies { consolidation { haReserve headroom { cpu } } dr { replicationMode } }
          readinessSummary { ready readyWithConditions unknown notReady } workloads { totalCount } } }`,
        { id: estateId },
      );
      const estate = read.body.data.estate;
      expect(estate.sites.length).toBeGreaterThan(0);
      expect(estate.hosts.length).toBeGreaterThan(0);
      const s = estate.readinessSummary;
      expect(s.ready + s.readyWithConditions + s.unknown + s.notReady).toBe(estate.workloads.totalCount);
    });

    it('pages through workloads with cursors, each once, in id order', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 50; page++) {
        const res: Awaited<ReturnType<typeof gql>> = await gql(
          url,
          keys.read,
          `query($id: ID!, $after: String) { estate(id: $id) { workloads(first: 4, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }`,
          { id: estateId, after },
        );
        const conn = res.body.data.estate.workloads;
        total = conn.totalCount;
        seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
        expect(conn.edges.length).toBeLessThanOrEqual(4);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort()).toEqual(seen);
      const badCursor = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { workloads(after: "nope") { totalCount } } }`,
        { id: estateId },
      );
      expect(badCursor.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('answers applicationReadiness with status and findings', async () => {
      const apps = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { applications { application status } } }`,
        { id: estateId },
      );
      const list = apps.body.data.estate.applications as { application: string; status: string }[];
      expect(list.length).toBeGreaterThan(0);
      for (const app of list) {
        const res = await gql(
          url,
          keys.read,
          `query($id: ID!, $app: String!) { applicationReadiness(estateId: $id, application: $app) {
            application status findings { code severity message } workloads { id } } }`,
          { id: estateId, app: app.application },
        );
        expect(res.body.data.applicationReadiness.status).toBe(app.status);
        expect(res.body.data.applicationReadiness.workloads.length).toBeGreaterThan(0);
        if (app.status !== 'READY')
          expect(res.body.data.applicationReadiness.findings.length).toBeGreaterThan(0);
      }
      const missing = await gql(
        url,
        keys.read,
        `query($id: ID!) { applicationReadiness(estateId: $id, application: "No Such App") { status } }`,
        { id: estateId },
      );
      expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
    });

    it('changes workloads and hosts, each bumping the revision, and refuses stale revisions and invalid results', async () => {
      const add = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { addWorkload(estateId: $id, expectedRevision: 1, workload: {
          id: "lab-middleware", application: "Lab", memoryGiB: 8, vcpus: 2, criticality: HIGH, vendorSupport: SUPPORTED }) { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(add.body.data.addWorkload).toMatchObject({ __typename: 'EstateChanged', revision: 2 });
      const stale = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { changeWorkload(estateId: $id, expectedRevision: 1, id: "lab-middleware", changes: { memoryGiB: 16 }) { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(stale.body.data.changeWorkload).toMatchObject({
        __typename: 'StaleRevisionError',
        expectedRevision: 1,
        currentRevision: 2,
      });
      const invalid = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { changeWorkload(estateId: $id, expectedRevision: 2, id: "lab-middleware", changes: { memoryGiB: -1 }) { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(invalid.body.data.changeWorkload.__typename).toBe('EstateValidationError');
      expect(invalid.body.data.changeWorkload.issues[0].path).toMatch(/^workloads\[\d+\]\.memoryGiB$/);
      const change = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { changeWorkload(estateId: $id, expectedRevision: 2, id: "lab-middleware", changes: { memoryGiB: 16, criticality: null }) { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(change.body.data.changeWorkload.revision).toBe(3);
      const read = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { workload(id: "lab-middleware") { memoryGiB criticality readiness { status } } } }`,
        { id: estateId },
      );
      expect(read.body.data.estate.workload).toMatchObject({ memoryGiB: 16, criticality: 'MEDIUM' });
      const unknown = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { removeWorkload(estateId: $id, expectedRevision: 3, id: "no-such") { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(unknown.body.data.removeWorkload).toMatchObject({ __typename: 'NotFoundError', id: 'no-such' });
      const remove = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { removeWorkload(estateId: $id, expectedRevision: 3, id: "lab-middleware") { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(remove.body.data.removeWorkload.revision).toBe(4);
      const sites = await gql(url, keys.read, `query($id: ID!) { estate(id: $id) { sites { id } } }`, {
        id: estateId,
      });
      const site = sites.body.data.estate.sites[0].id;
      const addHost = await gql(
        url,
        keys.write,
        `mutation($id: ID!, $site: String!) { addHost(estateId: $id, expectedRevision: 4, host: { id: "new-esx", site: $site, count: 2, cpuCores: 48, memoryGiB: 768 }) { ${CHANGE_RESULT} } }`,
        { id: estateId, site },
      );
      expect(addHost.body.data.addHost.revision).toBe(5);
      const hosts = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { hosts { id hostId memoryGiB } } }`,
        { id: estateId },
      );
      const added = hosts.body.data.estate.hosts.filter((h: { hostId: string }) => h.hostId === 'new-esx');
      expect(added.map((h: { id: string }) => h.id)).toEqual(['new-esx-1', 'new-esx-2']);
      const changeHost = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { changeHost(estateId: $id, expectedRevision: 5, id: "new-esx", changes: { memoryGiB: 1024 }) { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(changeHost.body.data.changeHost.revision).toBe(6);
      const removeHost = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { removeHost(estateId: $id, expectedRevision: 6, id: "new-esx") { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(removeHost.body.data.removeHost.revision).toBe(7);
      const audit = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { revision auditLog(first: 100) { edges { node { action keyId estateRevision } } } } }`,
        { id: estateId },
      );
      const actions = audit.body.data.estate.auditLog.edges.map(
        (e: { node: { action: string } }) => e.node.action,
      );
      expect(actions).toEqual([
        'HOST_REMOVED',
        'HOST_CHANGED',
        'HOST_ADDED',
        'WORKLOAD_REMOVED',
        'WORKLOAD_CHANGED',
        'WORKLOAD_ADDED',
        'ESTATE_IMPORTED',
      ]);
      const writeKeyId = keys.write.split('_')[1];
      expect(audit.body.data.estate.auditLog.edges[0].node.keyId).toBe(writeKeyId);
    });

    it('keeps both of two concurrent edits from going through at one revision', async () => {
      const current = await gql(url, keys.read, `query($id: ID!) { estate(id: $id) { revision } }`, {
        id: estateId,
      });
      const revision = current.body.data.estate.revision;
      const edit = (name: string) =>
        gql(
          url,
          keys.write,
          `mutation($id: ID!, $rev: Int!, $name: String!) { changeWorkload(estateId: $id, expectedRevision: $rev, id: "mail", changes: { name: $name }) { ${CHANGE_RESULT} } }`,
          { id: estateId, rev: revision, name },
        );
      const results = await Promise.all([edit('Mail A'), edit('Mail B')]);
      const kinds = results.map((r) => r.body.data.changeWorkload.__typename).sort();
      expect(kinds).toEqual(['EstateChanged', 'StaleRevisionError']);
    });

    let planId = '';
    it('runs a plan, stores it with its revision and reuses it until the revision changes', async () => {
      const run = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { runPlan(estateId: $id) { id estateRevision hostsUsed lowerBound gap placements { workload host }
          unplaced { workload reasons { rule message } } hosts { host use { cpu memory } } energy { savings { kwhPerYear } }
          moves { moves { step workload to } } } }`,
        { id: estateId },
      );
      expect(run.body.errors).toBeUndefined();
      const plan = run.body.data.runPlan;
      planId = plan.id;
      expect(plan.hostsUsed).toBeGreaterThanOrEqual(plan.lowerBound);
      const again = await gql(url, keys.write, `mutation($id: ID!) { runPlan(estateId: $id) { id } }`, {
        id: estateId,
      });
      expect(again.body.data.runPlan.id).toBe(planId);
      const listed = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { revision plans { edges { node { id estateRevision } } } } }`,
        { id: estateId },
      );
      expect(listed.body.data.estate.plans.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
        planId,
      ]);
      expect(plan.estateRevision).toBe(listed.body.data.estate.revision);
      const cmp = await gql(
        url,
        keys.read,
        `query($a: ID!) { comparePlans(a: $a, b: $a) { placementsChanged hostsUsed { delta } } }`,
        { a: planId },
      );
      expect(cmp.body.data.comparePlans).toEqual({ placementsChanged: 0, hostsUsed: { delta: 0 } });
    });

    it('evaluates DR, stores it and reuses it for the same revision and day', async () => {
      const q = `mutation($id: ID!, $plan: ID) { evaluateDr(estateId: $id, planId: $plan) { id estateRevision planId evaluatedAt
        sites { site recoverySite lostWorkloads completionMinute } workloads { id rpo { met } rto { met } }
        contingencyPlan { citation met } findings { code severity message } } }`;
      const first = await gql(url, keys.write, q, { id: estateId });
      expect(first.body.errors).toBeUndefined();
      const dr = first.body.data.evaluateDr;
      expect(dr.sites.length).toBeGreaterThan(0);
      expect(dr.contingencyPlan.length).toBeGreaterThan(0);
      const again = await gql(url, keys.write, q, { id: estateId });
      expect(again.body.data.evaluateDr.id).toBe(dr.id);
      const withPlan = await gql(url, keys.write, q, { id: estateId, plan: planId });
      expect(withPlan.body.data.evaluateDr.planId).toBe(planId);
      const read = await gql(url, keys.read, `query($id: ID!) { drEvaluation(id: $id) { id } }`, {
        id: dr.id,
      });
      expect(read.body.data.drEvaluation.id).toBe(dr.id);
    });

    it('requires a valid key: missing, malformed, wrong and revoked keys get 401', async () => {
      const q = '{ viewer { organization } }';
      const wrongSecret = `${keys.read.slice(0, -4)}AAAA`;
      for (const [key, header] of [
        [null, undefined],
        ['not-a-key', undefined],
        [wrongSecret, undefined],
        [keys.revoked, undefined],
        [null, 'Basic dXNlcjpwYXNz'],
      ] as const) {
        const res = await gql(url, key, q, {}, header ? { authorization: header } : {});
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(res.body.data).toBeUndefined();
      }
    });

    it('lets a read key read but not change anything', async () => {
      const before = await gql(url, keys.read, `query($id: ID!) { estate(id: $id) { revision } }`, {
        id: estateId,
      });
      for (const mutation of [
        `mutation($id: ID!) { removeWorkload(estateId: $id, expectedRevision: ${before.body.data.estate.revision}, id: "mail") { __typename } }`,
        `mutation($id: ID!) { runPlan(estateId: $id) { id } }`,
        `mutation($id: ID!) { evaluateDr(estateId: $id) { id } }`,
      ]) {
        const res = await gql(url, keys.read, mutation, { id: estateId });
        expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
      }
      const res = await gql(url, keys.read, IMPORT, {
        content: readExample('community-hospital.yaml'),
        format: 'YAML',
      });
      expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
      const after = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { revision } estates { totalCount } }`,
        { id: estateId },
      );
      expect(after.body.data.estate.revision).toBe(before.body.data.estate.revision);
      expect(after.body.data.estates.totalCount).toBe(1);
      const del = await gql(
        url,
        keys.write,
        `mutation($id: ID!) { deleteEstate(id: $id, expectedRevision: 1) { __typename } }`,
        { id: estateId },
      );
      expect(del.body.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('shows nothing of another organization, by id or otherwise', async () => {
      const other = keys.otherWrite;
      const mine = await gql(
        url,
        other,
        `query($id: ID!) { estate(id: $id) { id } estates { totalCount edges { node { id } } } plan(id: "${planId}") { id } }`,
        { id: estateId },
      );
      expect(mine.body.data).toEqual({ estate: null, estates: { totalCount: 0, edges: [] }, plan: null });
      for (const q of [
        `query($id: ID!) { applicationReadiness(estateId: $id, application: "PACS") { status } }`,
        `mutation($id: ID!) { runPlan(estateId: $id) { id } }`,
        `mutation($id: ID!) { evaluateDr(estateId: $id) { id } }`,
        `query { comparePlans(a: "${planId}", b: "${planId}") { placementsChanged } }`,
      ]) {
        const res = await gql(url, other, q, { id: estateId });
        expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
        expect(JSON.stringify(res.body)).not.toContain('PACS database');
      }
      const change = await gql(
        url,
        other,
        `mutation($id: ID!) { removeWorkload(estateId: $id, expectedRevision: 1, id: "mail") { ${CHANGE_RESULT} } }`,
        { id: estateId },
      );
      expect(change.body.data.removeWorkload.__typename).toBe('NotFoundError');
      const notUuid = await gql(url, other, `{ estate(id: "1 or 1=1") { id } }`);
      expect(notUuid.body.data.estate).toBeNull();
    });

    it('limits query depth and cost, with a clear error', async () => {
      const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(14)}name${' }'.repeat(14)} } } } } }`;
      const tooDeep = await gql(url, keys.read, deep);
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      const introspection = await gql(url, keys.read, getIntrospectionQuery());
      expect(introspection.body.errors).toBeUndefined();
      const costly = `{ estates(first: 500) { edges { node { workloads(first: 500) { edges { node { id dependsOn readiness { findings { code } } } } } } } } }`;
      const tooCostly = await gql(url, keys.read, costly);
      expect(tooCostly.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(tooCostly.body.data ?? null).toBeNull();
      const page = await gql(url, keys.read, `{ estates(first: 600) { totalCount } }`);
      expect(page.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('refuses bodies over the size limit with 413, with or without a declared length', async () => {
      const big = 'x'.repeat(SMALL_BODY_LIMIT + 10);
      const res = await gql(url, keys.write, IMPORT, { content: big, format: 'YAML' });
      expect(res.status).toBe(413);
      expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      const chunk = new TextEncoder().encode(
        JSON.stringify({ query: IMPORT, variables: { content: big, format: 'YAML' } }),
      );
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < chunk.length; i += 65_536) controller.enqueue(chunk.slice(i, i + 65_536));
          controller.close();
        },
      });
      const chunked = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.write}` },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      const small = new TextEncoder().encode(JSON.stringify({ query: '{ viewer { organization } }' }));
      const okChunked = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.read}` },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(small);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(okChunked.status).toBe(200);
      expect((await okChunked.json()).data.viewer.organization).toBe('north-hospital');
    });

    it('masks unexpected errors: no stack, no SQL, logged on the server', async () => {
      // Break a stored estate behind the API's back: reading it is then a bug, not bad input.
      await database.db.execute(
        sql`update estates set document = '{"broken": true}'::jsonb, revision = revision + 1000 where id = ${estateId}`,
      );
      // Written behind the server's back: seen once the cached summary expires (cacheTtlMs, 1 s).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const res = await gql(
        url,
        keys.read,
        `query($id: ID!) { estate(id: $id) { readinessSummary { ready } } }`,
        { id: estateId },
      );
      expect(res.body.errors[0].message).toBe('Unexpected error.');
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/stack|select|update|at \w+ \(|no longer validates/i);
      expect(logs).toContain('no longer validates');
      for (const key of Object.values(keys)) expect(logs).not.toContain(key.slice(18));
    });

    it('prevents CSRF: simple requests without a preflight-forcing header are refused', async () => {
      const get = await fetch(`${url}?query=${encodeURIComponent('{ viewer { organization } }')}`, {
        headers: { accept: 'application/json' },
      });
      expect(get.status).toBe(403);
      const form = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'query=%7B%20viewer%20%7B%20organization%20%7D%20%7D',
      });
      expect([403, 415]).toContain(form.status);
      const withKey = await fetch(`${url}?query=${encodeURIComponent('{ viewer { organization } }')}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${keys.read}` },
      });
      expect(withKey.status).toBe(200);
    });

    it('passes every MUST audit of the GraphQL-over-HTTP spec (graphql-http)', async () => {
      const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${keys.read}`);
        return fetch(input, { ...init, headers });
      };
      const audits = serverAudits({ url, fetchFn });
      const failed: string[] = [];
      let must = 0;
      for (const audit of audits) {
        const result = await audit.fn();
        if (audit.name.startsWith('MUST')) {
          must++;
          if (result.status !== 'ok') failed.push(`${audit.name}: ${result.reason}`);
        }
      }
      expect(must).toBeGreaterThan(10);
      expect(failed).toEqual([]);
    });

    it('sheds plan runs beyond the concurrency limit with 503 and Retry-After', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await gql(url, keys.admin, IMPORT, {
          content: readExample('regional-hospital.yaml').replace(/^name: .*$/m, `name: Shed test ${i}`),
          format: 'YAML',
        });
        ids.push(res.body.data.importEstate.estate.id);
      }
      const results = await Promise.all(
        ids.map((id) => gql(url, keys.admin, `mutation($id: ID!) { runPlan(estateId: $id) { id } }`, { id })),
      );
      const statuses = results.map((r) => r.status);
      for (const r of results) {
        if (r.status === 503) {
          expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(r.body.errors[0].extensions.code).toBe('OVERLOADED');
        } else expect(r.status).toBe(200);
      }
      expect(statuses).toContain(503);
      expect(statuses).toContain(200);
    });

    it('keeps answering other requests while a plan runs (plans run in worker threads)', async () => {
      const imported = await gql(url, keys.write, IMPORT, {
        content: readExample('regional-hospital.yaml').replace(/^name: .*$/m, 'name: Busy'),
        format: 'YAML',
      });
      const started = Date.now();
      const plan = gql(url, keys.write, `mutation($id: ID!) { runPlan(estateId: $id) { id } }`, {
        id: imported.body.data.importEstate.estate.id,
      }).then((r) => ({ r, at: Date.now() - started }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const health = await fetch(url.replace('/graphql', '/healthz'));
      const healthAt = Date.now() - started;
      const done = await plan;
      expect(health.status).toBe(200);
      expect(done.r.status).toBe(200);
      expect(healthAt).toBeLessThan(done.at);
    });

    it('deletes an estate with an admin key', async () => {
      const list = await gql(
        url,
        keys.admin,
        '{ estates(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id revision } } } }',
      );
      expect(list.body.data.estates.edges.length).toBe(2);
      expect(list.body.data.estates.pageInfo.hasNextPage).toBe(true);
      const next = await gql(
        url,
        keys.admin,
        `query($after: String) { estates(first: 10, after: $after) { edges { node { id } } } }`,
        { after: list.body.data.estates.pageInfo.endCursor },
      );
      expect(next.body.data.estates.edges.length + 2).toBe(list.body.data.estates.totalCount);
      const victim = next.body.data.estates.edges.at(-1).node.id;
      const del = await gql(
        url,
        keys.admin,
        `mutation($id: ID!) { deleteEstate(id: $id, expectedRevision: 1) { __typename ... on EstateDeleted { id } } }`,
        { id: victim },
      );
      expect(del.body.data.deleteEstate).toEqual({ __typename: 'EstateDeleted', id: victim });
      const gone = await gql(url, keys.admin, `query($id: ID!) { estate(id: $id) { id } }`, { id: victim });
      expect(gone.body.data.estate).toBeNull();
    });

    it('keeps every stored estate, plan and key across a restart', async () => {
      // A request in flight when shutdown starts still gets its answer.
      const fresh = await gql(url, keys.write, IMPORT, {
        content: readExample('regional-hospital.yaml').replace(/^name: .*$/m, 'name: In flight'),
        format: 'YAML',
      });
      const inFlight = gql(
        url,
        keys.write,
        `mutation($id: ID!) { runPlan(estateId: $id) { id hostsUsed } }`,
        {
          id: fresh.body.data.importEstate.estate.id,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      await server.close();
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.body.data.runPlan.hostsUsed).toBeGreaterThan(0);
      await start();
      const before = await gql(
        url,
        keys.read,
        `{ estates(first: 20) { totalCount edges { node { id revision plans(first: 5) { edges { node { id } } } } } } }`,
      );
      await server.close();
      await start();
      const after = await gql(
        url,
        keys.read,
        `{ estates(first: 20) { totalCount edges { node { id revision plans(first: 5) { edges { node { id } } } } } } }`,
      );
      expect(before.body.errors).toBeUndefined();
      expect(after.body).toEqual(before.body);
      expect(after.body.data.estates.totalCount).toBeGreaterThan(0);
    });

    it('serves the demo organization read-only to anonymous requests only in demo mode', async () => {
      const demoOrg = await ensureOrganization(database.db, 'demo');
      const demo = await startHttpServer({
        database,
        logger: createLogger('silent'),
        port: 0,
        host: '127.0.0.1',
        ownsDatabase: false,
        demoPrincipal: { organizationId: demoOrg, organizationName: 'demo', scope: 'read', keyId: null },
      });
      try {
        const read = await gql(demo.url, null, '{ viewer { organization scope keyId } }');
        expect(read.body.data.viewer).toEqual({ organization: 'demo', scope: 'READ', keyId: null });
        const write = await gql(demo.url, null, IMPORT, {
          content: readExample('community-hospital.yaml'),
          format: 'YAML',
        });
        expect(write.body.errors[0].extensions.code).toBe('FORBIDDEN');
        const normal = await gql(url, null, '{ viewer { organization } }');
        expect(normal.status).toBe(401);
      } finally {
        await demo.close();
      }
    });
  });
}
