import type { ConsolidationPlan, PlacementComparison } from './types.ts';

const diff = (a: number, b: number): { a: number; b: number; delta: number } => ({ a, b, delta: b - a });

/** Compares two plans of one estate: machines, energy, moves, and how many workloads differ. */
export function comparePlans(a: ConsolidationPlan, b: ConsolidationPlan): PlacementComparison {
  const hostA = new Map(a.placements.map((p) => [p.workload, p.host]));
  let changed = 0;
  const seen = new Set<string>();
  for (const p of b.placements) {
    seen.add(p.workload);
    if (hostA.get(p.workload) !== p.host) changed++;
  }
  for (const id of hostA.keys()) if (!seen.has(id)) changed++;
  return {
    hostsUsed: diff(a.hostsUsed, b.hostsUsed),
    moves: diff(a.moves.moves.length, b.moves.moves.length),
    kwhPerYear: diff(a.energy.after.kwhPerYear, b.energy.after.kwhPerYear),
    cost: diff(a.energy.after.cost, b.energy.after.cost),
    carbonKg: diff(a.energy.after.carbonKg, b.energy.after.carbonKg),
    machinesFreed: diff(a.energy.machinesFreed.length, b.energy.machinesFreed.length),
    placementsChanged: changed,
  };
}
