import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys, auditLog, organizations } from '../db/schema/index.ts';
import type { TtlCache } from '../services/ttl-cache.ts';

export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** What a scope may do: admin implies write implies read. */
export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** The caller a request acts as, once its key checked out. */
export interface Principal {
  readonly organizationId: string;
  readonly organizationName: string;
  readonly scope: Scope;
  /** null for anonymous demo-mode access. */
  readonly keyId: string | null;
}

const KEY_PATTERN = /^vpk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A new key: the id is public (it names the row), the secret is 256 random bits. */
export function generateKey(): { id: string; secret: string; key: string; secretSha256: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const idBytes = randomBytes(12);
  const id = Array.from(idBytes, (b) => alphabet[b % alphabet.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `vpk_${id}_${secret}`, secretSha256: sha256(secret).toString('hex') };
}

/** Finds or creates the organization named `name`; returns its id. */
export async function ensureOrganization(db: Db, name: string): Promise<string> {
  const found = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.name, name));
  if (found[0]) return found[0].id;
  await db.insert(organizations).values({ name }).onConflictDoNothing();
  const again = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.name, name));
  if (!again[0]) throw new Error(`organization ${name} could not be created`);
  return again[0].id;
}

/** Creates a key for the organization (created when new); the returned key is shown once, never stored. */
export async function createApiKey(
  db: Db,
  options: { organization: string; scope: Scope; label?: string },
): Promise<{ id: string; key: string; organizationId: string }> {
  const organizationId = await ensureOrganization(db, options.organization);
  const generated = generateKey();
  await db.transaction(async (tx) => {
    await tx.insert(apiKeys).values({
      id: generated.id,
      organizationId,
      scope: options.scope,
      secretSha256: generated.secretSha256,
      label: options.label ?? '',
    });
    await tx.insert(auditLog).values({
      organizationId,
      keyId: null,
      action: 'API_KEY_CREATED',
      detail: { keyId: generated.id, scope: options.scope, label: options.label ?? '' },
    });
  });
  return { id: generated.id, key: generated.key, organizationId };
}

/** Revokes a key by id; false when no such live key exists. */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(apiKeys).where(eq(apiKeys.id, id));
    const row = rows[0];
    if (!row || row.revokedAt) return false;
    await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    await tx.insert(auditLog).values({
      organizationId: row.organizationId,
      keyId: null,
      action: 'API_KEY_REVOKED',
      detail: { keyId: id },
    });
    return true;
  });
}

export type AuthFailure = 'MISSING' | 'MALFORMED' | 'INVALID';

/**
 * Checks an `Authorization` header value. The row is found by the key's public id; the secret's
 * hash is compared in constant time. Unknown, wrong and revoked keys fail alike.
 */
export interface CachedKey {
  readonly principal: Principal;
  readonly secretSha256: Buffer;
}

/** A live key's row, or undefined when unknown, revoked or of no valid scope. */
async function loadKey(db: Db, id: string): Promise<CachedKey | undefined> {
  const rows = await db
    .select({
      scope: apiKeys.scope,
      secretSha256: apiKeys.secretSha256,
      revokedAt: apiKeys.revokedAt,
      organizationId: apiKeys.organizationId,
      organizationName: organizations.name,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(eq(apiKeys.id, id));
  const row = rows[0];
  if (!row || row.revokedAt !== null || !isScope(row.scope)) return undefined;
  return {
    principal: {
      organizationId: row.organizationId,
      organizationName: row.organizationName,
      scope: row.scope,
      keyId: id,
    },
    secretSha256: Buffer.from(row.secretSha256, 'hex'),
  };
}

export async function authenticate(
  db: Db,
  header: string | null,
  cache?: TtlCache<CachedKey>,
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: AuthFailure }> {
  if (header === null || header.trim() === '') return { ok: false, reason: 'MISSING' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  const parts = match ? KEY_PATTERN.exec(match[1] ?? '') : null;
  if (!parts) return { ok: false, reason: 'MALFORMED' };
  const [, id, secret] = parts as unknown as [string, string, string];
  const secretHash = sha256(secret);
  // Keys checked within the cache TTL are not read again; concurrent first reads share one query.
  const key = cache ? await cache.getOrLoad(id, () => loadKey(db, id)) : await loadKey(db, id);
  // Compare even when the key is unknown, so timing does not tell which ids exist.
  const matches = timingSafeEqual(secretHash, key?.secretSha256 ?? Buffer.alloc(32));
  if (!key || !matches) return { ok: false, reason: 'INVALID' };
  const principal = key.principal;
  return { ok: true, principal };
}
