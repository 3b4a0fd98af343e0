import {
  type Estate,
  type EstateFormat,
  type EstateIssue,
  parseEstateText,
  validateEstateDocument,
} from '@virtplan/core';
import { and, eq, inArray } from 'drizzle-orm';
import type { Principal } from '../auth/keys.ts';
import type { Db } from '../db/client.ts';
import { auditLog, estates, hosts, links, policies, sites, workloads } from '../db/schema/index.ts';
import { diffRows, type EstateRows, estateToRows } from './estate-rows.ts';

export type EstateRow = typeof estates.$inferSelect;

/** Why a change was refused; nothing was stored. */
export type ChangeRefusal =
  | { readonly kind: 'NOT_FOUND'; readonly message: string; readonly id: string }
  | {
      readonly kind: 'STALE_REVISION';
      readonly message: string;
      readonly estateId: string;
      readonly expectedRevision: number;
      readonly currentRevision: number;
    }
  | { readonly kind: 'VALIDATION'; readonly message: string; readonly issues: readonly EstateIssue[] };

export type ChangeOutcome =
  | { readonly ok: true; readonly estate: EstateRow; readonly warnings: readonly EstateIssue[] }
  | { readonly ok: false; readonly refusal: ChangeRefusal };

const BATCH = 500;

async function insertBatched<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

function validationRefusal(issues: readonly EstateIssue[]): ChangeRefusal {
  const errors = issues.filter((i) => i.severity === 'error');
  const shown = errors.length > 0 ? errors : issues;
  return {
    kind: 'VALIDATION',
    message: `the estate is not valid: ${shown.length} error${shown.length === 1 ? '' : 's'}, first: ${shown[0]?.path}: ${shown[0]?.message}`,
    issues: shown,
  };
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function insertChildRows(tx: Tx, rows: EstateRows): Promise<void> {
  await insertBatched(rows.sites, (b) => tx.insert(sites).values(b));
  await insertBatched(rows.links, (b) => tx.insert(links).values(b));
  await insertBatched(rows.hosts, (b) => tx.insert(hosts).values(b));
  await insertBatched(rows.workloads, (b) => tx.insert(workloads).values(b));
  await tx.insert(policies).values(rows.policies);
}

/**
 * Validates and stores a new estate in one transaction (estate, its rows, the audit entry).
 * Invalid text stores nothing and returns every error with its path.
 */
export async function importEstate(
  db: Db,
  principal: Principal,
  content: string,
  format: EstateFormat,
): Promise<ChangeOutcome> {
  const syntax = parseEstateText(content, format);
  if (!syntax.ok) return { ok: false, refusal: validationRefusal(syntax.error) };
  const parsed = validateEstateDocument(syntax.value);
  if (!parsed.ok) return { ok: false, refusal: validationRefusal(parsed.error) };
  const { estate, warnings } = parsed.value;
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(estates)
      .values({
        organizationId: principal.organizationId,
        name: estate.name,
        sourceFormat: format,
        sourceText: content,
        document: syntax.value,
        dataConfidence: estate.provenance.dataConfidence,
        provenance: estate.provenance,
        createdByKeyId: principal.keyId,
      })
      .returning();
    if (!inserted) throw new Error('estate insert returned no row');
    await insertChildRows(tx, estateToRows(inserted.id, estate));
    await tx.insert(auditLog).values({
      organizationId: principal.organizationId,
      estateId: inserted.id,
      keyId: principal.keyId,
      action: 'ESTATE_IMPORTED',
      estateRevision: inserted.revision,
      detail: {
        name: estate.name,
        format,
        workloads: estate.workloads.length,
        machines: estate.machines.length,
      },
    });
    return inserted;
  });
  return { ok: true, estate: row, warnings };
}

/** A document edit: returns the new document, or a refusal (unknown id...). */
export type DocumentEdit = (document: Record<string, unknown>) =>
  | { ok: true; document: Record<string, unknown> }
  | {
      ok: false;
      refusal: ChangeRefusal;
    };

