/**
 * Load shedding: plan and DR runs past the server's concurrency limit are refused at once with
 * 503 + Retry-After (code OVERLOADED), never queued without bound; a client that waits and retries
 * gets its result; each estate revision ends with exactly one stored plan; the rejections are
 * counted in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKey,
  dataOf,
  type GqlResponse,
  gql,
  leaks,
  makeStore,
  type RunningServer,
  readExample,
  recordResult,
  STORE_KINDS,
  type Store,
  sleep,
  startServer,
  stopAllServers,
} from './harness.ts';

const ESTATES = 8;
const MAX_RUNS = 1;

let store: Store;
let server: RunningServer;
let key: string;
const estateIds: string[] = [];

beforeAll(async () => {
  store = await makeStore(STORE_KINDS.at(-1)!, 'shed');
  key = await createKey(store, { organization: 'org-a', scope: 'write' });
  server = await startServer({ store, env: { VIRTPLAN_MAX_CONCURRENT_RUNS: String(MAX_RUNS) } });
  const text = readExample('community-hospital.yaml');
  for (let i = 0; i < ESTATES; i++) {
    const data = dataOf(
      await gql(
        server,
        key,
        `mutation($c: String!) { importEstate(content: $c, format: YAML) { ... on ImportEstateSuccess { estate { id } } } }`,
        { c: text.replace(/^name: .*$/m, `name: Shed ${i}`) },
      ),
    );
    estateIds.push((data.importEstate as { estate: { id: string } }).estate.id);
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await stopAllServers();
  await store?.dispose();
}, 60_000);

const RUN_PLAN = 'mutation($e: ID!) { runPlan(estateId: $e) { id estateRevision } }';
const EVALUATE_DR = 'mutation($e: ID!) { evaluateDr(estateId: $e) { id } }';

async function rejectedTotal(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('virtplan_runs_rejected_total'));
  return Number(line?.split(' ')[1] ?? 0);
}

function expectShed(res: GqlResponse): number {
  expect(res.status, res.text).toBe(503);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
    `Retry-After ${retryAfter}`,
  ).toBe(true);
  expect(res.body?.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
  expect(res.body?.errors?.[0]?.message).toMatch(/busy|retry/i);
  expect(leaks(res.text)).toEqual([]);
  return retryAfter;
}

describe(`a server allowing ${MAX_RUNS} plan or DR run at a time`, () => {
  it('sheds a burst of plan and DR runs with 503 + Retry-After, then serves every retry', async () => {
    const rejectedBefore = await rejectedTotal();
    const started = Date.now();
    const burst = await Promise.all(
      estateIds.flatMap((e) => [
        gql(server, key, RUN_PLAN, { e }).then((res) => ({ e, kind: 'plan', res, ms: Date.now() - started })),
        gql(server, key, EVALUATE_DR, { e }).then((res) => ({
          e,
          kind: 'dr',
          res,
          ms: Date.now() - started,
        })),
      ]),
    );
    const shed = burst.filter((b) => b.res.status === 503);
    const served = burst.filter((b) => b.res.status === 200);
    expect(shed.length + served.length, 'every answer is 200 or 503').toBe(burst.length);
    expect(served.length).toBeGreaterThanOrEqual(1);
    // The burst is over the limit (the limiter yields once before a run computes, so requests
    // already received reach it even on PGlite): some must be shed.
    expect(shed.length, 'the burst was over the limit, so some runs must be shed').toBeGreaterThanOrEqual(1);
    for (const b of served) expect(b.res.body?.errors ?? []).toEqual([]);
    let retryAfter = 1;
    for (const b of shed) retryAfter = expectShed(b.res);
    expect(await rejectedTotal()).toBe(rejectedBefore + shed.length);

    // Clients that honour Retry-After get their results; nobody waits in a server-side queue.
    let retries = 0;
    for (const b of shed) {
      let res = b.res;
      for (let attempt = 0; attempt < 10 && res.status === 503; attempt++) {
        await sleep(retryAfter * 1_000 * (attempt === 0 ? 0.2 : 1));
        res = await gql(server, key, b.kind === 'plan' ? RUN_PLAN : EVALUATE_DR, { e: b.e });
        retries++;
      }
      expect(res.status, res.text).toBe(200);
    }
    // Exactly one plan per estate revision, however many times it was asked for.
    for (const e of estateIds) {
      const data = dataOf(
        await gql(
          server,
          key,
          'query($e: ID!) { estate(id: $e) { plans(first: 10) { edges { node { id } } } } }',
          {
            e,
          },
        ),
      );
      expect((data.estate as { plans: { edges: unknown[] } }).plans.edges).toHaveLength(1);
    }
    recordResult('shedding', {
      database: store.kind,
      maxConcurrentRuns: MAX_RUNS,
      burst: burst.length,
      served: served.length,
      shed: shed.length,
      retryAfterSeconds: retryAfter,
      retriesUntilAllServed: retries,
      slowestShedMs: Math.max(...shed.map((b) => b.ms)),
      slowestServedMs: Math.max(...served.map((b) => b.ms)),
    });
  }, 90_000);
});
