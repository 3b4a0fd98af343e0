/**
 * How the DR evaluation places restarted workloads, behind one small seam (`PlaceOnTop`): the
 * consolidation engine's `placeOnto` rule (best fit decreasing), on top of what already runs, at
 * full emergency headroom.
 * Anti-affinity holds in an emergency too; role separation does not (in a disaster any free host
 * will do). Also: the shortfall figures of what did not fit, for messages a person can act on.
 */
import type { Placement, PlaceOntoResult, PlaceOntoUnfit, Shortfall } from '../consolidation/types.ts';
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

/**
 * Restart placement on a set of machines that already carry a load. `place` proposes where
 * guests go (without changing the load); `commit` adds a workload the caller keeps.
 */
export interface RestartPlacer {
  readonly place: (guests: readonly Workload[]) => RestartPlacement;
  readonly commit: (workload: Workload, machine: string) => void;
}

/** Makes a placer for `machines` on top of `existing` (machine id -> workload ids). */
export type PlaceOnTop = (
  estate: Estate,
  machines: readonly Machine[],
  existing: ReadonlyMap<string, readonly string[]>,
) => RestartPlacer;

const EMERGENCY_OPTIONS: FastPlaceOptions = { headroom: 1, antiAffinity: true, separateRoles: false };

/**
 * Restart placement: spread over the machines (boots in parallel, the recovery time shortest);
 * when spreading leaves something out, best fit (as `placeOnto`) if that places more.
 */
export const placeAtFullHeadroom: PlaceOnTop = (estate, machines, existing) => {
  const loaded = loadMachines(estate, machines, existing, EMERGENCY_OPTIONS);
  const index = new Map(machines.map((m, k) => [m.id, k]));
  const spreadLoaded = { ...loaded, options: { ...EMERGENCY_OPTIONS, spread: true } };
  return {
    place: (guests) => {
      if (guests.length === 0) return { placed: new Map(), unfit: [] };
      let result = placeOnLoaded(spreadLoaded, guests);
      if (result.unfit.length > 0) {
        const packed = placeOnLoaded(loaded, guests);
        if (packed.unfit.length < result.unfit.length) result = packed;
      }
      return { placed: new Map(result.placements.map((p) => [p.workload, p.host])), unfit: result.unfit };
    },
    commit: (workload, machine) => addToLoaded(loaded, index.get(machine)!, workload),
  };
};

const byIdCache = new WeakMap<Estate, ReadonlyMap<string, Workload>>();
const demandCache = new WeakMap<Workload, Float64Array>();

/** Workloads by id, built once per estate (estates are immutable values). */
function workloadsById(estate: Estate): ReadonlyMap<string, Workload> {
  let map = byIdCache.get(estate);
  if (!map) {
    map = new Map(estate.workloads.map((w) => [w.id, w]));
    byIdCache.set(estate, map);
  }
  return map;
}

/** A workload's demand in `RESOURCES` order, computed once per workload. */
function demandOf(w: Workload): Float64Array {
  let d = demandCache.get(w);
  if (!d) {
    const v = workloadDemand(w);
    d = Float64Array.from(RESOURCES, (r) => v[r]);
    demandCache.set(w, d);
  }
  return d;
}

export interface FastPlaceOptions {
  readonly headroom: number;
  readonly antiAffinity: boolean;
  readonly separateRoles: boolean;
  /**
   * Pick the machine with the most room left instead of the least (worst fit): restarts spread
   * over the recovery hypervisors, so boots run in parallel. Default false (best fit, as placeOnto).
   */
  readonly spread?: boolean;
}

/** Machines with what already runs on them, flat, ready for several placement trials. */
export interface LoadedMachines {
  readonly machines: readonly Machine[];
  readonly options: FastPlaceOptions;
  readonly cap: Float64Array;
  readonly used: Float64Array;
  readonly groups: (Set<string> | undefined)[];
  readonly roles: (Set<string> | undefined)[];
}

/** Adds a workload to machine `k`'s load (the sets are copied: placement trials may share them). */
export function addToLoaded(loaded: LoadedMachines, k: number, w: Workload): void {
  const d = demandOf(w);
  for (let r = 0; r < R; r++) loaded.used[k * R + r] = loaded.used[k * R + r]! + d[r]!;
  if (loaded.options.antiAffinity && w.antiAffinityGroup !== null) {
    loaded.groups[k] = new Set(loaded.groups[k]).add(w.antiAffinityGroup);
  }
  if (loaded.options.separateRoles && (w.role === 'production' || w.role === 'failover')) {
    loaded.roles[k] = new Set(loaded.roles[k]).add(`${w.application}\u0000${w.role}`);
  }
}

const R = RESOURCES.length;

