import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Principal } from './auth/keys.ts';
import type { AppContext } from './context.ts';
import { type Database, pingDatabase, withinTimeout } from './db/client.ts';
import { appliedMigrationCount, committedMigrationCount } from './db/migrate.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createYogaServer, GRAPHQL_PATH } from './server.ts';
import { AnalysisCache, RunLimiter } from './services/analysis.ts';
import { ComputePool } from './services/compute-pool.ts';
import { TtlCache } from './services/ttl-cache.ts';

export interface HttpServerOptions {
  readonly database: Database;
  readonly logger: Logger;
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  /** Largest request body accepted (default 64 MiB: large estates must fit). */
  readonly maxBodyBytes?: number | undefined;
  readonly demoPrincipal?: Principal | null | undefined;
  readonly graphiqlHeaders?: string | undefined;
  readonly limits?: Partial<AppContext['limits']> | undefined;
  /** Plan and DR runs in flight at once before 503 (default 4). */
  readonly maxConcurrentRuns?: number | undefined;
  /** Milliseconds a plan search may run (default: core's, 0.8 s up to 1,000 workloads). */
  readonly planTimeLimitMs?: number | undefined;
  /** How long shutdown waits for in-flight requests (default 10 s). */
  readonly shutdownGraceMs?: number | undefined;
  /** How long keys and estate summaries are reused, in ms (default 1000; 0: read every time). */
  readonly cacheTtlMs?: number | undefined;
  /** Run plans and DR evaluations in worker threads (default true). */
  readonly computeWorkers?: boolean | undefined;
  /** Close the database with the server (default true). */
  readonly ownsDatabase?: boolean | undefined;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly metrics: Metrics;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes the database. */
  readonly close: () => Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

class BodyTooLarge extends Error {}

function tooLarge(res: ServerResponse, maxBodyBytes: number): void {
  sendJson(
    res,
    413,
    {
      errors: [
        {
          message: `request body larger than ${maxBodyBytes} bytes (VIRTPLAN_MAX_BODY_BYTES)`,
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    },
    { connection: 'close' },
  );
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the HTTP server: /graphql (API and GraphiQL), /healthz, /readyz, /metrics. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { database, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const metrics = createMetrics();
  const maxConcurrentRuns = options.maxConcurrentRuns ?? 4;
  // One worker per core at most: more threads than cores only slow every run down.
  const compute =
    options.computeWorkers === false
      ? null
      : new ComputePool(Math.min(maxConcurrentRuns, availableParallelism()));
  compute?.warmUp();
  const app: AppContext = {
    compute,
    db: database.db,
    logger,
    analysis: new AnalysisCache(),
    runs: new RunLimiter(maxConcurrentRuns, 2, () => metrics.runsRejected.inc()),
    limits: { depth: 15, complexity: 20_000, breadth: 400, ...options.limits },
    planTimeLimitMs: options.planTimeLimitMs,
    keyCache: new TtlCache(options.cacheTtlMs ?? 1_000),
    estateCache: new TtlCache(options.cacheTtlMs ?? 1_000),
  };
  const yoga = createYogaServer({
    app,
    demoPrincipal: options.demoPrincipal ?? null,
    graphiqlHeaders: options.graphiqlHeaders,
  });
  const committed = committedMigrationCount();
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function readiness(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    if (shuttingDown) return { ok: false, checks: { server: 'shutting down' } };
    const reachable = await pingDatabase(database.db, 2_000);
    if (!reachable) return { ok: false, checks: { database: 'unreachable' } };
    // Bounded like the ping: a probe must answer even when the database stalls.
    const applied = await withinTimeout(appliedMigrationCount(database.db), 2_000, -1);
    if (applied < 0) return { ok: false, checks: { database: 'too slow to answer' } };
    const migrations = applied >= committed ? 'applied' : `pending (${applied} of ${committed} applied)`;
    return { ok: applied >= committed, checks: { database: 'reachable', migrations } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case '/healthz':
        sendJson(res, 200, { status: 'ok' });
        return '/healthz';
      case '/readyz': {
        const r = await readiness();
        sendJson(res, r.ok ? 200 : 503, { status: r.ok ? 'ready' : 'not ready', ...r.checks });
        return '/readyz';
      }
      case '/metrics': {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        return '/metrics';
      }
      case '/':
        res.writeHead(302, { location: GRAPHQL_PATH });
        res.end();
        return '/';
      case GRAPHQL_PATH:
        break;
      default:
        sendJson(res, 404, {
          errors: [{ message: `nothing at ${url.pathname}; the API is at ${GRAPHQL_PATH}` }],
        });
        return 'other';
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      req.resume();
      tooLarge(res, maxBodyBytes);
      return GRAPHQL_PATH;
    }
    if (req.method === 'GET' || req.method === 'HEAD' || declared !== undefined) {
      // Length known and within the limit (Node's parser holds the body to it): yoga reads it itself.
      await yoga.handle(req, res);
      return GRAPHQL_PATH;
    }
    // A chunked body of unknown length: read it here, counting, and refuse it past the limit.
    let body: Buffer | undefined;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        tooLarge(res, maxBodyBytes);
        return GRAPHQL_PATH;
      }
      throw error;
    }
    const headers = new yoga.fetchAPI.Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
    const request = new yoga.fetchAPI.Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
    const response = await yoga.fetch(request, {});
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, outHeaders);
    res.end(payload);
    return GRAPHQL_PATH;
  }

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    inFlight++;
    metrics.inFlight.inc();
    if (shuttingDown) res.setHeader('connection', 'close');
    handle(req, res)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'request failed');
        if (!res.headersSent) {
          sendJson(res, 500, {
            errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          });
        } else res.end();
        return 'error';
      })
      .then((route) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.requests.inc({ route, method: req.method ?? '', status: String(res.statusCode) });
        metrics.duration.observe({ route }, seconds);
        if (route !== '/healthz' && route !== '/metrics') {
          logger.info(
            { method: req.method, path: route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
            'request',
          );
        }
      })
      .finally(() => {
        inFlight--;
        metrics.inFlight.dec();
        if (inFlight === 0 && drained) drained();
      });
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs ?? 10_000).unref()),
        ]);
      }
      server.closeAllConnections();
      await stopped;
      await compute?.close();
      if (options.ownsDatabase !== false) await database.close();
    })();
    return closing;
  };

  return { url, port, server, metrics, close };
}
