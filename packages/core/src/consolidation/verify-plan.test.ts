import { describe, expect, it } from 'vitest';
import { planConsolidation } from './plan-consolidation.ts';
import { makeEstate } from './test-support.ts';
import type { ConsolidationPlan } from './types.ts';
import { verifyPlan } from './verify-plan.ts';

const estate = makeEstate({
  machines: [1, 2, 3, 4].map((i) => ({ id: `esx-${i}`, memoryGiB: 100, cpuCores: 16 })),
  workloads: [
    { id: 'a', memoryGiB: 40, antiAffinityGroup: 'g' },
    { id: 'b', memoryGiB: 40, antiAffinityGroup: 'g' },
    { id: 'c', memoryGiB: 30 },
    { id: 'db', memoryGiB: 10, iops: 30000 },
  ],
  consolidation: { haReserve: 1 },
});

const codes = (plan: ConsolidationPlan): string[] => {
  const r = verifyPlan(estate, plan);
  return r.ok ? [] : [...new Set(r.error.map((e) => e.code))].sort();
};

describe('verifyPlan', () => {
  const plan = planConsolidation(estate);

  it('accepts the engine’s plan', () => {
    expect(codes(plan)).toEqual([]);
  });

  it('rejects a plan that overfills a host or breaks anti-affinity', () => {
    const host = plan.placements.find((p) => p.workload === 'a')!.host;
    const tampered = {
      ...plan,
      placements: plan.placements.map((p) => (p.workload === 'b' || p.workload === 'c' ? { ...p, host } : p)),
    };
    const found = codes(tampered);
    expect(found).toContain('ANTI_AFFINITY');
    expect(found).toContain('CAPACITY');
  });

  it('rejects a shared dedicated host, a lost workload and a missing reserve proof', () => {
    const dbHost = plan.placements.find((p) => p.workload === 'db')!.host;
    const tampered = {
      ...plan,
      placements: plan.placements
        .filter((p) => p.workload !== 'a')
        .map((p) => (p.workload === 'c' ? { ...p, host: dbHost } : p)),
      haFailover: [],
    };
    expect(codes(tampered)).toEqual(
      expect.arrayContaining(['DEDICATED_HOST', 'NOT_ACCOUNTED', 'HA_RESERVE']),
    );
  });
});
