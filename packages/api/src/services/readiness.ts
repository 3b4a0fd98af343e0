import type { ReadinessReport, WorkloadReadiness } from '@virtplan/core';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context.ts';
import type { EstateSummary } from './loaders.ts';

export function notFoundError(what: string, id: string): GraphQLError {
  return new GraphQLError(`no ${what} with id ${id}`, { extensions: { code: 'NOT_FOUND' } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else names nothing (and must not reach SQL as a bad uuid). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** The caller's estate `id`, or null when there is none in the caller's organization. */
export async function findEstate(ctx: RequestContext, id: string): Promise<EstateSummary | null> {
  if (!isUuid(id)) return null;
  // Read moments ago (cache TTL): skip the batching machinery.
  return ctx.estateCache.get(`${ctx.principal.organizationId}/${id}`) ?? ctx.loaders.estate.load(id);
}

export async function requireEstate(ctx: RequestContext, id: string): Promise<EstateSummary> {
  const estate = await findEstate(ctx, id);
  if (!estate) throw notFoundError('estate', id);
  return estate;
}

/** Loads the stored document of an estate the caller owns. */
export async function loadDocument(ctx: RequestContext, id: string): Promise<unknown> {
  const found = await ctx.loaders.document.load(id);
  if (!found) throw notFoundError('estate', id);
  return found.document;
}

/** Readiness of the estate at its current revision today, computed once per revision and day. */
export async function readinessOf(ctx: RequestContext, estate: EstateSummary): Promise<ReadinessReport> {
  const day = new Date().toISOString().slice(0, 10);
  return ctx.analysis.readiness(estate.id, estate.revision, day, () => loadDocument(ctx, estate.id));
}

const indexes = new WeakMap<ReadinessReport, Map<string, WorkloadReadiness>>();

/** A workload's readiness within a report, by id (the index is built once per report). */
export function workloadReadiness(report: ReadinessReport, id: string): WorkloadReadiness | undefined {
  let index = indexes.get(report);
  if (!index) {
    index = new Map(report.workloads.map((w) => [w.id, w]));
    indexes.set(report, index);
  }
  return index.get(id);
}
