/**
 * Builders for tests and the benchmark: a normalised `Estate` from a few fields, every other
 * field at the estate-v1 default. Not exported from the package.
 */
import type { ConsolidationPolicy, Estate, Machine, Workload } from '../estate/types.ts';

export type MachineInput = Partial<Machine> & Pick<Machine, 'id'>;
export type WorkloadInput = Partial<Workload> & Pick<Workload, 'id'>;

export function makeMachine(input: MachineInput): Machine {
  return {
    hostId: input.id,
    site: 'north',
    role: 'hypervisor',
    cpuCores: 32,
    cpuGhz: 2.5,
    memoryGiB: 512,
    iops: Number.POSITIVE_INFINITY,
    storageGiB: Number.POSITIVE_INFINITY,
    networkGbps: 1,
    powerIdleW: 150,
    powerMaxW: 400,
    ...input,
  };
}

export function makeWorkload(input: WorkloadInput): Workload {
  return {
    name: input.id,
    application: input.id,
    role: 'production',
    site: 'north',
    currentHost: null,
    vcpus: 1,
    cpuUtilization: 1,
    memoryGiB: 1,
    iops: 0,
    storageGiB: 0,
    networkMbps: 0,
    criticality: 'medium',
    rpoMinutes: 240,
    rtoMinutes: 1440,
    bootMinutes: 3,
    dependsOn: [],
    changeRateGiBPerHour: 0,
    vendorSupport: 'unknown',
    phi: false,
    antiAffinityGroup: null,
    pinnedSite: null,
    measured: { cpuUtilization: true, iops: true, networkMbps: true, storageGiB: true },
    rpoFromPolicy: true,
    rtoFromPolicy: true,
    ...input,
  };
}

export const DEFAULT_CONSOLIDATION: ConsolidationPolicy = {
  headroom: { cpu: 0.8, memory: 0.9, iops: 0.8, network: 0.7, storage: 0.85 },
  cpuOvercommit: 4,
  haReserve: 1,
  separateRoles: true,
  dedicatedIopsAbove: 20000,
};

export interface EstateInput {
  readonly sites?: readonly string[];
  readonly machines: readonly MachineInput[];
  readonly workloads: readonly WorkloadInput[];
  readonly consolidation?: Partial<ConsolidationPolicy>;
  readonly pue?: number;
}

export function makeEstate(input: EstateInput): Estate {
  const sites = input.sites ?? ['north'];
  return {
    apiVersion: 'virtplan/v1',
    name: 'test estate',
    sites: sites.map((id) => ({
      id,
      name: id,
      pue: input.pue ?? 1.5,
      energyCostPerKwh: 0.15,
      carbonKgPerKwh: 0.35,
      assumed: [],
    })),
    links: [],
    machines: input.machines.map(makeMachine),
    workloads: input.workloads.map(makeWorkload),
    policies: {
      consolidation: { ...DEFAULT_CONSOLIDATION, ...input.consolidation },
      dr: {
        recoverySites: {},
        replication: { mode: 'async', intervalMinutes: 15 },
        snapshots: null,
        defaults: {
          critical: { rpoMinutes: 15, rtoMinutes: 60 },
          high: { rpoMinutes: 60, rtoMinutes: 240 },
          medium: { rpoMinutes: 240, rtoMinutes: 1440 },
          low: { rpoMinutes: 1440, rtoMinutes: 4320 },
        },
        concurrentBootsPerHost: 4,
        detectionMinutes: 10,
        contingencyPlan: {
          dataBackupPlan: true,
          disasterRecoveryPlan: true,
          emergencyModeOperationPlan: true,
          lastTestedOn: null,
          testIntervalDays: 365,
          criticalityAnalysisDone: true,
        },
      },
    },
    provenance: { source: 'estate-file', dataConfidence: 1, notes: [] },
  };
}
