import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { memoryIo } from '../testing.ts';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');

const thinLink = JSON.stringify({
  apiVersion: 'virtplan/v1',
  name: 'Thin',
  sites: [{ id: 'a' }, { id: 'b' }],
  links: [{ between: ['a', 'b'], bandwidthMbps: 10 }],
  hosts: [
    { id: 'ha', site: 'a', cpuCores: 16, memoryGiB: 256 },
    { id: 'hb', site: 'b', cpuCores: 16, memoryGiB: 256 },
  ],
  workloads: [
    { id: 'db', application: 'DB', site: 'a', currentHost: 'ha', memoryGiB: 8, changeRateGiBPerHour: 10 },
  ],
  policies: { dr: { recoverySites: { a: 'b' }, replication: { mode: 'async', intervalMinutes: 15 } } },
});
const files = {
  'hospital.yaml': example('community-hospital.yaml'),
  'thin.json': thinLink,
  'broken.yaml': 'apiVersion: virtplan/v1\nname: x\nsites: []\n',
};

describe('virtplan dr', () => {
  it('JSON: sites with restarts and refusals, workloads with RPO/RTO, links, findings', async () => {
    const io = memoryIo(files);
    expect(await main(['dr', 'hospital.yaml', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.stdoutText());
    const main_ = report.sites.find((s: { site: string }) => s.site === 'main');
    expect(main_.recoverySite).toBe('offsite');
    expect(main_.restarted.find((r: { workload: string }) => r.workload === 'directory')).toMatchObject({
      startMinute: 10,
      readyMinute: 14,
    });
    expect(main_.notRestarted).toEqual([
      expect.objectContaining({
        workload: 'pacs-failover',
        cause: 'capacity',
        reasons: [expect.stringContaining('anti-affinity group pacs')],
      }),
    ]);
    const pacsDb = report.workloads.find((w: { id: string }) => w.id === 'pacs-db');
    expect(pacsDb.rpo).toMatchObject({ targetMinutes: 15, met: true });
    expect(pacsDb.rto).toMatchObject({ targetMinutes: 60, estimatedMinutes: 22, met: true });
    expect(report.links[0].utilization).toBeCloseTo(0.0996, 3);
    expect(report.blastRadius.length).toBeGreaterThan(0);
    expect(report.singlePointsOfFailure.length).toBeGreaterThan(0);
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('HIPAA_EMERGENCY_MODE_PLAN');
    for (const f of report.findings)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['code', 'severity', 'message']));
  });

  it('unbounded minutes are null in JSON', async () => {
    const io = memoryIo(files);
    expect(await main(['dr', 'thin.json', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.stdoutText());
    // 10 GiB/h = 23.9 Mbps over 10 Mbps.
    expect(report.links[0].utilization).toBeCloseTo(2.386, 3);
    expect(report.workloads[0].rpo).toMatchObject({
      achievableMinutes: null,
      met: false,
      marginMinutes: null,
    });
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('DR_LINK_SATURATED');
  });

  it('table: a restart timeline as a Gantt chart, the critical path and the HIPAA specifications', async () => {
    const io = memoryIo(files);
    expect(await main(['dr', 'hospital.yaml'], io)).toBe(0);
    const text = io.stdoutText();
    expect(text).toContain('Losing main: restart at offsite');
    expect(text).toContain('Restart timeline');
    expect(text).toMatch(/directory\s+dr-esx-\d\s+10\s+14\s+\|\s*█+\s*\|/);
    expect(text).toContain('Critical path: directory on');
    expect(text).toContain('164.308(a)(7)(ii)(C)  Emergency mode operation plan');
    expect(text).toContain('Losing offsite: no recovery site; every workload there is lost (1)');
  });

  it('--site narrows the report to one site', async () => {
    const io = memoryIo(files);
    expect(await main(['dr', 'hospital.yaml', '--site', 'offsite', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.stdoutText());
    expect(report.sites.map((s: { site: string }) => s.site)).toEqual(['offsite']);
    expect(report.workloads.map((w: { id: string }) => w.id)).toEqual(['directory-2']);
    expect(
      report.findings.every(
        (f: { site?: string; workload?: string }) => f.site === 'offsite' || f.workload === 'directory-2',
      ),
    ).toBe(true);
  });

  it('bad input: one clear error and exit 2', async () => {
    for (const [argv, message] of [
      [['dr', 'hospital.yaml', '--site', 'east'], "no site 'east' in hospital.yaml (sites: main, offsite)"],
      [
        ['dr', 'hospital.yaml', '--profile', 'hipaa-1996'],
        '--profile must be hipaa-2013 or hipaa-2025-proposed',
      ],
      [['dr', 'hospital.yaml', '--format', 'xml'], '--format must be table or json'],
      [['dr', 'missing.yaml'], 'missing.yaml: no such file'],
      [['dr'], 'missing FILE'],
      [['dr', 'broken.yaml'], 'broken.yaml is not a valid estate'],
    ] as const) {
      const io = memoryIo(files);
      expect(await main(argv, io)).toBe(2);
      expect(io.stdoutText()).toBe('');
      expect(io.stderrText()).toContain(`virtplan dr: ${message}`);
    }
  });

  it('the 2025 proposed profile makes every specification required', async () => {
    const io = memoryIo(files);
    expect(
      await main(['dr', 'hospital.yaml', '--profile', 'hipaa-2025-proposed', '--format', 'json'], io),
    ).toBe(0);
    const report = JSON.parse(io.stdoutText());
    expect(report.profile).toBe('hipaa-2025-proposed');
    expect(report.contingencyPlan.every((c: { status: string }) => c.status === 'required')).toBe(true);
  });
});
