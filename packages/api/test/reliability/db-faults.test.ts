/**
 * Database faults under a write load.
 *
 * Postgres (needs DATABASE_URL; skipped with a message otherwise): the machine's local cluster is
 * stopped in the middle of imports and workload edits, kept down for a few seconds, and started
 * again with pg_ctlcluster. While it is down /readyz answers 503 and requests get a clear error
 * quickly; afterwards the server reconnects by itself. Every acknowledged write is there; every
 * unacknowledged one is wholly there or wholly absent. The cluster is always started again and
 * checked, whatever happens (other suites use it).
 *
 * PGlite: the server is killed with SIGKILL during the same kind of load, restarted on the same
 * data folder, and every acknowledged write is there, every other one whole or absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKey,
  DATABASE_URL,
  dataOf,
  gql,
  leaks,
  pgliteStore,
  postgresStore,
  type RunningServer,
  readExample,
  recordResult,
  type Store,
  sleep,
  startServer,
  stopAllServers,
  withDirectDb,
} from './harness.ts';

/** The longest any request may take while the database is away before we call it a hang. */
const REQUEST_TIMEOUT_MS = 20_000;
const SPEC_TEXT = readExample('spec-example.yaml');

afterAll(async () => {
  await stopAllServers();
});

interface Attempt {
  readonly kind: 'import' | 'addWorkload';
  readonly label: string;
  readonly estateId?: string;
  outcome: 'acknowledged' | 'refused' | 'error' | 'hung';
  readonly startedAt: number;
  ms: number;
  status?: number;
  message?: string;
  /** Import: the new estate's id; addWorkload: the new revision. */
  result?: string | number | undefined;
}

/**
 * Writers importing estates and adding workloads to an estate of their own until `stop()`; each
 * attempt and what the server said is recorded.
 */
function writeLoad(server: RunningServer, key: string, writers: number, ownEstates: string[]) {
  const attempts: Attempt[] = [];
  let stopping = false;
  const revisions = new Map<string, number>(ownEstates.map((e) => [e, 1]));
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let n = 0; !stopping; n++) {
      const estateId = ownEstates[w]!;
      const isImport = n % 2 === 0;
      const label = isImport ? `fault-import-w${w}-n${n}` : `fault-wl-w${w}-n${n}`;
      const attempt: Attempt = {
        kind: isImport ? 'import' : 'addWorkload',
        label,
        ...(isImport ? {} : { estateId }),
        outcome: 'error',
        startedAt: Date.now(),
        ms: 0,
      };
      attempts.push(attempt);
      try {
        const res = isImport
          ? await gql(
              server,
              key,
              `mutation($c: String!) { importEstate(content: $c, format: YAML) {
                 __typename ... on ImportEstateSuccess { estate { id } } } }`,
              { c: SPEC_TEXT.replace(/^name: .*$/m, `name: ${label}`) },
              REQUEST_TIMEOUT_MS,
            )
          : await gql(
              server,
              key,
              `mutation($e: ID!, $r: Int!, $w: WorkloadInput!) { addWorkload(estateId: $e, expectedRevision: $r, workload: $w) {
                 __typename ... on EstateChanged { revision } ... on StaleRevisionError { currentRevision } } }`,
              {
                e: estateId,
                r: revisions.get(estateId),
                w: { id: label, application: 'Fault', memoryGiB: 1 },
              },
              REQUEST_TIMEOUT_MS,
            );
        attempt.status = res.status;
        const value = res.body?.data?.[isImport ? 'importEstate' : 'addWorkload'] as
          | { __typename: string; estate?: { id: string }; revision?: number; currentRevision?: number }
          | null
          | undefined;
        if (
          res.status === 200 &&
          value &&
          (value.__typename === 'ImportEstateSuccess' || value.__typename === 'EstateChanged')
        ) {
          attempt.outcome = 'acknowledged';
          attempt.result = value.estate?.id ?? value.revision;
          if (value.revision !== undefined) revisions.set(estateId, value.revision);
        } else if (value?.__typename === 'StaleRevisionError') {
          // An earlier unacknowledged add did commit: carry on from the real revision.
          attempt.outcome = 'refused';
          revisions.set(estateId, value.currentRevision!);
        } else {
          attempt.outcome = 'error';
          attempt.message = res.body?.errors?.[0]?.message ?? res.text.slice(0, 200);
          expect(leaks(res.text), res.text).toEqual([]);
        }
      } catch (error) {
        const name = (error as Error).name;
        attempt.outcome = name === 'TimeoutError' || name === 'AbortError' ? 'hung' : 'error';
        attempt.message = String(error);
      }
      attempt.ms = Date.now() - attempt.startedAt;
      if (attempt.outcome === 'error') await sleep(100);
    }
  });
  return {
    attempts,
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** Polls /readyz until stopped; records each answer. */
function readinessProbe(server: RunningServer) {
  const seen: { at: number; status: number | 'no answer'; ms: number }[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const at = Date.now();
      try {
        const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        await res.text();
        seen.push({ at, status: res.status, ms: Date.now() - at });
      } catch {
        seen.push({ at, status: 'no answer', ms: Date.now() - at });
      }
      await sleep(100);
    }
  })();
  return {
    seen,
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

async function importOwnEstates(server: RunningServer, key: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = dataOf(
      await gql(
        server,
        key,
        `mutation($c: String!) { importEstate(content: $c, format: YAML) { ... on ImportEstateSuccess { estate { id } } } }`,
        { c: SPEC_TEXT.replace(/^name: .*$/m, `name: fault-own-${i}`) },
      ),
    );
    ids.push((data.importEstate as { estate: { id: string } }).estate.id);
  }
  return ids;
}

