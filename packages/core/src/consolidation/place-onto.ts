import type { Estate, Headroom, Machine, Workload } from '../estate/types.ts';
import {
  machineCapacity,
  RESOURCES,
  type Resource,
  type ResourceVector,
  workloadDemand,
} from '../shared/resources.ts';
import { addVectors, shortfallSize, shortfalls, ZERO } from './resources.ts';
import type { Placement, PlaceOntoOptions, PlaceOntoResult, PlaceOntoUnfit, Shortfall } from './types.ts';

interface Slot {
  readonly machine: Machine;
  readonly capacity: ResourceVector;
  used: ResourceVector;
  readonly groups: Set<string>;
  /** `${application}\u0000${role}` of production/failover workloads on it. */
  readonly roles: Set<string>;
}

function headroomOf(option: PlaceOntoOptions['headroom']): Headroom {
  if (option === undefined || typeof option === 'number') {
    const h = option ?? 1;
    return { cpu: h, memory: h, iops: h, network: h, storage: h };
  }
  return {
    cpu: option.cpu ?? 1,
    memory: option.memory ?? 1,
    iops: option.iops ?? 1,
    network: option.network ?? 1,
    storage: option.storage ?? 1,
  };
}

const otherRole = (w: Workload): string | null =>
  w.role === 'production'
    ? `${w.application}\u0000failover`
    : w.role === 'failover'
      ? `${w.application}\u0000production`
      : null;

/**
 * Places `workloads` on top of what already runs on `machines` (`existing`: machine id -> workload
 * ids), best fit decreasing, under `headroom` (default 1: the whole machine), honouring anti-affinity
 * and separated roles. Used by DR evaluation to restart a lost site's workloads on the survivors.
 * Returns where each workload went and, for those that did not fit, the nearest machine and the
 * shortfall per resource. Deterministic; never throws for an unknown id in `existing` (it is skipped).
 */
export function placeOnto(
  estate: Estate,
  machines: readonly Machine[],
  existing: ReadonlyMap<string, readonly string[]>,
  workloads: readonly Workload[],
  options: PlaceOntoOptions = {},
): PlaceOntoResult {
  const headroom = headroomOf(options.headroom);
  const antiAffinity = options.antiAffinity ?? true;
  const separateRoles = options.separateRoles ?? estate.policies.consolidation.separateRoles;
  const byId = new Map(estate.workloads.map((w) => [w.id, w]));
  const slots: Slot[] = machines.map((machine) => {
    const slot: Slot = {
      machine,
      capacity: machineCapacity(machine, {
        cpuOvercommit: estate.policies.consolidation.cpuOvercommit,
        headroom,
      }),
      used: ZERO,
      groups: new Set(),
      roles: new Set(),
    };
    for (const id of existing.get(machine.id) ?? []) {
      const w = byId.get(id);
      if (w) add(slot, w);
    }
    return slot;
  });
  const scale = referenceScale(slots);
  const size = (w: Workload): number => {
    const d = workloadDemand(w);
    let s = 0;
    for (const r of RESOURCES) s += scale[r] > 0 ? d[r] / scale[r] : 0;
    return s;
  };
  const order = [...workloads].sort((a, b) => size(b) - size(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const placements: Placement[] = [];
  const unfit: PlaceOntoUnfit[] = [];
  for (const w of order) {
    const demand = workloadDemand(w);
    let best: Slot | null = null;
    let bestSlack = Number.POSITIVE_INFINITY;
    let nearest: { slot: Slot; list: Shortfall[]; size: number } | null = null;
    let ruleBlocked: 'antiAffinityGroup' | 'separateRoles' | null = null;
    for (const slot of slots) {
      const list = shortfalls(slot.used, demand, slot.capacity);
      if (list.length > 0) {
        const sz = shortfallSize(list, slot.capacity);
        if (!nearest || sz < nearest.size) nearest = { slot, list, size: sz };
        continue;
      }
      if (antiAffinity && w.antiAffinityGroup !== null && slot.groups.has(w.antiAffinityGroup)) {
        ruleBlocked ??= 'antiAffinityGroup';
        continue;
      }
      const other = otherRole(w);
      if (separateRoles && other !== null && slot.roles.has(other)) {
        ruleBlocked ??= 'separateRoles';
        continue;
      }
      let slack = 0;
      for (const r of RESOURCES) {
        if (scale[r] > 0 && Number.isFinite(slot.capacity[r])) {
          slack += (slot.capacity[r] - slot.used[r] - demand[r]) / scale[r];
        }
      }
      if (slack < bestSlack) {
        bestSlack = slack;
        best = slot;
      }
    }
    if (best) {
      add(best, w);
      placements.push({ workload: w.id, host: best.machine.id });
    } else {
      unfit.push({
        workload: w.id,
        nearestHost: nearest?.slot.machine.id ?? null,
        shortfall: nearest?.list ?? [],
        rule: ruleBlocked ?? 'capacity',
      });
    }
  }
  return { placements, unfit };
}

function add(slot: Slot, w: Workload): void {
  slot.used = addVectors(slot.used, workloadDemand(w));
  if (w.antiAffinityGroup !== null) slot.groups.add(w.antiAffinityGroup);
  if (w.role === 'production' || w.role === 'failover') slot.roles.add(`${w.application}\u0000${w.role}`);
}

/** Per resource, the largest finite capacity among the slots (to compare sizes across resources). */
function referenceScale(slots: readonly Slot[]): ResourceVector {
  const max = (r: Resource): number => {
    let m = 0;
    for (const s of slots) if (Number.isFinite(s.capacity[r])) m = Math.max(m, s.capacity[r]);
    return m;
  };
  return {
    cpu: max('cpu'),
    vcpu: max('vcpu'),
    memory: max('memory'),
    iops: max('iops'),
    network: max('network'),
    storage: max('storage'),
  };
}
