import type { Estate } from '@virtplan/core';
import type { hosts, links, policies, sites, workloads } from '../db/schema/index.ts';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

export interface EstateRows {
  readonly sites: Insert<typeof sites>[];
  readonly links: Insert<typeof links>[];
  readonly hosts: Insert<typeof hosts>[];
  readonly workloads: Insert<typeof workloads>[];
  readonly policies: Insert<typeof policies>;
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** The table rows of a normalised estate (unlimited capacities become null). */
export function estateToRows(estateId: string, estate: Estate): EstateRows {
  return {
    sites: estate.sites.map((s, position) => ({
      estateId,
      id: s.id,
      position,
      name: s.name,
      pue: s.pue,
      energyCostPerKwh: s.energyCostPerKwh,
      carbonKgPerKwh: s.carbonKgPerKwh,
      assumed: [...s.assumed],
    })),
    links: estate.links.map((l, position) => ({
      estateId,
      position,
      siteA: l.between[0],
      siteB: l.between[1],
      bandwidthMbps: l.bandwidthMbps,
      latencyMs: l.latencyMs,
    })),
    hosts: estate.machines.map((m, position) => ({
      estateId,
      id: m.id,
      position,
      hostId: m.hostId,
      site: m.site,
      role: m.role,
      cpuCores: m.cpuCores,
      cpuGhz: m.cpuGhz,
      memoryGiB: m.memoryGiB,
      iops: finiteOrNull(m.iops),
      storageGiB: finiteOrNull(m.storageGiB),
      networkGbps: m.networkGbps,
      powerIdleW: m.powerIdleW,
      powerMaxW: m.powerMaxW,
    })),
    workloads: estate.workloads.map((w) => ({
      estateId,
      id: w.id,
      name: w.name,
      application: w.application,
      role: w.role,
      site: w.site,
      currentHost: w.currentHost,
      vcpus: w.vcpus,
      cpuUtilization: w.cpuUtilization,
      memoryGiB: w.memoryGiB,
      iops: w.iops,
      storageGiB: w.storageGiB,
      networkMbps: w.networkMbps,
      criticality: w.criticality,
      rpoMinutes: w.rpoMinutes,
      rtoMinutes: w.rtoMinutes,
      bootMinutes: w.bootMinutes,
      dependsOn: [...w.dependsOn],
      changeRateGiBPerHour: w.changeRateGiBPerHour,
      vendorSupport: w.vendorSupport,
      phi: w.phi,
      antiAffinityGroup: w.antiAffinityGroup,
      pinnedSite: w.pinnedSite,
      measured: w.measured,
      rpoFromPolicy: w.rpoFromPolicy,
      rtoFromPolicy: w.rtoFromPolicy,
    })),
    policies: { estateId, consolidation: estate.policies.consolidation, dr: estate.policies.dr },
  };
}

/** Rows of `next` that are new or differ from `previous` (by `key`), and keys of `previous` gone from `next`. */
export function diffRows<T extends object>(
  previous: readonly T[],
  next: readonly T[],
  key: (row: T) => string,
): { upsert: T[]; remove: string[] } {
  const before = new Map(previous.map((row) => [key(row), JSON.stringify(row)]));
  const upsert = next.filter((row) => before.get(key(row)) !== JSON.stringify(row));
  const nextKeys = new Set(next.map(key));
  const remove = [...before.keys()].filter((k) => !nextKeys.has(k));
  return { upsert, remove };
}
