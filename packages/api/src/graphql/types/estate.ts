import type { WorkloadReadiness } from '@virtplan/core';
import { GraphQLError } from 'graphql';
import type { EstateSummary, HostRow, LinkRow, SiteRow, WorkloadRow } from '../../services/loaders.ts';
import { readinessOf, requireEstate, workloadReadiness } from '../../services/readiness.ts';
import { builder } from '../builder.ts';
import {
  CriticalityEnum,
  FindingRef,
  HostRoleEnum,
  ReadinessStatusEnum,
  VendorSupportEnum,
  WorkloadRoleEnum,
} from './common.ts';

export const EstateRef = builder.objectRef<EstateSummary>('Estate');
export const SiteRef = builder.objectRef<SiteRow>('Site');
export const LinkRef = builder.objectRef<LinkRow>('Link');
export const HostRef = builder.objectRef<HostRow>('Host');
export const WorkloadRef = builder.objectRef<WorkloadRow>('Workload');
export const WorkloadReadinessRef = builder.objectRef<WorkloadReadiness>('WorkloadReadiness');

/** Connections page forward only (first/after); last/before are refused with a clear error. */
export function rejectBackwardPaging(args: {
  last?: number | null | undefined;
  before?: string | null | undefined;
}): void {
  if (
    (args.last !== null && args.last !== undefined) ||
    (args.before !== null && args.before !== undefined)
  ) {
    throw new GraphQLError('this list pages forward only: use first and after', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
}

SiteRef.implement({
  description: 'A data centre or server room.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Unique among the estate’s sites.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    pue: t.exposeFloat('pue', { description: 'Power usage effectiveness of the room (>= 1).' }),
    energyCostPerKwh: t.exposeFloat('energyCostPerKwh', {
      description: 'Price of a kWh, in the estate’s currency.',
    }),
    carbonKgPerKwh: t.exposeFloat('carbonKgPerKwh', { description: 'kg of CO2 emitted per kWh.' }),
    assumed: t.stringList({
      description: 'Which of pue, energyCostPerKwh and carbonKgPerKwh were defaulted rather than given.',
      resolve: (s) => s.assumed,
    }),
  }),
});

LinkRef.implement({
  description: 'A network link between two sites, used for replication.',
  fields: (t) => ({
    between: t.stringList({
      description: 'The two site ids, in file order.',
      resolve: (l) => [l.siteA, l.siteB],
    }),
    bandwidthMbps: t.exposeFloat('bandwidthMbps', { description: 'Bandwidth in Mbps.' }),
    latencyMs: t.exposeFloat('latencyMs', { description: 'One-way latency in milliseconds.' }),
  }),
});

HostRef.implement({
  description: 'One physical machine (a host entry with `count: 4` in the file is four machines).',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Machine id: the host id, or `<hostId>-<n>` when counted.' }),
    hostId: t.exposeString('hostId', { description: 'The `hosts[].id` entry this machine comes from.' }),
    site: t.exposeString('site', { description: 'Site id.' }),
    role: t.field({
      type: HostRoleEnum,
      description: 'Hypervisor or legacy server.',
      resolve: (h) => h.role as 'hypervisor',
    }),
    cpuCores: t.exposeFloat('cpuCores', { description: 'Physical cores.' }),
    cpuGhz: t.exposeFloat('cpuGhz', { description: 'Clock speed in GHz.' }),
    memoryGiB: t.exposeFloat('memoryGiB', { description: 'Memory in GiB.' }),
    iops: t.float({
      nullable: true,
      description: 'Storage IOPS it can serve; null = unlimited.',
      resolve: (h) => h.iops,
    }),
    storageGiB: t.float({
      nullable: true,
      description: 'Storage in GiB; null = unlimited.',
      resolve: (h) => h.storageGiB,
    }),
    networkGbps: t.exposeFloat('networkGbps', { description: 'Network bandwidth in Gbps.' }),
    powerIdleW: t.exposeFloat('powerIdleW', { description: 'Power draw when idle, in watts.' }),
    powerMaxW: t.exposeFloat('powerMaxW', { description: 'Power draw at full load, in watts.' }),
  }),
});

const MeasuredRef = builder
  .objectRef<{ cpuUtilization: boolean; iops: boolean; networkMbps: boolean; storageGiB: boolean }>(
    'Measured',
  )
  .implement({
    description: 'Which sizing figures of a workload were measured rather than defaulted.',
    fields: (t) => ({
      cpuUtilization: t.exposeBoolean('cpuUtilization', { description: 'CPU utilisation was given.' }),
      iops: t.exposeBoolean('iops', { description: 'IOPS were given.' }),
      networkMbps: t.exposeBoolean('networkMbps', { description: 'Network use was given.' }),
      storageGiB: t.exposeBoolean('storageGiB', { description: 'Storage was given.' }),
    }),
  });