export function loadMachines(
  estate: Estate,
  machines: readonly Machine[],
  existing: ReadonlyMap<string, readonly string[]>,
  options: FastPlaceOptions,
): LoadedMachines {
  const n = machines.length;
  const h = options.headroom;
  const headroom = { cpu: h, memory: h, iops: h, network: h, storage: h };
  const cpuOvercommit = estate.policies.consolidation.cpuOvercommit;
  const cap = new Float64Array(n * R);
  const used = new Float64Array(n * R);
  const groups: (Set<string> | undefined)[] = new Array(n).fill(undefined);
  const roles: (Set<string> | undefined)[] = new Array(n).fill(undefined);
  const byId = workloadsById(estate);
  machines.forEach((m, k) => {
    const c = machineCapacity(m, { cpuOvercommit, headroom });
    for (let r = 0; r < R; r++) cap[k * R + r] = c[RESOURCES[r]!];
    for (const id of existing.get(m.id) ?? []) {
      const w = byId.get(id);
      if (!w) continue;
      const d = demandOf(w);
      for (let r = 0; r < R; r++) used[k * R + r] = used[k * R + r]! + d[r]!;
      if (options.antiAffinity && w.antiAffinityGroup !== null) {
        groups[k] ??= new Set();
        groups[k]!.add(w.antiAffinityGroup);
      }
      if (options.separateRoles && (w.role === 'production' || w.role === 'failover')) {
        roles[k] ??= new Set();
        roles[k]!.add(`${w.application}\u0000${w.role}`);
      }
    }
  });
  return { machines, options, cap, used, groups, roles };
}

/**
 * The consolidation engine's `placeOnto` (best fit decreasing on top of an existing load), the same
 * decisions to the last bit, on flat arrays: a site loss or a host failure at 10k workloads places
 * thousands of workloads over hundreds of machines, and `placeOnto` builds a vector per check. A
 * test holds the two equal on generated estates. `exclude` (a machine index) takes nothing and does
 * not count, as if it were left out of the list (a failed host). `loaded` is not changed.
 * `only` restricts the search to some machines: a placement found there is a valid one (a witness
 * that the workloads fit), though not necessarily the one the whole list would give.
 */
