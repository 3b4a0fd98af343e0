/**
 * Contract tests: the client against the real API (graphql-yoga + Pothos on PGlite), started
 * in this process on a free port and spoken to over HTTP with the platform fetch. No fakes.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { build } from 'esbuild';
import { parse } from 'graphql';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { risReadinessCheck } from '../examples/ris-readiness-check.ts';
import {
  ApplicationReadinessDocument,
  createClient,
  type EstateSummary,
  type ResultOf,
  type TypedDocument,
  type VirtplanClient,
  VirtplanClientError,
} from '../src/index.ts';
import { startTestApi, type TestApi } from './api-server.ts';

const COMMUNITY_HOSPITAL = new URL('../../../examples/community-hospital.yaml', import.meta.url);

let api: TestApi;
let client: VirtplanClient;
let hospitalYaml: string;
/** The community hospital, imported once by the first test that needs it. */
let hospital: EstateSummary | undefined;

beforeAll(async () => {
  // One plan or DR run at a time, so that concurrent runs meet the API's 503 + Retry-After.
  [api, hospitalYaml] = await Promise.all([
    startTestApi({ maxConcurrentRuns: 1 }),
    readFile(COMMUNITY_HOSPITAL, 'utf8'),
  ]);
  client = createClient({ url: api.url, apiKey: api.keys.write, retries: { retries: 1, baseDelayMs: 5 } });
});

afterAll(async () => {
  await api?.close();
});

async function communityHospital(): Promise<EstateSummary> {
  if (hospital) return hospital;
  const result = await client.importEstate(hospitalYaml);
  if (result.__typename !== 'ImportEstateSuccess') throw new Error(`import failed: ${result.message}`);
  hospital = result.estate;
  return hospital;
}

async function failure(promise: Promise<unknown>): Promise<VirtplanClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VirtplanClientError);
    return error as VirtplanClientError;
  }
  throw new Error('expected the request to fail');
}

describe('importEstate', () => {
  it('stores a valid YAML estate and returns it at revision 1', async () => {
    const estate = await communityHospital();
    expect(estate.revision).toBe(1);
    expect(estate.name).toMatch(/hospital/i);
    expect(estate.readinessSummary.ready + estate.readinessSummary.notReady).toBeGreaterThan(0);
  });

  it('returns validation errors as a value, with paths, and stores nothing', async () => {
    const before = await countEstates(client);
    const broken = hospitalYaml.replace(/memoryGiB: \d+/, 'memoryGiB: lots');
    const result = await client.importEstate(broken, 'YAML');
    expect(result.__typename).toBe('EstateValidationError');
    if (result.__typename !== 'EstateValidationError') return;
    expect(result.issues.length).toBeGreaterThan(0);
    expect(result.issues.map((issue) => issue.path)).toContainEqual(expect.stringMatching(/memoryGiB/));
    expect(await countEstates(client)).toBe(before);
  });

  it('takes JSON, guessing the format from the text', async () => {
    const { id } = await communityHospital();
    const data = (await client.request('query Doc($id: ID!) { estate(id: $id) { document } }', { id })) as {
      estate: { document: string };
    };
    const result = await client.importEstate(data.estate.document);
    expect(result.__typename).toBe('ImportEstateSuccess');
  });
});

describe('applicationReadiness', () => {
  it('says whether PACS is ready, with findings that name their workloads', async () => {
    const { id } = await communityHospital();
    const pacs = await client.applicationReadiness(id, 'PACS');
    expect(pacs.application).toBe('PACS');
    expect(['READY', 'READY_WITH_CONDITIONS', 'UNKNOWN', 'NOT_READY']).toContain(pacs.status);
    expect(pacs.workloadIds).toEqual(expect.arrayContaining(['pacs-db', 'pacs-app']));
    for (const finding of pacs.findings) {
      expect(finding.code).toMatch(/^[A-Z_]+$/);
      expect(finding.message.length).toBeGreaterThan(0);
    }
  });

  it('an application the estate does not have is a graphql error coded NOT_FOUND', async () => {
    const { id } = await communityHospital();
    const error = await failure(client.applicationReadiness(id, 'TELEPATHY'));
    expect(error.kind).toBe('graphql');
    expect(error.codes).toEqual(['NOT_FOUND']);
    expect(error.attempts).toBe(1);
  });
});