WorkloadReadinessRef.implement({
  description: 'Whether one workload can become a virtual machine, and why.',
  fields: (t) => ({
    status: t.field({ type: ReadinessStatusEnum, description: 'The verdict.', resolve: (r) => r.status }),
    findings: t.field({
      type: [FindingRef],
      description: 'Why, as findings; empty when nothing stands in the way.',
      resolve: (r) => [...r.findings],
    }),
  }),
});

WorkloadRef.implement({
  description: 'A server workload (VM-to-be or physical today) with its sizing and recovery targets.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Unique among the estate’s workloads.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    application: t.exposeString('application', { description: 'The application (service) it belongs to.' }),
    role: t.field({
      type: WorkloadRoleEnum,
      description: 'What it is for.',
      resolve: (w) => w.role as 'production',
    }),
    site: t.exposeString('site', { description: 'Site it runs at.' }),
    currentHost: t.string({
      nullable: true,
      description: 'Machine it runs on today, if known.',
      resolve: (w) => w.currentHost,
    }),
    vcpus: t.exposeFloat('vcpus', { description: 'Virtual CPUs.' }),
    cpuUtilization: t.exposeFloat('cpuUtilization', {
      description: '95th-percentile busy fraction of its vCPUs, 0..1.',
    }),
    memoryGiB: t.exposeFloat('memoryGiB', { description: 'Memory in GiB.' }),
    iops: t.exposeFloat('iops', { description: 'Storage IOPS.' }),
    storageGiB: t.exposeFloat('storageGiB', { description: 'Storage in GiB.' }),
    networkMbps: t.exposeFloat('networkMbps', { description: 'Network use in Mbps.' }),
    criticality: t.field({
      type: CriticalityEnum,
      description: 'How much the hospital depends on it.',
      resolve: (w) => w.criticality as 'critical',
    }),
    rpoMinutes: t.exposeFloat('rpoMinutes', { description: 'Data loss it may suffer, in minutes.' }),
    rtoMinutes: t.exposeFloat('rtoMinutes', { description: 'Time to be back after a disaster, in minutes.' }),
    bootMinutes: t.exposeFloat('bootMinutes', { description: 'Minutes from power-on to serving.' }),
    dependsOn: t.stringList({
      description: 'Workload ids that must be up first.',
      resolve: (w) => w.dependsOn,
    }),
    changeRateGiBPerHour: t.exposeFloat('changeRateGiBPerHour', {
      description: 'Data written per hour, what replication must carry.',
    }),
    vendorSupport: t.field({
      type: VendorSupportEnum,
      description: 'Whether the vendor supports it as a VM.',
      resolve: (w) => w.vendorSupport as 'supported',
    }),
    phi: t.exposeBoolean('phi', { description: 'Holds protected health information.' }),
    antiAffinityGroup: t.string({
      nullable: true,
      description: 'No two workloads of one group share a host.',
      resolve: (w) => w.antiAffinityGroup,
    }),
    pinnedSite: t.string({
      nullable: true,
      description: 'Site it may never leave, not even after a disaster.',
      resolve: (w) => w.pinnedSite,
    }),
    measured: t.field({
      type: MeasuredRef,
      description: 'Which sizing figures were measured rather than defaulted.',
      resolve: (w) =>
        w.measured as { cpuUtilization: boolean; iops: boolean; networkMbps: boolean; storageGiB: boolean },
    }),
    rpoFromPolicy: t.exposeBoolean('rpoFromPolicy', {
      description: 'The RPO came from policies.dr.defaults rather than the workload.',
    }),
    rtoFromPolicy: t.exposeBoolean('rtoFromPolicy', {
      description: 'The RTO came from policies.dr.defaults rather than the workload.',
    }),
    readiness: t.field({
      type: WorkloadReadinessRef,
      description: 'Whether it can become a VM, at the estate’s current revision.',
      resolve: async (w, _args, ctx) => {
        const estate = await requireEstate(ctx, w.estateId);
        const report = await readinessOf(ctx, estate);
        const found = workloadReadiness(report, w.id);
        if (!found) throw new Error(`readiness report lacks workload ${w.id}`);
        return found;
      },
    }),
  }),
});
