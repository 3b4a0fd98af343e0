import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { appliedMigrationCount, applyMigrations, committedMigrationCount } from '../src/db/migrate.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../cli/bin/virtplan.js');

describe('a PGlite data folder serves one process at a time', () => {
  const root = mkdtempSync(join(tmpdir(), 'vp-lock-'));
  const dataDir = join(root, 'data');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives a second process a clear error and leaves the data intact', async () => {
    const database = await openDatabase({ dataDir });
    await applyMigrations(database);
    expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    const second = spawnSync(process.execPath, [CLI, 'migrate', '--data-dir', dataDir], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 60_000,
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`in use by process ${process.pid}`);
    expect(await appliedMigrationCount(database.db)).toBe(committedMigrationCount());
    await database.close();
    // Once released, the folder opens again with everything in it.
    const again = spawnSync(process.execPath, [CLI, 'migrate', '--data-dir', dataDir], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 60_000,
    });
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain(`migrations applied: ${committedMigrationCount()}`);
    expect(again.status).toBe(0);
  });

  it('prints a new key as the last line of `keys create`', () => {
    const out = spawnSync(
      process.execPath,
      [CLI, 'keys', 'create', '--org', 'St Mary', '--scope', 'read', '--data-dir', dataDir],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
        timeout: 60_000,
      },
    );
    expect(out.status).toBe(0);
    expect(out.stdout.trim().split('\n').at(-1)).toMatch(/^vpk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const bad = spawnSync(
      process.execPath,
      [CLI, 'keys', 'create', '--org', 'St Mary', '--scope', 'root', '--data-dir', dataDir],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--scope must be read, write or admin');
  });
});
