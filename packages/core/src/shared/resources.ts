/**
 * The resources a workload needs and a machine offers, as the estate spec defines them.
 * `cpu` is busy cores (vcpus x cpuUtilization); `vcpu` is the overcommit limit on allocated vcpus.
 */
import type { ConsolidationPolicy, Machine, Workload } from '../estate/types.ts';

export const RESOURCES = ['cpu', 'vcpu', 'memory', 'iops', 'network', 'storage'] as const;
export type Resource = (typeof RESOURCES)[number];

export const RESOURCE_UNITS: Readonly<Record<Resource, string>> = {
  cpu: 'cores',
  vcpu: 'vCPUs',
  memory: 'GiB',
  iops: 'IOPS',
  network: 'Mb/s',
  storage: 'GiB',
};

export type ResourceVector = Readonly<Record<Resource, number>>;

export function workloadDemand(w: Workload): ResourceVector {
  return {
    cpu: w.vcpus * w.cpuUtilization,
    vcpu: w.vcpus,
    memory: w.memoryGiB,
    iops: w.iops,
    network: w.networkMbps,
    storage: w.storageGiB,
  };
}

/**
 * What a plan may use of a machine: capacity times headroom (pass `headroom: 1` style overrides
 * for emergency placement). The vcpu limit is cores x overcommit and has no headroom.
 */
export function machineCapacity(
  m: Machine,
  policy: Pick<ConsolidationPolicy, 'headroom' | 'cpuOvercommit'>,
): ResourceVector {
  const h = policy.headroom;
  return {
    cpu: m.cpuCores * h.cpu,
    vcpu: m.cpuCores * policy.cpuOvercommit,
    memory: m.memoryGiB * h.memory,
    iops: m.iops * h.iops,
    network: m.networkGbps * 1000 * h.network,
    storage: m.storageGiB * h.storage,
  };
}

/** Full headroom: what emergency placement (after a failure or disaster) may use. */
export const FULL_HEADROOM = { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 } as const;
