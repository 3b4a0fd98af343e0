import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatIssue } from './issues.ts';
import { parseEstate } from './parse.ts';

const specExample = readFileSync(new URL('../../../../examples/spec-example.yaml', import.meta.url), 'utf8');

const minimal = {
  apiVersion: 'virtplan/v1',
  name: 'Test',
  sites: [{ id: 'north' }, { id: 'south' }],
  hosts: [{ id: 'esx', site: 'north', count: 2, cpuCores: 16, memoryGiB: 256 }],
  workloads: [{ id: 'a', application: 'A', memoryGiB: 8 }],
};
type Doc = Record<string, unknown>;

/** Errors of a document given as an object, as formatted one-liners. */
function errorsOf(doc: Doc): string[] {
  const result = parseEstate(JSON.stringify(doc), 'json');
  if (result.ok) return [];
  return result.error.map(formatIssue);
}
const withWorkload = (w: Doc): Doc => ({
  ...minimal,
  workloads: [{ id: 'a', application: 'A', memoryGiB: 8, ...w }],
});

describe('parseEstate', () => {
  it('accepts the example of the spec and expands host counts into machines', () => {
    const result = parseEstate(specExample, 'yaml');
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    const { estate, warnings } = result.value;
    expect(warnings).toEqual([]);
    expect(estate.machines.map((m) => m.id)).toEqual([
      'esx-1',
      'esx-2',
      'esx-3',
      'esx-4',
      ...Array.from({ length: 8 }, (_, i) => `srv-${i + 1}`),
    ]);
    const directory = estate.workloads.find((w) => w.id === 'directory')!;
    // Defaults: first site, production, 1.0 utilisation, RPO/RTO from the critical tier.
    expect(directory).toMatchObject({
      site: 'north',
      role: 'production',
      cpuUtilization: 0.05,
      iops: 0,
      rpoMinutes: 15,
      rtoMinutes: 60,
      bootMinutes: 3,
      pinnedSite: 'north',
      rpoFromPolicy: true,
    });
    expect(estate.sites[1]).toMatchObject({
      id: 'south',
      name: 'South campus',
      pue: 1.6,
      assumed: ['pue', 'energyCostPerKwh', 'carbonKgPerKwh'],
    });
    expect(estate.machines[0]).toMatchObject({ iops: 60000, storageGiB: 20000, networkGbps: 10 });
    expect(estate.machines[4]).toMatchObject({ role: 'legacy', iops: Number.POSITIVE_INFINITY, cpuGhz: 2.5 });
    expect(estate.policies.dr.recoverySites).toEqual({ north: 'south' });
    expect(estate.policies.dr.contingencyPlan.lastTestedOn).toBe('2026-06-01');
  });

  it('reads the same estate from YAML and JSON', () => {
    const fromYaml = parseEstate(stringify(minimal), 'yaml');
    const fromJson = parseEstate(JSON.stringify(minimal), 'json');
    expect(fromYaml).toEqual(fromJson);
    expect(fromYaml.ok).toBe(true);
  });

  it('reports every schema error at once, each with its path', () => {
    const errors = errorsOf({
      apiVersion: 'virtplan/v2',
      name: '',
      sites: [{ id: 'North' }],
      hosts: [{ id: 'x', site: 'north', cpuCores: 0 }],
      workloads: [{ id: 'w', memoryGiB: -1, cpuUtilization: 1.5, criticality: 'urgent' }],
    });
    expect(errors).toEqual([
      'apiVersion: must be "virtplan/v1"',
      'name: must not be empty',
      'sites[0].id: must start with a lower-case letter or digit and use only a-z, 0-9 and -',
      'hosts[0].cpuCores: must be a number > 0',
      'hosts[0].memoryGiB: is required',
      'workloads[0].application: is required',
      'workloads[0].cpuUtilization: must be a number <= 1',
      'workloads[0].memoryGiB: must be a number >= 0',
      'workloads[0].criticality: must be one of: critical | high | medium | low',
    ]);
  });

  it.each([
    [{ ...minimal, apiVersion: undefined }, 'apiVersion: is required'],
    [{ ...minimal, sites: [] }, 'sites: must have at least 1 item(s)'],
    [{ ...minimal, hosts: [] }, 'hosts: must have at least 1 item(s)'],
    [{ ...minimal, workloads: undefined }, 'workloads: is required'],
    [{ ...minimal, sites: [{ id: 'north' }, { id: 'north' }] }, "sites[1].id: duplicate site id 'north'"],
    [{ ...minimal, sites: [{ id: 'north', pue: 0.9 }] }, 'sites[0].pue: must be a number >= 1'],
    [
      { ...minimal, links: [{ between: ['north', 'north'], bandwidthMbps: 10 }] },
      "links[0].between: a link joins two different sites, not 'north' to itself",
    ],
    [
      { ...minimal, links: [{ between: ['north', 'east'], bandwidthMbps: 10 }] },
      "links[0].between[1]: unknown site 'east' (sites: north, south)",
    ],
    [
      { ...minimal, links: [{ between: ['north', 'south'], bandwidthMbps: 0 }] },
      'links[0].bandwidthMbps: must be a number > 0',
    ],
    [
      { ...minimal, hosts: [{ id: 'esx', site: 'west', cpuCores: 8, memoryGiB: 8 }] },
      "hosts[0].site: unknown site 'west' (sites: north, south)",
    ],
    [
      { ...minimal, hosts: [{ id: 'esx', site: 'north', count: 0, cpuCores: 8, memoryGiB: 8 }] },
      'hosts[0].count: must be a number >= 1',
    ],
    [
      { ...minimal, hosts: [{ id: 'esx', site: 'north', role: 'bare', cpuCores: 8, memoryGiB: 8 }] },
      'hosts[0].role: must be one of: hypervisor | legacy',
    ],
    [
      {
        ...minimal,
        hosts: [
          { id: 'esx', site: 'north', cpuCores: 8, memoryGiB: 8 },
          { id: 'esx', site: 'north', cpuCores: 8, memoryGiB: 8 },
        ],
      },
      "hosts[1].id: duplicate host id 'esx'",
    ],
    [
      withWorkload({ role: 'primary' }),
      'workloads[0].role: must be one of: production | failover | test | training',
    ],
    [withWorkload({ site: 'east' }), "workloads[0].site: unknown site 'east' (sites: north, south)"],
    [withWorkload({ currentHost: 'srv-9' }), "workloads[0].currentHost: unknown host 'srv-9'"],
    [
      withWorkload({ currentHost: 'esx' }),
      "workloads[0].currentHost: 'esx' names 2 machines; name one of them, e.g. 'esx-1'",
    ],
    [withWorkload({ dependsOn: ['nobody'] }), "workloads[0].dependsOn[0]: unknown workload 'nobody'"],
    [withWorkload({ dependsOn: ['a'] }), 'workloads[0].dependsOn[0]: a workload cannot depend on itself'],
    [
      withWorkload({ vendorSupport: 'maybe' }),
      'workloads[0].vendorSupport: must be one of: supported | conditional | unsupported | unknown',
    ],
    [withWorkload({ memoryGiB: 'lots' }), 'workloads[0].memoryGiB: must be a number (got "lots")'],
    [withWorkload({ phi: 'yes' }), 'workloads[0].phi: must be true or false (got "yes")'],
    [
      withWorkload({ pinnedSite: 'south', site: 'north' }),
      "workloads[0].pinnedSite: is 'south' but the workload's site is 'north'",
    ],
    [
      withWorkload({ currentHost: 'esx-1', site: 'south' }),
      "workloads[0].currentHost: 'esx-1' is at site 'north' but the workload's site is 'south'",
    ],
    [
      { ...minimal, policies: { consolidation: { headroom: { cpu: 1.2 } } } },
      'policies.consolidation.headroom.cpu: must be a number <= 1',
    ],
    [
      { ...minimal, policies: { consolidation: { haReserve: 0.5 } } },
      'policies.consolidation.haReserve: must be a whole number (got 0.5)',
    ],
    [
      { ...minimal, policies: { dr: { recoverySites: { north: 'mars' } } } },
      "policies.dr.recoverySites.north: unknown site 'mars' (sites: north, south)",
    ],
    [
      { ...minimal, policies: { dr: { replication: { mode: 'magic' } } } },
      'policies.dr.replication.mode: must be one of: async | sync | none',
    ],
    [
      { ...minimal, policies: { dr: { contingencyPlan: { lastTestedOn: 'last June' } } } },
      'policies.dr.contingencyPlan.lastTestedOn: must be a date written YYYY-MM-DD',
    ],
  ])('rejects a broken file with the path of the field (%#)', (doc, expected) => {
    expect(errorsOf(doc as Doc)).toContain(expected);
  });

  it('names every member of a dependency cycle', () => {
    const errors = errorsOf({
      ...minimal,
      workloads: [
        { id: 'a', application: 'A', memoryGiB: 1, dependsOn: ['b'] },
        { id: 'b', application: 'A', memoryGiB: 1, dependsOn: ['c'] },
        { id: 'c', application: 'A', memoryGiB: 1, dependsOn: ['a'] },
        { id: 'd', application: 'A', memoryGiB: 1, dependsOn: ['a'] },
      ],
    });
    expect(errors).toEqual(['workloads[0].dependsOn: dependency cycle: a -> b -> c -> a']);
  });

  it('warns about unknown fields without rejecting the file', () => {
    const result = parseEstate(
      JSON.stringify(withWorkload({ cpuUtilisation: 0.2, 'x-owner': 'radiology' })),
      'json',
    );
    expect(result.ok && result.value.warnings.map(formatIssue)).toEqual([
      'warning: workloads[0].cpuUtilisation: unknown field, ignored (check the spelling; extensions may start with x-)',
    ]);
  });

  it('turns syntax problems into errors with a line, never a throw', () => {
    const dup = parseEstate('apiVersion: virtplan/v1\nname: a\nname: b\n', 'yaml');
    expect(dup.ok ? [] : dup.error.map(formatIssue)).toEqual([
      '(root) (line 3): not valid YAML: Map keys must be unique',
    ]);
    const json = parseEstate('{"apiVersion": ', 'json');
    expect(json.ok).toBe(false);
    const deep = parseEstate(`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'yaml');
    expect(deep.ok).toBe(false);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      laughs.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const bomb = parseEstate(laughs.join('\n'), 'yaml');
    expect(bomb.ok ? '' : bomb.error[0]!.message).toMatch(/alias/i);
  });

  it('refuses nonsense numbers that YAML can express', () => {
    const text = stringify(withWorkload({})).replace('memoryGiB: 8\n', 'memoryGiB: .nan\n');
    const result = parseEstate(text, 'yaml');
    expect(result.ok ? [] : result.error.map(formatIssue)).toContain(
      'workloads[0].memoryGiB: must be a number (got NaN)',
    );
    const inf = parseEstate(
      stringify(withWorkload({})).replace('memoryGiB: 8\n', 'memoryGiB: .inf\n'),
      'yaml',
    );
    expect(inf.ok).toBe(false);
  });
});
