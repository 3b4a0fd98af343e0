import type {
  BlastRadius,
  ContingencySpecification,
  CriticalPathStep,
  DrEvaluation,
  DrFinding,
  LinkDr,
  NotRestartedWorkload,
  ResourceShortfall,
  RestartedWorkload,
  RollbackWindow,
  SinglePointOfFailure,
  SiteLoss,
  WorkloadDr,
} from '@virtplan/core';
import type { DrEvaluationRow } from '../../services/loaders.ts';
import { builder } from '../builder.ts';
import { CriticalityEnum, FindingRef } from './common.ts';

export const drOf = (row: DrEvaluationRow): DrEvaluation => row.result as DrEvaluation;

const ResourceShortfallRef = builder.objectRef<ResourceShortfall>('ResourceShortfall').implement({
  description: 'What a site or machine lacks of one resource.',
  fields: (t) => ({
    resource: t.exposeString('resource', { description: 'cpu, vcpus, memory, iops, storage or network.' }),
    unit: t.exposeString('unit', { description: 'Unit of the figures.' }),
    needed: t.exposeFloat('needed', { description: 'Amount needed.' }),
    available: t.exposeFloat('available', { description: 'Amount available.' }),
    short: t.exposeFloat('short', { description: 'needed - available.' }),
  }),
});

const RestartedWorkloadRef = builder.objectRef<RestartedWorkload>('RestartedWorkload').implement({
  description: 'A workload restarted at the recovery site.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    host: t.exposeString('host', { description: 'Recovery machine.' }),
    startMinute: t.exposeFloat('startMinute', { description: 'Minute it starts booting.' }),
    readyMinute: t.exposeFloat('readyMinute', { description: 'Minute it serves again.' }),
    priority: t.field({
      type: CriticalityEnum,
      description: 'Priority it restarts with.',
      resolve: (r) => r.priority,
    }),
    pulledForwardBy: t.string({
      nullable: true,
      description: 'A more critical workload that needed it first.',
      resolve: (r) => r.pulledForwardBy,
    }),
  }),
});

const NotRestartedRef = builder.objectRef<NotRestartedWorkload>('NotRestartedWorkload').implement({
  description: 'A workload that does not restart, and why.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    cause: t.exposeString('cause', {
      description:
        'no-recovery-site, pinned, no-hypervisor, capacity, shed, dependency-cycle or dependency-down.',
    }),
    reasons: t.stringList({ description: 'Sentences explaining it.', resolve: (n) => [...n.reasons] }),
    shortfalls: t.field({
      type: [ResourceShortfallRef],
      description: 'For capacity: what the roomiest machine lacked.',
      resolve: (n) => [...(n.shortfalls ?? [])],
    }),
  }),
});

const CriticalPathStepRef = builder.objectRef<CriticalPathStep>('CriticalPathStep').implement({
  description: 'One wait on the path that decides when recovery completes.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    host: t.exposeString('host', { description: 'Machine.' }),
    startMinute: t.exposeFloat('startMinute', { description: 'Start minute.' }),
    readyMinute: t.exposeFloat('readyMinute', { description: 'Ready minute.' }),
    waitedFor: t.exposeString('waitedFor', {
      description:
        'detection, dependency, boot-slot or priority (test/training wait for every production workload to start).',
    }),
  }),
});

const SiteLossRef = builder.objectRef<SiteLoss>('SiteLoss').implement({
  description: 'What happens when a site is lost.',
  fields: (t) => ({
    site: t.exposeString('site', { description: 'The site lost.' }),
    recoverySite: t.string({
      nullable: true,
      description: 'Where its workloads restart.',
      resolve: (s) => s.recoverySite,
    }),
    lostWorkloads: t.exposeInt('lostWorkloads', { description: 'Workloads that ran at the site.' }),
    restarted: t.field({
      type: [RestartedWorkloadRef],
      description: 'Restarted workloads.',
      resolve: (s) => [...s.restarted],
    }),
    notRestarted: t.field({
      type: [NotRestartedRef],
      description: 'Workloads that do not restart.',
      resolve: (s) => [...s.notRestarted],
    }),
    shedAtRecoverySite: t.stringList({
      description: 'Test and training workloads shut down at the recovery site to make room.',
      resolve: (s) => [...s.shedAtRecoverySite],
    }),
    capacityShortfall: t.field({
      type: [ResourceShortfallRef],
      description: 'What the recovery site lacks.',
      resolve: (s) => [...s.capacityShortfall],
    }),
    applicationsDown: t.stringList({
      description: 'Applications wholly down.',
      resolve: (s) => [...s.applicationsDown],
    }),
    applicationsDegraded: t.stringList({
      description: 'Applications partly down.',
      resolve: (s) => [...s.applicationsDegraded],
    }),
    completionMinute: t.float({
      nullable: true,
      description: 'Minute the last restarted workload is ready; null when nothing restarts.',
      resolve: (s) => s.completionMinute,
    }),
    productionReadyMinute: t.float({
      nullable: true,
      description: 'Minute the last production/failover workload is ready; test and training come after.',
      resolve: (s) => s.productionReadyMinute,
    }),
    criticalPath: t.field({
      type: [CriticalPathStepRef],
      description: 'The chain of waits that decides productionReadyMinute.',
      resolve: (s) => [...s.criticalPath],
    }),
  }),
});

