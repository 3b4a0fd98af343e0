/**
 * Lower bounds on the number of machines (bins) a packing needs.
 *
 * - L1: ceil(total demand / capacity), per resource.
 * - L2 (Martello & Toth, 1990), per resource, for machines of one size: for each threshold K in
 *   [0, C/2], items bigger than C - K each need their own machine, items in (C/2, C - K] cannot share
 *   with each other, and the items in [K, C/2] must fit in the room those leave plus new machines.
 * - For machines of several sizes: the fewest machines, largest first, whose capacities add up to the
 *   demand (a valid relaxation of L1).
 * Every bound of a relaxation holds for the whole problem; the maximum of them is reported.
 */
import { fitsWithin } from '../shared/tolerance.ts';

/** ceil(x), where a value within the shared tolerance of an integer counts as that integer. */
export function ceilTolerant(x: number): number {
  const f = Math.floor(x);
  return fitsWithin(x, f) ? f : f + 1;
}

/** Martello–Toth L2 for one resource: `sizes` of the items, `capacity` of every machine. */
export function l2Bound(sizes: readonly number[], capacity: number): number {
  if (!Number.isFinite(capacity) || sizes.length === 0) return sizes.length > 0 ? 1 : 0;
  if (capacity <= 0) return sizes.some((s) => s > 0) ? Number.POSITIVE_INFINITY : 0;
  const w = sizes.filter((s) => s > 0).sort((a, b) => b - a);
  if (w.length === 0) return 0;
  const n = w.length;
  const half = capacity / 2;
  // Thresholds K: 0 and every distinct size <= C/2.
  const ks = [0, ...new Set(w.filter((s) => fitsWithin(s, half)))].sort((a, b) => a - b);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + w[i]!;
  // Index helpers on the descending array: count of items with size > x, and with size >= x.
  const countAbove = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid]! > x && !fitsWithin(w[mid]!, x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const countAtLeast = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fitsWithin(x, w[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let best = 0;
  for (const k of ks) {
    const n1 = countAbove(capacity - k); // size > C - K
    const n12 = countAbove(half); // size > C/2
    const n123 = k > 0 ? countAtLeast(k) : n; // size >= K
    const n2 = n12 - n1;
    const sumN2 = prefix[n12]! - prefix[n1]!;
    const sumN3 = prefix[n123]! - prefix[n12]!;
    const extra = Math.max(0, ceilTolerant((sumN3 - (n2 * capacity - sumN2)) / capacity));
    best = Math.max(best, n12 + extra);
  }
  return Math.max(best, ceilTolerant(prefix[n]! / capacity));
}

/** The fewest machines, largest first, whose `capacities` add up to `total`. */
export function l1Heterogeneous(total: number, capacities: readonly number[]): number {
  if (total <= 0) return 0;
  const sorted = [...capacities].sort((a, b) => b - a);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i]!;
    if (fitsWithin(total, sum)) return i + 1;
  }
  return Number.POSITIVE_INFINITY;
}
