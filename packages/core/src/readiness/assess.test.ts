import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../estate/issues.ts';
import { parseEstate } from '../estate/parse.ts';
import type { Estate } from '../estate/types.ts';
import { assessEstate, notReadyWorkloads } from './assess.ts';
import { READINESS_RULES } from './rules.ts';

function load(doc: object | string): Estate {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const result = parseEstate(text, typeof doc === 'string' ? 'yaml' : 'json');
  if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
  return result.value.estate;
}
const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');

const base = {
  apiVersion: 'virtplan/v1',
  name: 'T',
  sites: [{ id: 'main' }, { id: 'dr' }],
  hosts: [
    { id: 'esx', site: 'main', count: 2, cpuCores: 16, memoryGiB: 256, iops: 50000, networkGbps: 10 },
    { id: 'slow', site: 'dr', cpuCores: 16, memoryGiB: 256, networkGbps: 0.1 },
  ],
};
const measured = {
  cpuUtilization: 0.1,
  iops: 100,
  networkMbps: 10,
  storageGiB: 50,
  vendorSupport: 'supported',
};
const codesOf = (workload: object) => {
  const estate = load({
    ...base,
    workloads: [{ id: 'w', application: 'App', memoryGiB: 8, ...measured, ...workload }],
  });
  const [r] = assessEstate(estate).workloads;
  return { status: r!.status, codes: r!.findings.map((f) => f.code) };
};

describe('assessEstate rules', () => {
  it('a measured, supported, modest workload is READY with no findings', () => {
    expect(codesOf({})).toEqual({ status: 'READY', codes: [] });
  });
  it('vendor stances', () => {
    expect(codesOf({ vendorSupport: 'unsupported' })).toEqual({
      status: 'NOT_READY',
      codes: ['VENDOR_UNSUPPORTED'],
    });
    expect(codesOf({ vendorSupport: 'unknown' })).toEqual({
      status: 'UNKNOWN',
      codes: ['VENDOR_SUPPORT_UNKNOWN'],
    });
    expect(codesOf({ vendorSupport: 'conditional' })).toEqual({
      status: 'READY_WITH_CONDITIONS',
      codes: ['VENDOR_SUPPORT_CONDITIONAL'],
    });
  });
  it('IOPS above the policy asks for a dedicated host', () => {
    expect(codesOf({ iops: 20001 })).toEqual({
      status: 'READY_WITH_CONDITIONS',
      codes: ['DEDICATED_HOST_IOPS'],
    });
    expect(codesOf({ iops: 20000 }).codes).toEqual([]);
  });
  it('larger than any hypervisor after headroom is NOT_READY, naming the resource', () => {
    // 256 GiB x 0.9 headroom = 230.4 GiB usable.
    const estate = load({ ...base, workloads: [{ id: 'w', application: 'A', memoryGiB: 231, ...measured }] });
    const [r] = assessEstate(estate).workloads;
    expect(r!.status).toBe('NOT_READY');
    expect(r!.findings[0]!.message).toBe(
      'w needs 231 GiB of memory; the largest hypervisor at main (esx-1) offers 230.4 after headroom.',
    );
    expect(codesOf({ memoryGiB: 230 }).codes).toEqual([]);
    // 16 cores x 4 overcommit = 64 vCPUs.
    expect(codesOf({ vcpus: 65, cpuUtilization: 0.01 }).codes).toEqual(['EXCEEDS_HOST_CAPACITY']);
  });
  it('network: heavy on a shared link, and hosts below 1 Gb/s', () => {
    // 10 Gb/s x 0.7 = 7000 Mb/s usable; more than half is heavy.
    expect(codesOf({ networkMbps: 3600 }).codes).toEqual(['NETWORK_HEAVY']);
    expect(codesOf({ networkMbps: 3400 }).codes).toEqual([]);
    expect(codesOf({ site: 'dr', networkMbps: 40 }).codes).toEqual(['NETWORK_HEAVY', 'SLOW_HOST_NETWORK']);
    expect(codesOf({ site: 'dr', networkMbps: 80 }).codes).toEqual([
      'EXCEEDS_HOST_CAPACITY',
      'SLOW_HOST_NETWORK',
    ]);
  });
  it('a site with no hypervisor', () => {
    const estate = load({
      ...base,
      sites: [...base.sites, { id: 'clinic' }],
      workloads: [{ id: 'w', application: 'A', memoryGiB: 1, site: 'clinic', ...measured }],
    });
    expect(assessEstate(estate).workloads[0]!.findings.map((f) => f.code)).toEqual(['NO_HYPERVISOR_AT_SITE']);
  });
  it('critical production needs a failover or cluster partner', () => {
    expect(codesOf({ criticality: 'critical' }).codes).toEqual(['NO_FAILOVER_PARTNER']);
    const estate = load({
      ...base,
      workloads: [
        { id: 'w', application: 'A', memoryGiB: 1, criticality: 'critical', ...measured },
        { id: 'w-fo', application: 'A', role: 'failover', memoryGiB: 1, ...measured },
      ],
    });
    expect(assessEstate(estate).workloads[0]!.findings).toEqual([]);
  });
  it('PHI needs a recovery site it can move to', () => {
    expect(codesOf({ phi: true }).codes).toEqual(['PHI_NO_RECOVERY_SITE']);
    const withDr = { ...base, policies: { dr: { recoverySites: { main: 'dr' } } } };
    const ok = load({
      ...withDr,
      workloads: [{ id: 'w', application: 'A', memoryGiB: 1, phi: true, ...measured }],
    });
    expect(assessEstate(ok).workloads[0]!.findings).toEqual([]);
    const pinned = load({
      ...withDr,
      workloads: [{ id: 'w', application: 'A', memoryGiB: 1, phi: true, pinnedSite: 'main', ...measured }],
    });
    expect(assessEstate(pinned).workloads[0]!.findings.map((f) => f.code)).toEqual(['PHI_NO_RECOVERY_SITE']);
  });
  it('missing measurements lower confidence; none at all is UNKNOWN', () => {
    const estate = load({
      ...base,
      workloads: [
        { id: 'a', application: 'A', memoryGiB: 1, vendorSupport: 'supported', storageGiB: 5 },
        { id: 'b', application: 'A', memoryGiB: 1, vendorSupport: 'supported' },
      ],
    });
    const report = assessEstate(estate);
    expect(report.workloads.map((r) => [r.status, r.findings.map((f) => f.code)])).toEqual([
      ['READY_WITH_CONDITIONS', ['MISSING_MEASUREMENTS']],
      ['UNKNOWN', ['NO_MEASUREMENTS']],
    ]);
    expect(report.dataConfidence).toBeCloseTo(1 / 8);
  });
  it('every emitted code is in the registry', () => {
    const codes = new Set(READINESS_RULES.map((r) => r.code));
    expect(codes.size).toBe(READINESS_RULES.length);
    for (const rule of READINESS_RULES) {
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.remedy.length).toBeGreaterThan(20);
    }
  });
});