describe('runPlan', () => {
  it('computes and stores the plan of the current revision, and returns that one again', async () => {
    const { id } = await communityHospital();
    const plan = await client.runPlan(id);
    expect(plan).toMatchObject({ estateId: id, estateRevision: 1 });
    expect(plan.hostsUsed).toBeGreaterThanOrEqual(plan.lowerBound);
    expect(plan.gap).toBe(plan.hostsUsed - plan.lowerBound);
    const placed = plan.placements.map((placement) => placement.workload);
    expect(new Set(placed).size).toBe(placed.length);
    expect((await client.runPlan(id)).id).toBe(plan.id);
  });

  it('http: past the run limit the API answers 503 with Retry-After; the mutation is not retried', async () => {
    const estates = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const result = await client.importEstate(hospitalYaml.replace(/^name: .*$/m, `name: Busy ${n}`));
        if (result.__typename !== 'ImportEstateSuccess') throw new Error(result.message);
        return result.estate.id;
      }),
    );
    const outcomes = await Promise.allSettled(estates.map((id) => client.runPlan(id)));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ kind: 'http', status: 503, attempts: 1 });
      expect(error.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('a read key may not run one', async () => {
    const { id } = await communityHospital();
    const reader = createClient({ url: api.url, apiKey: api.keys.read });
    const error = await failure(reader.runPlan(id));
    expect(error).toMatchObject({ kind: 'auth', codes: ['FORBIDDEN'] });
  });
});

describe('evaluateDr', () => {
  it('evaluates RPO/RTO of every workload, site loss and the HIPAA contingency plan', async () => {
    const { id } = await communityHospital();
    const dr = await client.evaluateDr(id);
    expect(dr).toMatchObject({ estateId: id, estateRevision: 1, planId: null });
    const pacsDb = dr.workloads.find((workload) => workload.id === 'pacs-db');
    expect(pacsDb?.application).toBe('PACS');
    expect(pacsDb?.rpo.targetMinutes).toBeGreaterThan(0);
    expect(dr.sites.length).toBeGreaterThan(0);
    expect(dr.contingencyPlan.map((spec) => spec.citation)).toContainEqual(
      expect.stringMatching(/^164\.308\(a\)\(7\)/),
    );
  });

  it("evaluates a plan's placements when given its id", async () => {
    const { id } = await communityHospital();
    const plan = await client.runPlan(id);
    const dr = await client.evaluateDr(id, { planId: plan.id });
    expect(dr.planId).toBe(plan.id);
  });

  it('an estate id nobody has is a graphql error coded NOT_FOUND', async () => {
    const error = await failure(client.evaluateDr('00000000-0000-4000-8000-000000000000'));
    expect(error).toMatchObject({ kind: 'graphql', codes: ['NOT_FOUND'], attempts: 1 });
  });
});

