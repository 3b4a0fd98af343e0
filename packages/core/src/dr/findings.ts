import type { Criticality } from '../estate/types.ts';
import type { DrEvaluation, DrFinding, DrSeverity } from './types.ts';

/** A missed target weighs as much as the workload: a critical miss is critical. */
export function severityFor(c: Criticality): DrSeverity {
  return c;
}

export const SEVERITY_ORDER: readonly DrSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Site-wide findings that concern every application running at the site. */
const SITE_WIDE: ReadonlySet<string> = new Set([
  'DR_NO_RECOVERY_SITE',
  'DR_NO_RECOVERY_HYPERVISORS',
  'DR_NO_REPLICATION_LINK',
]);

/**
 * The DR findings that concern one application: those naming it (or one of its workloads), and
 * the site-wide ones about a site where it runs (no recovery site, no hypervisor there, no link
 * to it). Estate-wide findings (the contingency plan, links, rollback) and findings about one
 * machine or the recovery site's room concern the estate or other applications and are left out;
 * an application's own workloads carry those consequences. Readiness joins these in.
 */
export function drFindingsForApplication(evaluation: DrEvaluation, application: string): DrFinding[] {
  const sitesOfApp = new Set(
    evaluation.workloads.filter((w) => w.application === application).map((w) => w.site),
  );
  return evaluation.findings.filter(
    (f) =>
      f.application === application ||
      (f.application === undefined &&
        f.site !== undefined &&
        SITE_WIDE.has(f.code) &&
        sitesOfApp.has(f.site)),
  );
}
