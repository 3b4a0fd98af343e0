/**
 * `planConsolidation`: from a normalised estate, the plan that places every workload that does not
 * stay physical on the fewest hypervisor machines, holding every rule of policies.consolidation.
 *
 * Per site (workloads never leave their site):
 * 1. Workloads that cannot go anywhere are reported with their reason (no hypervisor at the site,
 *    pinned elsewhere, too big for every machine).
 * 2. Workloads above dedicatedIopsAbove get a machine each (their current one when it fits).
 * 3. The rest are packed by `pack` (first fit decreasing, then consistent neighbourhood search) on
 *    the remaining machines, with anti-affinity and separated roles as conflict tags, stopping at
 *    the lower bound.
 * 4. Machines of one size are matched to the packed groups so that most workloads stay where they
 *    run; then single workloads move home when their current machine is powered and has room.
 * 5. The HA reserve: with haReserve 1 the engine looks for a restart map (every powered machine's
 *    workloads re-fit on the survivors at headroom 1.0, anti-affinity kept); failing that, or for
 *    haReserve >= 2, it powers empty spare machines that can each carry any machine's load. When the
 *    site has too few machines for that, the lightest machine's workloads are reported unplaced
 *    (rule haReserve) until the reserve holds.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import { machineCapacity, RESOURCES, type ResourceVector, workloadDemand } from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { createBudget } from './budget.ts';
import { computeEnergy } from './energy.ts';
import { l1Heterogeneous, l2Bound } from './lower-bound.ts';
import { planMoves } from './moves.ts';
import { pack } from './packer.ts';
import { createRng } from './prng.ts';
import { resourceUnit, shortfallSize, shortfalls, ZERO } from './resources.ts';
import type {
  ConsolidationPlan,
  HaFailover,
  HaProof,
  HostUse,
  Placement,
  PlanOptions,
  Restart,
  SiteBound,
  Unplaced,
  UnplacedReason,
} from './types.ts';

/** Default iteration budget of the improvement search, by number of workloads. */
export function defaultIterations(n: number): number {
  return Math.round(5000 + 100 * n);
}

/** Default time limit (ms) when a clock is given: 0.8 s up to 1,000 workloads, then growing, 20 s at most. */
export function defaultTimeLimitMs(n: number): number {
  return Math.min(20000, n <= 1000 ? 800 : Math.max(850, 500 + 0.05 * n));
}

interface SiteState {
  readonly site: string;
  readonly machines: readonly Machine[];
  /** machine id -> workload ids placed there. */
  readonly assigned: Map<string, Workload[]>;
  readonly dedicated: Set<string>;
  readonly spares: string[];
  method: HaProof['method'];
  failover: HaFailover[];
}

const byId = <T extends { readonly id: string }>(list: readonly T[]): Map<string, T> =>
  new Map(list.map((x) => [x.id, x]));

export function planConsolidation(estate: Estate, options: PlanOptions = {}): ConsolidationPlan {
  const policy = estate.policies.consolidation;
  const stay = options.stayPhysical ?? new Set<string>();
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const toPlace = estate.workloads.filter((w) => !stay.has(w.id));
  const effort = options.effort ?? 1;
  // With a clock the time limit is the budget; without one, a deterministic iteration budget.
  const budget = createBudget(
    options.now
      ? Number.POSITIVE_INFINITY
      : Math.max(1, Math.round(defaultIterations(toPlace.length) * effort)),
    options.now,
    options.timeLimitMs ?? defaultTimeLimitMs(toPlace.length),
  );
  const unplaced = new Map<string, UnplacedReason[]>();
  const addReason = (w: Workload, reason: UnplacedReason): void => {
    const list = unplaced.get(w.id) ?? [];
    list.push(reason);
    unplaced.set(w.id, list);
  };
  const sites: SiteState[] = [];
  let greedyHostsUsed = 0;
  let exhausted = false;
  const siteBounds: SiteBound[] = [];
  const total = estate.sites.length;
  let done = 0;
  for (const site of estate.sites) {
    const machines = estate.machines.filter((m) => m.site === site.id && m.role === 'hypervisor');
    const candidates: Workload[] = [];
    for (const w of toPlace) {
      if (w.site !== site.id) continue;
      if (w.pinnedSite !== null && w.pinnedSite !== w.site) {
        addReason(w, {
          rule: 'pinnedSite',
          site: w.site,
          message: `${w.id} is pinned to site ${w.pinnedSite} but belongs to site ${w.site}; it can run at neither`,
        });
        continue;
      }
      if (machines.length === 0) {
        addReason(w, {
          rule: 'site',
          site: w.site,
          message: `site ${w.site} has no hypervisor host to run ${w.id}`,
        });
        continue;
      }
      const tooBig = nearestEmpty(w, machines, estate);
      if (tooBig) {
        addReason(w, tooBig);
        continue;
      }
      candidates.push(w);
    }
    const state = solveSite(site.id, machines, candidates, estate, rng, budget, addReason);
    greedyHostsUsed += state.greedy;
    exhausted ||= state.exhausted;
    sites.push(state.site);
    siteBounds.push(siteLowerBound(estate, state.site, machines));
    done++;
    options.onProgress?.(done / total);
  }
  return assemblePlan(estate, options, sites, unplaced, siteBounds, {
    seed,
    iterations: budget.iterations(),
    budgetExhausted: exhausted,
    greedyHostsUsed,
  });
}

