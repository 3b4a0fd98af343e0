/**
 * Schema-valid document -> normalised Estate: defaults filled, `count` expanded into machines,
 * every cross-reference checked. All reference errors are collected, none thrown.
 */
import { err, ok, type Result } from '../shared/result.ts';
import {
  CONSOLIDATION_DEFAULTS,
  DR_DEFAULTS,
  DR_TARGET_DEFAULTS,
  HOST_DEFAULTS,
  LINK_DEFAULTS,
  SITE_DEFAULTS,
  WORKLOAD_DEFAULTS,
} from './defaults.ts';
import { findCycles } from './graph.ts';
import { type EstateIssue, errorIssue } from './issues.ts';
import { type EstateDocument, MAX_HOST_COUNT } from './schema.ts';
import type { Criticality, DrPolicy, Estate, Link, Machine, Policies, Site, Workload } from './types.ts';
import { CRITICALITIES } from './types.ts';

export function normalizeEstate(doc: EstateDocument): Result<Estate, EstateIssue[]> {
  const issues: EstateIssue[] = [];
  const fail = (path: (string | number)[], message: string) => issues.push(errorIssue(path, message));

  // Sites
  const siteIds = new Set<string>();
  const sites: Site[] = doc.sites.map((s, i) => {
    if (siteIds.has(s.id)) fail(['sites', i, 'id'], `duplicate site id '${s.id}'`);
    siteIds.add(s.id);
    const assumed: Site['assumed'][number][] = [];
    if (s.pue === undefined) assumed.push('pue');
    if (s.energyCostPerKwh === undefined) assumed.push('energyCostPerKwh');
    if (s.carbonKgPerKwh === undefined) assumed.push('carbonKgPerKwh');
    return {
      id: s.id,
      name: s.name ?? s.id,
      pue: s.pue ?? SITE_DEFAULTS.pue,
      energyCostPerKwh: s.energyCostPerKwh ?? SITE_DEFAULTS.energyCostPerKwh,
      carbonKgPerKwh: s.carbonKgPerKwh ?? SITE_DEFAULTS.carbonKgPerKwh,
      assumed,
    };
  });
  const knownSite = (id: string, path: (string | number)[]) => {
    if (!siteIds.has(id)) fail(path, `unknown site '${id}' (sites: ${[...siteIds].join(', ')})`);
  };

  // Links
  const linkPairs = new Set<string>();
  const links: Link[] = (doc.links ?? []).map((l, i) => {
    const [a, b] = l.between;
    knownSite(a, ['links', i, 'between', 0]);
    knownSite(b, ['links', i, 'between', 1]);
    if (a === b) fail(['links', i, 'between'], `a link joins two different sites, not '${a}' to itself`);
    const key = [a, b].sort().join('\u0000');
    if (linkPairs.has(key)) fail(['links', i, 'between'], `a second link between '${a}' and '${b}'`);
    linkPairs.add(key);
    return {
      between: [a, b],
      bandwidthMbps: l.bandwidthMbps,
      latencyMs: l.latencyMs ?? LINK_DEFAULTS.latencyMs,
    };
  });

  // Hosts -> machines. `count` multiplies: a few hundred bytes of hosts could otherwise
  // expand into millions of machines (5 million took 22 s and 2.6 GB), so the total is bounded.
  const totalMachines = doc.hosts.reduce((sum, h) => sum + (h.count ?? HOST_DEFAULTS.count), 0);
  if (totalMachines > MAX_HOST_COUNT) {
    return err([
      errorIssue(
        ['hosts'],
        `the hosts expand into ${totalMachines} machines (count summed); the limit is ${MAX_HOST_COUNT}`,
      ),
    ]);
  }
  const hostIds = new Map<string, number>(); // host id -> count
  const machines: Machine[] = [];
  const machineIndex = new Map<string, { hostIndex: number }>();
  doc.hosts.forEach((h, i) => {
    if (hostIds.has(h.id)) fail(['hosts', i, 'id'], `duplicate host id '${h.id}'`);
    knownSite(h.site, ['hosts', i, 'site']);
    const count = h.count ?? HOST_DEFAULTS.count;
    hostIds.set(h.id, count);
    const powerIdleW = h.powerIdleW ?? HOST_DEFAULTS.powerIdleW;
    const powerMaxW = h.powerMaxW ?? Math.max(HOST_DEFAULTS.powerMaxW, powerIdleW);
    if (powerMaxW < powerIdleW) fail(['hosts', i, 'powerMaxW'], `must be >= powerIdleW (${powerIdleW})`);
    for (let n = 1; n <= count; n++) {
      const id = count === 1 ? h.id : `${h.id}-${n}`;
      if (machineIndex.has(id)) {
        fail(
          ['hosts', i, 'id'],
          `machine id '${id}' is given twice (count expands '${h.id}' into ${h.id}-1..)`,
        );
        continue;
      }
      machineIndex.set(id, { hostIndex: i });
      machines.push({
        id,
        hostId: h.id,
        site: h.site,
        role: h.role ?? HOST_DEFAULTS.role,
        cpuCores: h.cpuCores,
        cpuGhz: h.cpuGhz ?? HOST_DEFAULTS.cpuGhz,
        memoryGiB: h.memoryGiB,
        iops: h.iops ?? HOST_DEFAULTS.iops,
        storageGiB: h.storageGiB ?? HOST_DEFAULTS.storageGiB,
        networkGbps: h.networkGbps ?? HOST_DEFAULTS.networkGbps,
        powerIdleW,
        powerMaxW,
      });
    }
  });
  const machineById = new Map(machines.map((m) => [m.id, m]));

  // Policies
  const policies = normalizePolicies(doc, knownSite, fail);
  const firstSite = doc.sites[0]!.id;

  // Workloads
  const workloadIds = new Map<string, number>();
  doc.workloads.forEach((w, i) => {
    if (workloadIds.has(w.id)) fail(['workloads', i, 'id'], `duplicate workload id '${w.id}'`);
    else workloadIds.set(w.id, i);
  });
  const workloads: Workload[] = doc.workloads.map((w, i) => {
    const path = (field: string) => ['workloads', i, field];
    let currentHost: string | null = null;
    let hostSite: string | undefined;
    if (w.currentHost !== undefined) {
      const machine = machineById.get(w.currentHost);
      const groupCount = hostIds.get(w.currentHost);
      if (machine) {
        currentHost = machine.id;
        hostSite = machine.site;
      } else if (groupCount !== undefined && groupCount > 1) {
        fail(
          path('currentHost'),
          `'${w.currentHost}' names ${groupCount} machines; name one of them, e.g. '${w.currentHost}-1'`,
        );
      } else {
        fail(path('currentHost'), `unknown host '${w.currentHost}'`);
      }
    }
    if (w.site !== undefined) knownSite(w.site, path('site'));
    if (w.pinnedSite !== undefined) knownSite(w.pinnedSite, path('pinnedSite'));
    const site = w.site ?? w.pinnedSite ?? hostSite ?? firstSite;
    if (w.pinnedSite !== undefined && w.pinnedSite !== site) {
      fail(path('pinnedSite'), `is '${w.pinnedSite}' but the workload's site is '${site}'`);
    }
    if (hostSite !== undefined && hostSite !== site) {
      fail(
        path('currentHost'),
        `'${w.currentHost}' is at site '${hostSite}' but the workload's site is '${site}'`,
      );
    }
    const dependsOn = [...new Set(w.dependsOn ?? [])];
    (w.dependsOn ?? []).forEach((d, j) => {
      if (d === w.id) fail(['workloads', i, 'dependsOn', j], 'a workload cannot depend on itself');
      else if (!workloadIds.has(d)) fail(['workloads', i, 'dependsOn', j], `unknown workload '${d}'`);
    });
    const criticality: Criticality = w.criticality ?? WORKLOAD_DEFAULTS.criticality;
    const target = policies.dr.defaults[criticality];
    return {
      id: w.id,
      name: w.name ?? w.id,
      application: w.application,
      role: w.role ?? WORKLOAD_DEFAULTS.role,
      site,
      currentHost,
      vcpus: w.vcpus ?? WORKLOAD_DEFAULTS.vcpus,
      cpuUtilization: w.cpuUtilization ?? WORKLOAD_DEFAULTS.cpuUtilization,
      memoryGiB: w.memoryGiB,
      iops: w.iops ?? WORKLOAD_DEFAULTS.iops,
      storageGiB: w.storageGiB ?? WORKLOAD_DEFAULTS.storageGiB,
      networkMbps: w.networkMbps ?? WORKLOAD_DEFAULTS.networkMbps,
      criticality,
      rpoMinutes: w.rpoMinutes ?? target.rpoMinutes,
      rtoMinutes: w.rtoMinutes ?? target.rtoMinutes,
      bootMinutes: w.bootMinutes ?? WORKLOAD_DEFAULTS.bootMinutes,
      dependsOn,
      changeRateGiBPerHour: w.changeRateGiBPerHour ?? WORKLOAD_DEFAULTS.changeRateGiBPerHour,
      vendorSupport: w.vendorSupport ?? WORKLOAD_DEFAULTS.vendorSupport,
      phi: w.phi ?? WORKLOAD_DEFAULTS.phi,
      antiAffinityGroup: w.antiAffinityGroup ?? null,
      pinnedSite: w.pinnedSite ?? null,
      measured: {
        cpuUtilization: w.cpuUtilization !== undefined,
        iops: w.iops !== undefined,
        networkMbps: w.networkMbps !== undefined,
        storageGiB: w.storageGiB !== undefined,
      },
      rpoFromPolicy: w.rpoMinutes === undefined,
      rtoFromPolicy: w.rtoMinutes === undefined,
    };
  });

  // Dependency cycles (only over known references, so each cycle is reported once).
  const edges = workloads.map((w) =>
    w.dependsOn.filter((d) => workloadIds.has(d)).map((d) => workloadIds.get(d)!),
  );
  for (const cycle of findCycles(edges)) {
    const names = cycle.map((i) => workloads[i]!.id);
    // A long cycle is named by its ends: the whole of a 20,000-workload ring is no help.
    const shown =
      names.length <= 12
        ? [...names, names[0]]
        : [...names.slice(0, 6), `… ${names.length - 8} more …`, ...names.slice(-2), names[0]];
    fail(['workloads', cycle[0]!, 'dependsOn'], `dependency cycle: ${shown.join(' -> ')}`);
  }

  if (issues.length > 0) return err(issues);
  return ok({
    apiVersion: 'virtplan/v1',
    name: doc.name,
    sites,
    links,
    machines,
    workloads,
    policies,
    provenance: provenanceOf(doc, workloads),
  });
}

