import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { appliedMigrationCount, applyMigrations, committedMigrationCount } from '../src/db/migrate.ts';
import { freshPostgres } from './helpers.ts';

const url = process.env.DATABASE_URL;

describe.skipIf(!url)('migrations on one Postgres database', () => {
  it('are safe when several servers start at the same time (advisory lock)', async () => {
    const target = await freshPostgres(url!);
    const servers = await Promise.all([1, 2, 3].map(() => openDatabase(target.options())));
    try {
      await Promise.all(servers.map((s) => applyMigrations(s)));
      for (const s of servers) expect(await appliedMigrationCount(s.db)).toBe(committedMigrationCount());
      const result = await servers[0]!.db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      );
      expect((result as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(11);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await target.dispose();
    }
  });
});