/**
 * Applies an edit to an estate's document at `expectedRevision`: re-validates the whole estate,
 * rewrites the rows that changed, bumps the revision and writes the audit entry, all in one
 * transaction. A stale revision, an unknown estate or an invalid result stores nothing.
 */
export async function changeEstate(
  db: Db,
  principal: Principal,
  input: {
    estateId: string;
    expectedRevision: number;
    action: string;
    detail: Record<string, unknown>;
    edit: DocumentEdit;
  },
): Promise<ChangeOutcome> {
  return db.transaction(async (tx): Promise<ChangeOutcome> => {
    const [current] = await tx
      .select()
      .from(estates)
      .where(and(eq(estates.id, input.estateId), eq(estates.organizationId, principal.organizationId)))
      .for('update');
    if (!current) {
      return {
        ok: false,
        refusal: { kind: 'NOT_FOUND', id: input.estateId, message: `no estate with id ${input.estateId}` },
      };
    }
    if (current.revision !== input.expectedRevision) {
      return {
        ok: false,
        refusal: {
          kind: 'STALE_REVISION',
          estateId: current.id,
          expectedRevision: input.expectedRevision,
          currentRevision: current.revision,
          message: `estate ${current.id} is at revision ${current.revision}, not ${input.expectedRevision}: reload it and apply the change again`,
        },
      };
    }
    const previousDocument = structuredClone(current.document) as Record<string, unknown>;
    const edited = input.edit(structuredClone(previousDocument));
    if (!edited.ok) return edited;
    const parsed = validateEstateDocument(edited.document);
    if (!parsed.ok) return { ok: false, refusal: validationRefusal(parsed.error) };
    const previous = validateEstateDocument(previousDocument);
    const next = estateToRows(current.id, parsed.value.estate);
    await rewriteRows(
      tx,
      current.id,
      previous.ok ? estateToRows(current.id, previous.value.estate) : null,
      next,
    );
    const revision = current.revision + 1;
    const estate: Estate = parsed.value.estate;
    const [updated] = await tx
      .update(estates)
      .set({
        revision,
        name: estate.name,
        document: edited.document,
        dataConfidence: estate.provenance.dataConfidence,
        provenance: estate.provenance,
        updatedAt: new Date(),
      })
      .where(and(eq(estates.id, current.id), eq(estates.revision, current.revision)))
      .returning();
    if (!updated) throw new Error(`estate ${current.id} changed under a row lock`);
    await tx.insert(auditLog).values({
      organizationId: principal.organizationId,
      estateId: current.id,
      keyId: principal.keyId,
      action: input.action,
      estateRevision: revision,
      detail: input.detail,
    });
    return { ok: true, estate: updated, warnings: parsed.value.warnings };
  });
}

async function rewriteRows(
  tx: Tx,
  estateId: string,
  previous: EstateRows | null,
  next: EstateRows,
): Promise<void> {
  await tx.delete(sites).where(eq(sites.estateId, estateId));
  await tx.delete(links).where(eq(links.estateId, estateId));
  await tx.delete(policies).where(eq(policies.estateId, estateId));
  await insertBatched(next.sites, (b) => tx.insert(sites).values(b));
  await insertBatched(next.links, (b) => tx.insert(links).values(b));
  await tx.insert(policies).values(next.policies);
  if (!previous) {
    await tx.delete(hosts).where(eq(hosts.estateId, estateId));
    await tx.delete(workloads).where(eq(workloads.estateId, estateId));
    await insertBatched(next.hosts, (b) => tx.insert(hosts).values(b));
    await insertBatched(next.workloads, (b) => tx.insert(workloads).values(b));
    return;
  }
  const hostDiff = diffRows(previous.hosts, next.hosts, (r) => r.id);
  const stale = [...hostDiff.remove, ...hostDiff.upsert.map((r) => r.id)];
  for (let i = 0; i < stale.length; i += BATCH) {
    await tx
      .delete(hosts)
      .where(and(eq(hosts.estateId, estateId), inArray(hosts.id, stale.slice(i, i + BATCH))));
  }
  await insertBatched(hostDiff.upsert, (b) => tx.insert(hosts).values(b));
  const workloadDiff = diffRows(previous.workloads, next.workloads, (r) => r.id);
  const staleWorkloads = [...workloadDiff.remove, ...workloadDiff.upsert.map((r) => r.id)];
  for (let i = 0; i < staleWorkloads.length; i += BATCH) {
    await tx
      .delete(workloads)
      .where(
        and(eq(workloads.estateId, estateId), inArray(workloads.id, staleWorkloads.slice(i, i + BATCH))),
      );
  }
  await insertBatched(workloadDiff.upsert, (b) => tx.insert(workloads).values(b));
}

