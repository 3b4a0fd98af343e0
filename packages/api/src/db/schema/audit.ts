import { bigserial, index, integer, jsonb, snakeCase, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.ts';

/**
 * Every change, written in the same transaction as the change itself. `estateId` and `keyId` are
 * plain values, not foreign keys, so the record outlives what it describes.
 */
export const auditLog = snakeCase.table(
  'audit_log',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    estateId: uuid(),
    keyId: text(),
    action: text().notNull(),
    estateRevision: integer(),
    detail: jsonb().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.organizationId, t.estateId, t.seq)],
);
