/**
 * Bad GraphQL requests against the real server: malformed bodies, wrong types, oversized payloads,
 * deep and costly queries, batched abuse. Each is refused with the right status and a clear
 * message, never a stack trace or SQL, quickly, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKey,
  dataOf,
  type GqlResponse,
  gql,
  leaks,
  pgliteStore,
  post,
  type RunningServer,
  readExample,
  recordResult,
  type Store,
  startServer,
  stopAllServers,
} from './harness.ts';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

let store: Store;
let server: RunningServer;
let key: string;
let estateId: string;
const tried: { name: string; status: number; ms: number }[] = [];

beforeAll(async () => {
  store = await pgliteStore();
  key = await createKey(store, { organization: 'org-a', scope: 'write' });
  server = await startServer({ store, env: { VIRTPLAN_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  const imported = dataOf(
    await gql(
      server,
      key,
      `mutation($c: String!) { importEstate(content: $c, format: YAML) {
         __typename ... on ImportEstateSuccess { estate { id } } } }`,
      { c: readExample('community-hospital.yaml') },
    ),
  );
  estateId = (imported.importEstate as { estate: { id: string } }).estate.id;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await stopAllServers();
  await store?.dispose();
  recordResult('bad-input', { cases: tried.length, tried });
}, 60_000);

/** Checks what every refusal must be: the status, JSON errors with messages, nothing internal. */
function expectRefused(
  name: string,
  res: GqlResponse,
  started: number,
  status: number | readonly number[],
): void {
  const ms = Date.now() - started;
  tried.push({ name, status: res.status, ms });
  const allowed = typeof status === 'number' ? [status] : status;
  expect(allowed, `${name}: HTTP ${res.status} ${res.text.slice(0, 500)}`).toContain(res.status);
  expect(leaks(res.text), `${name}: ${res.text.slice(0, 500)}`).toEqual([]);
  expect(res.text).not.toMatch(/"stack"|stacktrace/i);
  if (res.body?.errors) {
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors) expect(e.message.length).toBeGreaterThan(5);
  }
  expect(ms, `${name} took ${ms} ms`).toBeLessThan(10_000);
}

async function timed(name: string, status: number | readonly number[], send: () => Promise<GqlResponse>) {
  const started = Date.now();
  const res = await send();
  expectRefused(name, res, started, status);
  return res;
}

const errorCodes = (res: GqlResponse): unknown[] => (res.body?.errors ?? []).map((e) => e.extensions?.code);

describe('malformed bodies', () => {
  it.each([
    ['truncated JSON', '{"query": "{ viewer { organization } "'],
    ['not JSON at all', 'query { viewer { organization } }'],
    ['a JSON string', '"{ viewer { organization } }"'],
    ['a JSON number', '42'],
    ['null', 'null'],
    ['no query', '{"variables": {}}'],
    ['query is a number', '{"query": 42}'],
    ['query is an object', '{"query": {"viewer": true}}'],
    ['variables is a string', '{"query": "{ viewer { organization } }", "variables": "x"}'],
    ['operationName is a number', '{"query": "{ viewer { organization } }", "operationName": 7}'],
    ['empty body', ''],
  ])('%s: 400', async (name, body) => {
    await timed(name, 400, () => post(server, key, body));
  });

  it('invalid UTF-8: 400', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    await timed('invalid UTF-8', 400, () => post(server, key, bytes));
  });

  it('a content type that is not JSON: 415', async () => {
    await timed('text/plain body', [415], () =>
      post(server, key, '{"query":"{ viewer { organization } }"}', 30_000, { 'content-type': 'text/plain' }),
    );
  });

  it('a cross-site form POST (no key, form-encoded, as a browser form sends): 403 before anything runs', async () => {
    const forged = `query=${encodeURIComponent(
      `mutation { importEstate(content: ${JSON.stringify(readExample('spec-example.yaml'))}, format: YAML) { __typename } }`,
    )}`;
    await timed('cross-site form POST', 403, () =>
      post(server, null, forged, 30_000, { 'content-type': 'application/x-www-form-urlencoded' }),
    );
  });

  it('a mutation over GET: 405 and nothing changes', async () => {
    const started = Date.now();
    const query = encodeURIComponent(
      `mutation { importEstate(content: ${JSON.stringify(readExample('spec-example.yaml'))}, format: YAML) { __typename } }`,
    );
    const res = await fetch(`${server.graphqlUrl}?query=${query}`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/graphql-response+json' },
    });
    const text = await res.text();
    expectRefused(
      'mutation over GET',
      { status: res.status, headers: res.headers, text, body: undefined },
      started,
      405,
    );
    const count = dataOf(await gql(server, key, '{ estates { totalCount } }')).estates as {
      totalCount: number;
    };
    expect(count.totalCount).toBe(1);
  });
});

