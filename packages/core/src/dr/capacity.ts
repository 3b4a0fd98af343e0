/**
 * How the DR evaluation places restarted workloads, behind one small seam (`PlaceOnTop`): the
 * consolidation engine's `placeOnto`, on top of what already runs, at full emergency headroom.
 * Anti-affinity holds in an emergency too; role separation does not (in a disaster any free host
 * will do). Also: the shortfall figures of what did not fit, for messages a person can act on.
 */
import { placeOnto } from '../consolidation/index.ts';
import type { PlaceOntoUnfit } from '../consolidation/types.ts';
import type { Estate, Machine, Workload } from '../estate/types.ts';
import {
  FULL_HEADROOM,
  machineCapacity,
  RESOURCE_UNITS,
  RESOURCES,
  type Resource,
  workloadDemand,
} from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import type { ResourceShortfall } from './types.ts';

export interface RestartPlacement {
  /** Workload id -> machine id. */
  readonly placed: ReadonlyMap<string, string>;
  readonly unfit: readonly PlaceOntoUnfit[];
}

/** Places `guests` on `machines` on top of `existing` (machine id -> workload ids). */
export type PlaceOnTop = (
  estate: Estate,
  machines: readonly Machine[],
  existing: ReadonlyMap<string, readonly string[]>,
  guests: readonly Workload[],
) => RestartPlacement;

export const placeAtFullHeadroom: PlaceOnTop = (estate, machines, existing, guests) => {
  if (guests.length === 0) return { placed: new Map(), unfit: [] };
  const result = placeOnto(estate, machines, existing, guests, {
    headroom: 1,
    antiAffinity: true,
    separateRoles: false,
  });
  return { placed: new Map(result.placements.map((p) => [p.workload, p.host])), unfit: result.unfit };
};

const NAMES: Readonly<Record<Resource, string>> = {
  cpu: 'CPU',
  vcpu: 'vCPU slots',
  memory: 'memory',
  iops: 'IOPS',
  network: 'network',
  storage: 'storage',
};

/** What the nearest machine lacked, with the workload's need and what was free. */
export function shortfallsOf(u: PlaceOntoUnfit, w: Workload): ResourceShortfall[] {
  const demand = workloadDemand(w);
  return u.shortfall.map((s) => ({
    resource: s.resource,
    unit: RESOURCE_UNITS[s.resource],
    needed: demand[s.resource],
    available: Math.max(0, demand[s.resource] - s.missing),
    short: s.missing,
  }));
}

/** "36 GiB memory (needs 64, 28 free) and 2 cores CPU (...)" for a message. */
export function describeShortfalls(shortfalls: readonly ResourceShortfall[]): string {
  return shortfalls
    .map(
      (s) =>
        `${formatAmount(s.short)} ${s.unit} ${NAMES[s.resource]} (needs ${formatAmount(s.needed)}, ${formatAmount(s.available)} free)`,
    )
    .join(' and ');
}

/** Why a workload did not fit at `site`, in one sentence. */
export function describeUnfit(
  u: PlaceOntoUnfit,
  w: Workload,
  site: string,
  what = 'does not fit at',
): string {
  if (u.rule === 'antiAffinityGroup') {
    return `${what} ${site}: every hypervisor with room already runs a member of anti-affinity group ${w.antiAffinityGroup}`;
  }
  if (u.nearestHost === null) return `${site} has no hypervisor to take it`;
  return `${what} ${site}: the closest hypervisor (${u.nearestHost}) is short ${describeShortfalls(shortfallsOf(u, w))}`;
}

/**
 * Totals per resource over `machines` at full headroom: what `refused` need against what is free
 * once `running` (workloads, wherever they are among the machines) is counted.
 */
export function aggregateShortfall(
  estate: Estate,
  machines: readonly Machine[],
  running: ReadonlyMap<string, readonly Workload[]>,
  refused: readonly Workload[],
): ResourceShortfall[] {
  const out: ResourceShortfall[] = [];
  if (refused.length === 0) return out;
  const policy = { cpuOvercommit: estate.policies.consolidation.cpuOvercommit, headroom: FULL_HEADROOM };
  const free: Record<Resource, number> = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
  for (const m of machines) {
    const cap = machineCapacity(m, policy);
    const used: Record<Resource, number> = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
    for (const w of running.get(m.id) ?? []) {
      const d = workloadDemand(w);
      for (const r of RESOURCES) used[r] += d[r];
    }
    for (const r of RESOURCES) free[r] += Math.max(0, cap[r] - used[r]);
  }
  for (const r of RESOURCES) {
    let needed = 0;
    for (const w of refused) needed += workloadDemand(w)[r];
    if (needed > 0 && !fitsWithin(needed, free[r])) {
      out.push({ resource: r, unit: RESOURCE_UNITS[r], needed, available: free[r], short: needed - free[r] });
    }
  }
  return out;
}

/** Rounds for messages: whole numbers stay whole (with thousands separators), others keep one decimal. */
export function formatAmount(x: number): string {
  if (!Number.isFinite(x)) return 'unlimited';
  const rounded = Math.round(x * 10) / 10;
  return Number.isInteger(rounded) ? rounded.toLocaleString('en-US') : rounded.toFixed(1);
}

/** "1 workload", "3 workloads". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
