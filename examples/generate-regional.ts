/**
 * Writes regional-hospital.yaml: a two-site hospital of a few hundred workloads, generated
 * deterministically (same output on every run) so tests and docs can rely on its figures.
 * Run: npx tsx examples/generate-regional.ts
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

let state = 20081125;
/** A small LCG: deterministic, good enough for example data. */
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const round = (x: number, step: number) => Math.round(x / step) * step;

interface App {
  name: string;
  slug: string;
  criticality: 'critical' | 'high' | 'medium' | 'low';
  production: number;
  failover: boolean;
  test: boolean;
  training: boolean;
  size: 'small' | 'medium' | 'large';
  phi: boolean;
  vendor: 'supported' | 'conditional' | 'unsupported' | 'unknown';
  network?: number;
  iops?: number;
  dependsOn?: string[];
}

const apps: App[] = [
  ['Directory', 'ad', 'critical', 2, false, false, false, 'small', false, 'supported'],
  ['DNS and DHCP', 'dns', 'critical', 2, false, false, false, 'small', false, 'supported'],
  ['EMR', 'emr', 'critical', 4, true, true, true, 'large', true, 'supported'],
  ['EMR Database', 'emrdb', 'critical', 1, true, true, false, 'large', true, 'conditional'],
  ['HL7 Interface Engine', 'hl7', 'critical', 2, true, true, false, 'medium', true, 'supported'],
  ['PACS', 'pacs', 'critical', 3, true, true, false, 'large', true, 'supported'],
  ['PACS Database', 'pacsdb', 'critical', 1, true, true, false, 'large', true, 'supported'],
  ['RIS', 'ris', 'critical', 2, true, true, true, 'medium', true, 'supported'],
  ['DICOM Router', 'dicom', 'high', 2, false, true, false, 'small', true, 'supported'],
  ['Laboratory (LIS)', 'lis', 'critical', 2, true, true, false, 'medium', true, 'supported'],
  ['Pharmacy', 'rx', 'critical', 2, true, true, true, 'medium', true, 'supported'],
  ['ADT', 'adt', 'critical', 2, true, true, false, 'medium', true, 'supported'],
  ['Blood Bank', 'bb', 'critical', 1, true, true, false, 'small', true, 'unsupported'],
  ['Cardiology PACS', 'cpacs', 'high', 2, false, true, false, 'large', true, 'conditional'],
  ['Voice Recognition', 'voice', 'high', 3, false, true, false, 'medium', true, 'supported'],
  ['Anesthesia', 'anes', 'high', 1, true, true, false, 'small', true, 'unknown'],
  ['Oncology', 'onc', 'high', 2, false, true, false, 'medium', true, 'supported'],
  ['Scheduling', 'sched', 'high', 2, false, true, true, 'small', true, 'supported'],
  ['Patient Portal', 'portal', 'high', 3, false, true, false, 'small', true, 'supported'],
  ['Document Imaging', 'docs', 'medium', 2, false, true, false, 'medium', true, 'supported'],
  ['Billing', 'bill', 'high', 2, false, true, false, 'medium', true, 'supported'],
  ['Payroll and HR', 'hr', 'medium', 2, false, true, false, 'small', false, 'supported'],
  ['Mail', 'mail', 'high', 3, false, false, false, 'medium', true, 'supported'],
  ['File and Print', 'file', 'medium', 4, false, false, false, 'small', false, 'supported'],
  ['Backup', 'bkp', 'high', 2, false, false, false, 'medium', true, 'supported'],
  ['Antivirus', 'av', 'low', 1, false, false, false, 'small', false, 'unknown'],
  ['Patching', 'wsus', 'low', 1, false, false, false, 'small', false, 'supported'],
  ['Monitoring', 'mon', 'medium', 2, false, false, false, 'small', false, 'supported'],
  ['Badge Access', 'badge', 'high', 1, true, false, false, 'small', false, 'unknown'],
  ['Nurse Call', 'nurse', 'critical', 1, true, true, false, 'small', true, 'conditional'],
  ['Telemetry', 'tele', 'critical', 2, true, true, false, 'medium', true, 'conditional'],
  ['Infusion Pump Server', 'pump', 'high', 1, true, false, false, 'small', true, 'unknown'],
  ['Dietary', 'diet', 'low', 1, false, true, false, 'small', true, 'supported'],
  ['Materials Management', 'mm', 'medium', 2, false, true, false, 'small', false, 'supported'],
  ['Intranet', 'web', 'low', 2, false, true, false, 'small', false, 'supported'],
  ['Remote Access', 'vpn', 'high', 2, false, false, false, 'small', false, 'supported'],
  ['Desktop Virtualisation', 'vdi', 'high', 6, false, true, false, 'medium', true, 'supported'],
  ['Data Warehouse', 'dw', 'medium', 2, false, true, false, 'large', true, 'supported'],
  ['Clinical Decision Support', 'cds', 'high', 2, false, true, false, 'small', true, 'supported'],
  ['Transcription', 'trans', 'medium', 2, false, true, false, 'small', true, 'supported'],
  ['Quality Reporting', 'qr', 'low', 1, false, true, false, 'small', true, 'supported'],
  ['Dental Imaging', 'dental', 'medium', 1, false, false, false, 'medium', true, 'unsupported'],
].map(([name, slug, criticality, production, failover, test, training, size, phi, vendor]) => ({
  name,
  slug,
  criticality,
  production,
  failover,
  test,
  training,
  size,
  phi,
  vendor,
})) as App[];
const departmental = [
  'Wound Care',
  'Physiotherapy',
  'Maternity',
  'Neonatal',
  'Endoscopy',
  'Ophthalmology',
  'Audiology',
  'Sleep Lab',
  'Pathology',
  'Dermatology',
  'Orthopaedic Planning',
  'Rehabilitation',
  'Occupational Health',
  'Infection Control',
  'Chaplaincy',
  'Volunteers',
  'Fleet',
  'Estates',
  'Catering',
  'Linen',
  'CCTV',
  'Parking',
  'Contracts',
  'Procurement',
  'Research Data',
  'Clinical Trials',
  'Education',
  'Library',
  'Radiotherapy Planning',
  'Dialysis',
];
departmental.forEach((name, i) => {
  const clinical = i < 14 || i >= 24;
  apps.push({
    name,
    slug: name
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .slice(0, 12)
      .replace(/-$/, ''),
    criticality: clinical ? 'medium' : 'low',
    production: 2,
    failover: false,
    test: clinical,
    training: false,
    size: i % 5 === 0 ? 'medium' : 'small',
    phi: clinical,
    vendor: i % 9 === 4 ? 'unknown' : i % 13 === 7 ? 'conditional' : 'supported',
  });
});
for (const app of apps)
  if (app.production > 1 && app.slug !== 'ad' && app.slug !== 'dns') app.production *= 2;