describe('examples/ris-readiness-check', () => {
  it('prints whether PACS is ready and whether its DR holds, with an exit status to match', async () => {
    const estate = await communityHospital();
    const lines: string[] = [];
    const status = await risReadinessCheck(
      { url: api.url, apiKey: api.keys.write, estate: estate.name.toUpperCase(), application: 'PACS' },
      (line) => lines.push(line),
    );
    const text = lines.join('\n');
    expect(text).toContain(`${estate.name} (revision 1), application PACS`);
    expect(text).toMatch(
      /^Readiness: (READY|READY_WITH_CONDITIONS|UNKNOWN|NOT_READY) \(\d+ workloads: .*\bpacs-db\b/m,
    );
    expect(text).toMatch(/^ {2}pacs-db +RPO .* of .*, RTO .* of .*: (ok|MISSED)$/m);
    expect(text).toMatch(/^Disaster recovery: (HOLDS|DOES NOT HOLD)$/m);
    const verdict = lines.at(-1) ?? '';
    expect(verdict).toMatch(/^Verdict: /);
    const fine = /^Readiness: READY/m.test(text) && text.includes('Disaster recovery: HOLDS');
    expect(verdict.startsWith('Verdict: not yet')).toBe(!fine);
    expect(status).toBe(fine ? 0 : 1);
  });

  it('says so, with status 2, when the estate does not exist or the key is refused', async () => {
    const lines: string[] = [];
    const missing = await risReadinessCheck(
      { url: api.url, apiKey: api.keys.write, estate: 'No Such Hospital', application: 'PACS' },
      (line) => lines.push(line),
    );
    expect([missing, lines]).toEqual([2, ['No estate "No Such Hospital" is visible to this API key.']]);
    lines.length = 0;
    const refused = await risReadinessCheck(
      { url: api.url, apiKey: 'vpk_wrong', estate: 'x', application: 'PACS' },
      (line) => lines.push(line),
    );
    expect(refused).toBe(2);
    expect(lines[0]).toMatch(/^Could not ask virtplan \(auth\): /);
  });
});

describe('estates', () => {
  it('iterates over every page, in order, without duplicates', async () => {
    await communityHospital();
    for (let n = 0; n < 4; n++) {
      const result = await client.importEstate(hospitalYaml.replace(/^name: .*$/m, `name: Paging ${n}`));
      expect(result.__typename).toBe('ImportEstateSuccess');
    }
    const all: EstateSummary[] = [];
    for await (const estate of client.estates({ pageSize: 2 })) all.push(estate);
    const onePage: EstateSummary[] = [];
    for await (const estate of client.estates({ pageSize: 100 })) onePage.push(estate);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((estate) => estate.id)).size).toBe(all.length);
    expect(all.map((estate) => estate.id)).toEqual(onePage.map((estate) => estate.id));
  });

  it('shows each organization only its own estates', async () => {
    await communityHospital();
    const other = createClient({ url: api.url, apiKey: api.keys.otherOrganization });
    expect(await countEstates(other)).toBe(0);
  });

  it('rejects a page size below 1 before sending anything', async () => {
    await expect(client.estates({ pageSize: 0 }).next()).rejects.toThrow(RangeError);
  });
});

describe('request with typed documents', () => {
  it('runs the package’s own documents', async () => {
    const { id } = await communityHospital();
    const data = await client.request(ApplicationReadinessDocument, { estateId: id, application: 'PACS' });
    expect(data.applicationReadiness.application).toBe('PACS');
  });

  it('runs a DocumentNode parsed by graphql-js, typed like a TypedDocumentNode', async () => {
    const { id } = await communityHospital();
    const document = parse(
      'query Rev($id: ID!) { estate(id: $id) { id revision } }',
    ) as unknown as TypedDocument<{ estate: { id: string; revision: number } | null }, { id: string }>;
    const data: ResultOf<typeof document> = await client.request(document, { id });
    expect(data.estate).toEqual({ id, revision: 1 });
  });
});

