import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgAsyncDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';

/** The drizzle database both drivers are used through. */
export type Db = PgAsyncDatabase<PgQueryResultHKT>;

export interface DatabaseOptions {
  /** A postgres:// URL; when absent, PGlite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` keeps everything in memory (tests). */
  readonly dataDir?: string | undefined;
  /** Largest pg pool (default 10). */
  readonly poolSize?: number | undefined;
  /** Statement timeout for pg, in ms (default 15000). */
  readonly statementTimeoutMs?: number | undefined;
  /** Called with every SQL statement the application runs (tests count queries with it). */
  readonly onQuery?: ((sql: string) => void) | undefined;
}

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, without credentials. */
  readonly location: string;
  /** Runs `fn` with a connection of its own (pg) or the only one (PGlite): for session-level locks. */
  readonly withSession: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  readonly close: () => Promise<void>;
}

export const DEFAULT_DATA_DIR = '.virtplan/data';

/** postgres://user:secret@host/db -> postgres://user@host/db, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/** Opens the database: pg when a URL is given, else PGlite in a locked data folder. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const onQuery = options.onQuery;
  const logger = onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {};
  if (options.databaseUrl) {
    const statementTimeout = options.statementTimeoutMs ?? 15_000;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1_000,
    });
    // A dropped idle connection (database restarted) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = drizzleNodePg({ client: pool, ...logger }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      location: redactUrl(options.databaseUrl),
      withSession: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn(drizzleNodePg({ client, ...logger }) as unknown as Db);
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = inMemory ? await PGlite.create() : await PGlite.create({ dataDir });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client, ...logger }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    location: dataDir,
    withSession: (fn) => fn(db),
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** True when the database answers a trivial query within `timeoutMs`. */
/** `work`'s result, or `onTimeout` when it takes longer than `timeoutMs` (or fails). */
export async function withinTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<T>((resolve) => {
        timer = setTimeout(() => resolve(onTimeout), timeoutMs);
      }),
    ]);
  } catch {
    return onTimeout;
  } finally {
    clearTimeout(timer);
  }
}

export function pingDatabase(db: Db, timeoutMs = 2_000): Promise<boolean> {
  return withinTimeout(
    db.execute(sql`select 1`).then(() => true),
    timeoutMs,
    false,
  );
}