/**
 * Checks what is stored against what the server acknowledged. Returns the figures of the check.
 */
async function checkWrites(store: Store, attempts: readonly Attempt[], ownEstates: readonly string[]) {
  return withDirectDb(store, async (db) => {
    const estates = await db.query(
      `select e.id, e.name, e.revision, jsonb_array_length(e.document->'workloads') as doc_workloads,
              (select count(*)::int from workloads w where w.estate_id = e.id) as workloads,
              (select count(*)::int from sites s where s.estate_id = e.id) as sites,
              (select count(*)::int from policies p where p.estate_id = e.id) as policies,
              (select count(*)::int from audit_log a where a.estate_id = e.id and a.action = 'ESTATE_IMPORTED') as imported,
              (select count(*)::int from audit_log a where a.estate_id = e.id and a.action = 'WORKLOAD_ADDED') as added
         from estates e`,
    );
    const byName = new Map(estates.map((e) => [String(e.name), e]));
    const byId = new Map(estates.map((e) => [String(e.id), e]));
    // Whole: every stored estate has all of its rows, its audit entry, and a revision that counts its changes.
    for (const e of estates) {
      expect(e.workloads, `estate ${e.name}: rows match its document`).toBe(e.doc_workloads);
      expect(Number(e.sites)).toBeGreaterThan(0);
      expect(e.policies).toBe(1);
      expect(e.imported, `estate ${e.name}: one import audit entry`).toBe(1);
      expect(Number(e.revision), `estate ${e.name}: revision counts its audited changes`).toBe(
        1 + Number(e.added),
      );
    }
    const lost: string[] = [];
    let unacknowledgedPresent = 0;
    let unacknowledgedAbsent = 0;
    const workloadRows = await db.query('select estate_id, id from workloads');
    const workloadsOf = new Map<string, Set<string>>();
    for (const r of workloadRows) {
      const set = workloadsOf.get(String(r.estate_id)) ?? new Set<string>();
      set.add(String(r.id));
      workloadsOf.set(String(r.estate_id), set);
    }
    for (const a of attempts) {
      const present =
        a.kind === 'import' ? byName.has(a.label) : (workloadsOf.get(a.estateId!)?.has(a.label) ?? false);
      if (a.outcome === 'acknowledged') {
        if (!present) lost.push(a.label);
        if (a.kind === 'import') expect(byId.get(String(a.result))?.name).toBe(a.label);
      } else if (present) unacknowledgedPresent++;
      else unacknowledgedAbsent++;
    }
    for (const id of ownEstates) expect(byId.has(id)).toBe(true);
    const orphans = await db.query(
      'select count(*)::int as n from workloads w where not exists (select 1 from estates e where e.id = w.estate_id)',
    );
    expect(orphans[0]?.n).toBe(0);
    return { lost, unacknowledgedPresent, unacknowledgedAbsent, estates: estates.length };
  });
}

function summarise(attempts: readonly Attempt[]) {
  const count = (o: Attempt['outcome']) => attempts.filter((a) => a.outcome === o).length;
  return {
    attempts: attempts.length,
    acknowledged: count('acknowledged'),
    refusedStale: count('refused'),
    failedWithError: count('error'),
    hung: count('hung'),
    slowestMs: Math.max(0, ...attempts.map((a) => a.ms)),
  };
}

// ---------------------------------------------------------------------------------------------

const pgVersion = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql')[0] : undefined;
const canRestart = Boolean(DATABASE_URL && pgVersion);

function pgctl(action: 'start' | 'stop'): void {
  const args = ['--skip-systemctl-redirect', pgVersion!, 'main', action];
  if (action === 'stop') args.push('--', '-m', 'fast');
  execFileSync('pg_ctlcluster', args, { stdio: 'pipe', timeout: 60_000 });
}

