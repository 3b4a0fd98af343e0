import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  primaryKey,
  snakeCase,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { apiKeys, organizations } from './organizations.ts';

/**
 * One stored estate. `document` is the current estate-v1 document (JSON form) that the rows below
 * were normalised from; every change edits it, re-normalises it and bumps `revision` in one
 * transaction. `sourceText` keeps the file exactly as first imported.
 */
export const estates = snakeCase.table(
  'estates',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Insertion order, used as the pagination key. */
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    revision: integer().notNull().default(1),
    sourceFormat: text().notNull(),
    sourceText: text().notNull(),
    document: jsonb().notNull(),
    dataConfidence: doublePrecision().notNull(),
    provenance: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdByKeyId: text().references(() => apiKeys.id, { onDelete: 'set null' }),
  },
  (t) => [index().on(t.organizationId, t.seq)],
);

const estateRef = () =>
  uuid()
    .notNull()
    .references(() => estates.id, { onDelete: 'cascade' });

export const sites = snakeCase.table(
  'sites',
  {
    estateId: estateRef(),
    id: text().notNull(),
    position: integer().notNull(),
    name: text().notNull(),
    pue: doublePrecision().notNull(),
    energyCostPerKwh: doublePrecision().notNull(),
    carbonKgPerKwh: doublePrecision().notNull(),
    assumed: jsonb().$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.estateId, t.id] })],
);

export const links = snakeCase.table(
  'links',
  {
    estateId: estateRef(),
    position: integer().notNull(),
    siteA: text().notNull(),
    siteB: text().notNull(),
    bandwidthMbps: doublePrecision().notNull(),
    latencyMs: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ columns: [t.estateId, t.position] })],
);

/** Physical machines (a host entry with `count: 4` is four rows sharing `hostId`). */
export const hosts = snakeCase.table(
  'hosts',
  {
    estateId: estateRef(),
    id: text().notNull(),
    position: integer().notNull(),
    hostId: text().notNull(),
    site: text().notNull(),
    role: text().notNull(),
    cpuCores: doublePrecision().notNull(),
    cpuGhz: doublePrecision().notNull(),
    memoryGiB: doublePrecision('memory_gib').notNull(),
    /** null = unlimited. */
    iops: doublePrecision(),
    /** null = unlimited. */
    storageGiB: doublePrecision('storage_gib'),
    networkGbps: doublePrecision().notNull(),
    powerIdleW: doublePrecision().notNull(),
    powerMaxW: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ columns: [t.estateId, t.id] })],
);

export const workloads = snakeCase.table(
  'workloads',
  {
    estateId: estateRef(),
    id: text().notNull(),
    name: text().notNull(),
    application: text().notNull(),
    role: text().notNull(),
    site: text().notNull(),
    currentHost: text(),
    vcpus: doublePrecision().notNull(),
    cpuUtilization: doublePrecision().notNull(),
    memoryGiB: doublePrecision('memory_gib').notNull(),
    iops: doublePrecision().notNull(),
    storageGiB: doublePrecision('storage_gib').notNull(),
    networkMbps: doublePrecision().notNull(),
    criticality: text().notNull(),
    rpoMinutes: doublePrecision().notNull(),
    rtoMinutes: doublePrecision().notNull(),
    bootMinutes: doublePrecision().notNull(),
    dependsOn: jsonb().$type<string[]>().notNull(),
    changeRateGiBPerHour: doublePrecision('change_rate_gib_per_hour').notNull(),
    vendorSupport: text().notNull(),
    phi: boolean().notNull(),
    antiAffinityGroup: text(),
    pinnedSite: text(),
    measured: jsonb().notNull(),
    rpoFromPolicy: boolean().notNull(),
    rtoFromPolicy: boolean().notNull(),
  },
  (t) => [primaryKey({ columns: [t.estateId, t.id] }), index().on(t.estateId, t.application)],
);

export const policies = snakeCase.table('policies', {
  estateId: estateRef().primaryKey(),
  consolidation: jsonb().notNull(),
  dr: jsonb().notNull(),
});
