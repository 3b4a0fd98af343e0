import { builder } from '../builder.ts';
import { CriticalityEnum, HostRoleEnum, VendorSupportEnum, WorkloadRoleEnum } from './common.ts';

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

/** Workload fields as in the estate-v1 file; `required` marks the ones a new workload must give. */
function workloadFields(t: InputFieldBuilder, isNew: boolean) {
  return {
    name: t.string({ description: 'Display name; default: the id.' }),
    application: t.string({ required: isNew, description: 'The application it belongs to.' }),
    role: t.field({ type: WorkloadRoleEnum, description: 'Default PRODUCTION.' }),
    site: t.string({ description: 'Site id; default: the first site.' }),
    currentHost: t.string({ description: 'Machine it runs on today.' }),
    vcpus: t.float({ description: 'Virtual CPUs; default 1.' }),
    cpuUtilization: t.float({ description: '95th-percentile busy fraction, 0..1; default 1.' }),
    memoryGiB: t.float({ required: isNew, description: 'Memory in GiB.' }),
    iops: t.float({ description: 'Storage IOPS; default 0.' }),
    storageGiB: t.float({ description: 'Storage in GiB; default 0.' }),
    networkMbps: t.float({ description: 'Network use in Mbps; default 0.' }),
    criticality: t.field({ type: CriticalityEnum, description: 'Default MEDIUM.' }),
    rpoMinutes: t.float({ description: 'RPO in minutes; default from policies.dr by criticality.' }),
    rtoMinutes: t.float({ description: 'RTO in minutes; default from policies.dr by criticality.' }),
    bootMinutes: t.float({ description: 'Minutes from power-on to serving; default 3.' }),
    dependsOn: t.stringList({ description: 'Workload ids that must be up first.' }),
    changeRateGiBPerHour: t.float({ description: 'Data written per hour; default 0.' }),
    vendorSupport: t.field({ type: VendorSupportEnum, description: 'Default UNKNOWN.' }),
    phi: t.boolean({ description: 'Holds protected health information; default false.' }),
    antiAffinityGroup: t.string({ description: 'No two workloads of one group share a host.' }),
    pinnedSite: t.string({ description: 'Site it may never leave.' }),
  };
}

function hostFields(t: InputFieldBuilder, isNew: boolean) {
  return {
    site: t.string({ required: isNew, description: 'Site id.' }),
    count: t.int({ description: 'Identical machines; default 1 (machines id-1..id-N when more).' }),
    role: t.field({ type: HostRoleEnum, description: 'Default HYPERVISOR.' }),
    cpuCores: t.float({ required: isNew, description: 'Physical cores.' }),
    cpuGhz: t.float({ description: 'Default 2.5.' }),
    memoryGiB: t.float({ required: isNew, description: 'Memory in GiB.' }),
    iops: t.float({ description: 'IOPS it can serve; default unlimited.' }),
    storageGiB: t.float({ description: 'Storage in GiB; default unlimited.' }),
    networkGbps: t.float({ description: 'Default 1.' }),
    powerIdleW: t.float({ description: 'Default 150.' }),
    powerMaxW: t.float({ description: 'Default 400.' }),
  };
}

export const WorkloadInput = builder.inputType('WorkloadInput', {
  description: 'A new workload, with the fields and defaults of the estate-v1 file.',
  fields: (t) => ({
    id: t.string({ required: true, description: 'Unique among workloads.' }),
    ...workloadFields(t, true),
  }),
});

export const WorkloadChangesInput = builder.inputType('WorkloadChangesInput', {
  description: 'Fields to change on a workload. Absent fields stay; null clears a field back to its default.',
  fields: (t) => workloadFields(t, false),
});

export const HostInput = builder.inputType('HostInput', {
  description: 'A new host entry, with the fields and defaults of the estate-v1 file.',
  fields: (t) => ({
    id: t.string({ required: true, description: 'Unique among host entries.' }),
    ...hostFields(t, true),
  }),
});

export const HostChangesInput = builder.inputType('HostChangesInput', {
  description:
    'Fields to change on a host entry. Absent fields stay; null clears a field back to its default.',
  fields: (t) => hostFields(t, false),
});

/** Drops absent fields (and, for a new entry, nulls) so the document holds only what was given. */
export function toDocumentFields(
  input: Record<string, unknown>,
  keepNulls: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (value === null && !keepNulls) continue;
    out[key] = value;
  }
  return out;
}