apps.find((a) => a.slug === 'pacs')!.network = 1200;
apps.find((a) => a.slug === 'pacsdb')!.iops = 28000;
apps.find((a) => a.slug === 'emrdb')!.iops = 35000;
apps.find((a) => a.slug === 'cpacs')!.network = 800;
for (const slug of ['emr', 'hl7', 'pacs', 'ris', 'lis', 'rx', 'adt', 'portal', 'sched', 'bill']) {
  apps.find((a) => a.slug === slug)!.dependsOn = ['ad-1', 'dns-1'];
}
apps.find((a) => a.slug === 'emr')!.dependsOn!.push('emrdb-1', 'hl7-1');
apps.find((a) => a.slug === 'pacs')!.dependsOn!.push('pacsdb-1');
apps.find((a) => a.slug === 'ris')!.dependsOn!.push('hl7-1', 'pacs-1');
apps.find((a) => a.slug === 'dicom')!.dependsOn = ['pacs-1'];

const SIZES = {
  small: { vcpus: [2, 4], memory: [4, 16], storage: [50, 400], iops: [50, 800], network: [5, 60] },
  medium: { vcpus: [4, 8], memory: [16, 64], storage: [200, 2000], iops: [500, 4000], network: [20, 200] },
  large: {
    vcpus: [8, 24],
    memory: [64, 256],
    storage: [1000, 12000],
    iops: [3000, 15000],
    network: [100, 600],
  },
} as const;
const TARGETS = { critical: [15, 60], high: [60, 240], medium: [240, 1440], low: [1440, 4320] } as const;