describe('error kinds against the real server', () => {
  it('auth: a wrong key is refused with 401', async () => {
    const wrong = createClient({ url: api.url, apiKey: `vpk_AAAAAAAAAAAA_${'x'.repeat(43)}` });
    const error = await failure(wrong.applicationReadiness('00000000-0000-0000-0000-000000000000', 'PACS'));
    expect(error).toMatchObject({ kind: 'auth', status: 401, codes: ['UNAUTHENTICATED'] });
  });

  it('auth: no key at all is refused with 401', async () => {
    const anonymous = createClient({ url: api.url });
    const error = await failure(anonymous.estates().next());
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).toContain('API key is required');
  });

  it('auth: a read key cannot import', async () => {
    const reader = createClient({ url: api.url, apiKey: api.keys.read });
    const error = await failure(reader.importEstate(hospitalYaml));
    expect(error.kind).toBe('auth');
    expect(error.codes).toEqual(['FORBIDDEN']);
  });

  it('graphql: another organization asking by id gets NOT_FOUND, not the estate', async () => {
    const { id } = await communityHospital();
    const other = createClient({ url: api.url, apiKey: api.keys.otherOrganization });
    const error = await failure(other.applicationReadiness(id, 'PACS'));
    expect(error).toMatchObject({ kind: 'graphql', codes: ['NOT_FOUND'] });
  });

  it('graphql: a document with a misspelled field is rejected by validation (400)', async () => {
    const error = await failure(client.request('query { estates { nmae } }'));
    expect(error).toMatchObject({ kind: 'graphql', status: 400 });
    expect(error.message).toContain('Cannot query field "nmae"');
  });

  it('http: a response that is no GraphQL result (the metrics endpoint)', async () => {
    const wrongPath = createClient({ url: `${api.origin}/metrics`, apiKey: api.keys.write });
    const error = await failure(wrongPath.estates().next());
    expect(error).toMatchObject({ kind: 'http', status: 200 });
  });

  it('http: a body over the server’s limit is a 413', async () => {
    // Large estates fit (64 MiB by default); this is just past that.
    const huge = 'x'.repeat(64 * 1024 * 1024 + 1);
    const error = await failure(client.importEstate(huge, 'YAML'));
    expect(error).toMatchObject({ kind: 'http', status: 413 });
  });

  it('network: nothing listens at the address; a query is retried, then reported', async () => {
    const port = await closedPort();
    const unreachable = createClient({
      url: `http://127.0.0.1:${port}/graphql`,
      apiKey: api.keys.write,
      retries: { retries: 2, baseDelayMs: 1 },
    });
    const error = await failure(unreachable.estates().next());
    expect(error).toMatchObject({ kind: 'network', attempts: 3 });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('network: a mutation is tried once only', async () => {
    const port = await closedPort();
    const unreachable = createClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 5 });
    const error = await failure(unreachable.importEstate(hospitalYaml));
    expect(error).toMatchObject({ kind: 'network', attempts: 1 });
  });

  it('timeout: a server that accepts the connection and never answers', async () => {
    const silent = await silentServer();
    try {
      const stuck = createClient({ url: silent.url, timeoutMs: 50, retries: 0 });
      const error = await failure(stuck.estates().next());
      expect(error.kind).toBe('timeout');
    } finally {
      await silent.close();
    }
  });

  it('aborted: the caller’s signal cancels a request in flight', async () => {
    const silent = await silentServer();
    try {
      const stuck = createClient({ url: silent.url, timeoutMs: 0 });
      const controller = new AbortController();
      const pending = stuck.estates({ signal: controller.signal }).next();
      setTimeout(() => controller.abort(), 20);
      const error = await failure(pending);
      expect(error).toMatchObject({ kind: 'aborted', attempts: 1 });
    } finally {
      await silent.close();
    }
  });
});

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium)
  console.warn(`client browser test SKIPPED: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)('in a browser (Chromium)', () => {
  it('the bundled client asks the real API from a page, with the browser’s fetch', async () => {
    const { id } = await communityHospital();
    const bundle = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'virtplan',
      platform: 'browser',
      target: 'es2022',
      write: false,
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      headless: true,
    });
    try {
      const page = await browser.newPage();
      // A page of the API's own origin, so the request is same-origin, as in a hospital intranet app.
      await page.goto(`${api.origin}/healthz`);
      await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
      const answer = await page.evaluate(
        async ({ estateId, apiKey }) => {
          const { createClient, isVirtplanClientError } = (
            globalThis as unknown as { virtplan: typeof import('../src/index.ts') }
          ).virtplan;
          const pacs = await createClient({ url: '/graphql', apiKey }).applicationReadiness(estateId, 'PACS');
          const refused = await createClient({ url: '/graphql', apiKey: 'vpk_wrong' })
            .applicationReadiness(estateId, 'PACS')
            .catch((error: unknown) =>
              isVirtplanClientError(error) ? `${error.kind} ${error.status}` : String(error),
            );
          return {
            application: pacs.application,
            workloads: pacs.workloadIds.length,
            refused,
            agent: navigator.userAgent,
          };
        },
        { estateId: id, apiKey: api.keys.write },
      );
      expect(answer).toMatchObject({ application: 'PACS', refused: 'auth 401' });
      expect(answer.workloads).toBeGreaterThan(0);
      expect(answer.agent).toMatch(/Chrome/);
    } finally {
      await browser.close();
    }
  });
});

async function countEstates(of: VirtplanClient): Promise<number> {
  let count = 0;
  for await (const _estate of of.estates()) count++;
  return count;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A TCP server that accepts connections, reads, and never writes a byte. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