export function placeOnLoaded(
  loaded: LoadedMachines,
  workloads: readonly Workload[],
  exclude = -1,
  only?: readonly number[],
): PlaceOntoResult {
  const { machines, options, cap } = loaded;
  const spread = options.spread ?? false;
  const n = machines.length;
  // `only`: the machine indices (ascending) to try; the others keep their load and take nothing.
  const candidates = only ?? machines.map((_, k) => k);
  const used = loaded.used.slice();
  const groups = loaded.groups.slice();
  const roles = loaded.roles.slice();
  const ownGroups = new Uint8Array(n);
  const ownRoles = new Uint8Array(n);
  const scale = new Float64Array(R);
  for (let k = 0; k < n; k++) {
    if (k === exclude) continue;
    for (let r = 0; r < R; r++) {
      const c = cap[k * R + r]!;
      if (Number.isFinite(c)) scale[r] = Math.max(scale[r]!, c);
    }
  }
  const demands = workloads.map(demandOf);
  const sizes = demands.map((d) => {
    let s = 0;
    for (let r = 0; r < R; r++) s += scale[r]! > 0 ? d[r]! / scale[r]! : 0;
    return s;
  });
  const order = workloads.map((_, i) => i);
  order.sort((a, b) => {
    const ia = workloads[a]!.id;
    const ib = workloads[b]!.id;
    return sizes[b]! - sizes[a]! || (ia < ib ? -1 : ia > ib ? 1 : 0);
  });
  // Spreading picks, among the machines that can take a workload, the one with the most room
  // (room = sum over finite resources of (capacity - used) / scale). When every machine has the
  // same resources finite, that order does not depend on the workload: keep the machines sorted
  // by room and take the first that fits, instead of scoring every machine for every workload.
  const room = (k: number) => {
    let x = 0;
    for (let r = 0; r < R; r++) {
      const c = cap[k * R + r]!;
      if (scale[r]! > 0 && Number.isFinite(c)) x += (c - used[k * R + r]!) / scale[r]!;
    }
    return x;
  };
  const finiteSignature = (k: number) => {
    let sig = 0;
    for (let r = 0; r < R; r++) if (Number.isFinite(cap[k * R + r]!)) sig |= 1 << r;
    return sig;
  };
  const pool = candidates.filter((k) => k !== exclude);
  const sorted =
    spread && pool.every((k) => finiteSignature(k) === finiteSignature(pool[0]!)) ? pool.slice() : null;
  const roomOf = new Float64Array(n);
  for (const k of pool) roomOf[k] = room(k);
  const byRoom = (a: number, b: number) => roomOf[b]! - roomOf[a]! || a - b;
  sorted?.sort(byRoom);
  const takeFirstFit = (w: Workload, d: Float64Array, other: string | null): number => {
    for (const k of sorted!) {
      let fitsHere = true;
      for (let r = 0; r < R && fitsHere; r++)
        fitsHere = fitsWithin(used[k * R + r]! + d[r]!, cap[k * R + r]!);
      if (!fitsHere) continue;
      if (options.antiAffinity && w.antiAffinityGroup !== null && groups[k]?.has(w.antiAffinityGroup))
        continue;
      if (options.separateRoles && other !== null && roles[k]?.has(other)) continue;
      return k;
    }
    return -1;
  };
  const placements: Placement[] = [];
  const unfit: PlaceOntoUnfit[] = [];
  for (const i of order) {
    const w = workloads[i]!;
    const d = demands[i]!;
    const other =
      w.role === 'production'
        ? `${w.application}\u0000failover`
        : w.role === 'failover'
          ? `${w.application}\u0000production`
          : null;
    let best = -1;
    let bestSlack = spread ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    let nearest = -1;
    let nearestSize = 0;
    let ruleBlocked: 'antiAffinityGroup' | 'separateRoles' | null = null;
    if (sorted) best = takeFirstFit(w, d, other);
    // The full scan: best fit, or spread without the sorted index, or to explain a refusal.
    if (best < 0)
      for (const k of candidates) {
        if (k === exclude) continue;
        const o = k * R;
        let short = false;
        let worst = 0;
        for (let r = 0; r < R; r++) {
          const total = used[o + r]! + d[r]!;
          const c = cap[o + r]!;
          if (!fitsWithin(total, c)) {
            short = true;
            worst = Math.max(worst, (total - c) / Math.max(c, Number.MIN_VALUE));
          }
        }
        if (short) {
          if (nearest < 0 || worst < nearestSize) {
            nearest = k;
            nearestSize = worst;
          }
          continue;
        }
        if (options.antiAffinity && w.antiAffinityGroup !== null && groups[k]?.has(w.antiAffinityGroup)) {
          ruleBlocked ??= 'antiAffinityGroup';
          continue;
        }
        if (options.separateRoles && other !== null && roles[k]?.has(other)) {
          ruleBlocked ??= 'separateRoles';
          continue;
        }
        let slack = 0;
        for (let r = 0; r < R; r++) {
          const c = cap[o + r]!;
          if (scale[r]! > 0 && Number.isFinite(c)) slack += (c - used[o + r]! - d[r]!) / scale[r]!;
        }
        if (spread ? slack > bestSlack : slack < bestSlack) {
          bestSlack = slack;
          best = k;
        }
      }
    if (best >= 0) {
      const o = best * R;
      for (let r = 0; r < R; r++) used[o + r] = used[o + r]! + d[r]!;
      if (options.antiAffinity && w.antiAffinityGroup !== null) {
        if (!ownGroups[best]) {
          groups[best] = new Set(groups[best]);
          ownGroups[best] = 1;
        }
        groups[best]!.add(w.antiAffinityGroup);
      }
      if (options.separateRoles && (w.role === 'production' || w.role === 'failover')) {
        if (!ownRoles[best]) {
          roles[best] = new Set(roles[best]);
          ownRoles[best] = 1;
        }
        roles[best]!.add(`${w.application}\u0000${w.role}`);
      }
      placements.push({ workload: w.id, host: machines[best]!.id });
      if (sorted) {
        // Move the machine to its new place in the room order.
        sorted.splice(sorted.indexOf(best), 1);
        roomOf[best] = room(best);
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (byRoom(sorted[mid]!, best) < 0) lo = mid + 1;
          else hi = mid;
        }
        sorted.splice(lo, 0, best);
      }
    } else {
      const shortfall: Shortfall[] = [];
      if (nearest >= 0) {
        const o = nearest * R;
        for (let r = 0; r < R; r++) {
          const total = used[o + r]! + d[r]!;
          if (!fitsWithin(total, cap[o + r]!))
            shortfall.push({ resource: RESOURCES[r]!, missing: total - cap[o + r]! });
        }
      }
      unfit.push({
        workload: w.id,
        nearestHost: nearest >= 0 ? machines[nearest]!.id : null,
        shortfall,
        rule: ruleBlocked ?? 'capacity',
      });
    }
  }
  return { placements, unfit };
}

/** `placeOnto` with the DR evaluation's options, fast (see `placeOnLoaded`). */
export function placeOntoFast(
  estate: Estate,
  machines: readonly Machine[],
  existing: ReadonlyMap<string, readonly string[]>,
  workloads: readonly Workload[],
  options: FastPlaceOptions,
): PlaceOntoResult {
  return placeOnLoaded(loadMachines(estate, machines, existing, options), workloads);
}

const NAMES: Readonly<Record<Resource, string>> = {
  cpu: 'CPU',
  vcpu: 'vCPU allocation (cores x overcommit)',
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
        `${formatAmount(s.short)} ${s.unit} of ${NAMES[s.resource]} (needs ${formatAmount(s.needed)}, ${formatAmount(s.available)} free)`,
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
