/**
 * The one tolerance used to compare capacities. Demands are sums of user-supplied decimals
 * (0.1 + 0.2 !== 0.3), so "fits" means "does not exceed by more than this relative amount".
 */
export const CAPACITY_EPSILON = 1e-9;

/** True when `used` does not exceed `capacity` beyond the shared tolerance. */
export function fitsWithin(used: number, capacity: number): boolean {
  if (capacity === Number.POSITIVE_INFINITY) return true;
  return used <= capacity + CAPACITY_EPSILON * Math.max(1, Math.abs(capacity));
}
