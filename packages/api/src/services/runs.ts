import {
  type ConsolidationPlan,
  comparePlans,
  evaluateDr,
  notReadyWorkloads,
  planConsolidation,
} from '@virtplan/core';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context.ts';
import { auditLog, drEvaluations, plans } from '../db/schema/index.ts';
import type { DrEvaluationRow, PlanRow } from './loaders.ts';
import { isUuid, loadDocument, notFoundError, readinessOf, requireEstate } from './readiness.ts';

const PLAN_SEED = 1;

/** Day of an instant, UTC (YYYY-MM-DD): DR results depend on the date, not the time of day. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The consolidation plan of the estate's current revision: the stored one when there is one,
 * else computed (within the run limit), stored with its revision and audited.
 */
export async function runPlan(ctx: RequestContext, estateId: string): Promise<PlanRow> {
  // A stored plan is a cheap read and needs no run slot; only a computation takes one.
  const stored = await storedPlan(ctx, await requireEstate(ctx, estateId));
  if (stored) return stored;
  // The slot is held from the first read to the last write, so load beyond the limit is refused at once.
  return ctx.runs.run(() => runPlanInSlot(ctx, estateId));
}

/** The newest plan stored for the estate's current revision, or null. */
async function storedPlan(
  ctx: RequestContext,
  estate: { id: string; revision: number },
): Promise<PlanRow | null> {
  const [stored] = await ctx.db
    .select()
    .from(plans)
    .where(
      and(
        eq(plans.organizationId, ctx.principal.organizationId),
        eq(plans.estateId, estate.id),
        eq(plans.estateRevision, estate.revision),
      ),
    )
    .orderBy(desc(plans.seq))
    .limit(1);
  return stored ?? null;
}

async function runPlanInSlot(ctx: RequestContext, estateId: string): Promise<PlanRow> {
  const estate = await requireEstate(ctx, estateId);
  // Another request may have stored it while this one waited for the slot.
  const stored = await storedPlan(ctx, estate);
  if (stored) return stored;
  {
    const readiness = await readinessOf(ctx, estate);
    const options = {
      seed: PLAN_SEED,
      ...(ctx.planTimeLimitMs === undefined ? {} : { timeLimitMs: ctx.planTimeLimitMs }),
    };
    const stayPhysical = notReadyWorkloads(readiness);
    const plan = ctx.compute
      ? await ctx.compute.plan({
          kind: 'plan',
          document: await loadDocument(ctx, estate.id),
          stayPhysical: [...stayPhysical],
          ...options,
        })
      : planConsolidation(
          await ctx.analysis.estate(estate.id, estate.revision, () => loadDocument(ctx, estate.id)),
          { ...options, now: () => performance.now(), stayPhysical },
        );
    return ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(plans)
        .values({
          organizationId: ctx.principal.organizationId,
          estateId: estate.id,
          estateRevision: estate.revision,
          options,
          result: plan,
          createdByKeyId: ctx.principal.keyId,
        })
        .returning();
      if (!row) throw new Error('plan insert returned no row');
      await tx.insert(auditLog).values({
        organizationId: ctx.principal.organizationId,
        estateId: estate.id,
        keyId: ctx.principal.keyId,
        action: 'PLAN_RUN',
        estateRevision: estate.revision,
        detail: { planId: row.id, hostsUsed: plan.hostsUsed, lowerBound: plan.lowerBound },
      });
      return row;
    });
  }
}

/** A stored plan of the caller's organization, or null. */
export async function findPlan(ctx: RequestContext, id: string): Promise<PlanRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await ctx.db
    .select()
    .from(plans)
    .where(and(eq(plans.id, id), eq(plans.organizationId, ctx.principal.organizationId)));
  return row ?? null;
}

export async function findDrEvaluation(ctx: RequestContext, id: string): Promise<DrEvaluationRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await ctx.db
    .select()
    .from(drEvaluations)
    .where(and(eq(drEvaluations.id, id), eq(drEvaluations.organizationId, ctx.principal.organizationId)));
  return row ?? null;
}

