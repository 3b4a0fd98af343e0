/**
 * The estate-v1 document schema (see shared/spec/estate-v1.md): one zod schema, from which
 * validation, the TypeScript input type and the JSON Schema for editors are all derived.
 *
 * Defaults that depend on other fields (a workload's site, RPO/RTO by criticality) are filled
 * in by `normalizeEstate`, not here, so the schema stays a faithful picture of the file.
 */
import { z } from 'zod';

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
/** Upper bound on `hosts[].count`, so a typo cannot expand into millions of machines. */
export const MAX_HOST_COUNT = 100_000;

const nonNegative = (description: string) => z.number().min(0).describe(description);
const positive = (description: string) => z.number().gt(0).describe(description);
const fraction = (description: string) => z.number().min(0).max(1).describe(description);
const nonEmpty = (description: string) => z.string().min(1).describe(description);

export const criticalitySchema = z.enum(['critical', 'high', 'medium', 'low']);
export const vendorSupportSchema = z.enum(['supported', 'conditional', 'unsupported', 'unknown']);

export const siteSchema = z.object({
  id: z.string().regex(ID_PATTERN).describe('Unique among sites; [a-z0-9][a-z0-9-]*.'),
  name: z.string().optional().describe('Display name; default: the id.'),
  pue: z.number().min(1).optional().describe('Power usage effectiveness of the room, >= 1. Default 1.6.'),
  energyCostPerKwh: nonNegative("Energy price in the estate's currency per kWh. Default 0.15.").optional(),
  carbonKgPerKwh: nonNegative('Grid carbon intensity, kg CO2e per kWh. Default 0.35.').optional(),
});

export const linkSchema = z.object({
  between: z.tuple([nonEmpty('Site id.'), nonEmpty('Site id.')]).describe('Two different site ids.'),
  bandwidthMbps: positive('Link bandwidth in Mbit/s, > 0.'),
  latencyMs: nonNegative('One-way latency in milliseconds. Default 1.').optional(),
});

export const hostSchema = z.object({
  id: nonEmpty('Unique among hosts; with count > 1 the machines are id-1 .. id-N.'),
  site: nonEmpty('A site id.'),
  count: z
    .int()
    .min(1)
    .max(MAX_HOST_COUNT)
    .optional()
    .describe('How many identical machines this entry describes. Default 1.'),
  role: z
    .enum(['hypervisor', 'legacy'])
    .optional()
    .describe(
      'hypervisor (may run guests) or legacy (a physical server running one workload today). Default hypervisor.',
    ),
  cpuCores: positive('Physical cores.'),
  cpuGhz: positive('Clock speed in GHz. Default 2.5.').optional(),
  memoryGiB: positive('Memory in GiB.'),
  iops: nonNegative('Storage IOPS the host can serve. Default unlimited.').optional(),
  storageGiB: nonNegative('Storage in GiB. Default unlimited.').optional(),
  networkGbps: positive('Network bandwidth in Gbit/s. Default 1.').optional(),
  powerIdleW: nonNegative('Power draw when idle, watts. Default 150.').optional(),
  powerMaxW: nonNegative('Power draw at full CPU load, watts. Default 400.').optional(),
});

export const workloadSchema = z.object({
  id: nonEmpty('Unique among workloads.'),
  name: z.string().optional().describe('Display name; default: the id.'),
  application: nonEmpty('The application; workloads of one application form a service.'),
  role: z.enum(['production', 'failover', 'test', 'training']).optional().describe('Default production.'),
  site: nonEmpty(
    'Site id; default: the site of currentHost, else pinnedSite, else the first site.',
  ).optional(),
  currentHost: nonEmpty('The machine it runs on today (a host id, or host id with -N).').optional(),
  vcpus: positive('Virtual CPUs. Default 1.').optional(),
  cpuUtilization: fraction('95th-percentile busy fraction of its vcpus, 0..1. Default 1.').optional(),
  memoryGiB: nonNegative('Memory in GiB.'),
  iops: nonNegative('Storage IOPS. Default 0.').optional(),
  storageGiB: nonNegative('Storage in GiB. Default 0.').optional(),
  networkMbps: nonNegative('Network demand in Mbit/s. Default 0.').optional(),
  criticality: criticalitySchema.optional().describe('Default medium.'),
  rpoMinutes: nonNegative('Data loss it may suffer, minutes. Default from policies.dr.defaults.').optional(),
  rtoMinutes: nonNegative(
    'Time to be back after a disaster, minutes. Default from policies.dr.defaults.',
  ).optional(),
  bootMinutes: nonNegative('Time from power-on to serving, minutes. Default 3.').optional(),
  dependsOn: z
    .array(nonEmpty('A workload id.'))
    .optional()
    .describe('Workload ids that must be up first; no cycles.'),
  changeRateGiBPerHour: nonNegative(
    'Data written per hour that replication must carry. Default 0.',
  ).optional(),
  vendorSupport: vendorSupportSchema
    .optional()
    .describe("The vendor's stance on virtualisation. Default unknown."),
  phi: z.boolean().optional().describe('Holds protected health information. Default false.'),
  antiAffinityGroup: nonEmpty('No two workloads of one group on the same host.').optional(),
  pinnedSite: nonEmpty('May never run elsewhere, not even after a disaster.').optional(),
});

