import { bigserial, index, integer, jsonb, snakeCase, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { estates } from './estates.ts';
import { apiKeys, organizations } from './organizations.ts';

/** A stored consolidation plan, with the estate revision it was computed from. */
export const plans = snakeCase.table(
  'plans',
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    estateId: uuid()
      .notNull()
      .references(() => estates.id, { onDelete: 'cascade' }),
    estateRevision: integer().notNull(),
    options: jsonb().notNull(),
    result: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdByKeyId: text().references(() => apiKeys.id, { onDelete: 'set null' }),
  },
  (t) => [index().on(t.estateId, t.seq)],
);

/** A stored DR evaluation, with the estate revision and the instant it was evaluated at. */
export const drEvaluations = snakeCase.table(
  'dr_evaluations',
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    estateId: uuid()
      .notNull()
      .references(() => estates.id, { onDelete: 'cascade' }),
    estateRevision: integer().notNull(),
    evaluatedAt: timestamp({ withTimezone: true }).notNull(),
    /** The plan whose placements were evaluated; null = workloads on their current hosts. */
    planId: uuid().references(() => plans.id, { onDelete: 'set null' }),
    result: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdByKeyId: text().references(() => apiKeys.id, { onDelete: 'set null' }),
  },
  (t) => [index().on(t.estateId, t.seq)],
);
