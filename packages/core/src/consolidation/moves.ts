/**
 * The migration from today's placement to a plan, in an order that never overfills a machine
 * (at headroom 1.0, with the overcommit limit): a move waits until its target has room. When moves
 * block each other in a cycle, one workload stops on an empty, unused hypervisor of the same site
 * (a temporary spare) and moves on later; without such a machine the remaining moves are flagged.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import { FULL_HEADROOM, machineCapacity, RESOURCES, workloadDemand } from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import type { Move, MovePlan, Placement } from './types.ts';

interface Pending {
  readonly w: Workload;
  from: string | null;
  readonly to: string;
}

export function planMoves(
  estate: Estate,
  placements: readonly Placement[],
  powered: ReadonlySet<string>,
): MovePlan {
  const policy = estate.policies.consolidation;
  const workloads = new Map(estate.workloads.map((w) => [w.id, w]));
  const machines = new Map(estate.machines.map((m) => [m.id, m]));
  const load = new Map<string, Record<string, number>>();
  const loadOf = (id: string): Record<string, number> => {
    let l = load.get(id);
    if (!l) {
      l = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
      load.set(id, l);
    }
    return l;
  };
  for (const w of estate.workloads) {
    if (w.currentHost === null) continue;
    const d = workloadDemand(w);
    const l = loadOf(w.currentHost);
    for (const r of RESOURCES) l[r]! += d[r];
  }
  const capOf = (m: Machine) =>
    machineCapacity(m, { cpuOvercommit: policy.cpuOvercommit, headroom: FULL_HEADROOM });
  const fits = (w: Workload, to: string): boolean => {
    const m = machines.get(to);
    if (!m) return true;
    const cap = capOf(m);
    const l = loadOf(to);
    const d = workloadDemand(w);
    return RESOURCES.every((r) => fitsWithin(l[r]! + d[r], cap[r]));
  };
  let pending: Pending[] = [];
  for (const p of placements) {
    const w = workloads.get(p.workload);
    if (!w || w.currentHost === p.host) continue;
    pending.push({ w, from: w.currentHost, to: p.host });
  }
  // Moves off legacy machines and new placements first; then by workload id.
  pending.sort((a, b) => a.w.id.localeCompare(b.w.id, 'en', { numeric: true }));
  const moves: Move[] = [];
  const temporarySpares: string[] = [];
  let spareNeeded = false;
  const apply = (p: Pending, to: string, temporary: boolean, overfills: boolean): void => {
    const d = workloadDemand(p.w);
    if (p.from !== null) {
      const l = loadOf(p.from);
      for (const r of RESOURCES) l[r]! -= d[r];
    }
    const l = loadOf(to);
    for (const r of RESOURCES) l[r]! += d[r];
    moves.push({ step: moves.length + 1, workload: p.w.id, from: p.from, to, temporary, overfills });
  };
  while (pending.length > 0) {
    const next: Pending[] = [];
    let progress = false;
    for (const p of pending) {
      if (fits(p.w, p.to)) {
        apply(p, p.to, false, false);
        progress = true;
      } else next.push(p);
    }
    pending = next;
    if (progress || pending.length === 0) continue;
    // Deadlock: park one workload that has to leave a blocked target on a temporary spare.
    const blocked = pending[0]!;
    const leaving = pending.find((p) => p.from === blocked.to);
    const site = machines.get(blocked.to)?.site;
    const spare = estate.machines.find(
      (m) =>
        m.role === 'hypervisor' &&
        m.site === site &&
        !powered.has(m.id) &&
        !temporarySpares.includes(m.id) &&
        RESOURCES.every((r) => (load.get(m.id)?.[r] ?? 0) === 0) &&
        leaving !== undefined &&
        fits(leaving.w, m.id),
    );
    if (leaving && spare) {
      temporarySpares.push(spare.id);
      apply(leaving, spare.id, true, false);
      leaving.from = spare.id;
      continue;
    }
    spareNeeded = true;
    for (const p of pending) apply(p, p.to, false, true);
    pending = [];
  }
  return { moves, temporarySpares, spareNeeded };
}
