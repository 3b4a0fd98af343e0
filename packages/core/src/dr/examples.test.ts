/**
 * The DR reports of the example hospitals, against figures worked out by hand from the files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planConsolidation, verifyPlan } from '../consolidation/index.ts';
import { formatIssue } from '../estate/issues.ts';
import { parseEstate } from '../estate/parse.ts';
import type { Estate } from '../estate/types.ts';
import { evaluateDr } from './evaluate.ts';
import type { DrEvaluation } from './types.ts';

function load(name: string): Estate {
  const text = readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');
  const result = parseEstate(text, 'yaml');
  if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
  return result.value.estate;
}
const NOW = '2026-11-25';
const at = (e: DrEvaluation, site: string) => e.sites.find((s) => s.site === site)!;
const wl = (e: DrEvaluation, id: string) => e.workloads.find((w) => w.id === id)!;

describe('Riverside Community Hospital (main -> offsite)', () => {
  const estate = load('community-hospital.yaml');
  const e = evaluateDr(estate, { now: NOW });
  const main = at(e, 'main');

  it('restarts the PACS chain in dependency order: directory, database, image server, DICOM router', () => {
    // detection 10; directory boots 4 (10-14); pacs-db 8 (14-22); pacs-app 5 (22-27); dicom-router 3 (27-30).
    const times = Object.fromEntries(main.restarted.map((r) => [r.workload, [r.startMinute, r.readyMinute]]));
    expect(times.directory).toEqual([10, 14]);
    expect(times['pacs-db']).toEqual([14, 22]);
    expect(times['pacs-app']).toEqual([22, 27]);
    expect(times['dicom-router']).toEqual([27, 30]);
    expect(main.productionReadyMinute).toBe(30);
    expect(main.criticalPath.map((s) => s.workload)).toEqual([
      'directory',
      'pacs-db',
      'pacs-app',
      'dicom-router',
    ]);
    expect(wl(e, 'pacs-app').rto).toEqual({
      targetMinutes: 60,
      estimatedMinutes: 27,
      met: true,
      marginMinutes: 33,
    });
  });

  it('cannot restart the third member of anti-affinity group pacs on two hypervisors', () => {
    expect(main.notRestarted.map((n) => [n.workload, n.cause])).toEqual([['pacs-failover', 'capacity']]);
    expect(main.notRestarted[0]!.reasons[0]).toContain('anti-affinity group pacs');
    expect(main.applicationsDegraded).toEqual(['PACS']);
    expect(main.applicationsDown).toEqual([]);
    expect(e.findings.find((f) => f.code === 'DR_RECOVERY_CAPACITY_SHORT')!.message).toContain(
      'anti-affinity group pacs has more members to restart than offsite has hypervisors with room',
    );
  });

  it('boots the test systems after production', () => {
    const prodStarts = main.restarted.filter((r) => !r.workload.endsWith('-test')).map((r) => r.startMinute);
    for (const t of main.restarted.filter((r) => r.workload.endsWith('-test'))) {
      expect(t.startMinute).toBeGreaterThanOrEqual(Math.max(...prodStarts));
    }
  });

  it('replicates 8.35 GiB/h over the 200 Mbps link: 10% busy, RPO 11 min', () => {
    // 6 + 1 + 0.5 + 0.8 + 0.05 GiB/h = 19.92 Mbps; RPO = 10 min x 1.0996.
    expect(e.links[0]!.demandMbps).toBeCloseTo(19.924, 2);
    expect(wl(e, 'pacs-db').rpo).toMatchObject({ basis: 'async', met: true });
    expect(wl(e, 'pacs-db').rpo.achievableMinutes).toBeCloseTo(10.996, 2);
  });

  it('loses the offsite directory controller for good: offsite has no recovery site', () => {
    const offsite = at(e, 'offsite');
    expect(offsite.notRestarted).toEqual([
      {
        workload: 'directory-2',
        cause: 'no-recovery-site',
        reasons: ['offsite has no recovery site in policies.dr.recoverySites'],
      },
    ]);
    expect(offsite.applicationsDegraded).toEqual(['Directory']);
    expect(wl(e, 'directory-2').rpo).toMatchObject({
      basis: 'snapshot',
      achievableMinutes: 1440,
      met: false,
    });
  });

  it('flags the missing emergency mode plan and the overdue test (625 days, 260 over)', () => {
    const spec = Object.fromEntries(e.contingencyPlan.map((c) => [c.citation, c.met]));
    expect(spec).toEqual({
      '164.308(a)(7)(ii)(A)': true,
      '164.308(a)(7)(ii)(B)': true,
      '164.308(a)(7)(ii)(C)': false,
      '164.308(a)(7)(ii)(D)': false,
      '164.308(a)(7)(ii)(E)': true,
    });
    expect(e.findings.find((f) => f.code === 'HIPAA_TESTING_AND_REVISION')!.message).toContain(
      'last tested on 2025-03-10, 625 days ago, beyond the 365-day interval by 260 days',
    );
  });

  it('with the consolidation plan, the HA reserve restarts what any one hypervisor ran', () => {
    const plan = planConsolidation(estate);
    expect(verifyPlan(estate, plan).ok).toBe(true);
    const withPlan = evaluateDr(estate, { now: NOW, plan });
    const hypervisors = withPlan.blastRadius.filter((b) => b.role === 'hypervisor');
    expect(hypervisors.length).toBeGreaterThan(0);
    for (const b of hypervisors) expect([b.machine, b.haRestartsAll]).toEqual([b.machine, true]);
    expect(withPlan.findings.map((f) => f.code)).not.toContain('DR_HA_NOT_COVERED');
    // The plan changes where things run, not what a site loss restarts.
    expect(at(withPlan, 'main').notRestarted.map((n) => n.workload)).toEqual(['pacs-failover']);
  });

  it('without a plan, every server is a physical single point of failure', () => {
    expect(e.blastRadius.every((b) => b.role === 'legacy' && !b.haRestartsAll)).toBe(true);
    expect(e.singlePointsOfFailure.find((s) => s.application === 'Mail')).toEqual({
      application: 'Mail',
      kind: 'machine',
      on: 'srv-8',
      workloads: ['mail'],
    });
  });
});

describe('Lakeside Regional Medical Center (north <-> south)', () => {
  const estate = load('regional-hospital.yaml');
  const e = evaluateDr(estate, { now: NOW });

  it('each campus can restart the other: 157 and 184 workloads, nothing left out', () => {
    expect(
      e.sites.map((s) => [
        s.site,
        s.recoverySite,
        s.lostWorkloads,
        s.restarted.length,
        s.notRestarted.length,
      ]),
    ).toEqual([
      ['north', 'south', 157, 157, 0],
      ['south', 'north', 184, 184, 0],
    ]);
    // Nothing starts before the 15-minute detection.
    for (const s of e.sites) expect(Math.min(...s.restarted.map((r) => r.startMinute))).toBe(15);
  });

  it('108 GiB/h of changes over 1 Gb/s: 25.8% busy, so a 15-minute interval gives an 18.9-minute RPO', () => {
    expect(e.links[0]!.demandMbps).toBeCloseTo(257.698, 2);
    expect(e.links[0]!.utilization).toBeCloseTo(0.2577, 4);
    const critical = e.workloads.filter((w) => w.criticality === 'critical');
    for (const w of critical) {
      expect(w.rpo.achievableMinutes).toBeCloseTo(18.866, 2);
      expect(w.rpo.met).toBe(w.rpo.targetMinutes >= 18.866);
    }
    expect(
      e.findings
        .filter((f) => f.code === 'DR_RPO_MISSED')
        .every((f) => f.message.includes('missed by 3.9 min')),
    ).toBe(true);
  });

  it('meets the contingency plan, and the 2025 proposal: tested 219 days ago, 12 h snapshots', () => {
    expect(e.contingencyPlan.every((c) => c.met)).toBe(true);
    expect(e.rollback).toMatchObject({ windowMinutes: 30 * 1440, granularityMinutes: 720 });
    const strict = evaluateDr(estate, { now: NOW, profile: 'hipaa-2025-proposed' });
    expect(strict.contingencyPlan.map((c) => [c.title, c.met]).filter(([, met]) => !met)).toEqual([]);
  });
});
