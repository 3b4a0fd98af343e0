import { describe, expect, it } from 'vitest';
import { describePlanProperties } from './plan-consolidation.props.ts';
import { planConsolidation } from './plan-consolidation.ts';
import { makeEstate } from './test-support.ts';
import { verifyPlan } from './verify-plan.ts';

const noReserve = { haReserve: 0 } as const;

describe('planConsolidation', () => {
  it('packs workloads on the fewest hosts under headroom and verifies', () => {
    const estate = makeEstate({
      machines: [1, 2, 3, 4].map((i) => ({ id: `esx-${i}`, memoryGiB: 100, cpuCores: 100 })),
      workloads: [50, 40, 45, 30, 15, 10].map((m, i) => ({ id: `w${i}`, memoryGiB: m })),
      consolidation: { ...noReserve, headroom: { cpu: 1, memory: 0.95, iops: 1, network: 1, storage: 1 } },
    });
    const plan = planConsolidation(estate);
    // 190 GiB in hosts of 95 usable: 2 hosts (50+45, 40+30+15+10).
    expect(plan.hostsUsed).toBe(2);
    expect(plan.lowerBound).toBe(2);
    expect(plan.unplaced).toEqual([]);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('keeps anti-affinity groups and separated roles apart', () => {
    const estate = makeEstate({
      machines: [1, 2, 3].map((i) => ({ id: `esx-${i}` })),
      workloads: [
        { id: 'pacs-1', antiAffinityGroup: 'pacs' },
        { id: 'pacs-2', antiAffinityGroup: 'pacs' },
        { id: 'ris', application: 'RIS' },
        { id: 'ris-dr', application: 'RIS', role: 'failover' },
      ],
      consolidation: noReserve,
    });
    const plan = planConsolidation(estate);
    const host = new Map(plan.placements.map((p) => [p.workload, p.host]));
    expect(host.get('pacs-1')).not.toBe(host.get('pacs-2'));
    expect(host.get('ris')).not.toBe(host.get('ris-dr'));
    expect(plan.hostsUsed).toBe(2);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('gives a workload above dedicatedIopsAbove a host to itself', () => {
    const estate = makeEstate({
      machines: [1, 2].map((i) => ({ id: `esx-${i}` })),
      workloads: [{ id: 'db', iops: 30000 }, { id: 'web' }],
      consolidation: noReserve,
    });
    const plan = planConsolidation(estate);
    expect(plan.hostsUsed).toBe(2);
    expect(plan.hosts.find((h) => h.workloads.includes('db'))?.workloads).toEqual(['db']);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('holds the N+1 reserve with a restart map when the survivors have room', () => {
    const estate = makeEstate({
      machines: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `esx-${i}`, memoryGiB: 100, cpuCores: 64 })),
      workloads: Array.from({ length: 80 }, (_, i) => ({ id: `w${i}`, memoryGiB: 5 })),
      consolidation: {
        haReserve: 1,
        headroom: { cpu: 0.8, memory: 0.8, iops: 0.8, network: 0.7, storage: 0.85 },
      },
    });
    const plan = planConsolidation(estate);
    // Five hosts at 80 GiB: if one fails, its 16 workloads take the 20 GiB left on each of the others.
    expect(plan.hostsUsed).toBe(5);
    expect(plan.lowerBound).toBe(5);
    expect(plan.haProof[0]?.method).toBe('restart-map');
    for (const f of plan.haFailover) {
      const own = plan.hosts.find((h) => h.host === f.host)!.workloads;
      expect(f.restarts.map((r) => r.workload).sort()).toEqual([...own].sort());
      expect(f.restarts.every((r) => r.host !== f.host)).toBe(true);
    }
    expect(plan.hostsUsed).toBeGreaterThanOrEqual(plan.lowerBound);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('powers a spare for a reserve of two hosts', () => {
    const estate = makeEstate({
      machines: [1, 2, 3, 4].map((i) => ({ id: `esx-${i}`, memoryGiB: 100 })),
      workloads: [{ id: 'a', memoryGiB: 80 }],
      consolidation: { haReserve: 2 },
    });
    const plan = planConsolidation(estate);
    expect(plan.hostsUsed).toBe(3);
    expect(plan.lowerBound).toBe(3);
    expect(plan.haProof[0]).toMatchObject({ method: 'spare-hosts' });
    expect(plan.haProof[0]?.spares).toHaveLength(2);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('explains what cannot be placed instead of failing', () => {
    const estate = makeEstate({
      sites: ['north', 'south'],
      machines: [{ id: 'esx-1', memoryGiB: 100 }],
      workloads: [
        { id: 'huge', memoryGiB: 500 },
        { id: 'far', site: 'south' },
        { id: 'pinned', pinnedSite: 'south' },
        { id: 'ok', memoryGiB: 10 },
      ],
      consolidation: noReserve,
    });
    const plan = planConsolidation(estate);
    const reasons = new Map(plan.unplaced.map((u) => [u.workload, u.reasons[0]!]));
    expect(reasons.get('huge')).toMatchObject({ rule: 'capacity', resource: 'memory', nearestHost: 'esx-1' });
    expect(reasons.get('huge')?.shortfall?.[0]?.missing).toBeCloseTo(410);
    expect(reasons.get('far')).toMatchObject({ rule: 'site', site: 'south' });
    expect(reasons.get('pinned')).toMatchObject({ rule: 'pinnedSite' });
    expect(plan.placements).toEqual([{ workload: 'ok', host: 'esx-1' }]);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('leaves workloads that stay physical on their machine and counts their energy', () => {
    const estate = makeEstate({
      machines: [
        { id: 'esx-1' },
        { id: 'srv-1', role: 'legacy', cpuCores: 8, memoryGiB: 32, powerIdleW: 100, powerMaxW: 200 },
        { id: 'srv-2', role: 'legacy', cpuCores: 8, memoryGiB: 32, powerIdleW: 100, powerMaxW: 200 },
      ],
      workloads: [
        { id: 'old', currentHost: 'srv-1', vcpus: 4, cpuUtilization: 0.5 },
        { id: 'mover', currentHost: 'srv-2', vcpus: 8, cpuUtilization: 0.25 },
      ],
      consolidation: noReserve,
      pue: 1.5,
    });
    const plan = planConsolidation(estate, { stayPhysical: new Set(['old']) });
    expect(plan.placements).toEqual([{ workload: 'mover', host: 'esx-1' }]);
    expect(plan.stayPhysical).toEqual(['old']);
    expect(plan.energy.machinesFreed).toEqual(['srv-2']);
    // Before: srv-1 at 2/8 busy (125 W), srv-2 at 2/8 (125 W), x 1.5 PUE.
    expect(plan.energy.before.watts).toBeCloseTo(375);
    // After: srv-1 (125 W) + esx-1 at 2/32 busy (150 + 250/16 W), x 1.5.
    expect(plan.energy.after.watts).toBeCloseTo((125 + 150 + 250 / 16) * 1.5);
    expect(plan.energy.after.kwhPerYear).toBeCloseTo((plan.energy.after.watts * 8760) / 1000);
    expect(plan.moves.moves).toEqual([
      { step: 1, workload: 'mover', from: 'srv-2', to: 'esx-1', temporary: false, overfills: false },
    ]);
    expect(verifyPlan(estate, plan).ok).toBe(true);
  });

  it('prefers the plan that moves fewest workloads among equally small ones', () => {
    const estate = makeEstate({
      machines: [1, 2, 3].map((i) => ({ id: `esx-${i}`, memoryGiB: 100 })),
      workloads: [
        { id: 'a', memoryGiB: 60, currentHost: 'esx-3' },
        { id: 'b', memoryGiB: 60, currentHost: 'esx-2' },
        { id: 'c', memoryGiB: 20, currentHost: 'esx-3' },
      ],
      consolidation: noReserve,
    });
    const plan = planConsolidation(estate);
    expect(plan.hostsUsed).toBe(2);
    expect(plan.moves.moves).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    const estate = makeEstate({
      machines: Array.from({ length: 20 }, (_, i) => ({ id: `esx-${i + 1}`, memoryGiB: 150 })),
      workloads: Array.from({ length: 40 }, (_, i) => ({ id: `w${i}`, memoryGiB: 20 + ((i * 37) % 80) })),
      consolidation: noReserve,
    });
    expect(planConsolidation(estate, { seed: 7 })).toEqual(planConsolidation(estate, { seed: 7 }));
  });
});

describePlanProperties('planConsolidation', planConsolidation);
