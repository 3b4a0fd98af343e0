/**
 * Readiness: can each workload become a virtual machine, and on what conditions?
 * Pure: reads a normalised estate, returns findings from the rule registry.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import {
  machineCapacity,
  RESOURCE_UNITS,
  RESOURCES,
  type Resource,
  workloadDemand,
} from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { type ReadinessCode, readinessRule } from './rules.ts';
import {
  type ApplicationReadiness,
  type Finding,
  type ReadinessReport,
  type ReadinessStatus,
  type WorkloadReadiness,
  worseStatus,
} from './types.ts';

/** Below this a host link is too slow for image traffic (the 9 vs 20+ images per second threshold). */
export const MIN_HOST_NETWORK_GBPS = 1;
/** A workload using more than this share of a host's usable link dominates it. */
export const NETWORK_HEAVY_SHARE = 0.5;

export interface AssessOptions {
  /** Extra findings per application (DR findings), joined into application readiness. */
  readonly applicationFindings?: (application: string) => readonly Finding[];
}

export function assessEstate(estate: Estate, options: AssessOptions = {}): ReadinessReport {
  const hypervisorsBySite = new Map<string, Machine[]>();
  for (const m of estate.machines) {
    if (m.role !== 'hypervisor') continue;
    const list = hypervisorsBySite.get(m.site) ?? [];
    list.push(m);
    hypervisorsBySite.set(m.site, list);
  }
  const byApplication = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    const list = byApplication.get(w.application) ?? [];
    list.push(w);
    byApplication.set(w.application, list);
  }
  const workloads = estate.workloads.map((w) =>
    assessWorkload(w, estate, hypervisorsBySite.get(w.site) ?? [], byApplication.get(w.application) ?? []),
  );

  const applications: ApplicationReadiness[] = [...byApplication.keys()].sort().map((application) => {
    const members = workloads.filter((r) => r.application === application);
    let status: ReadinessStatus = 'READY';
    for (const r of members) status = worseStatus(status, r.status);
    const extra = options.applicationFindings?.(application) ?? [];
    return {
      application,
      status,
      workloads: members.map((r) => r.id),
      findings: [...members.flatMap((r) => r.findings), ...extra],
    };
  });

  const summary: Record<ReadinessStatus, number> = {
    READY: 0,
    READY_WITH_CONDITIONS: 0,
    UNKNOWN: 0,
    NOT_READY: 0,
  };
  for (const r of workloads) summary[r.status]++;
  return { workloads, applications, dataConfidence: estate.provenance.dataConfidence, summary };
}

/** The workloads that stay physical: the consolidation engine does not place them. */
export function notReadyWorkloads(report: ReadinessReport): ReadonlySet<string> {
  return new Set(report.workloads.filter((r) => r.status === 'NOT_READY').map((r) => r.id));
}

