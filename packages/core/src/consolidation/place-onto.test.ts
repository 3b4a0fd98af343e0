import { describe, expect, it } from 'vitest';
import { placeOnto } from './place-onto.ts';
import { makeEstate } from './test-support.ts';

describe('placeOnto', () => {
  const estate = makeEstate({
    machines: [
      { id: 'esx-1', memoryGiB: 100 },
      { id: 'esx-2', memoryGiB: 100 },
    ],
    workloads: [
      { id: 'running', memoryGiB: 70 },
      { id: 'a', memoryGiB: 40, antiAffinityGroup: 'g' },
      { id: 'b', memoryGiB: 40, antiAffinityGroup: 'g' },
      { id: 'c', memoryGiB: 50 },
    ],
  });
  const machines = estate.machines;
  const byId = (id: string) => estate.workloads.find((w) => w.id === id)!;

  it('places on top of what already runs, best fit, at headroom 1 by default', () => {
    const result = placeOnto(estate, machines, new Map([['esx-1', ['running']]]), [byId('c')]);
    expect(result.placements).toEqual([{ workload: 'c', host: 'esx-2' }]);
    expect(result.unfit).toEqual([]);
  });

  it('reports the shortfall per resource on the nearest machine', () => {
    const existing = new Map([
      ['esx-1', ['running']],
      ['esx-2', ['running']],
    ]);
    const result = placeOnto(estate, machines, existing, [byId('c')]);
    expect(result.placements).toEqual([]);
    expect(result.unfit).toHaveLength(1);
    expect(result.unfit[0]?.rule).toBe('capacity');
    expect(result.unfit[0]?.shortfall).toEqual([{ resource: 'memory', missing: 20 }]);
  });

  it('keeps members of an anti-affinity group apart and honours headroom', () => {
    const result = placeOnto(estate, machines, new Map(), [byId('a'), byId('b')], { headroom: 0.5 });
    expect(new Set(result.placements.map((p) => p.host))).toEqual(new Set(['esx-1', 'esx-2']));
    const tight = placeOnto(estate, [machines[0]!], new Map(), [byId('a'), byId('b')]);
    expect(tight.placements).toHaveLength(1);
    expect(tight.unfit[0]?.rule).toBe('antiAffinityGroup');
  });
});
