/**
 * Load benchmark: a real `virtplan serve` on loopback, driven by autocannon with a mix of readiness
 * probes, estate reads, application-readiness queries, plan runs and workload edits from many
 * connections for a fixed time. Every response is checked (reads of the unchanging estate must be
 * byte-identical to the answer given before the run; edits must be EstateChanged or
 * StaleRevisionError; plans must be plans), and afterwards every estate's revision must equal one
 * plus the edits acknowledged on it (no lost update). Prints a table; writes JSON when asked.
 *
 *   npx tsx bench/load.ts [--connections 100] [--duration 30] [--postgres] [--max-runs N]
 *                         [--compute-workers 0|1] [--json FILE]
 *
 * --postgres runs against a fresh database on DATABASE_URL's server (dropped afterwards);
 * otherwise PGlite in a temporary folder. Exits 1 when a check fails.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  createKey,
  DATABASE_URL,
  dataOf,
  gql,
  pgliteStore,
  postgresStore,
  type RunningServer,
  readExample,
  type Store,
  startServer,
} from '../test/reliability/harness.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '30' },
    postgres: { type: 'boolean', default: false },
    json: { type: 'string' },
    'edit-estates': { type: 'string', default: '50' },
    'max-runs': { type: 'string' },
    'compute-workers': { type: 'string' },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const editEstateCount = Number(values['edit-estates']);
if (values.postgres && !DATABASE_URL) {
  console.error('--postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}

type Kind = 'readyz' | 'estate' | 'readiness' | 'plan' | 'edit';
const KINDS: readonly Kind[] = ['readyz', 'estate', 'readiness', 'plan', 'edit'];

const ESTATE_QUERY = `query($id: ID!) { estate(id: $id) { id name revision
  readinessSummary { ready readyWithConditions unknown notReady }
  workloads(first: 20) { totalCount edges { node { id name application memoryGiB readiness { status } } } } } }`;
const READINESS_QUERY = `query($id: ID!, $app: String!) { applicationReadiness(estateId: $id, application: $app) {
  status findings { code severity message } } }`;
const PLAN_MUTATION = 'mutation($id: ID!) { runPlan(estateId: $id) { id estateRevision hostsUsed } }';
const EDIT_MUTATION = `mutation($id: ID!, $r: Int!, $w: String!, $m: Float!) {
  changeWorkload(estateId: $id, expectedRevision: $r, id: $w, changes: { memoryGiB: $m }) {
    __typename ... on EstateChanged { revision } ... on StaleRevisionError { currentRevision } } }`;

interface Tally {
  count: number;
  wrong: number;
  status5xx: number;
  shed: number;
  other4xx: number;
  latencies: number[];
  examples: string[];
}

const tallies = Object.fromEntries(
  KINDS.map((k) => [
    k,
    { count: 0, wrong: 0, status5xx: 0, shed: 0, other4xx: 0, latencies: [], examples: [] },
  ]),
) as unknown as Record<Kind, Tally>;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<number> {
  const store: Store = values.postgres ? await postgresStore(DATABASE_URL!, 'load') : await pgliteStore();
  let server: RunningServer | undefined;
  try {
    const key = await createKey(store, { organization: 'org-a', scope: 'write' });
    server = await startServer({
      store,
      env: {
        ...(values['max-runs'] ? { VIRTPLAN_MAX_CONCURRENT_RUNS: values['max-runs'] } : {}),
        ...(values['compute-workers'] ? { VIRTPLAN_COMPUTE_WORKERS: values['compute-workers'] } : {}),
      },
    });
    console.error(`server up on ${server.url} (${store.kind}); importing estates...`);

    // The estate every read goes to: it never changes during the run, so its answers never may.
    const readEstate = dataOf(
      await gql(
        server,
        key,
        'mutation($c: String!) { importEstate(content: $c, format: YAML) { ... on ImportEstateSuccess { estate { id } } } }',
        { c: readExample('community-hospital.yaml') },
      ),
    ) as { importEstate: { estate: { id: string } } };
    const readId = readEstate.importEstate.estate.id;
    const apps = dataOf(
      await gql(server, key, 'query($id: ID!) { estate(id: $id) { applications { application } } }', {
        id: readId,
      }),
    ).estate as { applications: { application: string }[] };
    const application =
      apps.applications.find((a) => a.application === 'PACS')?.application ??
      apps.applications[0]!.application;

    // Estates the edits go to, each with the workload that is edited.
    const editEstates: { id: string; workload: string }[] = [];
    const specText = readExample('spec-example.yaml');
    for (let i = 0; i < editEstateCount; i++) {
      const data = dataOf(
        await gql(
          server,
          key,
          `mutation($c: String!) { importEstate(content: $c, format: YAML) { ... on ImportEstateSuccess {
             estate { id workloads(first: 1) { edges { node { id } } } } } } }`,
          { c: specText.replace(/^name: .*$/m, `name: load-edit-${i}`) },
        ),
      ).importEstate as { estate: { id: string; workloads: { edges: { node: { id: string } }[] } } };
      editEstates.push({ id: data.estate.id, workload: data.estate.workloads.edges[0]!.node.id });
    }
    const revisions = new Map(editEstates.map((e) => [e.id, 1]));
    const acknowledged = new Map(editEstates.map((e) => [e.id, 0]));
    /** estate@revision of every acknowledged edit: the same pair twice would be a lost update. */
    const ackedRevisions = new Set<string>();
    let duplicateAcks = 0;

    // The expected answers, taken before the load.
    const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
    const estateBody = body(ESTATE_QUERY, { id: readId });
    const readinessBody = body(READINESS_QUERY, { id: readId, app: application });
    const planBody = body(PLAN_MUTATION, { id: readId });
    const expected = {
      estate: (await gql(server, key, ESTATE_QUERY, { id: readId })).text,
      readiness: (await gql(server, key, READINESS_QUERY, { id: readId, app: application })).text,
      plan: (await gql(server, key, PLAN_MUTATION, { id: readId })).text,
    };
    for (const [name, text] of Object.entries(expected)) {
      if (text.includes('"errors"')) throw new Error(`baseline ${name} failed: ${text.slice(0, 300)}`);
    }

    const headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${key}`,
    };
    let editTurn = 0;
    let freshPlanTurn = 0;
    type Ctx = { started?: number; estate?: string; revision?: number | undefined };

    const record = (kind: Kind, status: number, ok: boolean, context: Ctx, text: string) => {
      const t = tallies[kind];
      t.count++;
      if (context.started !== undefined) t.latencies.push(performance.now() - context.started);
      if (status === 503) t.shed++;
      else if (status >= 500) t.status5xx++;
      else if (status >= 400) t.other4xx++;
      if (!ok && status !== 503) {
        t.wrong++;
        if (t.examples.length < 3) t.examples.push(`${status} ${text.slice(0, 300)}`);
      }
    };
    const start = (req: Record<string, unknown>, context: Ctx) => {
      context.started = performance.now();
      return req;
    };

    const readyz = {
      method: 'GET' as const,
      path: '/readyz',
      setupRequest: start,
      onResponse: (status: number, text: string, context: Ctx) =>
        record('readyz', status, status === 200 && text.includes('"ready"'), context, text),
    };
    const estate = {
      method: 'POST' as const,
      path: '/graphql',
      headers,
      body: estateBody,
      setupRequest: start,
      onResponse: (status: number, text: string, context: Ctx) =>
        record('estate', status, status === 200 && text === expected.estate, context, text),
    };
    const readiness = {
      method: 'POST' as const,
      path: '/graphql',
      headers,
      body: readinessBody,
      setupRequest: start,
      onResponse: (status: number, text: string, context: Ctx) =>
        record('readiness', status, status === 200 && text === expected.readiness, context, text),
    };
    const storedPlan = {
      method: 'POST' as const,
      path: '/graphql',
      headers,
      body: planBody,
      setupRequest: start,
      onResponse: (status: number, text: string, context: Ctx) =>
        record('plan', status, status === 200 && text === expected.plan, context, text),
    };
    // A plan of an edited estate: computed afresh when its revision moved since the last one.
    const freshPlan = {
      method: 'POST' as const,
      path: '/graphql',
      headers,
      setupRequest: (req: Record<string, unknown>, context: Ctx) => {
        const target = editEstates[freshPlanTurn++ % editEstates.length]!;
        context.estate = target.id;
        context.revision = revisions.get(target.id);
        return start({ ...req, body: body(PLAN_MUTATION, { id: target.id }) }, context);
      },
      onResponse: (status: number, text: string, context: Ctx) => {
        let ok = false;
        if (status === 200) {
          const plan = (
            JSON.parse(text) as { data?: { runPlan?: { estateRevision: number; hostsUsed: number } } }
          ).data?.runPlan;
          ok = Boolean(plan && plan.estateRevision >= (context.revision ?? 1) && plan.hostsUsed >= 0);
        }
        record('plan', status, ok, context, text);
      },
    };
    const edit = {
      method: 'POST' as const,
      path: '/graphql',
      headers,
      setupRequest: (req: Record<string, unknown>, context: Ctx) => {
        const target = editEstates[editTurn++ % editEstates.length]!;
        const revision = revisions.get(target.id)!;
        context.estate = target.id;
        context.revision = revision;
        return start(
          {
            ...req,
            body: body(EDIT_MUTATION, {
              id: target.id,
              r: revision,
              w: target.workload,
              m: 1 + (editTurn % 64),
            }),
          },
          context,
        );
      },
      onResponse: (status: number, text: string, context: Ctx) => {
        let ok = false;
        if (status === 200) {
          const result = (
            JSON.parse(text) as {
              data?: { changeWorkload?: { __typename: string; revision?: number; currentRevision?: number } };
            }
          ).data?.changeWorkload;
          const id = context.estate!;
          if (result?.__typename === 'EstateChanged' && result.revision === context.revision! + 1) {
            ok = true;
            acknowledged.set(id, acknowledged.get(id)! + 1);
            const pair = `${id}@${result.revision}`;
            if (ackedRevisions.has(pair)) duplicateAcks++;
            ackedRevisions.add(pair);
            revisions.set(id, Math.max(revisions.get(id)!, result.revision));
          } else if (
            result?.__typename === 'StaleRevisionError' &&
            result.currentRevision! > context.revision!
          ) {
            ok = true;
            revisions.set(id, Math.max(revisions.get(id)!, result.currentRevision!));
          }
        }
        record('edit', status, ok, context, text);
      },
    };

    // The mix, per connection, in a cycle of 20: 4 probes, 5 estate reads, 5 readiness queries,
    // 3 plan runs (2 of a stored plan, 1 of an edited estate) and 3 workload edits.
    const cycle = [
      readyz,
      estate,
      readiness,
      edit,
      storedPlan,
      estate,
      readiness,
      readyz,
      edit,
      freshPlan,
      estate,
      readiness,
      readyz,
      storedPlan,
      estate,
      readiness,
      edit,
      readyz,
      estate,
      readiness,
    ];
    const loadAverageBefore = Math.round(loadavg()[0]! * 10) / 10;
    console.error(`load: ${connections} connections for ${duration} s...`);
    const result = await autocannon({
      url: server.url,
      connections,
      duration,
      requests: cycle,
      timeout: 30,
    });

    // No lost update: each edited estate's revision is one plus the edits acknowledged on it.
    let lostUpdates = 0;
    let revisionChecked = 0;
    let auditMismatches = 0;
    for (const e of editEstates) {
      const data = dataOf(
        await gql(
          server,
          key,
          `query($id: ID!) { estate(id: $id) { revision auditLog(first: 500) { edges { node { action } } } } }`,
          { id: e.id },
        ),
      );
      const found = data.estate as { revision: number; auditLog: { edges: { node: { action: string } }[] } };
      revisionChecked++;
      // Higher than acknowledged is fine: edits in flight when the clock stopped were stored, never answered.
      lostUpdates += Math.max(0, 1 + acknowledged.get(e.id)! - found.revision);
      const changes = found.auditLog.edges.filter((x) => x.node.action === 'WORKLOAD_CHANGED').length;
      if (changes !== found.revision - 1) auditMismatches++;
    }

    const rows = KINDS.map((kind) => {
      const t = tallies[kind];
      const sorted = [...t.latencies].sort((a, b) => a - b);
      return {
        kind,
        requests: t.count,
        perSecond: Math.round(t.count / duration),
        p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
        p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
        status5xx: t.status5xx,
        shed503: t.shed,
        wrong: t.wrong,
        examples: t.examples,
      };
    });
    const totalWrong = rows.reduce((n, r) => n + r.wrong, 0);
    const total5xx = rows.reduce((n, r) => n + r.status5xx, 0);
    const totalShed = rows.reduce((n, r) => n + r.shed503, 0);
    const summary = {
      database: store.kind,
      connections,
      durationSeconds: duration,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      status5xx: total5xx,
      shed503: totalShed,
      wrongAnswers: totalWrong,
      editsAcknowledged: [...acknowledged.values()].reduce((a, b) => a + b, 0),
      editEstates: revisionChecked,
      lostUpdates,
      duplicateAcks,
      auditMismatches,
      byKind: rows,
      maxConcurrentRuns: values['max-runs'] ? Number(values['max-runs']) : 'server default',
      computeWorkers: values['compute-workers'] === '0' ? 'off (runs on the event loop)' : 'server default',
      node: process.version,
      cpus: availableParallelism(),
      loadAverageBefore,
    };

    console.log(
      `\nvirtplan API under load: ${connections} connections, ${duration} s, ${store.kind}, loopback ` +
        `(${availableParallelism()} CPUs, load average ${loadAverageBefore} before the run)\n`,
    );
    console.log('| request | count | req/s | p50 ms | p99 ms | 5xx (not 503) | 503 shed | wrong |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(
        `| ${r.kind} | ${r.requests} | ${r.perSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.status5xx} | ${r.shed503} | ${r.wrong} |`,
      );
    }
    console.log(
      `| **all** | ${summary.requests} | ${summary.requestsPerSecond} | ${summary.latencyP50Ms} | ${summary.latencyP99Ms} | ${total5xx} | ${totalShed} | ${totalWrong} |`,
    );
    console.log(
      `\nconnection errors ${result.errors}, timeouts ${result.timeouts}; edits acknowledged ${summary.editsAcknowledged} ` +
        `on ${revisionChecked} estates, lost updates ${lostUpdates} (a revision acknowledged twice: ${duplicateAcks}; ` +
        `estates whose audit log does not count their revisions: ${auditMismatches})`,
    );
    for (const r of rows) for (const ex of r.examples) console.log(`wrong ${r.kind}: ${ex}`);
    if (values.json)
      writeFileSync(
        values.json,
        `${JSON.stringify({ ...summary, at: new Date().toISOString() }, null, 2)}\n`,
      );
    const failed =
      total5xx > 0 ||
      totalWrong > 0 ||
      lostUpdates + duplicateAcks + auditMismatches > 0 ||
      result.errors > 0 ||
      result.timeouts > 0;
    if (failed) console.log('\nFAILED: see the columns above');
    return failed ? 1 : 0;
  } finally {
    await server?.stop();
    await store.dispose();
  }
}

process.exitCode = await main();
