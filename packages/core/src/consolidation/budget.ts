/**
 * The search's stopping rule: an iteration budget always, and a wall-clock limit when the caller
 * passes a clock. Without a clock the search is fully deterministic for a given seed.
 */
export interface Budget {
  /** True once the budget is spent; call once per iteration. */
  readonly spent: () => boolean;
  readonly iterations: () => number;
  /** True once the budget is spent, reading the clock now (for coarse steps). */
  readonly expired: () => boolean;
  /** Fraction of the budget used, 0..1. */
  readonly progress: () => number;
}

export function createBudget(maxIterations: number, now?: () => number, timeLimitMs?: number): Budget {
  let count = 0;
  const start = now ? now() : 0;
  const limit = now && timeLimitMs !== undefined ? timeLimitMs : Number.POSITIVE_INFINITY;
  let elapsed = 0;
  let over = false;
  return {
    spent: () => {
      if (over) return true;
      count++;
      if (count >= maxIterations) over = true;
      else if (now && (count & 31) === 0) {
        elapsed = now() - start;
        if (elapsed >= limit) over = true;
      }
      return over;
    },
    iterations: () => count,
    expired: () => {
      if (!over && now) {
        elapsed = now() - start;
        if (elapsed >= limit) over = true;
      }
      return over;
    },
    progress: () =>
      Math.min(1, Math.max(count / maxIterations, Number.isFinite(limit) ? elapsed / limit : 0)),
  };
}
