import {
  appliedMigrationCount,
  applyMigrations,
  type Database,
  DataDirInUseError,
  DEFAULT_DATA_DIR,
  openDatabase,
} from '@virtplan/api';
import { parseCommandArgs } from '../args.ts';
import { type Command, type Io, UsageError } from '../io.ts';

/** The database every DB command uses: DATABASE_URL when set, else PGlite in --data-dir. */
export async function openDatabaseFor(dataDir: string | undefined, io: Io): Promise<Database> {
  const databaseUrl = io.env.DATABASE_URL || undefined;
  try {
    return await openDatabase({
      databaseUrl,
      dataDir: dataDir ?? io.env.VIRTPLAN_DATA_DIR ?? DEFAULT_DATA_DIR,
    });
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs `fn` on the migrated database and closes it. */
export async function withMigratedDatabase<T>(
  dataDir: string | undefined,
  io: Io,
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabaseFor(dataDir, io);
  try {
    await applyMigrations(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

export const DB_OPTIONS_HELP = `  --data-dir DIR       PGlite data folder (default ${DEFAULT_DATA_DIR}, or VIRTPLAN_DATA_DIR);
                       ignored when DATABASE_URL is set (then that Postgres is used)`;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply the database migrations (the server also does this at start)',
  help: `Usage: virtplan migrate [--data-dir DIR]

Applies the committed migrations under a Postgres advisory lock (safe while other servers start).
${DB_OPTIONS_HELP}`,
  run: async (argv, io) => {
    const { values } = parseCommandArgs(argv, { 'data-dir': { type: 'string' } });
    await withMigratedDatabase(values['data-dir'], io, async (database) => {
      const applied = await appliedMigrationCount(database.db);
      io.stdout(`migrations applied: ${applied} (${database.kind}, ${database.location})\n`);
    });
    return 0;
  },
};