describe('the community hospital example (checked by hand)', () => {
  const estate = load(example('community-hospital.yaml'));
  const report = assessEstate(estate);
  const statusOf = (id: string) => report.workloads.find((r) => r.id === id)!;
  const app = (name: string) => report.applications.find((a) => a.application === name)!;

  it('classifies each server as an architect would', () => {
    expect(Object.fromEntries(report.workloads.map((r) => [r.id, r.status]))).toEqual({
      'pacs-db': 'READY_WITH_CONDITIONS', // 24,000 IOPS > 20,000: a host of its own
      'pacs-app': 'READY',
      'pacs-failover': 'READY',
      'pacs-test': 'READY',
      'ris-app': 'READY',
      'ris-failover': 'READY',
      'ris-test': 'READY',
      mail: 'READY',
      directory: 'READY',
      'directory-2': 'READY',
      'dicom-router': 'READY',
      ecg: 'NOT_READY', // the vendor refuses
      fileprint: 'READY_WITH_CONDITIONS', // no IOPS or network figures
      antivirus: 'UNKNOWN', // nobody asked, nothing measured
    });
    expect(statusOf('pacs-db').findings.map((f) => f.code)).toEqual(['DEDICATED_HOST_IOPS']);
    expect(statusOf('ecg').findings.map((f) => f.code)).toEqual(['VENDOR_UNSUPPORTED']);
  });

  it('an application is as ready as its worst workload, with all their findings', () => {
    expect(app('PACS').status).toBe('READY_WITH_CONDITIONS');
    expect(app('PACS').workloads).toEqual(['pacs-db', 'pacs-app', 'pacs-failover', 'pacs-test']);
    expect(app('Cardiology ECG').status).toBe('NOT_READY');
    expect(app('Antivirus').findings.map((f) => f.code)).toEqual([
      'VENDOR_SUPPORT_UNKNOWN',
      'NO_MEASUREMENTS',
    ]);
    expect(report.summary).toEqual({ READY: 10, READY_WITH_CONDITIONS: 2, UNKNOWN: 1, NOT_READY: 1 });
    expect([...notReadyWorkloads(report)]).toEqual(['ecg']);
  });

  it('reports the data confidence: 50 of 56 sizing figures measured', () => {
    // fileprint lacks iops and network (2); antivirus lacks all four.
    expect(report.dataConfidence).toBeCloseTo(50 / 56);
  });

  it('joins extra application findings (DR) into application readiness', () => {
    const withDr = assessEstate(estate, {
      applicationFindings: (a) => (a === 'RIS' ? [{ code: 'DR_X', severity: 'high', message: 'x' }] : []),
    });
    expect(withDr.applications.find((a) => a.application === 'RIS')!.findings.map((f) => f.code)).toEqual([
      'DR_X',
    ]);
  });
});