function assessWorkload(
  w: Workload,
  estate: Estate,
  hypervisors: readonly Machine[],
  siblings: readonly Workload[],
): WorkloadReadiness {
  const policy = estate.policies.consolidation;
  const findings: { code: ReadinessCode; message: string }[] = [];
  const add = (code: ReadinessCode, message: string) => findings.push({ code, message });

  switch (w.vendorSupport) {
    case 'unsupported':
      add(
        'VENDOR_UNSUPPORTED',
        `The vendor of ${w.application} does not support ${w.id} on a hypervisor; it stays physical.`,
      );
      break;
    case 'unknown':
      add(
        'VENDOR_SUPPORT_UNKNOWN',
        `Nobody has asked the ${w.application} vendor whether ${w.id} may run virtualised.`,
      );
      break;
    case 'conditional':
      add(
        'VENDOR_SUPPORT_CONDITIONAL',
        `The ${w.application} vendor supports ${w.id} virtualised only on conditions; record them.`,
      );
      break;
    case 'supported':
      break;
  }

  if (w.iops > policy.dedicatedIopsAbove) {
    add(
      'DEDICATED_HOST_IOPS',
      `${w.id} needs ${fmt(w.iops)} IOPS, above the ${fmt(policy.dedicatedIopsAbove)} policy: it gets a hypervisor host to itself.`,
    );
  }

  if (hypervisors.length === 0) {
    add('NO_HYPERVISOR_AT_SITE', `Site ${w.site} has no hypervisor host to run ${w.id}.`);
  } else {
    const shortfall = smallestShortfall(w, hypervisors, estate);
    if (shortfall) {
      add(
        'EXCEEDS_HOST_CAPACITY',
        `${w.id} needs ${fmt(shortfall.need)} ${RESOURCE_UNITS[shortfall.resource]} of ${shortfall.resource}; the largest hypervisor at ${w.site} (${shortfall.machine}) offers ${fmt(shortfall.offer)} after headroom.`,
      );
    }
    const bestLinkGbps = Math.max(...hypervisors.map((m) => m.networkGbps));
    const usableMbps = bestLinkGbps * 1000 * policy.headroom.network;
    if (!shortfall && w.networkMbps > NETWORK_HEAVY_SHARE * usableMbps) {
      add(
        'NETWORK_HEAVY',
        `${w.id} moves ${fmt(w.networkMbps)} Mb/s, more than half of a ${fmt(bestLinkGbps)} Gb/s host link at ${Math.round(policy.headroom.network * 100)}% headroom.`,
      );
    }
    if (w.networkMbps > 0 && bestLinkGbps < MIN_HOST_NETWORK_GBPS) {
      add(
        'SLOW_HOST_NETWORK',
        `The hypervisors at ${w.site} have at most ${fmt(bestLinkGbps)} Gb/s; ${w.id} moves ${fmt(w.networkMbps)} Mb/s and needs gigabit or faster.`,
      );
    }
  }

  if (w.criticality === 'critical' && w.role === 'production') {
    const partner = siblings.some(
      (s) =>
        s.id !== w.id &&
        (s.role === 'failover' ||
          (w.antiAffinityGroup !== null && s.antiAffinityGroup === w.antiAffinityGroup)),
    );
    if (!partner) {
      add(
        'NO_FAILOVER_PARTNER',
        `${w.id} is critical but ${w.application} has no failover workload or cluster partner.`,
      );
    }
  }

  if (w.phi) {
    const recovery = estate.policies.dr.recoverySites[w.site];
    if (recovery === undefined) {
      add('PHI_NO_RECOVERY_SITE', `${w.id} holds PHI but site ${w.site} has no recovery site.`);
    } else if (w.pinnedSite !== null) {
      add(
        'PHI_NO_RECOVERY_SITE',
        `${w.id} holds PHI and is pinned to ${w.pinnedSite}: it cannot restart at ${recovery}.`,
      );
    }
  }

  const missing = (['cpuUtilization', 'iops', 'networkMbps', 'storageGiB'] as const).filter(
    (k) => !w.measured[k],
  );
  if (missing.length === 4) {
    add('NO_MEASUREMENTS', `${w.id} has no measured CPU utilisation, IOPS, network or storage figure.`);
  } else if (missing.some((k) => k !== 'storageGiB')) {
    add('MISSING_MEASUREMENTS', `${w.id} lacks measured ${missing.join(', ')}; defaults were assumed.`);
  }

  let status: ReadinessStatus = 'READY';
  const out: Finding[] = findings.map(({ code, message }) => {
    const rule = readinessRule(code);
    status = worseStatus(status, rule.status);
    return {
      code,
      severity: rule.severity,
      message,
      workload: w.id,
      application: w.application,
      site: w.site,
    };
  });
  return { id: w.id, application: w.application, status, findings: out };
}

interface Shortfall {
  readonly resource: Resource;
  readonly need: number;
  readonly offer: number;
  readonly machine: string;
}

/** Null when some hypervisor at the site can hold the workload alone; else the tightest miss. */
function smallestShortfall(w: Workload, hypervisors: readonly Machine[], estate: Estate): Shortfall | null {
  const demand = workloadDemand(w);
  let best: Shortfall | null = null;
  let bestRatio = Number.POSITIVE_INFINITY;
  for (const m of hypervisors) {
    const capacity = machineCapacity(m, estate.policies.consolidation);
    let worst: Shortfall | null = null;
    let worstRatio = 0;
    for (const r of RESOURCES) {
      if (fitsWithin(demand[r], capacity[r])) continue;
      const ratio = capacity[r] === 0 ? Number.POSITIVE_INFINITY : demand[r] / capacity[r];
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { resource: r, need: demand[r], offer: capacity[r], machine: m.id };
      }
    }
    if (!worst) return null;
    if (worstRatio < bestRatio) {
      bestRatio = worstRatio;
      best = worst;
    }
  }
  return best;
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
