/** How queries are retried. Mutations are never retried: they may have been applied. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 2. */
  readonly retries?: number;
  /** Delay cap of the first retry, doubled for each further one. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** No wait is longer than this, `Retry-After` included. Default 10 000 ms. */
  readonly maxDelayMs?: number;
}

export interface ResolvedRetryOptions {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: ResolvedRetryOptions = { retries: 2, baseDelayMs: 250, maxDelayMs: 10_000 };

export function resolveRetryOptions(option: number | RetryOptions | undefined): ResolvedRetryOptions {
  const given: RetryOptions = typeof option === 'number' ? { retries: option } : (option ?? {});
  const resolved: ResolvedRetryOptions = {
    retries: given.retries ?? DEFAULT_RETRY.retries,
    baseDelayMs: given.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: given.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retries.${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (!Number.isInteger(resolved.retries)) {
    throw new RangeError(`retries must be a whole number, got ${resolved.retries}`);
  }
  return resolved;
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^(retry-1))).
 * Jitter spreads the retries of many clients that failed together (a restarted server).
 *
 * @param retry 1 for the first retry.
 * @param random a number in [0, 1), `Math.random()` by default.
 */
export function backoffDelayMs(retry: number, options: ResolvedRetryOptions, random: number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(cap * random);
}

/**
 * Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds from `now`, or
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
