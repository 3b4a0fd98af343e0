import type { PlacementComparison } from '@virtplan/core';
import type { PlanRow } from '../../services/loaders.ts';
import {
  comparePlanRows,
  findDrEvaluation,
  findPlan,
  runDrEvaluation,
  runPlan,
} from '../../services/runs.ts';
import { builder } from '../builder.ts';
import { DrEvaluationRef } from './dr.ts';
import { ConsolidationPlanRef } from './plan.ts';

/** Complexity of one plan or DR run: at most a few fit in one request under the default limit. */
const RUN_COMPLEXITY = 2_000;

const DeltaRef = builder.objectRef<{ a: number; b: number; delta: number }>('Delta').implement({
  description: 'A figure in plan a and plan b, and b - a.',
  fields: (t) => ({
    a: t.exposeFloat('a', { description: 'In plan a.' }),
    b: t.exposeFloat('b', { description: 'In plan b.' }),
    delta: t.exposeFloat('delta', { description: 'b - a.' }),
  }),
});

const PlanComparisonRef = builder
  .objectRef<{ a: PlanRow; b: PlanRow; comparison: PlacementComparison }>('PlanComparison')
  .implement({
    description: 'Two plans of one estate side by side (b against a).',
    fields: (t) => ({
      a: t.field({ type: ConsolidationPlanRef, description: 'Plan a.', resolve: (c) => c.a }),
      b: t.field({ type: ConsolidationPlanRef, description: 'Plan b.', resolve: (c) => c.b }),
      hostsUsed: t.field({
        type: DeltaRef,
        description: 'Powered hypervisors.',
        resolve: (c) => c.comparison.hostsUsed,
      }),
      moves: t.field({ type: DeltaRef, description: 'Migration steps.', resolve: (c) => c.comparison.moves }),
      kwhPerYear: t.field({
        type: DeltaRef,
        description: 'Energy per year after the plan.',
        resolve: (c) => c.comparison.kwhPerYear,
      }),
      cost: t.field({
        type: DeltaRef,
        description: 'Energy cost per year after the plan.',
        resolve: (c) => c.comparison.cost,
      }),
      carbonKg: t.field({
        type: DeltaRef,
        description: 'kg CO2 per year after the plan.',
        resolve: (c) => c.comparison.carbonKg,
      }),
      machinesFreed: t.field({
        type: DeltaRef,
        description: 'Machines powered off.',
        resolve: (c) => c.comparison.machinesFreed,
      }),
      placementsChanged: t.int({
        description: 'Workloads whose host differs between the plans.',
        resolve: (c) => c.comparison.placementsChanged,
      }),
    }),
  });

builder.queryFields((t) => ({
  plan: t.field({
    type: ConsolidationPlanRef,
    nullable: true,
    description: 'A stored plan by id; null when none is visible to the caller.',
    args: { id: t.arg.id({ required: true, description: 'Plan id.' }) },
    resolve: (_root, args, ctx) => findPlan(ctx, String(args.id)),
  }),
  comparePlans: t.field({
    type: PlanComparisonRef,
    description: 'Compares two stored plans of one estate (b against a).',
    args: {
      a: t.arg.id({ required: true, description: 'Plan a.' }),
      b: t.arg.id({ required: true, description: 'Plan b.' }),
    },
    resolve: (_root, args, ctx) => comparePlanRows(ctx, String(args.a), String(args.b)),
  }),
  drEvaluation: t.field({
    type: DrEvaluationRef,
    nullable: true,
    description: 'A stored DR evaluation by id; null when none is visible to the caller.',
    args: { id: t.arg.id({ required: true, description: 'DR evaluation id.' }) },
    resolve: (_root, args, ctx) => findDrEvaluation(ctx, String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  runPlan: t.field({
    type: ConsolidationPlanRef,
    // Heavy: aliases run one after another inside the run limit, so cap them per request.
    extensions: { cost: { field: RUN_COMPLEXITY } },
    description:
      'The consolidation plan of the estate’s current revision: computed and stored (listed by Estate.plans), ' +
      'or the one already stored for this revision. Too many runs at once: HTTP 503 with Retry-After.',
    args: { estateId: t.arg.id({ required: true, description: 'Estate id.' }) },
    resolve: (_root, args, ctx) => runPlan(ctx, String(args.estateId)),
  }),
  evaluateDr: t.field({
    type: DrEvaluationRef,
    extensions: { cost: { field: RUN_COMPLEXITY } },
    description:
      'The DR evaluation of the estate’s current revision, as of today: computed and stored, or the one already ' +
      'stored today for this revision. With `planId`, the plan’s placements are evaluated instead of today’s hosts.',
    args: {
      estateId: t.arg.id({ required: true, description: 'Estate id.' }),
      planId: t.arg.id({ required: false, description: 'A plan of the same estate and revision.' }),
    },
    resolve: (_root, args, ctx) =>
      runDrEvaluation(ctx, String(args.estateId), args.planId ? String(args.planId) : null),
  }),
}));