function pgIsReady(): boolean {
  const url = new URL(DATABASE_URL!);
  try {
    execFileSync('pg_isready', ['-h', url.hostname, '-p', url.port || '5432', '-q'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** Starts the cluster if it is not answering, and waits until it does (other suites depend on it). */
async function ensurePostgresUp(): Promise<void> {
  for (let i = 0; i < 60 && !pgIsReady(); i++) {
    if (i % 10 === 0) {
      try {
        pgctl('start');
      } catch {
        // already starting or running: keep polling
      }
    }
    await sleep(500);
  }
  if (!pgIsReady()) throw new Error('the local Postgres did not come back');
}

describe.skipIf(!canRestart)('Postgres stopped and started during a write load', () => {
  let store: Store | undefined;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await ensurePostgresUp();
    await server?.stop();
    await store?.dispose();
  }, 120_000);

  it('answers 503 on /readyz and clear errors while down, reconnects, and loses no acknowledged write', async () => {
    store = await postgresStore(DATABASE_URL!, 'fault');
    const key = await createKey(store, { organization: 'org-a', scope: 'write' });
    server = await startServer({ store });
    const own = await importOwnEstates(server, key, 3);
    const load = writeLoad(server, key, 3, own);
    const probe = readinessProbe(server);
    let downAt = 0;
    let upAt = 0;
    let readyAgainAt = 0;
    const whileDown: { status: number; ms: number; message: string; retryAfter: string | null }[] = [];
    try {
      await sleep(1_500);
      downAt = Date.now();
      pgctl('stop');
      // While it is down: clear, quick answers.
      await sleep(500);
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const res = await gql(server, key, '{ estates { totalCount } }', undefined, REQUEST_TIMEOUT_MS);
        whileDown.push({
          status: res.status,
          ms: Date.now() - started,
          message: res.body?.errors?.[0]?.message ?? '',
          retryAfter: res.headers.get('retry-after'),
        });
        expect(leaks(res.text), res.text).toEqual([]);
      }
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/database/);
      await sleep(2_000);
    } finally {
      pgctl('start');
      upAt = Date.now();
      await ensurePostgresUp();
    }
    // Reconnects by itself: /readyz is 200 again without restarting the API.
    for (let i = 0; i < 100 && !readyAgainAt; i++) {
      const res = await fetch(`${server.url}/readyz`).catch(() => null);
      if (res?.status === 200) readyAgainAt = Date.now();
      else await sleep(200);
    }
    expect(readyAgainAt, 'ready again within 20 s of the database').toBeGreaterThan(0);
    await sleep(1_500);
    await load.stop();
    await probe.stop();

    const summary = summarise(load.attempts);
    expect(summary.hung, 'no request hung past the timeout').toBe(0);
    for (const d of whileDown) {
      expect(d.status, 'the client is told to come back later').toBe(503);
      expect(d.retryAfter).toMatch(/^\d+$/);
      expect(d.message).toMatch(/database is unavailable/);
      expect(d.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
    }
    const duringOutage = probe.seen.filter((s) => s.at > downAt + 300 && s.at < upAt - 100);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(
      duringOutage.every((s) => s.status === 503),
      JSON.stringify(duringOutage),
    ).toBe(true);
    expect(Math.max(...probe.seen.map((s) => s.ms))).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(summary.acknowledged).toBeGreaterThan(5);
    // Writes after the restart succeeded: the load recovered, not just /readyz.
    expect(load.attempts.some((a) => a.outcome === 'acknowledged' && a.startedAt > readyAgainAt)).toBe(true);

    const check = await checkWrites(store, load.attempts, own);
    expect(check.lost).toEqual([]);
    const output = server.output();
    expect(output).not.toMatch(/Failed query|params:|insert into|select .* from/i);
    recordResult('faults.postgres', {
      ...summary,
      ...check,
      lostWrites: check.lost.length,
      downForMs: upAt - downAt,
      readyAgainAfterMs: readyAgainAt - upAt,
      readyzDuringOutage: duringOutage.length,
      whileDown,
    });
  }, 120_000);
});

describe.skipIf(canRestart)('Postgres faults', () => {
  it.skip('need DATABASE_URL and a local cluster under /etc/postgresql (set by .ci/run)', () => {});
});

describe('PGlite: the server killed with SIGKILL during writes', () => {
  let store: Store | undefined;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  }, 60_000);

  it('restarts on the same data folder with every acknowledged write present', async () => {
    store = await pgliteStore();
    const key = await createKey(store, { organization: 'org-a', scope: 'write' });
    const rounds: ReturnType<typeof summarise>[] = [];
    const all: Attempt[] = [];
    let own: string[] = [];
    for (let round = 0; round < 2; round++) {
      server = await startServer({ store });
      if (round === 0) own = await importOwnEstates(server, key, 2);
      const load = writeLoad(server, key, 2, own);
      await sleep(1_200 + round * 400);
      await server.kill();
      await load.stop();
      rounds.push(summarise(load.attempts));
      all.push(...load.attempts);
      // Requests cut off by the kill are transport errors, never acknowledged.
      expect(load.attempts.filter((a) => a.outcome === 'acknowledged').length).toBeGreaterThan(0);
    }
    // Restart on the same folder: the lock left by the dead process is taken over.
    server = await startServer({ store });
    const data = dataOf(await gql(server, key, '{ estates(first: 500) { totalCount } }'));
    expect((data.estates as { totalCount: number }).totalCount).toBeGreaterThan(2);
    await server.stop();
    const check = await checkWrites(store, all, own);
    expect(check.lost).toEqual([]);
    recordResult('faults.pglite', {
      kills: rounds.length,
      ...summarise(all),
      ...check,
      lostWrites: check.lost.length,
    });
  }, 180_000);
});
