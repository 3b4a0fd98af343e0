import {
  applyMigrations,
  createApiKey,
  createLogger,
  openDatabase,
  type RunningServer,
  startHttpServer,
} from '@virtplan/api';

/** A real virtplan API on PGlite (in memory) and a free port, with keys of two organizations. */
export interface TestApi {
  readonly url: string;
  readonly origin: string;
  readonly keys: {
    /** St Elsewhere, may import and change. */
    readonly write: string;
    /** St Elsewhere, may only read. */
    readonly read: string;
    /** Another hospital: must never see St Elsewhere's estates. */
    readonly otherOrganization: string;
  };
  readonly close: () => Promise<void>;
}

/** Starts the API in this process. PGlite takes seconds to start: share one per test file. */
export async function startTestApi(options: { maxConcurrentRuns?: number } = {}): Promise<TestApi> {
  const database = await openDatabase({ dataDir: 'memory://' });
  let server: RunningServer | undefined;
  try {
    await applyMigrations(database);
    const organization = 'St Elsewhere';
    const write = await createApiKey(database.db, { organization, scope: 'write' });
    const read = await createApiKey(database.db, { organization, scope: 'read' });
    const other = await createApiKey(database.db, { organization: 'Mercy General', scope: 'admin' });
    server = await startHttpServer({
      database,
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      maxConcurrentRuns: options.maxConcurrentRuns,
    });
    const running = server;
    return {
      url: running.url,
      origin: new URL(running.url).origin,
      keys: { write: write.key, read: read.key, otherOrganization: other.key },
      close: () => running.close(),
    };
  } catch (error) {
    if (server) await server.close();
    else await database.close();
    throw error;
  }
}