function normalizePolicies(
  doc: EstateDocument,
  knownSite: (id: string, path: (string | number)[]) => void,
  fail: (path: (string | number)[], message: string) => void,
): Policies {
  const c = doc.policies?.consolidation;
  const d = doc.policies?.dr;
  const h = c?.headroom;
  const base = CONSOLIDATION_DEFAULTS;
  const recoverySites: Record<string, string> = {};
  for (const [from, to] of Object.entries(d?.recoverySites ?? {})) {
    knownSite(from, ['policies', 'dr', 'recoverySites', from]);
    knownSite(to, ['policies', 'dr', 'recoverySites', from]);
    if (from === to)
      fail(['policies', 'dr', 'recoverySites', from], 'a site cannot be its own recovery site');
    recoverySites[from] = to;
  }
  const defaults = Object.fromEntries(
    CRITICALITIES.map((k) => [
      k,
      {
        rpoMinutes: d?.defaults?.[k]?.rpoMinutes ?? DR_TARGET_DEFAULTS[k].rpoMinutes,
        rtoMinutes: d?.defaults?.[k]?.rtoMinutes ?? DR_TARGET_DEFAULTS[k].rtoMinutes,
      },
    ]),
  ) as unknown as DrPolicy['defaults'];
  const cp = d?.contingencyPlan;
  return {
    consolidation: {
      headroom: {
        cpu: h?.cpu ?? base.headroom.cpu,
        memory: h?.memory ?? base.headroom.memory,
        iops: h?.iops ?? base.headroom.iops,
        network: h?.network ?? base.headroom.network,
        storage: h?.storage ?? base.headroom.storage,
      },
      cpuOvercommit: c?.cpuOvercommit ?? base.cpuOvercommit,
      haReserve: c?.haReserve ?? base.haReserve,
      separateRoles: c?.separateRoles ?? base.separateRoles,
      dedicatedIopsAbove: c?.dedicatedIopsAbove ?? base.dedicatedIopsAbove,
    },
    dr: {
      recoverySites,
      replication: {
        mode: d?.replication?.mode ?? (d?.replication ? 'async' : DR_DEFAULTS.replicationMode),
        intervalMinutes: d?.replication?.intervalMinutes ?? DR_DEFAULTS.replicationIntervalMinutes,
      },
      snapshots: d?.snapshots
        ? { intervalHours: d.snapshots.intervalHours, retentionDays: d.snapshots.retentionDays }
        : null,
      defaults,
      concurrentBootsPerHost: d?.concurrentBootsPerHost ?? DR_DEFAULTS.concurrentBootsPerHost,
      detectionMinutes: d?.detectionMinutes ?? DR_DEFAULTS.detectionMinutes,
      contingencyPlan: {
        dataBackupPlan: cp?.dataBackupPlan ?? false,
        disasterRecoveryPlan: cp?.disasterRecoveryPlan ?? false,
        emergencyModeOperationPlan: cp?.emergencyModeOperationPlan ?? false,
        lastTestedOn: cp?.lastTestedOn ?? null,
        testIntervalDays: cp?.testIntervalDays ?? DR_DEFAULTS.testIntervalDays,
        criticalityAnalysisDone: cp?.criticalityAnalysisDone ?? false,
      },
    },
  };
}

/** Data confidence: the share of sizing figures (cpu utilisation, iops, network, storage) measured. */
export function dataConfidence(workloads: readonly Workload[]): number {
  if (workloads.length === 0) return 1;
  let measured = 0;
  for (const w of workloads) {
    measured += Number(w.measured.cpuUtilization) + Number(w.measured.iops);
    measured += Number(w.measured.networkMbps) + Number(w.measured.storageGiB);
  }
  return measured / (workloads.length * 4);
}

function provenanceOf(doc: EstateDocument, workloads: readonly Workload[]): Estate['provenance'] {
  return {
    source: doc.provenance?.source ?? 'estate-file',
    dataConfidence: dataConfidence(workloads),
    notes: doc.provenance?.notes ?? [],
  };
}