const WorkloadRpoRef = builder.objectRef<WorkloadDr['rpo']>('WorkloadRpo').implement({
  description: 'Whether a workload’s RPO holds.',
  fields: (t) => ({
    targetMinutes: t.exposeFloat('targetMinutes', { description: 'The RPO.' }),
    achievableMinutes: t.float({
      nullable: true,
      description: 'Achievable; null when unbounded or unprotected.',
      resolve: (r) => r.achievableMinutes,
    }),
    met: t.exposeBoolean('met', { description: 'The target holds.' }),
    marginMinutes: t.float({
      nullable: true,
      description: 'target - achievable.',
      resolve: (r) => r.marginMinutes,
    }),
    basis: t.exposeString('basis', { description: 'sync, async, snapshot or unprotected.' }),
    link: t.string({ nullable: true, description: 'The link it replicates over.', resolve: (r) => r.link }),
  }),
});

const WorkloadRtoRef = builder.objectRef<WorkloadDr['rto']>('WorkloadRto').implement({
  description: 'Whether a workload’s RTO holds.',
  fields: (t) => ({
    targetMinutes: t.exposeFloat('targetMinutes', { description: 'The RTO.' }),
    estimatedMinutes: t.float({
      nullable: true,
      description: 'Minutes until it serves again; null when it does not.',
      resolve: (r) => r.estimatedMinutes,
    }),
    met: t.exposeBoolean('met', { description: 'The target holds.' }),
    marginMinutes: t.float({
      nullable: true,
      description: 'target - estimated.',
      resolve: (r) => r.marginMinutes,
    }),
  }),
});

const WorkloadDrRef = builder.objectRef<WorkloadDr>('WorkloadDr').implement({
  description: 'RPO and RTO of one workload.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Workload id.' }),
    application: t.exposeString('application', { description: 'Application.' }),
    site: t.exposeString('site', { description: 'Site.' }),
    criticality: t.field({
      type: CriticalityEnum,
      description: 'Criticality.',
      resolve: (w) => w.criticality,
    }),
    phi: t.exposeBoolean('phi', { description: 'Holds PHI.' }),
    rpo: t.field({ type: WorkloadRpoRef, description: 'RPO verdict.', resolve: (w) => w.rpo }),
    rto: t.field({ type: WorkloadRtoRef, description: 'RTO verdict.', resolve: (w) => w.rto }),
  }),
});

const LinkDrRef = builder.objectRef<LinkDr>('LinkDr').implement({
  description: 'What replication needs from a link.',
  fields: (t) => ({
    id: t.exposeString('id', { description: '`a~b`.' }),
    between: t.stringList({ description: 'The two sites.', resolve: (l) => [...l.between] }),
    bandwidthMbps: t.exposeFloat('bandwidthMbps', { description: 'Bandwidth.' }),
    latencyMs: t.exposeFloat('latencyMs', { description: 'Latency.' }),
    workloads: t.exposeInt('workloads', { description: 'Workloads replicating over it.' }),
    demandMbps: t.exposeFloat('demandMbps', { description: 'What replication must carry.' }),
    utilization: t.exposeFloat('utilization', { description: 'demand / bandwidth.' }),
    shortfallMbps: t.exposeFloat('shortfallMbps', { description: 'Bandwidth missing.' }),
    syncLatencyOk: t.boolean({
      nullable: true,
      description: 'With sync replication, whether the round trip is short enough.',
      resolve: (l) => l.syncLatencyOk,
    }),
  }),
});

const BlastRadiusRef = builder.objectRef<BlastRadius>('BlastRadius').implement({
  description: 'What one machine’s failure takes down.',
  fields: (t) => ({
    machine: t.exposeString('machine', { description: 'Machine id.' }),
    site: t.exposeString('site', { description: 'Site.' }),
    role: t.exposeString('role', { description: 'hypervisor or legacy.' }),
    workloads: t.stringList({ description: 'Workloads on it.', resolve: (b) => [...b.workloads] }),
    applications: t.stringList({ description: 'Applications on it.', resolve: (b) => [...b.applications] }),
    applicationsDown: t.stringList({
      description: 'Applications every instance of which runs on it.',
      resolve: (b) => [...b.applicationsDown],
    }),
    haRestartsAll: t.exposeBoolean('haRestartsAll', { description: 'HA restarts everything it ran.' }),
    notRestartedByHa: t.field({
      type: [NotRestartedRef],
      description: 'What HA does not restart.',
      resolve: (b) => [...b.notRestartedByHa],
    }),
  }),
});

