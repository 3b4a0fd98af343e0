import type { ConsolidationPolicy, Headroom, Machine, Workload } from '../estate/types.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { RESOURCES, type Resource, type ResourceVector, type Shortfall } from './types.ts';

/** What one workload asks of a host, per resource (cpu in cores, network in Mbps). */
export function workloadDemand(w: Workload): ResourceVector {
  return {
    cpu: w.vcpus * w.cpuUtilization,
    vcpus: w.vcpus,
    memory: w.memoryGiB,
    iops: w.iops,
    network: w.networkMbps,
    storage: w.storageGiB,
  };
}

/** The machine's whole capacity per resource (vcpus: cpuCores × cpuOvercommit). */
export function machineCapacity(m: Machine, cpuOvercommit: number): ResourceVector {
  return {
    cpu: m.cpuCores,
    vcpus: m.cpuCores * cpuOvercommit,
    memory: m.memoryGiB,
    iops: m.iops,
    network: m.networkGbps * 1000,
    storage: m.storageGiB,
  };
}

/**
 * What a plan may use of a machine: its capacity times the headroom of each resource.
 * `headroom` 1 gives the whole machine (the HA failover rule); the overcommit limit on vcpus
 * is not a headroom and always holds.
 */
export function usableCapacity(
  m: Machine,
  policy: Pick<ConsolidationPolicy, 'cpuOvercommit'>,
  headroom: Headroom | 1,
): ResourceVector {
  const c = machineCapacity(m, policy.cpuOvercommit);
  if (headroom === 1) return c;
  return {
    cpu: c.cpu * headroom.cpu,
    vcpus: c.vcpus,
    memory: c.memory * headroom.memory,
    iops: c.iops * headroom.iops,
    network: c.network * headroom.network,
    storage: c.storage * headroom.storage,
  };
}

/** The resources where `used + extra` exceeds `capacity`, with the amount missing. */
export function shortfalls(
  used: ResourceVector,
  extra: ResourceVector,
  capacity: ResourceVector,
): Shortfall[] {
  const out: Shortfall[] = [];
  for (const r of RESOURCES) {
    const total = used[r] + extra[r];
    if (!fitsWithin(total, capacity[r])) out.push({ resource: r, missing: total - capacity[r] });
  }
  return out;
}

/** Relative size of a shortfall list: the largest missing fraction of capacity. */
export function shortfallSize(list: readonly Shortfall[], capacity: ResourceVector): number {
  let worst = 0;
  for (const s of list) worst = Math.max(worst, s.missing / Math.max(capacity[s.resource], Number.MIN_VALUE));
  return worst;
}

export const ZERO: ResourceVector = { cpu: 0, vcpus: 0, memory: 0, iops: 0, network: 0, storage: 0 };

export function addVectors(a: ResourceVector, b: ResourceVector): ResourceVector {
  return {
    cpu: a.cpu + b.cpu,
    vcpus: a.vcpus + b.vcpus,
    memory: a.memory + b.memory,
    iops: a.iops + b.iops,
    network: a.network + b.network,
    storage: a.storage + b.storage,
  };
}

export function resourceUnit(r: Resource): string {
  switch (r) {
    case 'cpu':
      return 'cores';
    case 'vcpus':
      return 'vCPUs';
    case 'memory':
      return 'GiB';
    case 'iops':
      return 'IOPS';
    case 'network':
      return 'Mbps';
    case 'storage':
      return 'GiB';
  }
}
