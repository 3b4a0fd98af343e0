import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY, resolveRetryOptions, retryAfterMs } from './retry.ts';

describe('backoffDelayMs', () => {
  const options = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the jitter window with each retry up to the cap', () => {
    const windows = [1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, options, 0.999_999));
    expect(windows).toEqual([99, 199, 399, 799, 999]);
  });

  it('spreads waits over the whole window (full jitter)', () => {
    expect(backoffDelayMs(3, options, 0)).toBe(0);
    expect(backoffDelayMs(3, options, 0.5)).toBe(200);
  });
});

describe('resolveRetryOptions', () => {
  it('takes a bare number as the retry count and fills defaults', () => {
    expect(resolveRetryOptions(4)).toEqual({ ...DEFAULT_RETRY, retries: 4 });
    expect(resolveRetryOptions(undefined)).toEqual(DEFAULT_RETRY);
  });

  it('rejects negative, fractional and non-finite values', () => {
    expect(() => resolveRetryOptions(-1)).toThrow(RangeError);
    expect(() => resolveRetryOptions({ maxDelayMs: Number.POSITIVE_INFINITY })).toThrow(/maxDelayMs/);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delta seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
