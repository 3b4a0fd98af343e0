/**
 * Clients editing one estate at the same time: optimistic concurrency on the estate revision.
 * Two writers at one revision: one wins, the other gets StaleRevisionError and stores nothing.
 * Many read-modify-write clients retrying on stale: no increment is lost, and the revision and
 * audit log count exactly the acknowledged changes. Runs on PGlite and, when DATABASE_URL is set,
 * on a database of its own on the machine's Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeys,
  dataOf,
  gql,
  makeStore,
  type RunningServer,
  readExample,
  recordResult,
  STORE_KINDS,
  type Store,
  startServer,
  stopAllServers,
} from './harness.ts';

const CHANGE = `mutation($e: ID!, $r: Int!, $id: String!, $m: Float!) {
  changeWorkload(estateId: $e, expectedRevision: $r, id: $id, changes: { memoryGiB: $m }) {
    __typename
    ... on EstateChanged { revision }
    ... on StaleRevisionError { message expectedRevision currentRevision }
    ... on DomainError { message }
  }
}`;

const READ = `query($e: ID!, $id: String!) { estate(id: $e) { revision workload(id: $id) { memoryGiB } } }`;

interface Change {
  __typename: string;
  revision?: number;
  message?: string;
  expectedRevision?: number;
  currentRevision?: number;
}

afterAll(async () => {
  await stopAllServers();
});

describe.each(STORE_KINDS)('concurrent edits on %s', (kind) => {
  let store: Store;
  let server: RunningServer;
  let keyA: string;
  let keyB: string;
  let estateId: string;
  let workloadId: string;

  beforeAll(async () => {
    store = await makeStore(kind, 'conc');
    const keys = await createKeys(store, [
      { organization: 'org-a', scope: 'write' },
      { organization: 'org-a', scope: 'write' },
    ]);
    keyA = keys[0]!.key;
    keyB = keys[1]!.key;
    server = await startServer({ store });
    const imported = dataOf(
      await gql(
        server,
        keyA,
        `mutation($c: String!) { importEstate(content: $c, format: YAML) {
           ... on ImportEstateSuccess { estate { id workloads(first: 1) { edges { node { id } } } } } } }`,
        { c: readExample('community-hospital.yaml') },
      ),
    );
    const estate = (
      imported.importEstate as { estate: { id: string; workloads: { edges: { node: { id: string } }[] } } }
    ).estate;
    estateId = estate.id;
    workloadId = estate.workloads.edges[0]!.node.id;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  }, 60_000);

  async function read(key: string): Promise<{ revision: number; memoryGiB: number }> {
    const data = dataOf(await gql(server, key, READ, { e: estateId, id: workloadId }));
    const estate = data.estate as { revision: number; workload: { memoryGiB: number } };
    return { revision: estate.revision, memoryGiB: estate.workload.memoryGiB };
  }

  async function change(key: string, revision: number, memoryGiB: number): Promise<Change> {
    const data = dataOf(
      await gql(server, key, CHANGE, { e: estateId, r: revision, id: workloadId, m: memoryGiB }),
    );
    return data.changeWorkload as Change;
  }

  it('two clients at one revision: one change stored, the other refused as stale with a clear message', async () => {
    const start = await read(keyA);
    const [a, b] = await Promise.all([change(keyA, start.revision, 101), change(keyB, start.revision, 202)]);
    const outcomes = [a, b].map((o) => o.__typename).sort();
    expect(outcomes).toEqual(['EstateChanged', 'StaleRevisionError']);
    const winner = a.__typename === 'EstateChanged' ? { o: a, m: 101 } : { o: b, m: 202 };
    const loser = a.__typename === 'EstateChanged' ? b : a;
    expect(winner.o.revision).toBe(start.revision + 1);
    expect(loser.expectedRevision).toBe(start.revision);
    expect(loser.currentRevision).toBe(start.revision + 1);
    expect(loser.message).toMatch(/revision/);
    expect(loser.message).toMatch(/reload/);
    const after = await read(keyB);
    expect(after).toEqual({ revision: start.revision + 1, memoryGiB: winner.m });
  }, 60_000);

  it('a stale revision is refused even with no race, and stores nothing', async () => {
    const start = await read(keyA);
    const stale = await change(keyA, start.revision - 1, 7);
    expect(stale.__typename).toBe('StaleRevisionError');
    expect(stale.currentRevision).toBe(start.revision);
    const ahead = await change(keyA, start.revision + 5, 7);
    expect(ahead.__typename).toBe('StaleRevisionError');
    expect(await read(keyA)).toEqual(start);
  }, 60_000);

  it('read your writes: after an acknowledged change, reads and plan runs see its revision, under concurrent reads', async () => {
    let stop = false;
    // Readers keep loads of the estate in flight, so a cached or in-flight old read would show.
    const readers = Array.from({ length: 12 }, async () => {
      while (!stop) await read(keyB);
    });
    const stale: string[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const seen = await read(keyA);
        const result = await change(keyA, seen.revision, 1_000 + i);
        if (result.__typename !== 'EstateChanged') continue;
        const after = await read(keyA);
        if (after.revision < result.revision!)
          stale.push(`read revision ${after.revision} after ${result.revision}`);
        const plan = dataOf(
          await gql(server, keyA, 'mutation($e: ID!) { runPlan(estateId: $e) { estateRevision } }', {
            e: estateId,
          }),
        ).runPlan as { estateRevision: number };
        if (plan.estateRevision < result.revision!) {
          stale.push(`plan of revision ${plan.estateRevision} after ${result.revision}`);
        }
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    expect(stale).toEqual([]);
  }, 120_000);

  it('six clients incrementing one field with retries: no lost update', async () => {
    const clients = 6;
    const incrementsEach = 5;
    const start = await read(keyA);
    let staleRefusals = 0;
    const acknowledged: number[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const key = c % 2 === 0 ? keyA : keyB;
        for (let done = 0; done < incrementsEach; ) {
          const seen = await read(key);
          const result = await change(key, seen.revision, seen.memoryGiB + 1);
          if (result.__typename === 'EstateChanged') {
            acknowledged.push(result.revision!);
            done++;
          } else {
            expect(result.__typename).toBe('StaleRevisionError');
            staleRefusals++;
          }
        }
      }),
    );
    const total = clients * incrementsEach;
    const end = await read(keyA);
    expect(end.memoryGiB).toBe(start.memoryGiB + total);
    expect(end.revision).toBe(start.revision + total);
    // Every acknowledged change produced a distinct revision, in an unbroken run.
    expect([...acknowledged].sort((x, y) => x - y)).toEqual(
      Array.from({ length: total }, (_, i) => start.revision + 1 + i),
    );
    // The audit log has exactly one WORKLOAD_CHANGED entry per acknowledged revision.
    const audit = dataOf(
      await gql(
        server,
        keyA,
        `query($e: ID!) { estate(id: $e) { auditLog(first: 100) { edges { node { action estateRevision keyId } } } } }`,
        { e: estateId },
      ),
    );
    const entries = (
      audit.estate as { auditLog: { edges: { node: { action: string; estateRevision: number } }[] } }
    ).auditLog.edges
      .map((e) => e.node)
      .filter((n) => n.action === 'WORKLOAD_CHANGED' && n.estateRevision > start.revision);
    expect(entries.map((e) => e.estateRevision).sort((x, y) => x - y)).toEqual(
      Array.from({ length: total }, (_, i) => start.revision + 1 + i),
    );
    recordResult(`concurrency.${kind}`, {
      clients,
      acknowledged: total,
      staleRefusals,
      lostUpdates: start.memoryGiB + total - end.memoryGiB,
    });
  }, 120_000);
});
