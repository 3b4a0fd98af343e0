/**
 * Builds normalised `Estate` values for DR tests and the DR benchmark, with the estate-v1
 * defaults filled in. Not exported from the package: tests and bench import it directly.
 */
import type {
  ConsolidationPolicy,
  ContingencyPlan,
  Criticality,
  DrPolicy,
  Estate,
  Link,
  Machine,
  Workload,
} from '../estate/types.ts';

export type MachineSpec = Partial<Machine> & { readonly id: string; readonly site: string };
export type WorkloadSpec = Partial<Omit<Workload, 'measured'>> & { readonly id: string };

export interface EstateSpec {
  readonly name?: string;
  readonly sites?: readonly string[];
  readonly links?: readonly (Partial<Link> & { readonly between: readonly [string, string] })[];
  readonly machines?: readonly MachineSpec[];
  readonly workloads?: readonly WorkloadSpec[];
  readonly dr?: Partial<Omit<DrPolicy, 'contingencyPlan'>> & {
    readonly contingencyPlan?: Partial<ContingencyPlan>;
  };
  readonly consolidation?: Partial<ConsolidationPolicy>;
}

const TARGETS: Record<Criticality, { rpoMinutes: number; rtoMinutes: number }> = {
  critical: { rpoMinutes: 15, rtoMinutes: 60 },
  high: { rpoMinutes: 60, rtoMinutes: 240 },
  medium: { rpoMinutes: 240, rtoMinutes: 1440 },
  low: { rpoMinutes: 1440, rtoMinutes: 4320 },
};

export function buildEstate(spec: EstateSpec): Estate {
  const sites = spec.sites ?? ['north', 'south'];
  const defaults = spec.dr?.defaults ?? TARGETS;
  const machines: Machine[] = (spec.machines ?? []).map((m) => ({
    hostId: m.id,
    role: 'hypervisor',
    cpuCores: 32,
    cpuGhz: 2.5,
    memoryGiB: 512,
    iops: Number.POSITIVE_INFINITY,
    storageGiB: Number.POSITIVE_INFINITY,
    networkGbps: 10,
    powerIdleW: 150,
    powerMaxW: 400,
    ...m,
  }));
  const workloads: Workload[] = (spec.workloads ?? []).map((w) => {
    const criticality = w.criticality ?? 'medium';
    return {
      name: w.id,
      application: w.id,
      role: 'production',
      site: sites[0]!,
      currentHost: null,
      vcpus: 1,
      cpuUtilization: 0.5,
      memoryGiB: 4,
      iops: 0,
      storageGiB: 0,
      networkMbps: 0,
      criticality,
      rpoMinutes: defaults[criticality].rpoMinutes,
      rtoMinutes: defaults[criticality].rtoMinutes,
      bootMinutes: 3,
      dependsOn: [],
      changeRateGiBPerHour: 0,
      vendorSupport: 'supported',
      phi: false,
      antiAffinityGroup: null,
      pinnedSite: null,
      rpoFromPolicy: w.rpoMinutes === undefined,
      rtoFromPolicy: w.rtoMinutes === undefined,
      ...w,
      measured: { cpuUtilization: true, iops: true, networkMbps: true, storageGiB: true },
    };
  });
  const dr = spec.dr ?? {};
  return {
    apiVersion: 'virtplan/v1',
    name: spec.name ?? 'Test Hospital',
    sites: sites.map((id) => ({
      id,
      name: id,
      pue: 1.6,
      energyCostPerKwh: 0.15,
      carbonKgPerKwh: 0.35,
      assumed: [],
    })),
    links: (spec.links ?? []).map((l) => ({ bandwidthMbps: 1000, latencyMs: 1, ...l })),
    machines,
    workloads,
    policies: {
      consolidation: {
        headroom: { cpu: 0.8, memory: 0.9, iops: 0.8, network: 0.7, storage: 0.85 },
        cpuOvercommit: 4,
        haReserve: 1,
        separateRoles: true,
        dedicatedIopsAbove: 20000,
        ...spec.consolidation,
      },
      dr: {
        recoverySites: {},
        replication: { mode: 'async', intervalMinutes: 15 },
        snapshots: { intervalHours: 24, retentionDays: 14 },
        defaults,
        concurrentBootsPerHost: 4,
        detectionMinutes: 10,
        ...dr,
        contingencyPlan: {
          dataBackupPlan: true,
          disasterRecoveryPlan: true,
          emergencyModeOperationPlan: true,
          lastTestedOn: '2026-06-01',
          testIntervalDays: 365,
          criticalityAnalysisDone: true,
          ...dr.contingencyPlan,
        },
      },
    },
    provenance: { source: 'estate-file', dataConfidence: 1, notes: [] },
  };
}
