import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyMigrations,
  createDemoKey,
  createLogger,
  DEFAULT_MAX_BODY_BYTES,
  loadDemo,
  type Principal,
  startHttpServer,
} from '@virtplan/api';
import { parseCommandArgs } from '../args.ts';
import { type Command, type Io, UsageError } from '../io.ts';
import { DB_OPTIONS_HELP, openDatabaseFor } from './migrate.ts';

const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples');

function intOption(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number >= ${min}, not '${value}'`);
  return n;
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the GraphQL API (PGlite in a data folder, or Postgres via DATABASE_URL)',
  help: `Usage: virtplan serve [--port 4000] [--host 0.0.0.0] [--data-dir DIR] [--demo] [--load-examples [DIR]]

Serves GraphQL (and GraphiQL) at /graphql, /healthz, /readyz and /metrics; JSON logs on stdout.
Applies migrations at start. SIGTERM or Ctrl-C stops it after in-flight requests finish.
  --port N             listen port (default PORT or 4000)
  --host ADDR          listen address (default HOST or 0.0.0.0)
${DB_OPTIONS_HELP}
  --load-examples      import the repository's examples/*.yaml into the organization 'demo' (once),
                       create a key for it and print a first query to paste
  --demo               DEMO MODE: requests without a key read the 'demo' organization (read-only).
                       Never in production. Also VIRTPLAN_DEMO=1.

Environment: DATABASE_URL, PORT, HOST, LOG_LEVEL (info), VIRTPLAN_DATA_DIR, VIRTPLAN_MAX_BODY_BYTES
(default ${DEFAULT_MAX_BODY_BYTES}), VIRTPLAN_MAX_CONCURRENT_RUNS (4), VIRTPLAN_PLAN_TIME_LIMIT_MS (core's default: 800 for up to 1,000 workloads),
VIRTPLAN_MAX_DEPTH (15), VIRTPLAN_MAX_COMPLEXITY (20000), VIRTPLAN_SHUTDOWN_GRACE_MS (10000),
VIRTPLAN_CACHE_TTL_MS (1000: keys and estate summaries reused this long; 0 reads them every time),
VIRTPLAN_COMPUTE_WORKERS (1: plans and DR runs in worker threads; 0: on the event loop).`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      demo: { type: 'boolean' },
      'load-examples': { type: 'boolean' },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    const examplesDir = values['load-examples'] ? resolve(positionals[0] ?? EXAMPLES_DIR) : null;
    if (!values['load-examples'] && positionals.length > 0) {
      throw new UsageError(`unexpected argument '${positionals[0]}'`);
    }
    if (examplesDir && !existsSync(examplesDir)) throw new UsageError(`${examplesDir}: no such folder`);
    const env = io.env;
    const port = intOption('--port', values.port ?? env.PORT, 4000);
    const demo = Boolean(values.demo) || env.VIRTPLAN_DEMO === '1' || env.VIRTPLAN_DEMO === 'true';
    const logger = createLogger(env.LOG_LEVEL ?? 'info');
    const database = await openDatabaseFor(values['data-dir'], io);
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    let banner = '';
    try {
      await applyMigrations(database);
      let demoPrincipal: Principal | null = null;
      let key: string | null = null;
      let firstEstate: { id: string; name: string } | undefined;
      if (demo || examplesDir) {
        const setup = await loadDemo(database.db, examplesDir);
        if (demo) demoPrincipal = setup.principal;
        firstEstate = setup.estates[0];
        if (examplesDir) key = await createDemoKey(database.db);
        banner += `demo organization 'demo': ${setup.estates.length} estate(s)${
          setup.imported.length > 0 ? `, ${setup.imported.length} imported now from ${examplesDir}` : ''
        }\n`;
      }
      server = await startHttpServer({
        database,
        logger,
        port,
        host: values.host ?? env.HOST ?? '0.0.0.0',
        maxBodyBytes: intOption(
          'VIRTPLAN_MAX_BODY_BYTES',
          env.VIRTPLAN_MAX_BODY_BYTES,
          DEFAULT_MAX_BODY_BYTES,
          1,
        ),
        demoPrincipal,
        graphiqlHeaders: key ? JSON.stringify({ Authorization: `Bearer ${key}` }) : undefined,
        maxConcurrentRuns: intOption('VIRTPLAN_MAX_CONCURRENT_RUNS', env.VIRTPLAN_MAX_CONCURRENT_RUNS, 4, 1),
        planTimeLimitMs: env.VIRTPLAN_PLAN_TIME_LIMIT_MS
          ? intOption('VIRTPLAN_PLAN_TIME_LIMIT_MS', env.VIRTPLAN_PLAN_TIME_LIMIT_MS, 0, 1)
          : undefined,
        shutdownGraceMs: intOption('VIRTPLAN_SHUTDOWN_GRACE_MS', env.VIRTPLAN_SHUTDOWN_GRACE_MS, 10_000),
        cacheTtlMs: intOption('VIRTPLAN_CACHE_TTL_MS', env.VIRTPLAN_CACHE_TTL_MS, 1_000),
        computeWorkers: env.VIRTPLAN_COMPUTE_WORKERS !== '0',
        limits: {
          depth: intOption('VIRTPLAN_MAX_DEPTH', env.VIRTPLAN_MAX_DEPTH, 15, 1),
          complexity: intOption('VIRTPLAN_MAX_COMPLEXITY', env.VIRTPLAN_MAX_COMPLEXITY, 20_000, 1),
        },
      });
      banner =
        `virtplan API listening on ${server.url} (GraphiQL in a browser; database: ${database.kind} ${database.location})\n` +
        banner;
      if (demo) banner += 'DEMO MODE: requests without a key read the demo organization (read-only)\n';
      if (key && firstEstate) {
        const application = await pickApplication(server.url, key, firstEstate.id);
        const body = JSON.stringify({
          query: `{ applicationReadiness(estateId: "${firstEstate.id}", application: "${application}") { status findings { code severity message } } }`,
        });
        banner +=
          `API key for 'demo' (write scope, shown once): ${key}\n` +
          `First query — readiness of ${application} in ${firstEstate.name}:\n\n` +
          `curl -s ${server.url} -H 'content-type: application/json' -H 'authorization: Bearer ${key}' \\\n  -d ${shellQuote(body)}\n\n`;
      }
    } catch (error) {
      await database.close();
      throw error;
    }
    io.stderr(banner);
    logger.info({ url: server.url, database: database.kind }, 'listening');
    await waitForSignal(io);
    logger.info('shutting down: finishing in-flight requests');
    await server.close();
    logger.info('stopped');
    return 0;
  },
};

/** An application of the estate to show in the first query: PACS when there is one. */
async function pickApplication(url: string, key: string, estateId: string): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: 'query($id: ID!) { estate(id: $id) { applications { application } } }',
        variables: { id: estateId },
      }),
    });
    const json = (await response.json()) as {
      data?: { estate?: { applications: { application: string }[] } | null };
    };
    const names = json.data?.estate?.applications.map((a) => a.application) ?? [];
    return names.find((n) => n === 'PACS') ?? names[0] ?? 'PACS';
  } catch {
    return 'PACS';
  }
}

function waitForSignal(_io: Io): Promise<void> {
  return new Promise((resolveSignal) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolveSignal();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
