import { describe, expect, it } from 'vitest';
import { planMoves } from './moves.ts';
import { makeEstate } from './test-support.ts';

describe('planMoves', () => {
  // Two full hosts swap their workloads: no order avoids overfilling one of them.
  const swap = (withSpare: boolean) =>
    makeEstate({
      machines: [
        { id: 'esx-1', memoryGiB: 100 },
        { id: 'esx-2', memoryGiB: 100 },
        ...(withSpare ? [{ id: 'esx-3', memoryGiB: 100 }] : []),
      ],
      workloads: [
        { id: 'a', memoryGiB: 80, currentHost: 'esx-1' },
        { id: 'b', memoryGiB: 80, currentHost: 'esx-2' },
      ],
    });
  const target = [
    { workload: 'a', host: 'esx-2' },
    { workload: 'b', host: 'esx-1' },
  ];

  it('stops on an unused host when moves block each other', () => {
    const plan = planMoves(swap(true), target, new Set(['esx-1', 'esx-2']));
    expect(plan.moves).toEqual([
      { step: 1, workload: 'b', from: 'esx-2', to: 'esx-3', temporary: true, overfills: false },
      { step: 2, workload: 'a', from: 'esx-1', to: 'esx-2', temporary: false, overfills: false },
      { step: 3, workload: 'b', from: 'esx-3', to: 'esx-1', temporary: false, overfills: false },
    ]);
    expect(plan.temporarySpares).toEqual(['esx-3']);
    expect(plan.spareNeeded).toBe(false);
  });

  it('says a spare is needed when there is none', () => {
    const plan = planMoves(swap(false), target, new Set(['esx-1', 'esx-2']));
    expect(plan.spareNeeded).toBe(true);
    expect(plan.moves.every((m) => m.overfills)).toBe(true);
  });

  it('orders moves so that a host is emptied before it is filled', () => {
    const estate = makeEstate({
      machines: [
        { id: 'esx-1', memoryGiB: 100 },
        { id: 'esx-2', memoryGiB: 100 },
      ],
      workloads: [
        { id: 'a', memoryGiB: 60, currentHost: 'esx-1' },
        { id: 'b', memoryGiB: 60, currentHost: 'esx-2' },
      ],
    });
    // a must wait for b to leave esx-2.
    const plan = planMoves(
      estate,
      [
        { workload: 'a', host: 'esx-2' },
        { workload: 'b', host: 'esx-1' },
      ],
      new Set(['esx-1', 'esx-2']),
    );
    expect(plan.spareNeeded).toBe(true);
    const chain = planMoves(
      makeEstate({
        machines: [
          { id: 'esx-1', memoryGiB: 100 },
          { id: 'esx-2', memoryGiB: 100 },
          { id: 'srv-1', role: 'legacy', memoryGiB: 100 },
        ],
        workloads: [
          { id: 'a', memoryGiB: 60, currentHost: 'esx-1' },
          { id: 'b', memoryGiB: 60, currentHost: 'srv-1' },
        ],
      }),
      [
        { workload: 'a', host: 'esx-2' },
        { workload: 'b', host: 'esx-1' },
      ],
      new Set(['esx-1', 'esx-2']),
    );
    expect(chain.moves.map((m) => m.workload)).toEqual(['a', 'b']);
    expect(chain.spareNeeded).toBe(false);
  });
});
