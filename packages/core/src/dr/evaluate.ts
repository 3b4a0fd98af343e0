/**
 * `evaluateDr`: the disaster-recovery evaluation of an estate. Pure and deterministic: the same
 * estate and options give the same evaluation, whatever the order of the workloads in the file.
 */
import type { Estate, Machine } from '../estate/types.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { evaluateBlastRadius } from './blast-radius.ts';
import { count, describeShortfalls, formatAmount, type PlaceOnTop, placeAtFullHeadroom } from './capacity.ts';
import { evaluateContingency } from './contingency.ts';
import { SEVERITY_ORDER, severityFor } from './findings.ts';
import { analyzeDependencies, compareIds } from './graph.ts';
import { evaluateReplication } from './replication.ts';
import { evaluateRollback } from './rollback.ts';
import { evaluateSiteLoss } from './site-loss.ts';
import type { DrEvaluation, DrFinding, DrOptions, SiteLoss, WorkloadDr, WorkloadRto } from './types.ts';

export function evaluateDr(estate: Estate, options: DrOptions): DrEvaluation {
  return evaluateDrWith(estate, options, placeAtFullHeadroom);
}

/** `evaluateDr` with the restart placement given (tests run every property on each placement). */
export function evaluateDrWith(estate: Estate, options: DrOptions, place: PlaceOnTop): DrEvaluation {
  if (Number.isNaN(Date.parse(options.now)))
    throw new Error(`evaluateDr: now '${options.now}' is not an ISO date`);
  const profile = options.profile ?? 'hipaa-2013';
  const workloads = estate.workloads;
  const findings: DrFinding[] = [];
  const machineById = new Map(estate.machines.map((m) => [m.id, m]));

  // Where each workload runs: the plan's placement, else its current host.
  const planned = new Map<string, string>();
  for (const p of options.plan?.placements ?? []) planned.set(p.workload, p.host);
  const hostOf: (Machine | null)[] = workloads.map((w) => {
    const id = planned.get(w.id) ?? w.currentHost;
    if (id === null) return null;
    const m = machineById.get(id);
    if (!m) throw new Error(`evaluateDr: ${w.id} is placed on unknown machine '${id}'`);
    return m;
  });

  const graph = analyzeDependencies(workloads);
  for (const cycle of graph.cycles) {
    const names = cycle.map((i) => workloads[i]!.id);
    const first = workloads[cycle[0]!]!;
    findings.push({
      code: 'DR_DEPENDENCY_CYCLE',
      severity: 'critical',
      workload: first.id,
      application: first.application,
      site: first.site,
      message: `Dependency cycle ${[...names, names[0]].join(' -> ')}: no restart order exists, so none of them restarts after a site loss. Remove one dependsOn entry so one of them can start first.`,
    });
  }

  // Site loss, per site that runs anything.
  const sites: SiteLoss[] = [];
  for (const site of estate.sites) {
    if (!workloads.some((w) => w.site === site.id)) continue;
    const loss = evaluateSiteLoss({ estate, graph, hostOf, place }, site.id);
    sites.push(loss);
    findings.push(...siteFindings(estate, loss));
  }

  // RTO per workload, from its own site's loss.
  const readyAt = new Map<string, number>();
  for (const s of sites) for (const r of s.restarted) readyAt.set(r.workload, r.readyMinute);
  const replication = evaluateReplication(estate);
  findings.push(...replication.findings);
  const restartOf = new Map<string, SiteLoss['restarted'][number]>();
  for (const s of sites) for (const r of s.restarted) restartOf.set(r.workload, r);
  const results: WorkloadDr[] = workloads.map((w, i) => {
    const estimated = readyAt.get(w.id) ?? null;
    const rto: WorkloadRto = {
      targetMinutes: w.rtoMinutes,
      estimatedMinutes: estimated,
      met: estimated !== null && fitsWithin(estimated, w.rtoMinutes),
      marginMinutes: estimated === null ? null : w.rtoMinutes - estimated,
    };
    const r = restartOf.get(w.id);
    if (r && !rto.met) {
      findings.push({
        code: 'DR_RTO_MISSED',
        severity: severityFor(w.criticality),
        workload: w.id,
        application: w.application,
        site: w.site,
        message:
          `${w.id}: back ${formatAmount(r.readyMinute)} min after losing ${w.site}, RTO ${formatAmount(w.rtoMinutes)} min: missed by ${formatAmount(r.readyMinute - w.rtoMinutes)} min ` +
          `(restarts on ${r.host} at minute ${formatAmount(r.startMinute)}, boots in ${formatAmount(w.bootMinutes)}). Shorten detection or boot time, allow more boots per host, or revisit the RTO.`,
      });
    }
    return {
      id: w.id,
      application: w.application,
      site: w.site,
      criticality: w.criticality,
      phi: w.phi,
      rpo: replication.rpo[i]!,
      rto,
    };
  });

  // Dependencies across tiers.
  workloads.forEach((w, i) => {
    const by = graph.pulledBy[i]!;
    if (by >= 0) {
      const puller = workloads[by]!;
      findings.push({
        code: 'DR_DEPENDENCY_PULLED_FORWARD',
        severity: 'info',
        workload: w.id,
        application: w.application,
        site: w.site,
        message: `${w.id} (${w.criticality}) restarts with ${puller.criticality} priority because ${puller.id} (${puller.criticality}) depends on it; raise its criticality to ${puller.criticality} so its own targets say so.`,
      });
    }
    const looser = graph.deps[i]!.map((d) => workloads[d]!).filter((d) => d.rtoMinutes > w.rtoMinutes);
    if (looser.length > 0) {
      findings.push({
        code: 'DR_DEPENDENCY_RTO_INVERSION',
        severity: 'medium',
        workload: w.id,
        application: w.application,
        site: w.site,
        message: `${w.id} must be back within ${formatAmount(w.rtoMinutes)} min but depends on ${looser
          .map((d) => `${d.id} (RTO ${formatAmount(d.rtoMinutes)} min)`)
          .join(
            ', ',
          )}; it cannot be back before them. Tighten their RTO to ${formatAmount(w.rtoMinutes)} min or less.`,
      });
    }
  });

  const blast = evaluateBlastRadius(estate, hostOf);
  findings.push(...blast.findings);
  const contingency = evaluateContingency(estate, profile, options.now, results);
  findings.push(...contingency.findings);
  const rollback = evaluateRollback(estate);
  findings.push(...rollback.findings);

  findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      compareIds(a.code, b.code) ||
      compareIds(a.site ?? '', b.site ?? '') ||
      compareIds(a.application ?? '', b.application ?? '') ||
      compareIds(a.workload ?? '', b.workload ?? '') ||
      compareIds(a.message, b.message),
  );
  return {
    estate: estate.name,
    now: options.now,
    profile,
    replicationMode: estate.policies.dr.replication.mode,
    sites,
    workloads: results,
    links: replication.links,
    blastRadius: blast.blastRadius,
    singlePointsOfFailure: blast.singlePointsOfFailure,
    contingencyPlan: contingency.specifications,
    rollback: rollback.rollback,
    cycles: graph.cycles.map((c) => ({ members: c.map((i) => workloads[i]!.id) })),
    findings,
  };
}