/** Deletes an estate and everything computed from it; the audit entries stay. */
export async function deleteEstate(
  db: Db,
  principal: Principal,
  estateId: string,
  expectedRevision: number,
): Promise<{ ok: true } | { ok: false; refusal: Exclude<ChangeRefusal, { kind: 'VALIDATION' }> }> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: estates.id, revision: estates.revision, name: estates.name })
      .from(estates)
      .where(and(eq(estates.id, estateId), eq(estates.organizationId, principal.organizationId)))
      .for('update');
    if (!current) {
      return {
        ok: false,
        refusal: { kind: 'NOT_FOUND', id: estateId, message: `no estate with id ${estateId}` },
      };
    }
    if (current.revision !== expectedRevision) {
      return {
        ok: false,
        refusal: {
          kind: 'STALE_REVISION',
          estateId,
          expectedRevision,
          currentRevision: current.revision,
          message: `estate ${estateId} is at revision ${current.revision}, not ${expectedRevision}`,
        },
      };
    }
    await tx.delete(estates).where(eq(estates.id, estateId));
    await tx.insert(auditLog).values({
      organizationId: principal.organizationId,
      estateId,
      keyId: principal.keyId,
      action: 'ESTATE_DELETED',
      estateRevision: current.revision,
      detail: { name: current.name },
    });
    return { ok: true };
  });
}

/** Edits of the estate document's `workloads` or `hosts` list, by entry id. */
export function addEntry(list: 'workloads' | 'hosts', entry: Record<string, unknown>): DocumentEdit {
  return (document) => {
    const items = Array.isArray(document[list]) ? (document[list] as unknown[]) : [];
    document[list] = [...items, entry];
    return { ok: true, document };
  };
}

export function changeEntry(
  list: 'workloads' | 'hosts',
  id: string,
  changes: Record<string, unknown>,
): DocumentEdit {
  return (document) => {
    const items = Array.isArray(document[list]) ? (document[list] as Record<string, unknown>[]) : [];
    const index = items.findIndex((item) => item && item.id === id);
    if (index < 0) return notFound(list, id);
    const item = { ...items[index] };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      // null clears an optional field, so its default applies again.
      if (value === null) delete item[key];
      else item[key] = value;
    }
    items[index] = item;
    document[list] = items;
    return { ok: true, document };
  };
}

export function removeEntry(list: 'workloads' | 'hosts', id: string): DocumentEdit {
  return (document) => {
    const items = Array.isArray(document[list]) ? (document[list] as Record<string, unknown>[]) : [];
    const kept = items.filter((item) => !(item && item.id === id));
    if (kept.length === items.length) return notFound(list, id);
    document[list] = kept;
    return { ok: true, document };
  };
}

function notFound(list: 'workloads' | 'hosts', id: string): { ok: false; refusal: ChangeRefusal } {
  const what = list === 'workloads' ? 'workload' : 'host';
  return {
    ok: false,
    refusal: { kind: 'NOT_FOUND', id, message: `the estate has no ${what} with id ${id}` },
  };
}
