/**
 * What one request costs a replica, for sizing: a real `virtplan serve` (Postgres on a fresh
 * database when DATABASE_URL is set, else PGlite in a temporary folder), driven over loopback
 * operation by operation. For each: wall time, client-side latency, and the server process's CPU
 * time per request read from its own /metrics (`virtplan_process_cpu_seconds_total`) — CPU time
 * is what a replica's CPU limit buys, and it depends far less than latency on what else the
 * machine is doing. Prints a table.
 *
 *   npx tsx bench/cost.ts [--scale 1]        (from infra/; --scale multiplies the request counts)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  createKey,
  graphql,
  importEstate,
  type Replica,
  ROOT,
  serverEnv,
  startReplica,
  stopReplica,
} from '../test/lib/virtplan-process.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });
const scale = Number(values.scale);
const BASE_URL = process.env.DATABASE_URL;
const COMMUNITY = readFileSync(join(ROOT, 'examples/community-hospital.yaml'), 'utf8');
const REGIONAL = readFileSync(join(ROOT, 'examples/regional-hospital.yaml'), 'utf8');

const READINESS = `query($id: ID!, $app: String!) { applicationReadiness(estateId: $id, application: $app) {
  status findings { code severity message } } }`;
const ESTATE = `query($id: ID!) { estate(id: $id) { id name revision
  readinessSummary { ready readyWithConditions unknown notReady }
  workloads(first: 20) { totalCount edges { node { id name application memoryGiB readiness { status } } } } } }`;
const PLAN_READ =
  'query($id: ID!) { plan(id: $id) { id hostsUsed lowerBound placements { workload host } } }';
const RUN_PLAN = 'mutation($id: ID!) { runPlan(estateId: $id) { id hostsUsed } }';
const RUN_DR = 'mutation($id: ID!) { evaluateDr(estateId: $id) { estateId evaluatedAt } }';

interface Row {
  operation: string;
  requests: number;
  concurrency: number;
  wallSeconds: number;
  cpuMsPerRequest: number;
  p50: number;
  p95: number;
}

async function serverCpuSeconds(replica: Replica): Promise<number> {
  const text = await (await fetch(new URL('/metrics', replica.url))).text();
  const m = /^virtplan_process_cpu_seconds_total\s+([0-9.e+-]+)$/m.exec(text);
  if (!m) throw new Error('no virtplan_process_cpu_seconds_total in /metrics');
  return Number(m[1]);
}

async function serverRssMiB(replica: Replica): Promise<number> {
  const text = await (await fetch(new URL('/metrics', replica.url))).text();
  return Number(/^virtplan_process_resident_memory_bytes\s+([0-9.e+-]+)$/m.exec(text)?.[1] ?? 0) / 2 ** 20;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs `count` requests, `concurrency` at a time; each must succeed (`call` throws otherwise). */
async function measure(
  replica: Replica,
  operation: string,
  count: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
): Promise<Row> {
  const latencies: number[] = [];
  const cpuBefore = await serverCpuSeconds(replica);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = (await serverCpuSeconds(replica)) - cpuBefore;
  latencies.sort((x, y) => x - y);
  return {
    operation,
    requests: count,
    concurrency,
    wallSeconds,
    cpuMsPerRequest: (cpu * 1000) / count,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

function ok(answer: { status: number; body: { errors?: unknown[]; data?: unknown } }, what: string): void {
  if (answer.status !== 200 || answer.body.errors) {
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  const dbName = `vp_infra_bench_${process.pid}`;
  if (BASE_URL) {
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(BASE_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'virtplan-bench-'));
  }
  const env = serverEnv(databaseUrl, dataDir ? { VIRTPLAN_DATA_DIR: join(dataDir, 'db') } : {});
  const rows: Row[] = [];
  const started: Replica[] = [];
  try {
    // The key first: with PGlite only one process may open the data folder at a time.
    const key = await createKey(env, 'bench');
    const replica = await startReplica('bench', env);
    started.push(replica);
    const community = await importEstate(replica, key, COMMUNITY);
    const regional = await importEstate(replica, key, REGIONAL);
    const planned = await graphql(replica, key, RUN_PLAN, { id: regional });
    ok(planned, 'runPlan');
    const planId = (planned.body.data?.runPlan as { id: string } | undefined)?.id as string;
    const reads = Math.round(300 * scale);
    // Warm-up (JIT, caches) before anything is measured.
    for (let i = 0; i < 30; i++) {
      await graphql(replica, key, READINESS, { id: community, app: 'PACS' });
      await graphql(replica, key, ESTATE, { id: regional });
      await graphql(replica, key, PLAN_READ, { id: planId });
    }

    rows.push(
      await measure(replica, 'GET /readyz', reads, 8, async () => {
        const r = await fetch(new URL('/readyz', replica.url));
        if (r.status !== 200) throw new Error(`/readyz ${r.status}`);
        await r.arrayBuffer();
      }),
    );
    rows.push(
      await measure(replica, 'applicationReadiness (community)', reads, 8, async () =>
        ok(await graphql(replica, key, READINESS, { id: community, app: 'PACS' }), 'readiness'),
      ),
    );
    rows.push(
      await measure(replica, 'estate + 20 workloads (regional)', reads, 8, async () =>
        ok(await graphql(replica, key, ESTATE, { id: regional }), 'estate'),
      ),
    );
    rows.push(
      await measure(replica, 'stored plan, all placements (regional)', reads, 8, async () =>
        ok(await graphql(replica, key, PLAN_READ, { id: planId }), 'plan'),
      ),
    );
    const heavy = Math.max(2, Math.round(4 * scale));
    const fresh: string[] = [];
    rows.push(
      await measure(replica, 'importEstate (regional, 341 workloads)', heavy * 2, 1, async () => {
        fresh.push(await importEstate(replica, key, REGIONAL));
      }),
    );
    rows.push(
      await measure(replica, 'runPlan (regional, new revision)', heavy, 1, async (i) =>
        ok(await graphql(replica, key, RUN_PLAN, { id: fresh[i] }), 'runPlan'),
      ),
    );
    rows.push(
      await measure(replica, 'evaluateDr (regional, new revision)', heavy, 1, async (i) =>
        ok(await graphql(replica, key, RUN_DR, { id: fresh[heavy + i] }), 'evaluateDr'),
      ),
    );
    const rss = await serverRssMiB(replica);

    const f = (n: number, d = 0) => n.toFixed(d);
    const lines = [
      '',
      `One virtplan replica, ${databaseUrl ? 'PostgreSQL (separate process: its CPU is not counted)' : 'PGlite (in process: database CPU counted)'}, loopback;`,
      `${availableParallelism()} CPUs, load average ${f(load, 1)} before the run; Node ${process.version}.`,
      '',
      '| operation | requests | concurrency | req/s | server CPU ms/request | req/s per CPU core | p50 ms | p95 ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.operation} | ${r.requests} | ${r.concurrency} | ${f(r.requests / r.wallSeconds, 1)} | ${f(r.cpuMsPerRequest, 1)} | ${f(1000 / r.cpuMsPerRequest, 1)} | ${f(r.p50)} | ${f(r.p95)} |`,
      ),
      '',
      `Server resident memory after the run: ${f(rss)} MiB.`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const replica of started) await stopReplica(replica);
    if (BASE_URL) {
      const admin = new pg.Client({ connectionString: BASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