function siteFindings(estate: Estate, loss: SiteLoss): DrFinding[] {
  const out: DrFinding[] = [];
  const byId = new Map(estate.workloads.map((w) => [w.id, w]));
  const site = loss.site;
  if (loss.recoverySite === null) {
    const critical = estate.workloads.filter((w) => w.site === site && w.criticality === 'critical').length;
    out.push({
      code: 'DR_NO_RECOVERY_SITE',
      severity: critical > 0 ? 'critical' : 'high',
      site,
      message:
        `${site} has no recovery site: losing it loses every workload there (${count(loss.lostWorkloads, 'workload')}${critical > 0 ? `, ${critical} critical` : ''})` +
        `${loss.applicationsDown.length > 0 ? ` and stops ${count(loss.applicationsDown.length, 'application')} (${loss.applicationsDown.slice(0, 5).join(', ')}${loss.applicationsDown.length > 5 ? ', ...' : ''})` : ''}. Name one in policies.dr.recoverySites and replicate to it.`,
    });
    return out;
  }
  const causes = new Map<string, number>();
  for (const n of loss.notRestarted) causes.set(n.cause, (causes.get(n.cause) ?? 0) + 1);
  if ((causes.get('no-hypervisor') ?? 0) > 0) {
    out.push({
      code: 'DR_NO_RECOVERY_HYPERVISORS',
      severity: 'critical',
      site,
      message: `${site} recovers to ${loss.recoverySite}, which has no hypervisor: none of ${site}'s workloads can restart there. Add hypervisor hosts at ${loss.recoverySite}.`,
    });
  }
  const refused = loss.notRestarted.filter((n) => n.cause === 'capacity');
  if (refused.length > 0) {
    const critical = refused.filter((n) => byId.get(n.workload)!.criticality === 'critical').length;
    const groups = [
      ...new Set(
        refused
          .filter((n) => n.reasons.some((r) => r.includes('anti-affinity group')))
          .map((n) => byId.get(n.workload)!.antiAffinityGroup),
      ),
    ];
    const lacks =
      loss.capacityShortfall.length > 0
        ? `it lacks ${describeShortfalls(loss.capacityShortfall)}`
        : groups.length > 0
          ? `anti-affinity group ${groups.join(', ')} has more members to restart than ${loss.recoverySite} has hypervisors with room, so a member stays off`
          : 'its free room is spread over hypervisors none of which can take them whole';
    out.push({
      code: 'DR_RECOVERY_CAPACITY_SHORT',
      severity: critical > 0 ? 'critical' : 'high',
      site,
      message: `Losing ${site}, ${loss.recoverySite} cannot restart ${count(refused.length, 'workload')}${critical > 0 ? ` (${critical} critical)` : ''} even at full emergency headroom: ${lacks}. Add that capacity at ${loss.recoverySite} or reduce what must restart.`,
    });
  }
  const shed = loss.notRestarted.filter((n) => n.cause === 'shed');
  if (shed.length > 0 || loss.shedAtRecoverySite.length > 0) {
    out.push({
      code: 'DR_TEST_TRAINING_SHED',
      severity: 'info',
      site,
      message:
        `Losing ${site}: ${count(shed.length, 'test/training workload')} of ${site} ${shed.length === 1 ? 'is' : 'are'} not restarted` +
        `${loss.shedAtRecoverySite.length > 0 ? ` and ${count(loss.shedAtRecoverySite.length, 'test/training workload')} at ${loss.recoverySite} shut down` : ''} so production fits; put this in the emergency mode operation plan.`,
    });
  }
  for (const n of loss.notRestarted) {
    const w = byId.get(n.workload)!;
    if (n.cause === 'pinned') {
      out.push({
        code: 'DR_PINNED_WORKLOAD_LOST',
        severity: w.criticality === 'critical' ? 'high' : 'medium',
        workload: w.id,
        application: w.application,
        site,
        message: `${w.id} is pinned to ${site} and is lost with it: run a second instance at ${loss.recoverySite} or document the loss.`,
      });
    } else if (n.cause !== 'shed') {
      out.push({
        code: 'DR_WORKLOAD_NOT_RESTARTED',
        severity: severityFor(w.criticality),
        workload: w.id,
        application: w.application,
        site,
        message: `${w.id} does not restart after losing ${site}: ${n.reasons.join('; ')}.`,
      });
    }
  }
  return out;
}