describe('wrong documents and types', () => {
  it('a syntax error: 400 with the location in the document', async () => {
    const res = await timed('syntax error', 400, () => gql(server, key, '{ viewer { organization '));
    expect(res.body?.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('an unknown field: 400 naming it', async () => {
    const res = await timed('unknown field', 400, () => gql(server, key, '{ viewer { password } }'));
    expect(res.body?.errors?.[0]?.message).toMatch(/password/);
  });

  it.each([
    ['an object for an ID', { id: { $ne: null }, app: 'PACS' }],
    ['a number for a String', { id: '00000000-0000-0000-0000-000000000000', app: 42 }],
    ['null for a non-null argument', { id: null, app: 'PACS' }],
    ['a list for a String', { id: '00000000-0000-0000-0000-000000000000', app: ['a', 'b'] }],
  ])('%s: 400', async (name, variables) => {
    await timed(name, 400, () =>
      gql(
        server,
        key,
        'query($id: ID!, $app: String!) { applicationReadiness(estateId: $id, application: $app) { status } }',
        variables,
      ),
    );
  });

  it('an Int out of range and a non-integer page size: 400', async () => {
    await timed('Int out of range', 400, () =>
      gql(server, key, 'query($n: Int) { estates(first: $n) { totalCount } }', { n: 1e20 }),
    );
    await timed('Int given a fraction', 400, () =>
      gql(server, key, 'query($n: Int) { estates(first: $n) { totalCount } }', { n: 1.5 }),
    );
  });

  it('an unknown enum value: 400', async () => {
    await timed('unknown enum', 400, () =>
      gql(server, key, 'mutation { importEstate(content: "x", format: XML) { __typename } }'),
    );
  });

  it('several operations without operationName, and an operationName that names none: 400', async () => {
    const doc = 'query A { viewer { organization } } query B { viewer { scope } }';
    await timed('ambiguous operation', 400, () => gql(server, key, doc));
    await timed('missing operation', 400, () =>
      post(server, key, JSON.stringify({ query: doc, operationName: 'C' })),
    );
  });

  it('a malformed id is "not found", not a database error', async () => {
    const res = await gql(server, key, 'query($id: ID!) { estate(id: $id) { id } }', {
      id: "1'; drop table estates; --",
    });
    expect(res.status).toBe(200);
    expect(res.body?.data?.estate).toBeNull();
    expect(leaks(res.text)).toEqual([]);
    tried.push({ name: 'SQL in an id', status: res.status, ms: 0 });
  });

  it('a broken estate document comes back as a typed validation error listing every problem', async () => {
    const res = await gql(
      server,
      key,
      `mutation($c: String!) { importEstate(content: $c, format: JSON) {
         __typename ... on EstateValidationError { message issues { path message } } } }`,
      { c: '{"apiVersion": "virtplan/v1", "name": 7, "workloads": [{"id": "a", "memoryGiB": -1}]' },
    );
    const result = dataOf(res).importEstate as { __typename: string; issues: unknown[] };
    expect(result.__typename).toBe('EstateValidationError');
    expect(result.issues.length).toBeGreaterThan(0);
    expect(leaks(res.text)).toEqual([]);
    tried.push({ name: 'broken estate JSON', status: res.status, ms: 0 });
  });

  it('a YAML alias bomb is refused quickly as a validation error', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    const started = Date.now();
    const res = await gql(
      server,
      key,
      'mutation($c: String!) { importEstate(content: $c, format: YAML) { __typename } }',
      { c: lines.join('\n') },
    );
    expect(dataOf(res).importEstate).toEqual({ __typename: 'EstateValidationError' });
    expect(Date.now() - started).toBeLessThan(10_000);
    tried.push({ name: 'YAML alias bomb', status: res.status, ms: Date.now() - started });
  });
});

describe('size and cost', () => {
  it('a body over the configured limit: 413, and the server keeps serving', async () => {
    const big = JSON.stringify({
      query: 'mutation($c: String!) { importEstate(content: $c, format: YAML) { __typename } }',
      variables: { c: `# ${'x'.repeat(MAX_BODY_BYTES + 1024)}` },
    });
    await timed('oversized body', 413, () => post(server, key, big));
    dataOf(await gql(server, key, '{ viewer { organization } }'));
  });

  it('a large estate under the limit still fits', async () => {
    const text = readExample('regional-hospital.yaml');
    expect(text.length).toBeLessThan(MAX_BODY_BYTES);
    const res = await gql(
      server,
      key,
      'mutation($c: String!) { importEstate(content: $c, format: YAML) { __typename } }',
      { c: text },
    );
    expect(dataOf(res).importEstate).toEqual({ __typename: 'ImportEstateSuccess' });
  });

  it('a deep introspection cycle (fields of types of fields...): 400 before anything runs', async () => {
    let selection = 'name';
    for (let i = 0; i < 3; i++)
      selection = `fields { type { ofType { ofType { fields { type { ${selection} } } } } } }`;
    await timed('deep introspection cycle', 400, () =>
      gql(server, key, `{ __schema { types { ${selection} } } }`),
    );
  });

  it.each([100, 5_000, 50_000])(
    'a selection nested %i fragments deep: answered at 100, 400 beyond',
    async (n) => {
      let selection = 'viewer { organization }';
      for (let i = 0; i < n; i++) selection = `... on Query { ${selection} }`;
      if (n <= 100) {
        expect(dataOf(await gql(server, key, `{ ${selection} }`)).viewer).toEqual({ organization: 'org-a' });
        return;
      }
      await timed(`${n} nested fragments`, 400, () => gql(server, key, `{ ${selection} }`));
    },
  );

  it('an argument nested 100,000 lists deep: 400', async () => {
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await timed('100k nested list literal', 400, () => gql(server, key, `{ estate(id: ${nested}) { id } }`));
  });

  it('variables nested 100,000 lists deep: answered, the unused variable ignored', async () => {
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await post(
      server,
      key,
      `{"query": "{ viewer { organization } }", "variables": {"x": ${nested}}}`,
    );
    tried.push({ name: '100k nested JSON variable', status: res.status, ms: 0 });
    expect(res.status).toBe(200);
    expect(leaks(res.text)).toEqual([]);
  });

  it('a costly query (wide pages of wide pages): 400 QUERY_TOO_COMPLEX', async () => {
    const res = await timed('costly nested pages', 400, () =>
      gql(
        server,
        key,
        `{ estates(first: 500) { edges { node { workloads(first: 500) { edges { node {
            id readiness { status findings { code message } } } } } } } } }`,
      ),
    );
    expect(errorCodes(res)).toContain('QUERY_TOO_COMPLEX');
  });

  it('thousands of aliases of one field: 400', async () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => `a${i}: viewer { organization }`).join(' ');
    await timed('5000 aliases', 400, () => gql(server, key, `{ ${fields} }`));
  });

  it('many aliased plan runs in one mutation are refused, not run', async () => {
    const runs = Array.from(
      { length: 50 },
      (_, i) => `p${i}: runPlan(estateId: "${estateId}") { __typename }`,
    );
    const res = await timed('50 aliased plan runs', 400, () =>
      gql(server, key, `mutation { ${runs.join(' ')} }`),
    );
    expect(errorCodes(res)).toContain('QUERY_TOO_COMPLEX');
  });

  it('a fragment cycle: 400', async () => {
    await timed('fragment cycle', 400, () =>
      gql(
        server,
        key,
        'query { viewer { ...A } } fragment A on Viewer { organization ...B } fragment B on Viewer { scope ...A }',
      ),
    );
  });

  it('a document of a hundred thousand tokens: refused quickly', async () => {
    const fields = Array.from({ length: 50_000 }, () => '__typename').join(' ');
    await timed('100k tokens', 400, () => gql(server, key, `{ ${fields} }`));
  });

  it('a batch (JSON array of operations): refused, not run', async () => {
    const batch = Array.from({ length: 1_000 }, () => ({ query: '{ viewer { organization } }' }));
    await timed('batch of 1000', 400, () => post(server, key, JSON.stringify(batch)));
  });
});

describe('after all that', () => {
  it('the server is healthy and logged no unexpected error', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level?: number; msg?: string });
    const unexpected = lines.filter((l) => (l.level ?? 0) >= 50);
    expect(unexpected).toEqual([]);
  });
});
