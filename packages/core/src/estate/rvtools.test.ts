import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import hospitalVHost from './fixtures/rvtools/hospital-vhost.csv?raw';
import hospitalVInfo from './fixtures/rvtools/hospital-vinfo.csv?raw';
import oldVHost from './fixtures/rvtools/old-mb-vhost.csv?raw';
import oldVInfo from './fixtures/rvtools/old-mb-vinfo.csv?raw';
import { parseEstate } from './parse.ts';
import {
  formatImportIssue,
  type ImportRvtoolsInput,
  importRvtools,
  parseExportNumber,
  type RvtoolsImport,
  sanitiseId,
} from './rvtools.ts';
import type { EstateDocument } from './schema.ts';

function imported(input: ImportRvtoolsInput): RvtoolsImport {
  const result = importRvtools(input);
  if (!result.ok) throw new Error(`import failed: ${result.error.map(formatImportIssue).join('\n')}`);
  return result.value;
}

function errors(input: ImportRvtoolsInput): string[] {
  const result = importRvtools(input);
  if (result.ok) throw new Error('import unexpectedly succeeded');
  return result.error.map(formatImportIssue);
}

/** The YAML the CLI writes, read back by the estate parser. */
function roundTrip(document: EstateDocument) {
  const parsed = parseEstate(stringify(document), 'yaml');
  if (!parsed.ok) throw new Error(parsed.error.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return parsed.value.estate;
}

const workload = (result: RvtoolsImport, id: string) => {
  const found = result.document.workloads.find((w) => w.id === id);
  if (!found) throw new Error(`no workload ${id}`);
  return found;
};

describe('importRvtools: the hospital export (RVTools 4, comma, MiB, CRLF)', () => {
  const result = imported({ vInfoCsv: hospitalVInfo, vHostCsv: hospitalVHost });

  it('imports powered-on VMs and counts what it left out', () => {
    expect(result.report.vmRows).toBe(23);
    expect(result.report.workloadsImported).toBe(19);
    expect(result.report.leftOut).toEqual({
      poweredOff: 1,
      suspended: 1,
      templates: 1,
      srmPlaceholders: 1,
      unnamed: 0,
    });
    expect(result.document.workloads.map((w) => w.name)).not.toContain('OLD-PACS-ARCHIVE');
    expect(result.document.workloads.map((w) => w.name)).not.toContain('TPL-WIN2019');
    // The SRM placeholder has the same name as the real PACS-DB01: only one is imported.
    expect(result.document.workloads.filter((w) => w.name === 'PACS-DB01')).toHaveLength(1);
  });

  it('turns datacenters into sites and vHost rows into hypervisor hosts', () => {
    expect(result.document.sites).toEqual([
      { id: 'main-campus', name: 'Main Campus' },
      { id: 'offsite-dr', name: 'Offsite DR' },
    ]);
    expect(result.document.hosts).toEqual([
      { id: 'esx01', site: 'main-campus', role: 'hypervisor', cpuCores: 20, cpuGhz: 2.394, memoryGiB: 255.9 },
      { id: 'esx02', site: 'main-campus', role: 'hypervisor', cpuCores: 20, cpuGhz: 2.394, memoryGiB: 255.9 },
      { id: 'esx03', site: 'main-campus', role: 'hypervisor', cpuCores: 20, cpuGhz: 2.394, memoryGiB: 255.9 },
      { id: 'esxdr01', site: 'offsite-dr', role: 'hypervisor', cpuCores: 16, cpuGhz: 2.1, memoryGiB: 191.9 },
    ]);
    expect(result.report.hostsInferred).toBe(false);
  });

  it('sizes workloads from vInfo (MiB to GiB, thousand separators, In Use before Provisioned)', () => {
    expect(workload(result, 'pacs-db01')).toEqual({
      id: 'pacs-db01',
      name: 'PACS-DB01',
      application: 'PACS',
      site: 'main-campus',
      currentHost: 'esx01',
      vcpus: 8,
      memoryGiB: 64,
      storageGiB: 3840,
    });
    // In Use empty: Provisioned (81,920 MiB) is used and said so.
    expect(workload(result, 'app-diet01').storageGiB).toBe(80);
    expect(result.report.notes.join('\n')).toMatch(/storageGiB from Provisioned .* 1 workload \(row 20\)/);
    expect(workload(result, 'vcsa01').memoryGiB).toBe(19);
  });

  it('guesses applications and roles, and reports every guess', () => {
    const apps = Object.fromEntries(result.document.workloads.map((w) => [w.id, w.application]));
    expect(apps).toMatchObject({
      'pacs-fo01': 'PACS',
      'ris-db01': 'RIS',
      'emr-iface01': 'EMR interface',
      'dicom-rtr01': 'DICOM router',
      mail01: 'Mail',
      dc01: 'Directory',
      'lab-lis01': 'LIS',
      fs01: 'File',
      vcsa01: 'vCenter',
      'app-diet01': 'Dietary menu planner',
      wsus01: 'WSUS',
    });
    expect(workload(result, 'pacs-test01').role).toBe('test');
    expect(workload(result, 'pacs-fo01').role).toBe('failover');
    expect(workload(result, 'pacs-db01').role).toBeUndefined();
    expect(result.report.guesses.filter((g) => g.field === 'application')).toHaveLength(19);
    expect(result.report.guesses).toContainEqual({
      workload: 'app-diet01',
      field: 'application',
      value: 'Dietary menu planner',
      basis: 'annotation-field',
    });
    expect(result.report.guesses).toContainEqual({
      workload: 'wsus01',
      field: 'application',
      value: 'WSUS',
      basis: 'name-prefix',
    });
  });

  it('leaves out currentHost for a host missing from vHost, with a warning naming the row', () => {
    expect(workload(result, 'wsus01').currentHost).toBeUndefined();
    expect(result.report.defaulted.currentHost).toBe(1);
    expect(result.report.warnings.map(formatImportIssue)).toContain(
      "vInfo.csv row 21, column 'Host': host 'esx09.stexample.local' is not in vHost.csv: currentHost left out for 1 VM (row 21)",
    );
  });

  it('carries the data confidence: only storage is measured by RVTools', () => {
    expect(result.report.figures).toEqual({ measured: 19, estimated: 0, assumed: 57, total: 76 });
    expect(result.report.dataConfidence).toBe(0.25);
    expect(result.report.defaulted).toMatchObject({ cpuUtilization: 19, iops: 19, networkMbps: 19 });
    expect(result.document.workloads.every((w) => w.cpuUtilization === undefined)).toBe(true);
    expect(result.document.provenance).toEqual({ source: 'rvtools', notes: result.report.notes });
    expect(result.report.notes.join('\n')).toContain('Data confidence 25%: 19 of 76 sizing figures measured');
  });

  it('produces a document the estate parser accepts, with the same confidence', () => {
    const estate = roundTrip(result.document);
    expect(estate.workloads).toHaveLength(19);
    expect(estate.machines.map((m) => m.id)).toEqual(['esx01', 'esx02', 'esx03', 'esxdr01']);
    expect(estate.provenance.source).toBe('rvtools');
    expect(estate.provenance.dataConfidence).toBe(result.report.dataConfidence);
    expect(estate.provenance.notes).toEqual(result.report.notes);
    const db = estate.workloads.find((w) => w.id === 'pacs-db01')!;
    expect(db.measured).toEqual({ cpuUtilization: false, iops: false, networkMbps: false, storageGiB: true });
    expect(db.cpuUtilization).toBe(1);
  });

  it('writes host CPU usage as cpuUtilization only when asked, flagged as an estimate', () => {
    const estimated = imported({
      vInfoCsv: hospitalVInfo,
      vHostCsv: hospitalVHost,
      options: { cpuUtilizationFromHostUsage: true },
    });
    expect(workload(estimated, 'pacs-db01').cpuUtilization).toBe(0.31);
    expect(workload(estimated, 'wsus01').cpuUtilization).toBeUndefined();
    expect(estimated.report.figures).toEqual({ measured: 19, estimated: 18, assumed: 39, total: 76 });
    expect(estimated.report.dataConfidence).toBe(0.25);
    expect(estimated.report.notes.join('\n')).toContain('cpuUtilization of 18 workloads is an ESTIMATE');
    expect(roundTrip(estimated.document).workloads).toHaveLength(19);
  });

  it('takes the estate name from the options, else from the datacenters', () => {
    expect(result.document.name).toBe('RVTools import: Main Campus, Offsite DR');
    const named = imported({
      vInfoCsv: hospitalVInfo,
      vHostCsv: hospitalVHost,
      options: { name: 'St. Example' },
    });
    expect(named.document.name).toBe('St. Example');
  });
});

describe('importRvtools: an old RVTools 3 export (MB, semicolons, German number format, BOM)', () => {
  const result = imported({ vInfoCsv: oldVInfo, vHostCsv: oldVHost });

  it('reads MB columns, 1.024-style thousands and 12,5-style decimals', () => {
    expect(result.document.hosts).toEqual([
      { id: 'esx-a', site: 'klinikum-nord', role: 'hypervisor', cpuCores: 12, cpuGhz: 2.6, memoryGiB: 95.99 },
      { id: 'esx-b', site: 'klinikum-nord', role: 'hypervisor', cpuCores: 12, cpuGhz: 2.6, memoryGiB: 95.99 },
    ]);
    expect(workload(result, 'pacs01')).toMatchObject({ memoryGiB: 16, storageGiB: 850, vcpus: 4 });
    // A quoted annotation that contains the separator stays one field.
    expect(workload(result, 'pacs01').application).toBe('PACS');
    expect(workload(result, 'kis-hl7').application).toBe('EMR interface');
    expect(workload(result, 'dicom-gw').application).toBe('DICOM router');
  });

  it('defaults a missing CPU count and reports it; Provisioned stands in for an empty In Use', () => {
    expect(workload(result, 'dicom-gw').vcpus).toBe(1);
    expect(result.report.defaulted.vcpus).toBe(1);
    expect(result.report.notes.join('\n')).toContain('vcpus defaulted to 1 for 1 workload (row 7)');
    expect(workload(result, 'mail').storageGiB).toBe(400);
  });

  it('reads the host usage decimals for the estimate', () => {
    const estimated = imported({
      vInfoCsv: oldVInfo,
      vHostCsv: oldVHost,
      options: { cpuUtilizationFromHostUsage: true },
    });
    expect(workload(estimated, 'pacs01').cpuUtilization).toBe(0.125);
    expect(workload(estimated, 'ris01').cpuUtilization).toBe(0.0725);
  });

  it('leaves out the powered-off VM and the template', () => {
    expect(result.report.workloadsImported).toBe(6);
    expect(result.report.leftOut).toMatchObject({ poweredOff: 1, templates: 1 });
    expect(roundTrip(result.document).workloads).toHaveLength(6);
  });
});

describe('importRvtools: what a file may look like', () => {
  const vinfo = (rows: string[], header = 'VM,Powerstate,CPUs,Memory,In Use MiB,Host,Datacenter') =>
    [header, ...rows].join('\n');
  const vhost = 'Host,Datacenter,# Cores,Speed,# Memory,CPU usage %\nesx1,DC,16,2400,131072,50\n';

  it('accepts any column order and extra columns', () => {
    const csv = vinfo(
      ['4096,esx1,DC,poweredOn,x,2,PACS-WEB', '1024,esx1,DC,poweredOn,x,1,2048'],
      'Memory,Host,Datacenter,Powerstate,Extra,CPUs,VM',
    );
    const out = imported({ vInfoCsv: csv, vHostCsv: vhost });
    expect(out.document.workloads).toEqual([
      {
        id: 'pacs-web',
        name: 'PACS-WEB',
        application: 'PACS',
        site: 'dc',
        currentHost: 'esx1',
        vcpus: 2,
        memoryGiB: 4,
      },
      {
        id: '2048',
        name: '2048',
        application: 'Unassigned',
        site: 'dc',
        currentHost: 'esx1',
        vcpus: 1,
        memoryGiB: 1,
      },
    ]);
    expect(out.report.guesses[1]).toEqual({
      workload: '2048',
      field: 'application',
      value: 'Unassigned',
      basis: 'none',
    });
  });

  it('accepts a `sep=;` first line, tabs, a BOM and lone CR line ends', () => {
    const semi = 'sep=;\nVM;Memory;Host\npacs;1024;esx1\n';
    expect(imported({ vInfoCsv: semi, vHostCsv: vhost }).document.workloads[0]?.memoryGiB).toBe(1);
    const tabs = '\uFEFFVM\tMemory\tHost\r\npacs\t2048\tesx1\r\n';
    expect(imported({ vInfoCsv: tabs, vHostCsv: vhost }).document.workloads[0]?.memoryGiB).toBe(2);
    const cr = 'VM,Memory,Host\rpacs,3072,esx1\r';
    expect(imported({ vInfoCsv: cr, vHostCsv: vhost }).document.workloads[0]?.memoryGiB).toBe(3);
  });

  it('makes ids from names: sanitised, and unique when names collide', () => {
    const csv = vinfo([
      'PACS DB (Prod),poweredOn,2,1024,,esx1,DC',
      'pacs_db_prod,poweredOn,2,1024,,esx1,DC',
      'Über-Server,poweredOn,2,1024,,esx1,DC',
      '***,poweredOn,2,1024,,esx1,DC',
    ]);
    const ids = imported({ vInfoCsv: csv, vHostCsv: vhost }).document.workloads.map((w) => w.id);
    expect(ids).toEqual(['pacs-db-prod', 'pacs-db-prod-2', 'uber-server', 'vm']);
  });

  it('resolves site id collisions between datacenters', () => {
    const csv = vinfo([
      'a,poweredOn,1,1024,,,Main Campus',
      'b,poweredOn,1,1024,,,main-campus',
      'c,poweredOn,1,1024,,,',
    ]);
    const out = imported({ vInfoCsv: csv, vHostCsv: vhost });
    expect(out.document.sites.map((s) => s.id)).toEqual(['dc', 'main-campus', 'main-campus-2', 'datacenter']);
    expect(out.document.workloads.map((w) => w.site)).toEqual(['main-campus', 'main-campus-2', 'datacenter']);
    expect(roundTrip(out.document).sites).toHaveLength(4);
  });

  it('infers hosts from the Host column when there is no vHost, and says so', () => {
    const csv = vinfo([
      'pacs,poweredOn,8,65536,1024,esx1.local,DC',
      'ris,poweredOn,4,16384,1024,esx1.local,DC',
      'mail,poweredOn,2,8192,1024,esx2.local,DC',
    ]);
    const out = imported({ vInfoCsv: csv });
    expect(out.report.hostsInferred).toBe(true);
    expect(out.document.hosts).toEqual([
      { id: 'esx1', site: 'dc', role: 'hypervisor', cpuCores: 3, memoryGiB: 80 },
      { id: 'esx2', site: 'dc', role: 'hypervisor', cpuCores: 1, memoryGiB: 8 },
    ]);
    expect(out.report.notes.join('\n')).toContain('No vHost export: 2 hosts inferred');
    expect(roundTrip(out.document).workloads).toHaveLength(3);
  });

  it('computes cores from # CPU x Cores per CPU when # Cores is absent', () => {
    const hosts = 'Host,# CPU,Cores per CPU,# Memory\nesx1,2,12,262144\n';
    const out = imported({ vInfoCsv: 'VM,Memory,Host\na,1024,esx1\n', vHostCsv: hosts });
    expect(out.document.hosts[0]).toMatchObject({ cpuCores: 24, memoryGiB: 256 });
  });

  it('reports unreadable optional figures with row and column, and keeps going', () => {
    const csv = vinfo(['pacs,poweredOn,two,4096,lots,esx1,DC', 'ris,Unknown,0,4096,,esx1,DC']);
    const out = imported({ vInfoCsv: csv, vHostCsv: vhost });
    expect(out.report.warnings.map(formatImportIssue)).toEqual([
      "vInfo.csv row 2, column 'CPUs': 'two' is not a number >= 0: vcpus defaulted to 1",
      "vInfo.csv row 2, column 'In Use MiB': 'lots' is not a number >= 0",
      "vInfo.csv row 3, column 'Powerstate': 'Unknown': read as powered on",
      "vInfo.csv row 3, column 'CPUs': 0 is not a whole number >= 1: vcpus defaulted to 1",
    ]);
    expect(out.document.workloads.map((w) => [w.vcpus, w.storageGiB])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
  });
});

describe('importRvtools: errors', () => {
  const vhost = 'Host,# Cores,# Memory\nesx1,16,131072\n';

  it('names a missing required column and lists what was found', () => {
    expect(errors({ vInfoCsv: 'Name2,Memory\na,1\n' })).toEqual([
      "vInfo.csv row 1: no column 'VM' or 'VM Name' or 'Name' (found: Name2, Memory)",
    ]);
    expect(errors({ vInfoCsv: 'VM,CPUs\na,1\n', vHostCsv: 'Host,# Memory\nesx1,1024\n' })).toEqual([
      "vInfo.csv row 1: no column 'Memory' or 'Memory MiB' or 'Memory MB' (found: VM, CPUs)",
      "vHost.csv row 1: no column '# Cores' (or '# CPU' and 'Cores per CPU') (found: Host, # Memory)",
    ]);
  });

  it('reports every unreadable required figure at once, with row and column', () => {
    const csv = 'VM,Memory,Host\na,-5,esx1\nb,,esx1\nc,NaN,esx1\nd,1e400,esx1\ne,1024,esx1\n';
    expect(errors({ vInfoCsv: csv, vHostCsv: 'Host,# Cores,# Memory\nesx1,1.5,0\n' })).toEqual([
      "vHost.csv row 2, column '# Cores': 1.5 is not a whole number of cores >= 1",
      "vHost.csv row 2, column '# Memory': a host with 0 memory",
      "vInfo.csv row 2, column 'Memory': '-5' is not a number >= 0",
      "vInfo.csv row 3, column 'Memory': no memory size for VM 'b'",
      "vInfo.csv row 4, column 'Memory': 'NaN' is not a number >= 0",
      "vInfo.csv row 5, column 'Memory': '1e400' is not a number >= 0",
    ]);
  });

  it('stops listing row errors after 50, saying how many more there are', () => {
    const rows = Array.from({ length: 120 }, (_, i) => `vm${i},lots,esx1`).join('\n');
    const list = errors({ vInfoCsv: `VM,Memory,Host\n${rows}\n` });
    expect(list).toHaveLength(51);
    expect(list[50]).toBe('vInfo.csv: … and 70 more errors like these');
  });

  it('rejects empty, binary and broken CSV with one line each', () => {
    expect(errors({ vInfoCsv: '' })).toEqual(['vInfo.csv: empty: no header row']);
    expect(errors({ vInfoCsv: '\n\n  \n' })).toEqual(['vInfo.csv: empty: no header row']);
    expect(errors({ vInfoCsv: 'V\u0000M\u0000,\u0000' })).toEqual([
      'vInfo.csv: not UTF-8 text (UTF-16 or binary?): export or save the CSV as UTF-8',
    ]);
    expect(errors({ vInfoCsv: 'PK\u0003\u0004\u0014\u0000\u0006\u0000[Content_Types].xml' })).toEqual([
      'vInfo.csv: an Excel workbook (.xlsx), not CSV: export the tabs as CSV (RVTools: File > Export all to CSV) or save the sheet as CSV',
    ]);
    expect(errors({ vInfoCsv: 'VM,Memory\n"pacs,1024\n', vHostCsv: vhost })).toEqual([
      'vInfo.csv row 2: not readable as CSV: Quote Not Closed: the parsing is finished with an opening quote',
    ]);
  });

  it('refuses to invent hosts when neither vHost nor a Host column says where VMs run', () => {
    expect(errors({ vInfoCsv: 'VM,Memory\na,1024\n' })).toEqual([
      "vInfo.csv: no column 'Host' and no vHost.csv: the estate would have no host",
    ]);
  });

  it('uses the labels the caller gives the files', () => {
    expect(errors({ vInfoCsv: 'x\n', options: { vInfoLabel: 'export/vInfo-2026.csv' } })[0]).toMatch(
      /^export\/vInfo-2026\.csv row 1: no column 'VM'/,
    );
  });
});

describe('parseExportNumber', () => {
  it.each([
    ['1024', '.', 1024],
    ['1,024', '.', 1024],
    ['1,024.5', '.', 1024.5],
    ['1.024', ',', 1024],
    ['1.024,5', ',', 1024.5],
    ['12,5', ',', 12.5],
    ['2.5', ',', 2.5],
    ['1 048 576', '.', 1048576],
    ['1\u00a0048\u00a0576', ',', 1048576],
    ["1'024", '.', 1024],
    ['31 %', '.', 31],
    ['-3', '.', -3],
  ] as const)('%s (decimal %s) is %d', (raw, decimal, value) => {
    expect(parseExportNumber(raw, decimal)).toBe(value);
  });

  it.each(['', 'abc', 'NaN', 'Infinity', '1e5', '1,2,3', '1..2', '0x10', `1${'0'.repeat(400)}`])(
    '%s is not a number',
    (raw) => {
      expect(parseExportNumber(raw, '.')).toBeNull();
    },
  );
});

describe('sanitiseId', () => {
  it('produces ids the estate schema accepts', () => {
    expect(sanitiseId('Main Campus', 'x')).toBe('main-campus');
    expect(sanitiseId('--Ärztehaus__Süd--', 'x')).toBe('arztehaus-sud');
    expect(sanitiseId('医院', 'site')).toBe('site');
    expect(sanitiseId('a'.repeat(100), 'x')).toHaveLength(63);
  });
});

describe('importRvtools: found by fuzzing', () => {
  it('puts a VM on its host’s site when its Datacenter column disagrees, and says so', () => {
    const out = imported({
      vInfoCsv: 'VM,Memory,Host,Datacenter\npacs,1024,esx1,Main\n',
      vHostCsv: 'Host,Datacenter,# Cores,# Memory\nesx1,DR Site,16,131072\n',
    });
    expect(out.document.workloads[0]).toMatchObject({ site: 'dr-site', currentHost: 'esx1' });
    expect(out.report.warnings.map(formatImportIssue)).toEqual([
      "vInfo.csv row 2, column 'Datacenter': datacenter differs from the host's for 1 VM (row 2): the host's datacenter was used",
    ]);
    expect(roundTrip(out.document).workloads[0]?.site).toBe('dr-site');
  });
});