/** Compares two stored plans of one estate (b against a). */
export async function comparePlanRows(ctx: RequestContext, a: string, b: string) {
  const rows =
    isUuid(a) && isUuid(b)
      ? await ctx.db
          .select()
          .from(plans)
          .where(and(eq(plans.organizationId, ctx.principal.organizationId), inArray(plans.id, [a, b])))
      : [];
  const planA = rows.find((r) => r.id === a);
  const planB = rows.find((r) => r.id === b);
  if (!planA) throw notFoundError('plan', a);
  if (!planB) throw notFoundError('plan', b);
  if (planA.estateId !== planB.estateId) {
    throw new GraphQLError('the two plans are of different estates; compare plans of one estate', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return {
    a: planA,
    b: planB,
    comparison: comparePlans(planA.result as ConsolidationPlan, planB.result as ConsolidationPlan),
  };
}

/**
 * The DR evaluation of the estate's current revision today (optionally with a plan's placements):
 * the stored one when there is one, else computed (within the run limit), stored and audited.
 */
export async function runDrEvaluation(
  ctx: RequestContext,
  estateId: string,
  planId: string | null,
  now: Date = new Date(),
): Promise<DrEvaluationRow> {
  // A stored evaluation of today is a cheap read and needs no run slot; only a computation takes one.
  const { reusable } = await drInputs(ctx, estateId, planId, now);
  if (reusable) return reusable;
  return ctx.runs.run(() => runDrInSlot(ctx, estateId, planId, now));
}

async function runDrInSlot(
  ctx: RequestContext,
  estateId: string,
  planId: string | null,
  now: Date,
): Promise<DrEvaluationRow> {
  const { estate, plan, reusable } = await drInputs(ctx, estateId, planId, now);
  if (reusable) return reusable;
  {
    const placements = plan ? { placements: (plan.result as ConsolidationPlan).placements } : undefined;
    const result = ctx.compute
      ? await ctx.compute.dr({
          kind: 'dr',
          document: await loadDocument(ctx, estate.id),
          now: now.toISOString(),
          plan: placements,
        })
      : evaluateDr(
          await ctx.analysis.estate(estate.id, estate.revision, () => loadDocument(ctx, estate.id)),
          {
            now: now.toISOString(),
            ...(placements ? { plan: placements } : {}),
          },
        );
    return ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(drEvaluations)
        .values({
          organizationId: ctx.principal.organizationId,
          estateId: estate.id,
          estateRevision: estate.revision,
          evaluatedAt: now,
          planId: plan?.id ?? null,
          result,
          createdByKeyId: ctx.principal.keyId,
        })
        .returning();
      if (!row) throw new Error('DR evaluation insert returned no row');
      await tx.insert(auditLog).values({
        organizationId: ctx.principal.organizationId,
        estateId: estate.id,
        keyId: ctx.principal.keyId,
        action: 'DR_EVALUATED',
        estateRevision: estate.revision,
        detail: { drEvaluationId: row.id, planId: plan?.id ?? null, findings: result.findings.length },
      });
      return row;
    });
  }
}

/** The estate, the plan (checked against the estate's revision) and a stored evaluation to reuse. */
async function drInputs(ctx: RequestContext, estateId: string, planId: string | null, now: Date) {
  const estate = await requireEstate(ctx, estateId);
  let plan: PlanRow | null = null;
  if (planId !== null) {
    plan = await findPlan(ctx, planId);
    if (!plan || plan.estateId !== estate.id)
      throw notFoundError(`plan of estate ${estate.id} with id`, planId);
    if (plan.estateRevision !== estate.revision) {
      throw new GraphQLError(
        `plan ${planId} was computed from revision ${plan.estateRevision}, but the estate is at revision ${estate.revision}: run a new plan first`,
        { extensions: { code: 'STALE_PLAN' } },
      );
    }
  }
  const candidates = await ctx.db
    .select()
    .from(drEvaluations)
    .where(
      and(
        eq(drEvaluations.organizationId, ctx.principal.organizationId),
        eq(drEvaluations.estateId, estate.id),
        eq(drEvaluations.estateRevision, estate.revision),
        plan ? eq(drEvaluations.planId, plan.id) : isNull(drEvaluations.planId),
      ),
    )
    .orderBy(desc(drEvaluations.seq))
    .limit(1);
  const candidate = candidates[0];
  const reusable = candidate && utcDay(candidate.evaluatedAt) === utcDay(now) ? candidate : null;
  return { estate, plan, reusable };
}
