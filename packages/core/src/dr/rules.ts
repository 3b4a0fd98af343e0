/**
 * The DR rule registry: every finding code the DR evaluation emits, listed once, so the docs
 * can print a catalogue and readiness can explain a DR finding. `severity` is the usual one;
 * a finding may be raised for a critical or PHI workload, and the message says why.
 */
import type { DrSeverity } from './types.ts';

export interface DrRule {
  readonly code: string;
  readonly title: string;
  readonly rationale: string;
  readonly severity: DrSeverity;
  readonly remedy: string;
}

const rules = [
  {
    code: 'DR_NO_RECOVERY_SITE',
    title: 'Site without a recovery site',
    rationale: 'When the site is lost nothing that ran there restarts anywhere: every workload is lost.',
    severity: 'high',
    remedy: 'Name a recovery site for it in policies.dr.recoverySites and replicate its data there.',
  },
  {
    code: 'DR_NO_RECOVERY_HYPERVISORS',
    title: 'Recovery site has no hypervisor',
    rationale: 'Workloads restart on hypervisors; a recovery site with none can restart nothing.',
    severity: 'critical',
    remedy: 'Provide hypervisor hosts at the recovery site, or choose another recovery site.',
  },
  {
    code: 'DR_PINNED_WORKLOAD_LOST',
    title: 'Pinned workload is lost with its site',
    rationale: 'A workload with pinnedSite never runs elsewhere, so a site loss takes it down for good.',
    severity: 'medium',
    remedy: 'Run a second instance at the recovery site, or accept and document the loss.',
  },
  {
    code: 'DR_RECOVERY_CAPACITY_SHORT',
    title: 'Recovery site lacks capacity',
    rationale: 'At full emergency headroom the recovery site cannot carry every workload of the lost site.',
    severity: 'high',
    remedy: 'Add the missing capacity at the recovery site, or reduce what must restart there.',
  },
  {
    code: 'DR_WORKLOAD_NOT_RESTARTED',
    title: 'Workload does not restart after a site loss',
    rationale: 'The workload is not restarted at the recovery site (capacity, a lost dependency, a cycle).',
    severity: 'high',
    remedy: 'Act on the reason given: capacity at the recovery site, or the dependency that is lost.',
  },
  {
    code: 'DR_TEST_TRAINING_SHED',
    title: 'Test and training workloads shed',
    rationale: 'To make room for production, test and training workloads are not restarted or are shut down.',
    severity: 'info',
    remedy: 'Put the shutdown of these workloads in the emergency mode operation plan.',
  },
  {
    code: 'DR_DEPENDENCY_CYCLE',
    title: 'Dependency cycle',
    rationale: 'Workloads that depend on one another in a circle have no restart order.',
    severity: 'critical',
    remedy: 'Break the cycle in dependsOn: one of the members must be able to start first.',
  },
  {
    code: 'DR_DEPENDENCY_PULLED_FORWARD',
    title: 'Dependency restarted with a higher priority',
    rationale: 'A more critical workload depends on it, so it restarts in that workload’s tier.',
    severity: 'info',
    remedy: 'Raise its criticality to match, so its own RPO/RTO targets say what the restart needs.',
  },
  {
    code: 'DR_DEPENDENCY_RTO_INVERSION',
    title: 'Dependency has a looser RTO',
    rationale: 'A workload cannot be back before what it depends on, yet its RTO is tighter.',
    severity: 'medium',
    remedy: 'Tighten the dependency’s RTO to at most the dependent’s, or remove the dependency.',
  },
  {
    code: 'DR_RTO_MISSED',
    title: 'RTO missed',
    rationale: 'After its site is lost the workload serves again later than its RTO allows, or never.',
    severity: 'high',
    remedy:
      'Shorten the critical path (detection, boot time, boots per host), add recovery capacity, or renegotiate the RTO.',
  },
  {
    code: 'DR_RPO_MISSED',
    title: 'RPO missed',
    rationale: 'The data the workload would lose exceeds its RPO.',
    severity: 'high',
    remedy: 'Replicate more often or over a faster link, or take snapshots more often.',
  },
  {
    code: 'DR_LINK_SATURATED',
    title: 'Replication link too thin',
    rationale: 'The changes to replicate exceed the link: the backlog, and so the RPO, grows without bound.',
    severity: 'critical',
    remedy: 'Add the missing bandwidth, or reduce or stagger the changes that cross the link.',
  },
  {
    code: 'DR_NO_REPLICATION_LINK',
    title: 'No link to the recovery site',
    rationale: 'Replication needs a link between a site and its recovery site; there is none.',
    severity: 'high',
    remedy: 'Describe (or build) the link in links, or rely on off-site backups and say so.',
  },
  {
    code: 'DR_SYNC_LATENCY',
    title: 'Link too slow for synchronous replication',
    rationale: 'Every synchronous write waits a round trip; above 5 ms round trip writes slow visibly.',
    severity: 'high',
    remedy: 'Use asynchronous replication over this link, or a closer recovery site.',
  },
  {
    code: 'DR_UNPROTECTED',
    title: 'Data not protected',
    rationale: 'No replication and no snapshots: the workload’s data is lost with its site.',
    severity: 'high',
    remedy: 'Replicate it to the recovery site or take snapshots kept off site.',
  },
  {
    code: 'DR_HA_NOT_COVERED',
    title: 'Host failure not covered by the HA reserve',
    rationale: 'When the machine fails, the rest of its site cannot restart every workload it ran.',
    severity: 'high',
    remedy: 'Keep an HA reserve (policies.consolidation.haReserve) the plan honours, or add a host.',
  },
  {
    code: 'DR_SPOF_MACHINE',
    title: 'Application on one machine',
    rationale: 'Every instance of the application runs on one machine: its failure stops the application.',
    severity: 'medium',
    remedy: 'Run a second instance on another machine (an antiAffinityGroup keeps them apart).',
  },
  {
    code: 'DR_SPOF_SITE',
    title: 'Application at one site',
    rationale:
      'Every instance of the application is at one site: a site loss stops it until it restarts elsewhere.',
    severity: 'low',
    remedy: 'Keep a failover instance at the recovery site if the restart time is too long.',
  },
  {
    code: 'DR_SPOF_LINK',
    title: 'Application relies on one link',
    rationale:
      'The application’s sites are joined by a single link: when it fails, replication between them stops.',
    severity: 'low',
    remedy: 'Add a second, independent path between the sites.',
  },
  {
    code: 'DR_PHI_NO_ROLLBACK',
    title: 'PHI without point-in-time rollback',
    rationale:
      'Replication copies corruption and ransomware too; without snapshots PHI cannot be rolled back.',
    severity: 'high',
    remedy: 'Take snapshots (policies.dr.snapshots) kept long enough to reach back past an attack.',
  },
  {
    code: 'DR_ROLLBACK_COARSER_THAN_RPO',
    title: 'Rollback coarser than the RPO',
    rationale:
      'Rolling back past corruption loses up to a snapshot interval, more than these workloads’ RPO.',
    severity: 'low',
    remedy: 'Take snapshots more often for these workloads, or accept the larger loss for a rollback.',
  },
  {
    code: 'HIPAA_DATA_BACKUP_PLAN',
    title: '164.308(a)(7)(ii)(A) data backup plan',
    rationale: 'Required: retrievable exact copies of ePHI.',
    severity: 'high',
    remedy: 'Establish and document a data backup plan, and describe the backups in the estate.',
  },
  {
    code: 'HIPAA_BACKUP_NOT_EVIDENT',
    title: 'Backup plan declared, no backups described',
    rationale: 'The estate declares a data backup plan but describes neither snapshots nor replication.',
    severity: 'medium',
    remedy: 'Describe the backups (policies.dr.snapshots or replication) so the plan can be checked.',
  },
  {
    code: 'HIPAA_DISASTER_RECOVERY_PLAN',
    title: '164.308(a)(7)(ii)(B) disaster recovery plan',
    rationale: 'Required: procedures to restore any loss of data.',
    severity: 'high',
    remedy: 'Establish and document a disaster recovery plan.',
  },
  {
    code: 'HIPAA_EMERGENCY_MODE_PLAN',
    title: '164.308(a)(7)(ii)(C) emergency mode operation plan',
    rationale: 'Required: procedures to keep critical processes that protect ePHI running in an emergency.',
    severity: 'high',
    remedy: 'Establish and document an emergency mode operation plan.',
  },
  {
    code: 'HIPAA_TESTING_AND_REVISION',
    title: '164.308(a)(7)(ii)(D) testing and revision',
    rationale:
      'Addressable (required in the 2025 proposal): test and revise the contingency plans periodically.',
    severity: 'medium',
    remedy: 'Test the contingency plan, record policies.dr.contingencyPlan.lastTestedOn, and revise it.',
  },
  {
    code: 'HIPAA_CRITICALITY_ANALYSIS',
    title: '164.308(a)(7)(ii)(E) applications and data criticality analysis',
    rationale:
      'Addressable (required in the 2025 proposal): rank applications and data for the contingency plan.',
    severity: 'medium',
    remedy: 'Do the analysis and set each workload’s criticality, RPO and RTO from it.',
  },
  {
    code: 'HIPAA_NPRM_RESTORE_72H',
    title: 'Proposed rule: critical systems restored within 72 hours',
    rationale: 'The January 2025 proposal requires restoring critical systems and data within 72 hours.',
    severity: 'high',
    remedy: 'Give every critical workload a recovery site with capacity so it restarts within 72 hours.',
  },
  {
    code: 'HIPAA_NPRM_BACKUP_48H',
    title: 'Proposed rule: backups no older than 48 hours',
    rationale: 'The January 2025 proposal requires backups of ePHI no more than 48 hours old.',
    severity: 'high',
    remedy: 'Take snapshots at least every 48 hours (policies.dr.snapshots.intervalHours <= 48).',
  },
] as const satisfies readonly DrRule[];

export type DrFindingCode = (typeof rules)[number]['code'];

export const DR_RULES: readonly DrRule[] = rules;

const byCode: ReadonlyMap<string, DrRule> = new Map(rules.map((r) => [r.code, r]));

/** The registry entry of a code; throws for an unlisted code (a bug). */
export function drRule(code: DrFindingCode): DrRule {
  const rule = byCode.get(code);
  if (!rule) throw new Error(`DR rule ${code} is not in the registry`);
  return rule;
}