/** When a workload fits no empty machine of its site, why (nearest machine and shortfall). */
function nearestEmpty(w: Workload, machines: readonly Machine[], estate: Estate): UnplacedReason | null {
  const policy = estate.policies.consolidation;
  const demand = workloadDemand(w);
  let best: { m: Machine; list: ReturnType<typeof shortfalls>; size: number } | null = null;
  for (const m of machines) {
    const cap = machineCapacity(m, policy);
    const list = shortfalls(ZERO, demand, cap);
    if (list.length === 0) return null;
    const size = shortfallSize(list, cap);
    if (!best || size < best.size) best = { m, list, size };
  }
  if (!best) return null;
  const first = best.list[0]!;
  return {
    rule: 'capacity',
    site: w.site,
    resource: first.resource,
    nearestHost: best.m.id,
    shortfall: best.list,
    message: `${w.id} needs more ${first.resource} than any host of site ${w.site} offers under headroom: ${best.m.id} lacks ${round(first.missing)} ${resourceUnit(first.resource)}`,
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Size of a machine for ordering: sum of its finite capacities relative to the site's largest. */
function machineOrder(
  machines: readonly Machine[],
  estate: Estate,
  currentCount: Map<string, number>,
): Machine[] {
  const policy = estate.policies.consolidation;
  const caps = machines.map((m) => machineCapacity(m, policy));
  const scale: Record<string, number> = {};
  for (const r of RESOURCES) {
    let max = 0;
    for (const c of caps) if (Number.isFinite(c[r])) max = Math.max(max, c[r]);
    scale[r] = max;
  }
  const size = new Map<string, number>();
  machines.forEach((m, i) => {
    let s = 0;
    for (const r of RESOURCES) {
      const c = caps[i]![r];
      s += Number.isFinite(c) ? (scale[r]! > 0 ? c / scale[r]! : 0) : 1;
    }
    size.set(m.id, s);
  });
  return [...machines].sort(
    (a, b) =>
      size.get(b.id)! - size.get(a.id)! ||
      (currentCount.get(b.id) ?? 0) - (currentCount.get(a.id) ?? 0) ||
      compareIds(a.id, b.id),
  );
}

/** Natural order of machine ids: esx-2 before esx-10 (digit runs compare as numbers). */
export function compareIds(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = ca >= 48 && ca <= 57;
    const db = cb >= 48 && cb <= 57;
    if (da && db) {
      let ei = i;
      while (ei < a.length && a.charCodeAt(ei) >= 48 && a.charCodeAt(ei) <= 57) ei++;
      let ej = j;
      while (ej < b.length && b.charCodeAt(ej) >= 48 && b.charCodeAt(ej) <= 57) ej++;
      const na = Number(a.slice(i, ei));
      const nb = Number(b.slice(j, ej));
      if (na !== nb) return na - nb;
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

function capacityKey(m: Machine, estate: Estate): string {
  const c = machineCapacity(m, estate.policies.consolidation);
  return RESOURCES.map((r) => c[r]).join('|');
}

interface SiteResult {
  readonly site: SiteState;
  readonly greedy: number;
  readonly exhausted: boolean;
}

function solveSite(
  siteId: string,
  machines: readonly Machine[],
  workloads: readonly Workload[],
  estate: Estate,
  rng: ReturnType<typeof createRng>,
  budget: ReturnType<typeof createBudget>,
  addReason: (w: Workload, r: UnplacedReason) => void,
): SiteResult {
  const policy = estate.policies.consolidation;
  const currentCount = new Map<string, number>();
  for (const w of workloads) {
    if (w.currentHost !== null) currentCount.set(w.currentHost, (currentCount.get(w.currentHost) ?? 0) + 1);
  }
  const state: SiteState = {
    site: siteId,
    machines,
    assigned: new Map(),
    dedicated: new Set(),
    spares: [],
    method: 'none',
    failover: [],
  };
  if (workloads.length === 0) return { site: state, greedy: 0, exhausted: false };
  const ordered = machineOrder(machines, estate, currentCount);
  // 2. Dedicated hosts.
  const dedicated = workloads
    .filter((w) => w.iops > policy.dedicatedIopsAbove)
    .sort((a, b) => b.iops - a.iops || compareIds(a.id, b.id));
  const free = new Set(ordered.map((m) => m.id));
  for (const w of dedicated) {
    const demand = workloadDemand(w);
    const fits = (m: Machine): boolean => shortfalls(ZERO, demand, machineCapacity(m, policy)).length === 0;
    const home = ordered.find((m) => m.id === w.currentHost && free.has(m.id) && fits(m));
    const choice = home ?? [...ordered].reverse().find((m) => free.has(m.id) && fits(m));
    if (!choice) {
      addReason(w, {
        rule: 'dedicatedIopsAbove',
        site: siteId,
        resource: 'iops',
        message: `${w.id} needs a host to itself (${w.iops} IOPS > ${policy.dedicatedIopsAbove}) and site ${siteId} has none left that fits it`,
      });
      continue;
    }
    free.delete(choice.id);
    state.assigned.set(choice.id, [w]);
    state.dedicated.add(choice.id);
  }
  const dedicatedSet = new Set(dedicated);
  const rest = workloads.filter((w) => !dedicatedSet.has(w));
  const pool = ordered.filter((m) => free.has(m.id));
  let greedy = state.dedicated.size;
  let exhausted = false;
  if (rest.length > 0 && pool.length > 0) {
    const r = packSite(rest, pool, estate, rng, budget);
    greedy += r.greedyBins;
    exhausted = r.exhausted;
    const groups = new Map<number, Workload[]>();
    const left: Workload[] = [];
    rest.forEach((w, i) => {
      const b = r.bin[i]!;
      if (b < 0) left.push(w);
      else {
        const list = groups.get(b) ?? [];
        list.push(w);
        groups.set(b, list);
      }
    });
    // 4. Match groups to machines of the same size so that most workloads stay home.
    const classes = new Map<string, Machine[]>();
    for (const m of pool) {
      const key = capacityKey(m, estate);
      const list = classes.get(key) ?? [];
      list.push(m);
      classes.set(key, list);
    }
    const groupsByClass = new Map<string, Workload[][]>();
    for (const [b, list] of groups) {
      const key = capacityKey(pool[b]!, estate);
      const l = groupsByClass.get(key) ?? [];
      l.push(list);
      groupsByClass.set(key, l);
    }
    for (const [key, gs] of groupsByClass) {
      const ms = classes.get(key)!;
      const pairs: { g: number; m: number; stay: number }[] = [];
      gs.forEach((g, gi) => {
        const counts = new Map<string, number>();
        for (const w of g)
          if (w.currentHost !== null) counts.set(w.currentHost, (counts.get(w.currentHost) ?? 0) + 1);
        ms.forEach((m, mi) => {
          const stay = counts.get(m.id) ?? 0;
          if (stay > 0) pairs.push({ g: gi, m: mi, stay });
        });
      });
      pairs.sort((a, b) => b.stay - a.stay || a.g - b.g || a.m - b.m);
      const gDone = new Set<number>();
      const mDone = new Set<number>();
      for (const p of pairs) {
        if (gDone.has(p.g) || mDone.has(p.m)) continue;
        gDone.add(p.g);
        mDone.add(p.m);
        state.assigned.set(ms[p.m]!.id, gs[p.g]!);
      }
      let next = 0;
      gs.forEach((g, gi) => {
        if (gDone.has(gi)) return;
        while (mDone.has(next)) next++;
        mDone.add(next);
        state.assigned.set(ms[next]!.id, g);
      });
    }
    moveHome(state, estate);
    for (const w of left) addReason(w, leftoverReason(w, state, estate, pool));
  } else {
    for (const w of rest) addReason(w, leftoverReason(w, state, estate, pool));
  }
  // 5. HA reserve.
  holdReserve(state, estate, addReason);
  return { site: state, greedy, exhausted };
}

interface Packed {
  readonly bin: Int32Array;
  readonly greedyBins: number;
  readonly exhausted: boolean;
}

/** Builds the packing problem of one site: the binding resources only, conflict tags, bound. */
function packSite(
  workloads: readonly Workload[],
  pool: readonly Machine[],
  estate: Estate,
  rng: ReturnType<typeof createRng>,
  budget: ReturnType<typeof createBudget>,
): Packed {
  const policy = estate.policies.consolidation;
  const demands = workloads.map(workloadDemand);
  const caps = pool.map((m) => machineCapacity(m, policy));
  // A resource binds only when the site's total demand exceeds its smallest machine; drop the others,
  // and drop a resource identical to one kept (cpu and vcpu at utilisation 1 and overcommit 1).
  const active: (typeof RESOURCES)[number][] = [];
  for (const r of RESOURCES) {
    let totalDemand = 0;
    for (const d of demands) totalDemand += d[r];
    let minCap = Number.POSITIVE_INFINITY;
    for (const c of caps) minCap = Math.min(minCap, c[r]);
    if (fitsWithin(totalDemand, minCap)) continue;
    const same = active.find((a) => demands.every((d) => d[a] === d[r]) && caps.every((c) => c[a] === c[r]));
    if (same === undefined) active.push(r);
  }
  if (active.length === 0) active.push('memory');
  const D = active.length;
  const n = workloads.length;
  const demand = new Float64Array(n * D);
  demands.forEach((d, i) => {
    active.forEach((r, k) => {
      demand[i * D + k] = d[r];
    });
  });
  const cap = new Float64Array(pool.length * D);
  caps.forEach((c, b) => {
    active.forEach((r, k) => {
      cap[b * D + k] = c[r];
    });
  });
  // Conflict tags: anti-affinity groups, and production/failover of one application.
  const tagIds = new Map<string, number>();
  const tag = (key: string): number => {
    let id = tagIds.get(key);
    if (id === undefined) {
      id = tagIds.size;
      tagIds.set(key, id);
    }
    return id;
  };
  const carries: number[][] = [];
  const excludes: number[][] = [];
  for (const w of workloads) {
    const c: number[] = [];
    const x: number[] = [];
    if (w.antiAffinityGroup !== null) {
      const t = tag(`aa\u0000${w.antiAffinityGroup}`);
      c.push(t);
      x.push(t);
    }
    if (policy.separateRoles && (w.role === 'production' || w.role === 'failover')) {
      const mine = tag(`role\u0000${w.application}\u0000${w.role}`);
      const other = tag(
        `role\u0000${w.application}\u0000${w.role === 'production' ? 'failover' : 'production'}`,
      );
      c.push(mine);
      x.push(other);
    }
    carries.push(c);
    excludes.push(x);
  }
  const hasTags = tagIds.size > 0;
  // Bound used to stop the search: per resource L2 (one machine size) or L1 (several), and groups.
  const identical = caps.every((c) => RESOURCES.every((r) => c[r] === caps[0]![r]));
  let bound = 1;
  for (const r of active) {
    const sizes = demands.map((d) => d[r]);
    if (identical) bound = Math.max(bound, l2Bound(sizes, caps[0]![r]));
    else
      bound = Math.max(
        bound,
        l1Heterogeneous(
          sizes.reduce((a, b) => a + b, 0),
          caps.map((c) => c[r]),
        ),
      );
  }
  const groupSize = new Map<string, number>();
  for (const w of workloads) {
    if (w.antiAffinityGroup !== null) {
      groupSize.set(w.antiAffinityGroup, (groupSize.get(w.antiAffinityGroup) ?? 0) + 1);
    }
  }
  for (const s of groupSize.values()) bound = Math.max(bound, s);
  const result = pack(
    {
      n,
      dims: D,
      demand,
      m: pool.length,
      cap,
      carries: hasTags ? carries : null,
      excludes: hasTags ? excludes : null,
      lowerBound: Number.isFinite(bound) ? bound : pool.length,
    },
    rng,
    budget,
  );
  return { bin: result.bin, greedyBins: result.greedyBins, exhausted: result.exhausted };
}

/** Why a workload that fits an empty machine was left out after packing. */
function leftoverReason(
  w: Workload,
  state: SiteState,
  estate: Estate,
  pool: readonly Machine[],
): UnplacedReason {
  const policy = estate.policies.consolidation;
  const demand = workloadDemand(w);
  let best: { m: Machine; list: ReturnType<typeof shortfalls>; size: number } | null = null;
  let blockedBy: 'antiAffinityGroup' | 'separateRoles' | null = null;
  for (const m of pool) {
    const list = state.assigned.get(m.id) ?? [];
    const cap = machineCapacity(m, policy);
    const sf = shortfalls(sumDemand(list), demand, cap);
    if (sf.length === 0) {
      if (w.antiAffinityGroup !== null && list.some((x) => x.antiAffinityGroup === w.antiAffinityGroup)) {
        blockedBy ??= 'antiAffinityGroup';
      } else blockedBy ??= 'separateRoles';
      continue;
    }
    const size = shortfallSize(sf, cap);
    if (!best || size < best.size) best = { m, list: sf, size };
  }
  if (!best && blockedBy === 'antiAffinityGroup') {
    return {
      rule: 'antiAffinityGroup',
      site: w.site,
      message: `${w.id}: every host of site ${w.site} with room already runs a member of anti-affinity group ${w.antiAffinityGroup}`,
    };
  }
  if (!best && blockedBy === 'separateRoles') {
    return {
      rule: 'separateRoles',
      site: w.site,
      message: `${w.id}: every host of site ${w.site} with room runs the other role of application ${w.application}`,
    };
  }
  if (!best) {
    return { rule: 'capacity', site: w.site, message: `site ${w.site} has no host left for ${w.id}` };
  }
  const first = best.list[0]!;
  return {
    rule: 'capacity',
    site: w.site,
    resource: first.resource,
    nearestHost: best.m.id,
    shortfall: best.list,
    message: `site ${w.site} is full: the nearest host ${best.m.id} lacks ${round(first.missing)} ${resourceUnit(first.resource)} of ${first.resource} for ${w.id}`,
  };
}

export function sumDemand(list: readonly Workload[]): ResourceVector {
  const v = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
  for (const w of list) {
    const d = workloadDemand(w);
    for (const r of RESOURCES) v[r] += d[r];
  }
  return v;
}

/** Moves single workloads back to their current machine when it is powered and has room. */
function moveHome(state: SiteState, estate: Estate): void {
  const policy = estate.policies.consolidation;
  const where = new Map<string, string>();
  for (const [m, list] of state.assigned) for (const w of list) where.set(w.id, m);
  const machines = byId(state.machines);
  for (const [, list] of [...state.assigned].sort((a, b) => compareIds(a[0], b[0]))) {
    for (const w of [...list]) {
      const home = w.currentHost;
      if (home === null || where.get(w.id) === home || state.dedicated.has(home)) continue;
      const target = state.assigned.get(home);
      const machine = machines.get(home);
      if (!target || !machine || state.dedicated.has(where.get(w.id)!)) continue;
      if (!canJoin(w, target, machine, estate, policy.separateRoles)) continue;
      const from = state.assigned.get(where.get(w.id)!)!;
      if (from.length === 1) continue; // would not free a machine anyway; keep the packing's balance
      from.splice(from.indexOf(w), 1);
      target.push(w);
      where.set(w.id, home);
    }
  }
}

function canJoin(
  w: Workload,
  list: readonly Workload[],
  m: Machine,
  estate: Estate,
  separateRoles: boolean,
): boolean {
  const cap = machineCapacity(m, estate.policies.consolidation);
  if (shortfalls(sumDemand(list), workloadDemand(w), cap).length > 0) return false;
  if (w.antiAffinityGroup !== null && list.some((x) => x.antiAffinityGroup === w.antiAffinityGroup))
    return false;
  if (separateRoles && (w.role === 'production' || w.role === 'failover')) {
    const other = w.role === 'production' ? 'failover' : 'production';
    if (list.some((x) => x.application === w.application && x.role === other)) return false;
  }
  return true;
}

type Load = {
  used: { cpu: number; vcpu: number; memory: number; iops: number; network: number; storage: number };
  groups: Set<string>;
};

/**
 * Where each workload of `failed` restarts on the other powered machines at headroom 1.0 (first fit,
 * largest workload first, starting after the failed machine so that the load spreads), or null.
 */
function restartMap(
  failedIndex: number,
  order: readonly string[],
  state: SiteState,
  loads: Map<string, Load>,
  fullCaps: Map<string, ResourceVector>,
): Restart[] | null {
  const failed = order[failedIndex]!;
  const list = [...(state.assigned.get(failed) ?? [])].sort(
    (a, b) => weightOf(b) - weightOf(a) || compareIds(a.id, b.id),
  );
  const added: { id: string; w: Workload }[] = [];
  const restarts: Restart[] = [];
  const undo = (): void => {
    for (const a of added) {
      const l = loads.get(a.id)!;
      const d = workloadDemand(a.w);
      for (const r of RESOURCES) l.used[r] -= d[r];
      if (a.w.antiAffinityGroup !== null) l.groups.delete(a.w.antiAffinityGroup);
    }
  };
  const m = order.length;
  for (const w of list) {
    const d = workloadDemand(w);
    let chosen: string | null = null;
    for (let step = 1; step < m; step++) {
      const id = order[(failedIndex + step) % m]!;
      const l = loads.get(id)!;
      if (w.antiAffinityGroup !== null && l.groups.has(w.antiAffinityGroup)) continue;
      const cap = fullCaps.get(id)!;
      if (
        fitsWithin(l.used.memory + d.memory, cap.memory) &&
        fitsWithin(l.used.cpu + d.cpu, cap.cpu) &&
        fitsWithin(l.used.vcpu + d.vcpu, cap.vcpu) &&
        fitsWithin(l.used.iops + d.iops, cap.iops) &&
        fitsWithin(l.used.network + d.network, cap.network) &&
        fitsWithin(l.used.storage + d.storage, cap.storage)
      ) {
        chosen = id;
        break;
      }
    }
    if (chosen === null) {
      undo();
      return null;
    }
    const l = loads.get(chosen)!;
    for (const r of RESOURCES) l.used[r] += d[r];
    if (w.antiAffinityGroup !== null) l.groups.add(w.antiAffinityGroup);
    added.push({ id: chosen, w });
    restarts.push({ workload: w.id, host: chosen });
  }
  undo();
  return restarts;
}

function weightOf(w: Workload): number {
  return w.memoryGiB + w.vcpus + w.iops / 1000 + w.networkMbps / 100;
}

function loadsOf(state: SiteState): Map<
  string,
  {
    used: { cpu: number; vcpu: number; memory: number; iops: number; network: number; storage: number };
    groups: Set<string>;
  }
> {
  const loads = new Map<
    string,
    {
      used: { cpu: number; vcpu: number; memory: number; iops: number; network: number; storage: number };
      groups: Set<string>;
    }
  >();
  for (const [id, list] of state.assigned) {
    const used = { ...sumDemand(list) };
    const groups = new Set<string>();
    for (const w of list) if (w.antiAffinityGroup !== null) groups.add(w.antiAffinityGroup);
    loads.set(id, { used, groups });
  }
  return loads;
}

/** Makes the site's HA reserve hold (see the module comment). */
function holdReserve(
  state: SiteState,
  estate: Estate,
  addReason: (w: Workload, r: UnplacedReason) => void,
): void {
  const policy = estate.policies.consolidation;
  const k = policy.haReserve;
  for (const [id, list] of [...state.assigned]) if (list.length === 0) state.assigned.delete(id);
  if (k <= 0 || state.assigned.size === 0) return;
  const full = {
    cpuOvercommit: policy.cpuOvercommit,
    headroom: { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 },
  };
  for (;;) {
    if (k === 1) {
      const loads = loadsOf(state);
      const failover: HaFailover[] = [];
      let ok = true;
      const order = [...state.assigned.keys()].sort(compareIds);
      const machines = byId(state.machines);
      const fullCaps = new Map(order.map((id) => [id, machineCapacity(machines.get(id)!, full)]));
      for (let f = 0; f < order.length; f++) {
        const restarts = restartMap(f, order, state, loads, fullCaps);
        if (!restarts) {
          ok = false;
          break;
        }
        failover.push({ host: order[f]!, restarts });
      }
      if (ok) {
        state.method = 'restart-map';
        state.failover = failover;
        return;
      }
    }
    // Spare hosts: empty machines that can each carry the heaviest load of any powered machine.
    const maxLoad = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
    for (const list of state.assigned.values()) {
      const d = sumDemand(list);
      for (const r of RESOURCES) maxLoad[r] = Math.max(maxLoad[r], d[r]);
    }
    const unused = state.machines
      .filter((m) => !state.assigned.has(m.id))
      .filter((m) => {
        const cap = machineCapacity(m, full);
        return RESOURCES.every((r) => fitsWithin(maxLoad[r], cap[r]));
      })
      .sort((a, b) => a.cpuCores + a.memoryGiB - (b.cpuCores + b.memoryGiB) || compareIds(a.id, b.id));
    if (unused.length >= k) {
      const spares = unused.slice(0, k);
      for (const m of spares) {
        state.spares.push(m.id);
        state.assigned.set(m.id, []);
      }
      state.method = 'spare-hosts';
      const first = spares[0]!.id;
      state.failover = [...state.assigned.keys()]
        .filter((id) => !state.spares.includes(id))
        .sort(compareIds)
        .map((id) => ({
          host: id,
          restarts: (state.assigned.get(id) ?? []).map((w) => ({ workload: w.id, host: first })),
        }));
      return;
    }
    // Too few machines: give up the lightest machine's workloads and try again.
    let lightest: string | null = null;
    let lightestW = Number.POSITIVE_INFINITY;
    for (const [id, list] of state.assigned) {
      const w = list.reduce((s, x) => s + weightOf(x), 0);
      if (w < lightestW || (w === lightestW && lightest !== null && compareIds(id, lightest) > 0)) {
        lightestW = w;
        lightest = id;
      }
    }
    if (lightest === null) return;
    for (const w of state.assigned.get(lightest)!) {
      addReason(w, {
        rule: 'haReserve',
        site: state.site,
        message: `site ${state.site} has too few hypervisor hosts to run ${w.id} and keep ${k} host(s) in reserve`,
      });
    }
    state.assigned.delete(lightest);
    state.dedicated.delete(lightest);
    if (state.assigned.size === 0) return;
  }
}

/** Lower bound on powered machines at a site for the workloads the plan placed there. */
function siteLowerBound(estate: Estate, state: SiteState, machines: readonly Machine[]): SiteBound {
  const policy = estate.policies.consolidation;
  const k = policy.haReserve;
  const placed: Workload[] = [];
  const dedicatedLoads: Workload[] = [];
  for (const [id, list] of state.assigned) {
    if (state.dedicated.has(id)) dedicatedLoads.push(...list);
    else placed.push(...list);
  }
  const all = [...placed, ...dedicatedLoads];
  const hostsUsed = state.assigned.size;
  if (all.length === 0) return { site: state.site, lowerBound: 0, hostsUsed, reason: 'nothing placed' };
  const caps = machines.map((m) => machineCapacity(m, policy));
  const fullCaps = machines.map((m) =>
    machineCapacity(m, {
      cpuOvercommit: policy.cpuOvercommit,
      headroom: { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 },
    }),
  );
  const identical = caps.every((c) => RESOURCES.every((r) => c[r] === caps[0]![r]));
  let best = 0;
  let reason = '';
  const consider = (value: number, why: string): void => {
    if (Number.isFinite(value) && value > best) {
      best = value;
      reason = why;
    }
  };
  const nd = dedicatedLoads.length;
  for (const r of RESOURCES) {
    const sizes = placed.map((w) => workloadDemand(w)[r]);
    const totalPlaced = sizes.reduce((a, b) => a + b, 0);
    if (placed.length > 0) {
      if (identical) consider(nd + l2Bound(sizes, caps[0]![r]), `${r} L2${nd ? ' + dedicated' : ''}`);
      else
        consider(
          nd +
            l1Heterogeneous(
              totalPlaced,
              caps.map((c) => c[r]),
            ),
          `${r} L1${nd ? ' + dedicated' : ''}`,
        );
    } else consider(nd, 'dedicated hosts');
    if (k > 0) {
      const totalAll = all.reduce((a, w) => a + workloadDemand(w)[r], 0);
      consider(
        k +
          l1Heterogeneous(
            totalAll,
            fullCaps.map((c) => c[r]),
          ),
        `${r} at headroom 1.0 + reserve ${k}`,
      );
    }
  }
  const groups = new Map<string, number>();
  for (const w of all)
    if (w.antiAffinityGroup !== null)
      groups.set(w.antiAffinityGroup, (groups.get(w.antiAffinityGroup) ?? 0) + 1);
  for (const [g, s] of groups) consider(s + k, `anti-affinity group ${g}${k ? ` + reserve ${k}` : ''}`);
  consider(Math.min(1 + k, Number.POSITIVE_INFINITY), k ? `one host + reserve ${k}` : 'one host');
  return { site: state.site, lowerBound: best, hostsUsed, reason };
}

function assemblePlan(
  estate: Estate,
  options: PlanOptions,
  sites: readonly SiteState[],
  unplacedMap: Map<string, UnplacedReason[]>,
  siteBounds: readonly SiteBound[],
  stats: ConsolidationPlan['stats'],
): ConsolidationPlan {
  const policy = estate.policies.consolidation;
  const machines = byId(estate.machines);
  const placements: Placement[] = [];
  const hosts: HostUse[] = [];
  const haFailover: HaFailover[] = [];
  const haProof: HaProof[] = [];
  for (const s of sites) {
    for (const id of [...s.assigned.keys()].sort(compareIds)) {
      const list = [...s.assigned.get(id)!].sort((a, b) => compareIds(a.id, b.id));
      for (const w of list) placements.push({ workload: w.id, host: id });
      const m = machines.get(id)!;
      const demand = sumDemand(list);
      const cap = machineCapacity(m, {
        cpuOvercommit: policy.cpuOvercommit,
        headroom: { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 },
      });
      const use = {
        cpu: frac(demand.cpu, cap.cpu),
        vcpu: frac(demand.vcpu, cap.vcpu),
        memory: frac(demand.memory, cap.memory),
        iops: frac(demand.iops, cap.iops),
        network: frac(demand.network, cap.network),
        storage: frac(demand.storage, cap.storage),
      };
      hosts.push({
        host: id,
        site: s.site,
        workloads: list.map((w) => w.id),
        demand,
        use,
        spare: s.spares.includes(id),
        dedicated: s.dedicated.has(id),
      });
    }
    haFailover.push(...s.failover);
    haProof.push({
      site: s.site,
      reserve: policy.haReserve,
      method: s.assigned.size === 0 ? 'none' : s.method,
      spares: [...s.spares],
    });
  }
  const unplaced: Unplaced[] = [...unplacedMap]
    .sort((a, b) => compareIds(a[0], b[0]))
    .map(([workload, reasons]) => ({ workload, reasons }));
  const stayPhysical = estate.workloads.filter((w) => options.stayPhysical?.has(w.id)).map((w) => w.id);
  const hostsUsed = hosts.length;
  const lowerBound = siteBounds.reduce((a, b) => a + b.lowerBound, 0);
  const after = new Map<string, Workload[]>();
  for (const s of sites) for (const [id, list] of s.assigned) after.set(id, [...list]);
  const kept = new Set([...stayPhysical, ...unplaced.map((u) => u.workload)]);
  for (const w of estate.workloads) {
    if (!kept.has(w.id) || w.currentHost === null) continue;
    const list = after.get(w.currentHost) ?? [];
    list.push(w);
    after.set(w.currentHost, list);
  }
  const energy = computeEnergy(estate, after);
  const moves = planMoves(estate, placements, new Set(hosts.map((h) => h.host)));
  return {
    hostsUsed,
    lowerBound,
    gap: hostsUsed - lowerBound,
    siteBounds,
    placements,
    unplaced,
    stayPhysical,
    hosts,
    haFailover,
    haProof,
    energy,
    moves,
    stats,
  };
}

function frac(used: number, cap: number): number | null {
  if (!Number.isFinite(cap)) return null;
  if (cap <= 0) return used > 0 ? Number.POSITIVE_INFINITY : 0;
  return used / cap;
}
