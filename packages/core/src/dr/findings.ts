import type { Criticality } from '../estate/types.ts';
import type { DrEvaluation, DrFinding, DrSeverity } from './types.ts';

/** A missed target weighs as much as the workload: a critical miss is critical. */
export function severityFor(c: Criticality): DrSeverity {
  return c;
}

export const SEVERITY_ORDER: readonly DrSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * The DR findings that concern one application: those naming it, and those about a site where
 * it runs (no recovery site, recovery capacity short). Estate-wide findings (the contingency
 * plan, links) concern the estate, not one application, and are left out. Readiness joins these.
 */
export function drFindingsForApplication(evaluation: DrEvaluation, application: string): DrFinding[] {
  const sitesOfApp = new Set(
    evaluation.workloads.filter((w) => w.application === application).map((w) => w.site),
  );
  return evaluation.findings.filter(
    (f) =>
      f.application === application ||
      (f.application === undefined &&
        f.workload === undefined &&
        f.site !== undefined &&
        sitesOfApp.has(f.site)),
  );
}
