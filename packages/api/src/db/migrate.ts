import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database, Db } from './client.ts';

/** The committed drizzle-kit migrations. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Any fixed 64-bit number: the advisory lock every virtplan server takes while migrating. */
const MIGRATION_LOCK_KEY = 7_164_935_502_118_001n;

/** How many migrations are committed (folders under drizzle/). */
export function committedMigrationCount(): number {
  return readdirSync(MIGRATIONS_FOLDER, { withFileTypes: true }).filter((d) => d.isDirectory()).length;
}

/**
 * Applies the committed migrations under a Postgres advisory lock, so servers starting together on
 * one database migrate one at a time (the later ones find nothing left to do).
 */
export async function applyMigrations(database: Database): Promise<void> {
  await database.withSession(async (db) => {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      if (database.kind === 'pglite') {
        await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
      } else {
        await migrateNodePg(db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
      }
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}

/** Migrations recorded as applied in the database (0 when none or no table yet). */
export async function appliedMigrationCount(db: Db): Promise<number> {
  try {
    const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const rows = (result as unknown as { rows: { n: number }[] }).rows;
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  }
}
