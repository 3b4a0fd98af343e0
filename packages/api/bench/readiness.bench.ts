/**
 * Requests per second and p99 of an applicationReadiness query at 50 connections, against a bare
 * graphql-yoga hello-world measured in the same run (target: at least half its throughput).
 * Each server runs in a child process; autocannon drives it over loopback for BENCH_SECONDS (10).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const serversScript = fileURLToPath(new URL('./servers.ts', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly info: { url: string; key?: string; estateId?: string };
}

function startServer(kind: 'api' | 'hello'): Promise<Started> {
  // Both servers as deployed: NODE_ENV=production (graphql-js skips its development checks).
  const child = spawn(process.execPath, ['--import', 'tsx', serversScript, kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function stop(started: Started): Promise<void> {
  started.child.removeAllListeners('exit');
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Row {
  name: string;
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
  non2xx: number;
  errors: number;
}

/** One autocannon run of `seconds` against a target. */
async function run(target: Target, seconds: number) {
  return autocannon({
    url: target.url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
  });
}

const hello = await startServer('hello');
const api = await startServer('api');
try {
  const query = `query($id: ID!) { applicationReadiness(estateId: $id, application: "PACS") { status findings { code severity message } } }`;
  const auth = { authorization: `Bearer ${api.info.key}` };
  const check = await fetch(api.info.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ query, variables: { id: api.info.estateId } }),
  });
  const checked = (await check.json()) as { data?: { applicationReadiness?: { status: string } } };
  if (!checked.data?.applicationReadiness?.status)
    throw new Error(`readiness query failed: ${JSON.stringify(checked)}`);
  const targets: Target[] = [
    {
      name: 'graphql-yoga hello-world',
      url: hello.info.url,
      headers: {},
      body: JSON.stringify({ query: '{ hello }' }),
    },
    {
      name: 'virtplan applicationReadiness',
      url: api.info.url,
      headers: auth,
      body: JSON.stringify({ query, variables: { id: api.info.estateId } }),
    },
  ];
  // The machine is shared: interleave short rounds so both servers see the same background load.
  // Let the API finish starting (its compute worker loads in the background) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const ROUNDS = 4;
  const per = Math.max(1, Math.round(SECONDS / ROUNDS));
  for (const t of targets) await run(t, 1); // warm-up: JIT, caches
  const rows: Row[] = targets.map((t) => ({
    name: t.name,
    requests: 0,
    seconds: 0,
    p50: [],
    p99: [],
    non2xx: 0,
    errors: 0,
  }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const r = await run(t, per);
      const row = rows[i]!;
      row.requests += r.requests.total;
      row.seconds += r.duration;
      row.p50.push(r.latency.p50);
      row.p99.push(r.latency.p99);
      row.non2xx += r.non2xx;
      row.errors += r.errors + r.timeouts;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rps = rows.map((r) => r.requests / r.seconds);
  const ratio = rps[1]! / rps[0]!;
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (n: number) => n.toFixed(0).padStart(8);
  process.stdout.write(
    `\n${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${per} s each, loopback, PGlite in memory\n\n` +
      `${pad('server', 32)}   req/s   p50 ms   p99 ms   non-2xx   errors\n` +
      rows
        .map(
          (r, i) =>
            `${pad(r.name, 32)}${num(rps[i]!)} ${num(median(r.p50))} ${num(median(r.p99))} ${num(r.non2xx)} ${num(r.errors)}`,
        )
        .join('\n') +
      `\n\n(p50/p99: median over the rounds)\nreadiness throughput = ${(ratio * 100).toFixed(0)}% of hello-world (target >= 50%): ${ratio >= 0.5 ? 'MET' : 'NOT MET'}\n`,
  );
} finally {
  await stop(hello);
  await stop(api);
}
