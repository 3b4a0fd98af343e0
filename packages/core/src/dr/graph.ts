/**
 * The dependency graph of an estate as the DR evaluation needs it: a dependency-first order,
 * the cycles (as data, named by their members), and each workload's effective restart
 * priority (a critical workload pulls what it depends on into its own tier).
 */

import { findCycles } from '../estate/graph.ts';
import type { Criticality, Workload } from '../estate/types.ts';
import { CRITICALITIES } from '../estate/types.ts';

export const criticalityRank = (c: Criticality): number => CRITICALITIES.indexOf(c);

export interface DependencyGraph {
  readonly index: ReadonlyMap<string, number>;
  /** Known dependencies of each workload, by index. */
  readonly deps: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
  /** Each cycle's members, by index, sorted by id; cycles sorted by their first member's id. */
  readonly cycles: readonly (readonly number[])[];
  readonly inCycle: Uint8Array;
  /** Effective priority rank: 0 = critical ... 3 = low. */
  readonly effRank: Uint8Array;
  /** The most critical workload that pulled it forward, or -1. */
  readonly pulledBy: Int32Array;
  /** Longest chain of dependencies below it (0: depends on nothing); 0 in or behind a cycle. */
  readonly depth: Int32Array;
}

export function analyzeDependencies(workloads: readonly Workload[]): DependencyGraph {
  const n = workloads.length;
  const index = new Map<string, number>();
  workloads.forEach((w, i) => {
    index.set(w.id, i);
  });
  const deps: number[][] = workloads.map((w) => {
    const out: number[] = [];
    for (const d of w.dependsOn) {
      const j = index.get(d);
      if (j !== undefined && !out.includes(j)) out.push(j);
    }
    return out;
  });
  const dependents: number[][] = workloads.map(() => []);
  deps.forEach((ds, i) => {
    for (const d of ds) dependents[d]!.push(i);
  });

  // Kahn: dependencies first. What remains is in a cycle or depends on one.
  const remaining = new Int32Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    remaining[i] = deps[i]!.length;
    if (remaining[i] === 0) order.push(i);
  }
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k]!]!) if (--remaining[d]! === 0) order.push(d);
  }

  const inCycle = new Uint8Array(n);
  const cycles: number[][] = [];
  if (order.length < n) {
    // The same cycle finder normalisation uses, plus self-loops (which it rejects earlier).
    const selfLoops = deps.flatMap((ds, i) => (ds.includes(i) ? [[i]] : []));
    for (const comp of [...findCycles(deps), ...selfLoops]) {
      comp.sort((a, b) => compareIds(workloads[a]!.id, workloads[b]!.id));
      for (const i of comp) inCycle[i] = 1;
      cycles.push(comp);
    }
    cycles.sort((a, b) => compareIds(workloads[a[0]!]!.id, workloads[b[0]!]!.id));
  }

  // Effective rank: dependents before their dependencies (reverse of the order).
  const effRank = new Uint8Array(n);
  const pulledBy = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) effRank[i] = criticalityRank(workloads[i]!.criticality);
  for (let k = order.length - 1; k >= 0; k--) {
    const w = order[k]!;
    for (const d of deps[w]!) {
      const better =
        effRank[w]! < effRank[d]! ||
        (effRank[w]! === effRank[d]! &&
          pulledBy[d]! >= 0 &&
          compareIds(workloads[pulledBy[w]! >= 0 ? pulledBy[w]! : w]!.id, workloads[pulledBy[d]!]!.id) < 0);
      if (better) {
        effRank[d] = effRank[w]!;
        pulledBy[d] = pulledBy[w]! >= 0 ? pulledBy[w]! : w;
      }
    }
  }
  const depth = new Int32Array(n);
  for (const w of order) for (const d of deps[w]!) depth[w] = Math.max(depth[w]!, depth[d]! + 1);
  return { index, deps, dependents, cycles, inCycle, effRank, pulledBy, depth };
}

/** Code-unit order: the same on every machine, whatever the locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
