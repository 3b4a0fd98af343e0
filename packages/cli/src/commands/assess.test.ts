import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { memoryIo } from '../testing.ts';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');
const files = {
  'hospital.yaml': example('community-hospital.yaml'),
  'broken.yaml':
    'apiVersion: virtplan/v1\nname: x\nsites: []\nhosts: [{ id: a, site: n }]\nworkloads: [{ id: w }]\n',
  'hospital.json': JSON.stringify({
    apiVersion: 'virtplan/v1',
    name: 'J',
    sites: [{ id: 's' }],
    hosts: [{ id: 'h', site: 's', cpuCores: 8, memoryGiB: 64 }],
    workloads: [],
  }),
};

describe('virtplan validate', () => {
  it('says what it read and exits 0', async () => {
    const io = memoryIo(files);
    expect(await main(['validate', 'hospital.yaml'], io)).toBe(0);
    expect(io.stdoutText()).toBe(
      "hospital.yaml: valid estate 'Riverside Community Hospital': 2 site(s), 18 machine(s) (5 hypervisor), 14 workload(s)\n",
    );
  });
  it('reads JSON by extension', async () => {
    const io = memoryIo(files);
    expect(await main(['validate', 'hospital.json'], io)).toBe(0);
  });
  it('lists every error with its path on stderr and exits 2', async () => {
    const io = memoryIo(files);
    expect(await main(['validate', 'broken.yaml'], io)).toBe(2);
    expect(io.stdoutText()).toBe('');
    expect(io.stderrText()).toBe(
      [
        'virtplan validate: broken.yaml is not a valid estate (5 errors):',
        '  sites: must have at least 1 item(s)',
        '  hosts[0].cpuCores: is required',
        '  hosts[0].memoryGiB: is required',
        '  workloads[0].application: is required',
        '  workloads[0].memoryGiB: is required',
        '',
      ].join('\n'),
    );
  });
  it('usage errors exit 2', async () => {
    for (const argv of [
      ['validate'],
      ['validate', 'missing.yaml'],
      ['validate', '--bogus', 'hospital.yaml'],
      ['nope'],
    ]) {
      const io = memoryIo(files);
      expect(await main(argv, io)).toBe(2);
      expect(io.stderrText()).toMatch(/^virtplan/);
    }
  });
});

describe('virtplan assess', () => {
  it('JSON report has workloads and applications with status and findings', async () => {
    const io = memoryIo(files);
    expect(await main(['assess', 'hospital.yaml', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.stdoutText());
    expect(report.workloads).toHaveLength(14);
    expect(report.workloads.find((w: { id: string }) => w.id === 'ecg')).toEqual({
      id: 'ecg',
      application: 'Cardiology ECG',
      status: 'NOT_READY',
      findings: [
        {
          code: 'VENDOR_UNSUPPORTED',
          severity: 'high',
          message: 'The vendor of Cardiology ECG does not support ecg on a hypervisor; it stays physical.',
        },
      ],
    });
    expect(
      report.applications.map((a: { application: string; status: string }) => [a.application, a.status]),
    ).toEqual([
      ['Antivirus', 'UNKNOWN'],
      ['Cardiology ECG', 'NOT_READY'],
      ['DICOM Router', 'READY'],
      ['Directory', 'READY'],
      ['File and Print', 'READY_WITH_CONDITIONS'],
      ['Mail', 'READY'],
      ['PACS', 'READY_WITH_CONDITIONS'],
      ['RIS', 'READY'],
    ]);
  });
  it('filters by application (case-insensitive) and names the known ones when wrong', async () => {
    const io = memoryIo(files);
    expect(await main(['assess', 'hospital.yaml', '--application', 'pacs'], io)).toBe(0);
    expect(io.stdoutText()).toContain('PACS         READY_WITH_CONDITIONS  4');
    expect(io.stdoutText()).toContain('3 ready, 1 ready with conditions, 0 unknown, 0 not ready');
    const bad = memoryIo(files);
    expect(await main(['assess', 'hospital.yaml', '--application', 'EMR'], bad)).toBe(2);
    expect(bad.stderrText()).toContain("no application 'EMR'");
  });
  it('rejects an unknown format', async () => {
    const io = memoryIo(files);
    expect(await main(['assess', 'hospital.yaml', '--format', 'xml'], io)).toBe(2);
  });
});
