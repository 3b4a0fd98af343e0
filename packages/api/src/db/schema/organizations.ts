import { sql } from 'drizzle-orm';
import { check, index, snakeCase, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A tenant: every estate, key and audit entry belongs to exactly one. */
export const organizations = snakeCase.table('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * API keys. The key shown to the user is `vpk_<id>_<secret>`; only the SHA-256 of the secret is
 * stored, and it is compared in constant time after the row is found by `id`.
 */
export const apiKeys = snakeCase.table(
  'api_keys',
  {
    id: text().primaryKey(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    scope: text().notNull(),
    secretSha256: text().notNull(),
    label: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.organizationId),
    check('api_keys_scope_check', sql`${t.scope} in ('read', 'write', 'admin')`),
  ],
);
