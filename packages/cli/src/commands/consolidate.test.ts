import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { memoryIo } from '../testing.ts';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');
const files = {
  'hospital.yaml': example('community-hospital.yaml'),
  'broken.yaml': 'apiVersion: virtplan/v1\nname: x\nsites: []\n',
  'tiny.yaml': [
    'apiVersion: virtplan/v1',
    'name: Tiny',
    'sites: [{ id: north }]',
    'hosts: [{ id: esx, site: north, cpuCores: 16, memoryGiB: 100 }]',
    'workloads:',
    '  - { id: big, application: A, memoryGiB: 60, vendorSupport: supported }',
    '  - { id: small, application: B, memoryGiB: 50, vendorSupport: supported }',
    'policies: { consolidation: { haReserve: 0 } }',
    '',
  ].join('\n'),
};

describe('virtplan consolidate', () => {
  it('prints the plan as JSON with the documented fields', async () => {
    const io = memoryIo(files);
    expect(await main(['consolidate', 'hospital.yaml', '--format', 'json'], io)).toBe(0);
    const plan = JSON.parse(io.stdoutText());
    for (const key of [
      'hostsUsed',
      'lowerBound',
      'placements',
      'unplaced',
      'hosts',
      'energy',
      'moves',
      'haFailover',
    ]) {
      expect(plan).toHaveProperty(key);
    }
    expect(plan.hostsUsed).toBeGreaterThanOrEqual(plan.lowerBound);
    expect(plan.hosts.length).toBe(plan.hostsUsed);
    expect(plan.energy.before).toHaveProperty('kwhPerYear');
    expect(plan.energy.after).toHaveProperty('carbonKg');
  });

  it('gives reasons, not an error, for what cannot fit; unlimited use is null', async () => {
    const io = memoryIo(files);
    expect(await main(['consolidate', 'tiny.yaml', '--format', 'json'], io)).toBe(0);
    const plan = JSON.parse(io.stdoutText());
    expect(plan.unplaced).toEqual([
      {
        workload: 'small',
        reasons: [expect.objectContaining({ rule: 'capacity', resource: 'memory', nearestHost: 'esx' })],
      },
    ]);
    // 90 GiB usable (headroom 0.9): the 60 GiB workload is placed, the 50 GiB one misses by 20.
    expect(plan.unplaced[0].reasons[0].shortfall).toEqual([{ resource: 'memory', missing: 20 }]);
    expect(plan.placements).toEqual([{ workload: 'big', host: 'esx' }]);
    expect(plan.hosts[0].use.iops).toBeNull();
  });

  it('draws a bar per host in the table', async () => {
    const io = memoryIo(files);
    expect(await main(['consolidate', 'tiny.yaml'], io)).toBe(0);
    const text = io.stdoutText();
    expect(text).toContain('Hypervisor hosts powered: 1 (lower bound 1, gap 0)');
    expect(text).toMatch(/esx +north +1 +█{12}·{8} 60%/);
    expect(text).toContain('small');
    expect(io.stderrText()).toBe('');
  });

  it('is deterministic for a seed', async () => {
    const a = memoryIo(files);
    const b = memoryIo(files);
    await main(['consolidate', 'hospital.yaml', '--format', 'json', '--seed', '3'], a);
    await main(['consolidate', 'hospital.yaml', '--format', 'json', '--seed', '3'], b);
    expect(a.stdoutText()).toBe(b.stdoutText());
  });

  it('rejects bad input with one line and exit 2', async () => {
    for (const argv of [
      ['consolidate', 'hospital.yaml', '--seed', 'x'],
      ['consolidate', 'hospital.yaml', '--time-limit=-1'],
      ['consolidate', 'missing.yaml'],
      ['consolidate'],
    ]) {
      const io = memoryIo(files);
      expect(await main(argv, io)).toBe(2);
      expect(io.stderrText().trim().split('\n')).toHaveLength(1);
    }
    const io = memoryIo(files);
    expect(await main(['consolidate', 'broken.yaml'], io)).toBe(2);
    expect(io.stderrText()).toContain('broken.yaml is not a valid estate');
  });
});
