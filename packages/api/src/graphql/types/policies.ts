import type { ConsolidationPolicy, DrPolicy, Headroom } from '@virtplan/core';
import { builder } from '../builder.ts';

export interface PoliciesShape {
  readonly consolidation: ConsolidationPolicy;
  readonly dr: DrPolicy;
}

const HeadroomRef = builder.objectRef<Headroom>('Headroom').implement({
  description: 'The most of each resource a plan may use on a host, 0..1.',
  fields: (t) => ({
    cpu: t.exposeFloat('cpu', { description: 'CPU.' }),
    memory: t.exposeFloat('memory', { description: 'Memory.' }),
    iops: t.exposeFloat('iops', { description: 'Storage IOPS.' }),
    network: t.exposeFloat('network', { description: 'Network.' }),
    storage: t.exposeFloat('storage', { description: 'Storage capacity.' }),
  }),
});

const ConsolidationPolicyRef = builder.objectRef<ConsolidationPolicy>('ConsolidationPolicy').implement({
  description: 'Rules every consolidation plan holds.',
  fields: (t) => ({
    headroom: t.field({
      type: HeadroomRef,
      description: 'Usable share of each resource.',
      resolve: (p) => p.headroom,
    }),
    cpuOvercommit: t.exposeFloat('cpuOvercommit', {
      description: 'At most this many vCPUs per physical core.',
    }),
    haReserve: t.exposeInt('haReserve', {
      description: 'Per site, this many hosts may fail and every guest must still fit on the rest.',
    }),
    separateRoles: t.exposeBoolean('separateRoles', {
      description: 'Production and failover workloads of one application never share a host.',
    }),
    dedicatedIopsAbove: t.exposeFloat('dedicatedIopsAbove', {
      description: 'A workload above this many IOPS gets a host to itself.',
    }),
  }),
});

const RecoveryTargetRef = builder
  .objectRef<{ criticality: string; rpoMinutes: number; rtoMinutes: number }>('RecoveryTarget')
  .implement({
    description: 'Default RPO and RTO for workloads of one criticality.',
    fields: (t) => ({
      criticality: t.exposeString('criticality', { description: 'critical, high, medium or low.' }),
      rpoMinutes: t.exposeFloat('rpoMinutes', { description: 'Data loss allowed, in minutes.' }),
      rtoMinutes: t.exposeFloat('rtoMinutes', { description: 'Time to recover, in minutes.' }),
    }),
  });

const RecoverySiteRef = builder.objectRef<{ site: string; recoverySite: string }>('RecoverySite').implement({
  description: 'Where a site’s workloads restart if the site is lost.',
  fields: (t) => ({
    site: t.exposeString('site', { description: 'The site lost.' }),
    recoverySite: t.exposeString('recoverySite', { description: 'The site they restart at.' }),
  }),
});

const ContingencyPlanRef = builder.objectRef<DrPolicy['contingencyPlan']>('ContingencyPlan').implement({
  description: 'The HIPAA contingency plan, 45 CFR 164.308(a)(7), as the estate describes it.',
  fields: (t) => ({
    dataBackupPlan: t.exposeBoolean('dataBackupPlan', { description: '(ii)(A), required.' }),
    disasterRecoveryPlan: t.exposeBoolean('disasterRecoveryPlan', { description: '(ii)(B), required.' }),
    emergencyModeOperationPlan: t.exposeBoolean('emergencyModeOperationPlan', {
      description: '(ii)(C), required.',
    }),
    lastTestedOn: t.string({
      nullable: true,
      description: '(ii)(D): the date it was last tested (YYYY-MM-DD), or null.',
      resolve: (c) => c.lastTestedOn,
    }),
    testIntervalDays: t.exposeInt('testIntervalDays', {
      description: 'How often it must be tested, in days.',
    }),
    criticalityAnalysisDone: t.exposeBoolean('criticalityAnalysisDone', {
      description: '(ii)(E), addressable.',
    }),
  }),
});

const DrPolicyRef = builder.objectRef<DrPolicy>('DrPolicy').implement({
  description: 'The disaster-recovery policy the DR evaluation checks.',
  fields: (t) => ({
    recoverySites: t.field({
      type: [RecoverySiteRef],
      description: 'Where each site’s workloads restart.',
      resolve: (p) => Object.entries(p.recoverySites).map(([site, recoverySite]) => ({ site, recoverySite })),
    }),
    replicationMode: t.string({ description: 'async, sync or none.', resolve: (p) => p.replication.mode }),
    replicationIntervalMinutes: t.float({
      description: 'Minutes between asynchronous replications.',
      resolve: (p) => p.replication.intervalMinutes,
    }),
    snapshotIntervalHours: t.float({
      nullable: true,
      description: 'Hours between snapshots; null without snapshots.',
      resolve: (p) => p.snapshots?.intervalHours ?? null,
    }),
    snapshotRetentionDays: t.float({
      nullable: true,
      description: 'Days snapshots are kept; null without snapshots.',
      resolve: (p) => p.snapshots?.retentionDays ?? null,
    }),
    defaults: t.field({
      type: [RecoveryTargetRef],
      description: 'RPO/RTO by criticality for workloads that give none.',
      resolve: (p) => Object.entries(p.defaults).map(([criticality, target]) => ({ criticality, ...target })),
    }),
    concurrentBootsPerHost: t.exposeInt('concurrentBootsPerHost', {
      description: 'Restarts one host can run at once.',
    }),
    detectionMinutes: t.exposeFloat('detectionMinutes', {
      description: 'Minutes from disaster to the decision to fail over.',
    }),
    contingencyPlan: t.field({
      type: ContingencyPlanRef,
      description: 'HIPAA contingency plan facts.',
      resolve: (p) => p.contingencyPlan,
    }),
  }),
});

export const PoliciesRef = builder.objectRef<PoliciesShape>('Policies').implement({
  description: 'The policies plans and DR evaluations are held to.',
  fields: (t) => ({
    consolidation: t.field({
      type: ConsolidationPolicyRef,
      description: 'Consolidation rules.',
      resolve: (p) => p.consolidation,
    }),
    dr: t.field({ type: DrPolicyRef, description: 'Disaster-recovery policy.', resolve: (p) => p.dr }),
  }),
});
