/** Every default of the estate-v1 format, defined once. */
import type { ConsolidationPolicy, Criticality, RecoveryTarget } from './types.ts';

export const SITE_DEFAULTS = { pue: 1.6, energyCostPerKwh: 0.15, carbonKgPerKwh: 0.35 } as const;
export const LINK_DEFAULTS = { latencyMs: 1 } as const;
export const HOST_DEFAULTS = {
  count: 1,
  role: 'hypervisor',
  cpuGhz: 2.5,
  iops: Number.POSITIVE_INFINITY,
  storageGiB: Number.POSITIVE_INFINITY,
  networkGbps: 1,
  powerIdleW: 150,
  powerMaxW: 400,
} as const;
export const WORKLOAD_DEFAULTS = {
  role: 'production',
  vcpus: 1,
  cpuUtilization: 1,
  iops: 0,
  storageGiB: 0,
  networkMbps: 0,
  criticality: 'medium',
  bootMinutes: 3,
  changeRateGiBPerHour: 0,
  vendorSupport: 'unknown',
  phi: false,
} as const;
export const CONSOLIDATION_DEFAULTS: ConsolidationPolicy = {
  headroom: { cpu: 0.8, memory: 0.9, iops: 0.8, network: 0.7, storage: 0.85 },
  cpuOvercommit: 4,
  haReserve: 1,
  separateRoles: true,
  dedicatedIopsAbove: 20000,
};
export const DR_TARGET_DEFAULTS: Readonly<Record<Criticality, RecoveryTarget>> = {
  critical: { rpoMinutes: 15, rtoMinutes: 60 },
  high: { rpoMinutes: 60, rtoMinutes: 240 },
  medium: { rpoMinutes: 240, rtoMinutes: 1440 },
  low: { rpoMinutes: 1440, rtoMinutes: 4320 },
};
export const DR_DEFAULTS = {
  replicationMode: 'none',
  replicationIntervalMinutes: 15,
  concurrentBootsPerHost: 4,
  detectionMinutes: 10,
  testIntervalDays: 365,
} as const;