const recoveryTargetSchema = z.object({
  rpoMinutes: nonNegative('Recovery point objective, minutes.').optional(),
  rtoMinutes: nonNegative('Recovery time objective, minutes.').optional(),
});

export const policiesSchema = z.object({
  consolidation: z
    .object({
      headroom: z
        .object({
          cpu: fraction('Most of the CPU a plan may use on a host. Default 0.8.').optional(),
          memory: fraction('Default 0.9.').optional(),
          iops: fraction('Default 0.8.').optional(),
          network: fraction('Default 0.7.').optional(),
          storage: fraction('Default 0.85.').optional(),
        })
        .optional(),
      cpuOvercommit: positive('At most this many vcpus per physical core. Default 4.').optional(),
      haReserve: z
        .int()
        .min(0)
        .optional()
        .describe(
          'Per site, this many hosts may fail and every guest must still fit. Default 1; 0 turns it off.',
        ),
      separateRoles: z
        .boolean()
        .optional()
        .describe('Production and failover of one application never share a host. Default true.'),
      dedicatedIopsAbove: nonNegative(
        'A workload above this many IOPS gets a host to itself. Default 20000.',
      ).optional(),
    })
    .optional(),
  dr: z
    .object({
      recoverySites: z
        .record(z.string(), nonEmpty('Recovery site id.'))
        .optional()
        .describe("Where each site's workloads restart if the site is lost."),
      replication: z
        .object({
          mode: z.enum(['async', 'sync', 'none']).optional().describe('Default none when absent.'),
          intervalMinutes: positive('Async replication interval. Default 15.').optional(),
        })
        .optional(),
      snapshots: z
        .object({
          intervalHours: positive('Hours between snapshots.'),
          retentionDays: nonNegative('Days snapshots are kept.'),
        })
        .optional(),
      defaults: z
        .object({
          critical: recoveryTargetSchema.optional(),
          high: recoveryTargetSchema.optional(),
          medium: recoveryTargetSchema.optional(),
          low: recoveryTargetSchema.optional(),
        })
        .optional(),
      concurrentBootsPerHost: z
        .int()
        .min(1)
        .optional()
        .describe('Restarts one host can run at once. Default 4.'),
      detectionMinutes: nonNegative('From disaster to the decision to fail over. Default 10.').optional(),
      contingencyPlan: z
        .object({
          dataBackupPlan: z.boolean().optional(),
          disasterRecoveryPlan: z.boolean().optional(),
          emergencyModeOperationPlan: z.boolean().optional(),
          lastTestedOn: z.iso.date().optional().describe('YYYY-MM-DD of the last contingency-plan test.'),
          testIntervalDays: positive('Days between tests. Default 365.').optional(),
          criticalityAnalysisDone: z.boolean().optional(),
        })
        .optional()
        .describe(
          'HIPAA Security Rule 45 CFR 164.308(a)(7). Every flag defaults to false: undocumented is missing.',
        ),
    })
    .optional(),
});

export const provenanceSchema = z.object({
  source: z.enum(['estate-file', 'rvtools']).optional(),
  notes: z.array(z.string()).optional(),
});

export const estateSchema = z
  .object({
    apiVersion: z.literal('virtplan/v1').describe('Always virtplan/v1.'),
    name: nonEmpty('The estate, usually the hospital.'),
    sites: z.array(siteSchema).min(1),
    links: z.array(linkSchema).optional(),
    hosts: z.array(hostSchema).min(1),
    workloads: z.array(workloadSchema),
    policies: policiesSchema.optional(),
    provenance: provenanceSchema
      .optional()
      .describe('Extension: where the file came from (set by importers).'),
  })
  .describe('A virtplan estate, version 1.');

/** The estate file as written: every optional field may be absent. */
export type EstateDocument = z.input<typeof estateSchema>;
export type WorkloadDocument = z.input<typeof workloadSchema>;
export type HostDocument = z.input<typeof hostSchema>;