const workloads: Record<string, unknown>[] = [];
let legacyNorth = 0;
let legacySouth = 0;
for (const app of apps) {
  const instances: { role: string; n: number }[] = [];
  for (let i = 1; i <= app.production; i++) instances.push({ role: 'production', n: i });
  if (app.failover) instances.push({ role: 'failover', n: 1 });
  if (app.test) instances.push({ role: 'test', n: 1 });
  if (app.training) instances.push({ role: 'training', n: 1 });
  for (const { role, n } of instances) {
    const size = SIZES[app.size];
    const scale = role === 'production' || role === 'failover' ? 1 : 0.5;
    // Production lives mostly in the north campus; fail-over copies in the south.
    const site =
      role === 'failover'
        ? 'south'
        : app.production > 1 && n % 2 === 0
          ? 'south'
          : random() < 0.8
            ? 'north'
            : 'south';
    const id =
      role === 'production' ? `${app.slug}-${n}` : `${app.slug}-${role === 'failover' ? 'fo' : role}`;
    const legacy = site === 'north' ? `nsrv-${++legacyNorth}` : `ssrv-${++legacySouth}`;
    const measured = random() < 0.85;
    const w: Record<string, unknown> = {
      id,
      application: app.name,
      role,
      site,
      currentHost: legacy,
      vcpus: Math.max(1, Math.round(between(size.vcpus[0], size.vcpus[1]) * scale)),
      memoryGiB: Math.max(2, round(between(size.memory[0], size.memory[1]) * scale, 2)),
      storageGiB: round(between(size.storage[0], size.storage[1]) * scale, 10),
      criticality: role === 'production' || role === 'failover' ? app.criticality : 'low',
      vendorSupport: app.vendor,
      phi: app.phi && (role === 'production' || role === 'failover'),
      bootMinutes: app.size === 'large' ? 8 : app.size === 'medium' ? 5 : 3,
    };
    if (measured) {
      w.cpuUtilization = round(between(0.03, role === 'production' ? 0.25 : 0.08), 0.01);
      w.iops = round(
        role === 'production' && app.iops ? app.iops : between(size.iops[0], size.iops[1]) * scale,
        10,
      );
      w.networkMbps = round(
        role === 'production' && app.network
          ? app.network
          : between(size.network[0], size.network[1]) * scale,
        5,
      );
    }
    if (role === 'production') {
      w.changeRateGiBPerHour = round(
        between(0.05, app.size === 'large' ? 4 : app.size === 'medium' ? 1 : 0.2),
        0.05,
      );
      const [rpo, rto] = TARGETS[app.criticality];
      w.rpoMinutes = rpo;
      w.rtoMinutes = rto;
      if (app.dependsOn) w.dependsOn = app.dependsOn.filter((d) => d !== id);
      if (app.production > 1) w.antiAffinityGroup = app.slug;
    }
    workloads.push(w);
  }
}

const hypervisor = {
  role: 'hypervisor',
  cpuCores: 48,
  cpuGhz: 2.8,
  memoryGiB: 1024,
  iops: 150000,
  storageGiB: 60000,
  networkGbps: 25,
  powerIdleW: 220,
  powerMaxW: 650,
};
const legacy = {
  role: 'legacy',
  cpuCores: 8,
  cpuGhz: 2.4,
  memoryGiB: 64,
  networkGbps: 1,
  powerIdleW: 140,
  powerMaxW: 320,
};
const doc = {
  apiVersion: 'virtplan/v1',
  name: 'Lakeside Regional Medical Center',
  sites: [
    { id: 'north', name: 'North campus data centre', pue: 1.7, energyCostPerKwh: 0.16, carbonKgPerKwh: 0.3 },
    { id: 'south', name: 'South campus data centre', pue: 1.5, energyCostPerKwh: 0.16, carbonKgPerKwh: 0.3 },
  ],
  links: [{ between: ['north', 'south'], bandwidthMbps: 1000, latencyMs: 3 }],
  hosts: [
    { id: 'n-esx', site: 'north', count: 10, ...hypervisor },
    { id: 's-esx', site: 'south', count: 12, ...hypervisor },
    { id: 'nsrv', site: 'north', count: legacyNorth, ...legacy },
    { id: 'ssrv', site: 'south', count: legacySouth, ...legacy },
  ],
  workloads,
  policies: {
    consolidation: {
      headroom: { cpu: 0.75, memory: 0.85, iops: 0.8, network: 0.7, storage: 0.85 },
      cpuOvercommit: 4,
      haReserve: 1,
      separateRoles: true,
      dedicatedIopsAbove: 25000,
    },
    dr: {
      recoverySites: { north: 'south', south: 'north' },
      replication: { mode: 'async', intervalMinutes: 15 },
      snapshots: { intervalHours: 12, retentionDays: 30 },
      concurrentBootsPerHost: 4,
      detectionMinutes: 15,
      contingencyPlan: {
        dataBackupPlan: true,
        disasterRecoveryPlan: true,
        emergencyModeOperationPlan: true,
        lastTestedOn: '2026-04-20',
        testIntervalDays: 365,
        criticalityAnalysisDone: true,
      },
    },
  },
};
const header = `# Generated by examples/generate-regional.ts (deterministic): do not edit by hand.\n# ${workloads.length} workloads of ${apps.length} applications over two campuses.\n`;
writeFileSync(
  new URL('./regional-hospital.yaml', import.meta.url),
  header + stringify(doc, { lineWidth: 0 }),
);
console.log(`wrote regional-hospital.yaml: ${workloads.length} workloads`);
