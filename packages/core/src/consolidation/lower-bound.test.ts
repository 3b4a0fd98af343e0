import { describe, expect, it } from 'vitest';
import { ceilTolerant, l1Heterogeneous, l2Bound } from './lower-bound.ts';

describe('lower bounds', () => {
  it('ceilTolerant ignores float noise at integers', () => {
    expect(ceilTolerant(0.1 + 0.2 + 2.7)).toBe(3);
    expect(ceilTolerant(3.0000001)).toBe(4);
  });

  it('L2 beats L1 when big items cannot share', () => {
    // Three items of 60 in bins of 100: L1 = 2, but no two share a bin.
    expect(l2Bound([60, 60, 60], 100)).toBe(3);
    // Items 70, 30, 30: 70 + 30 fits, second 30 goes with it? 70+30 = 100, so 2 bins.
    expect(l2Bound([70, 30, 30], 100)).toBe(2);
    expect(l2Bound([], 100)).toBe(0);
  });

  it('L2 counts the room left beside items above half the capacity', () => {
    // L1 = ceil(163 / 100) = 2, but the three items above 50 need three machines.
    expect(l2Bound([51, 51, 51, 10], 100)).toBe(3);
    // K = 30: 75 alone (75 + 30 > 100); 60, 60 leave 40 + 40; the four 30s (120) need 40 more room.
    expect(l2Bound([75, 60, 60, 30, 30, 30, 30], 100)).toBe(4);
  });

  it('L1 over machines of several sizes takes the largest first', () => {
    expect(l1Heterogeneous(250, [100, 200, 50])).toBe(2);
    expect(l1Heterogeneous(400, [100, 200])).toBe(Number.POSITIVE_INFINITY);
  });
});