const SinglePointRef = builder.objectRef<SinglePointOfFailure>('SinglePointOfFailure').implement({
  description: 'An application every instance of which shares one machine, site or link.',
  fields: (t) => ({
    application: t.exposeString('application', { description: 'Application.' }),
    kind: t.exposeString('kind', { description: 'machine, site or link.' }),
    on: t.exposeString('on', { description: 'The id they share.' }),
    workloads: t.stringList({ description: 'Its workloads.', resolve: (s) => [...s.workloads] }),
  }),
});

const ContingencySpecRef = builder.objectRef<ContingencySpecification>('ContingencySpecification').implement({
  description: 'One implementation specification of 45 CFR 164.308(a)(7).',
  fields: (t) => ({
    citation: t.exposeString('citation', { description: 'e.g. `164.308(a)(7)(ii)(A)`.' }),
    title: t.exposeString('title', { description: 'Its title.' }),
    status: t.exposeString('status', { description: 'required or addressable.' }),
    met: t.exposeBoolean('met', { description: 'Whether the estate meets it.' }),
    detail: t.exposeString('detail', { description: 'Why.' }),
  }),
});

const RollbackWindowRef = builder.objectRef<RollbackWindow>('RollbackWindow').implement({
  description: 'How far back snapshots let a restore go.',
  fields: (t) => ({
    windowMinutes: t.float({
      nullable: true,
      description: 'How far back, in minutes.',
      resolve: (r) => r.windowMinutes,
    }),
    granularityMinutes: t.float({
      nullable: true,
      description: 'Most data a rollback loses, in minutes.',
      resolve: (r) => r.granularityMinutes,
    }),
    coarserThanRpo: t.stringList({
      description: 'Workloads whose RPO is finer than the snapshot interval.',
      resolve: (r) => [...r.coarserThanRpo],
    }),
    phiWithoutRollback: t.stringList({
      description: 'PHI workloads with no rollback.',
      resolve: (r) => [...r.phiWithoutRollback],
    }),
  }),
});

export const DrEvaluationRef = builder.objectRef<DrEvaluationRow>('DrEvaluation').implement({
  description:
    'A stored DR evaluation: each site’s loss, each workload’s RPO/RTO, link demand, blast radius of each ' +
    'machine, single points of failure and the HIPAA contingency-plan findings.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    estateId: t.exposeID('estateId', { description: 'The estate evaluated.' }),
    estateRevision: t.exposeInt('estateRevision', { description: 'The estate revision evaluated.' }),
    planId: t.id({
      nullable: true,
      description: 'The plan whose placements were evaluated; null: workloads on their current hosts.',
      resolve: (d) => d.planId,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was computed.',
      resolve: (d) => d.createdAt,
    }),
    evaluatedAt: t.field({
      type: 'DateTime',
      description: 'The instant the evaluation speaks of (plan test age...).',
      resolve: (d) => d.evaluatedAt,
    }),
    profile: t.string({ description: 'hipaa-2013 or hipaa-2025-proposed.', resolve: (d) => drOf(d).profile }),
    replicationMode: t.string({
      description: 'async, sync or none.',
      resolve: (d) => drOf(d).replicationMode,
    }),
    sites: t.field({
      type: [SiteLossRef],
      description: 'Each site’s loss.',
      resolve: (d) => [...drOf(d).sites],
    }),
    workloads: t.field({
      type: [WorkloadDrRef],
      description: 'Each workload’s RPO and RTO.',
      extensions: { cost: { multiplier: 20 } },
      resolve: (d) => [...drOf(d).workloads],
    }),
    links: t.field({
      type: [LinkDrRef],
      description: 'Replication demand per link.',
      resolve: (d) => [...drOf(d).links],
    }),
    blastRadius: t.field({
      type: [BlastRadiusRef],
      description: 'What each machine’s failure takes down.',
      resolve: (d) => [...drOf(d).blastRadius],
    }),
    singlePointsOfFailure: t.field({
      type: [SinglePointRef],
      description: 'Single points of failure.',
      resolve: (d) => [...drOf(d).singlePointsOfFailure],
    }),
    contingencyPlan: t.field({
      type: [ContingencySpecRef],
      description: 'HIPAA contingency-plan specifications.',
      resolve: (d) => [...drOf(d).contingencyPlan],
    }),
    rollback: t.field({
      type: RollbackWindowRef,
      description: 'Snapshot rollback window.',
      resolve: (d) => drOf(d).rollback,
    }),
    dependencyCycles: t.field({
      type: [t.listRef('String')],
      description: 'Dependency cycles (each a list of workload ids).',
      resolve: (d) => drOf(d).cycles.map((c) => [...c.members]),
    }),
    findings: t.field({
      type: [FindingRef],
      description: 'Every DR finding.',
      resolve: (d) => drOf(d).findings.map((f: DrFinding) => ({ ...f })),
    }),
  }),
});
