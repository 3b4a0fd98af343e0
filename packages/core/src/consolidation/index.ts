export * from './compare-plans.ts';
export { machineWatts } from './energy.ts';
export { l1Heterogeneous, l2Bound } from './lower-bound.ts';
export { planMoves } from './moves.ts';
export * from './place-onto.ts';
export { planConsolidation } from './plan-consolidation.ts';
export * from './types.ts';
export { verifyPlan } from './verify-plan.ts';
