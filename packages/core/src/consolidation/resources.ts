import type { ConsolidationPolicy, Machine } from '../estate/types.ts';
import {
  FULL_HEADROOM,
  machineCapacity,
  RESOURCE_UNITS,
  RESOURCES,
  type Resource,
  type ResourceVector,
} from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import type { Shortfall } from './types.ts';

/**
 * What a plan may use of a machine: its capacity times the headroom of each resource.
 * `full` gives the whole machine (the HA failover rule); the overcommit limit on vcpus
 * is not a headroom and always holds.
 */
export function usableCapacity(
  m: Machine,
  policy: Pick<ConsolidationPolicy, 'cpuOvercommit' | 'headroom'>,
  full = false,
): ResourceVector {
  return machineCapacity(m, full ? { cpuOvercommit: policy.cpuOvercommit, headroom: FULL_HEADROOM } : policy);
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

export const ZERO: ResourceVector = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };

export function addVectors(a: ResourceVector, b: ResourceVector): ResourceVector {
  return {
    cpu: a.cpu + b.cpu,
    vcpu: a.vcpu + b.vcpu,
    memory: a.memory + b.memory,
    iops: a.iops + b.iops,
    network: a.network + b.network,
    storage: a.storage + b.storage,
  };
}

export function resourceUnit(r: Resource): string {
  return RESOURCE_UNITS[r];
}
