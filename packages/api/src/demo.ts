import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEstate } from '@virtplan/core';
import { and, eq } from 'drizzle-orm';
import { createApiKey, ensureOrganization, type Principal } from './auth/keys.ts';
import type { Db } from './db/client.ts';
import { estates } from './db/schema/index.ts';
import { importEstate } from './services/estates.ts';

export const DEMO_ORGANIZATION = 'demo';

export interface DemoSetup {
  readonly principal: Principal;
  /** Estates imported now (empty when they were there already). */
  readonly imported: { id: string; name: string }[];
  /** Every estate of the demo organization. */
  readonly estates: { id: string; name: string }[];
}

/**
 * Prepares the demo organization: imports each `*.yaml` of `examplesDir` whose estate name is not
 * there yet (so restarts do not duplicate them).
 */
export async function loadDemo(db: Db, examplesDir: string | null): Promise<DemoSetup> {
  const organizationId = await ensureOrganization(db, DEMO_ORGANIZATION);
  const principal: Principal = {
    organizationId,
    organizationName: DEMO_ORGANIZATION,
    scope: 'write',
    keyId: null,
  };
  const imported: { id: string; name: string }[] = [];
  if (examplesDir) {
    let files: string[] = [];
    try {
      files = readdirSync(examplesDir)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml') || f.endsWith('.json'))
        .sort();
    } catch {
      files = [];
    }
    for (const file of files) {
      const text = readFileSync(join(examplesDir, file), 'utf8');
      const result = await importEstateOnce(db, principal, text, file.endsWith('.json') ? 'json' : 'yaml');
      if (result) imported.push(result);
    }
  }
  const all = await db
    .select({ id: estates.id, name: estates.name })
    .from(estates)
    .where(eq(estates.organizationId, organizationId))
    .orderBy(estates.seq);
  return { principal: { ...principal, scope: 'read' }, imported, estates: all };
}

async function importEstateOnce(
  db: Db,
  principal: Principal,
  text: string,
  format: 'yaml' | 'json',
): Promise<{ id: string; name: string } | null> {
  const parsed = parseEstate(text, format);
  if (!parsed.ok) return null;
  const existing = await db
    .select({ id: estates.id })
    .from(estates)
    .where(
      and(eq(estates.organizationId, principal.organizationId), eq(estates.name, parsed.value.estate.name)),
    );
  if (existing.length > 0) return null;
  const result = await importEstate(db, principal, text, format);
  return result.ok ? { id: result.estate.id, name: result.estate.name } : null;
}

/** A fresh demo key (the key is shown once; only its hash is stored). */
export async function createDemoKey(db: Db): Promise<string> {
  return (
    await createApiKey(db, { organization: DEMO_ORGANIZATION, scope: 'write', label: 'npm start demo' })
  ).key;
}
