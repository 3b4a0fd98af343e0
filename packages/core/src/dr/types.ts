/**
 * The DR evaluation: what happens to an estate when a site or a machine is lost, whether each
 * workload's RPO and RTO hold, and the HIPAA contingency-plan findings.
 *
 * Minutes count from the disaster. A figure that grows without bound (a saturated link, a
 * workload that never comes back) is `null`, never Infinity, so the value serialises as is.
 */
import type { ConsolidationPlan } from '../consolidation/types.ts';
import type { Criticality, HostRole, ReplicationMode } from '../estate/types.ts';
import type { Resource } from '../shared/resources.ts';

export type DrSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Which reading of 45 CFR 164.308(a)(7) to check against. */
export type HipaaProfile = 'hipaa-2013' | 'hipaa-2025-proposed';

export interface DrFinding {
  /** A code listed once in `DR_RULES`. */
  readonly code: string;
  readonly severity: DrSeverity;
  /** A sentence a person can act on: what is wrong, the figure, what to do. */
  readonly message: string;
  readonly workload?: string;
  readonly application?: string;
  readonly site?: string;
}

/**
 * Where workloads run, as the DR evaluation needs it from a consolidation plan: the machine
 * each placed workload runs on. Workloads the plan does not place stay on their `currentHost`.
 */
export type DrPlacementSource = Pick<ConsolidationPlan, 'placements'>;

export interface DrOptions {
  /** ISO date or date-time: the moment the evaluation speaks of (plan test age, ...). */
  readonly now: string;
  /** Default `hipaa-2013`, the rule in force. */
  readonly profile?: HipaaProfile;
  /** A consolidation plan (`planConsolidation`'s); without one, workloads run on their `currentHost`. */
  readonly plan?: DrPlacementSource;
}

export interface ResourceShortfall {
  readonly resource: Resource;
  /** cores, vCPUs, GiB, IOPS, Mb/s, GiB. */
  readonly unit: string;
  readonly needed: number;
  readonly available: number;
  readonly short: number;
}

export interface RestartedWorkload {
  readonly workload: string;
  /** The recovery-site machine it restarts on. */
  readonly host: string;
  readonly startMinute: number;
  readonly readyMinute: number;
  /** The priority it restarts with: its own criticality or that of a workload that needs it. */
  readonly priority: Criticality;
  /** Set when a more critical workload that depends on it pulled it forward. */
  readonly pulledForwardBy: string | null;
}

export type NotRestartedCause =
  | 'no-recovery-site'
  | 'pinned'
  | 'no-hypervisor'
  | 'capacity'
  | 'shed'
  | 'dependency-cycle'
  | 'dependency-down';

export interface NotRestartedWorkload {
  readonly workload: string;
  readonly cause: NotRestartedCause;
  readonly reasons: readonly string[];
  /** For `capacity`: what the roomiest machine lacked. */
  readonly shortfalls?: readonly ResourceShortfall[];
}

export interface CriticalPathStep {
  readonly workload: string;
  readonly host: string;
  readonly startMinute: number;
  readonly readyMinute: number;
  /**
   * What it waited for before it could start: detection, a dependency, a free boot slot on its
   * machine, or (test and training) the start of every other workload.
   */
  readonly waitedFor: 'detection' | 'dependency' | 'boot-slot' | 'priority';
}

export interface SiteLoss {
  readonly site: string;
  readonly recoverySite: string | null;
  /** Workloads that ran at the site. */
  readonly lostWorkloads: number;
  readonly restarted: readonly RestartedWorkload[];
  readonly notRestarted: readonly NotRestartedWorkload[];
  /** Test and training workloads already at the recovery site, shut down to make room. */
  readonly shedAtRecoverySite: readonly string[];
  /** What the recovery site lacks to restart every workload refused for capacity. */
  readonly capacityShortfall: readonly ResourceShortfall[];
  readonly applicationsDown: readonly string[];
  readonly applicationsDegraded: readonly string[];
  /** The minute the last restarted workload is ready; null when nothing restarts. */
  readonly completionMinute: number | null;
  /** The minute the last production/failover workload is ready (test and training come after). */
  readonly productionReadyMinute: number | null;
  /** The chain of waits that decides `productionReadyMinute`, first step first. */
  readonly criticalPath: readonly CriticalPathStep[];
}

export type RpoBasis = 'sync' | 'async' | 'snapshot' | 'unprotected';

export interface WorkloadRpo {
  readonly targetMinutes: number;
  /** null: grows without bound (saturated link) or nothing protects the data. */
  readonly achievableMinutes: number | null;
  readonly met: boolean;
  /** target - achievable: positive is slack, negative the miss; null when unbounded. */
  readonly marginMinutes: number | null;
  readonly basis: RpoBasis;
  /** `a~b` of the link it replicates over, or null. */
  readonly link: string | null;
}

export interface WorkloadRto {
  readonly targetMinutes: number;
  /** Minutes from the loss of its site until it serves again; null when it does not. */
  readonly estimatedMinutes: number | null;
  readonly met: boolean;
  readonly marginMinutes: number | null;
}

export interface WorkloadDr {
  readonly id: string;
  readonly application: string;
  readonly site: string;
  readonly criticality: Criticality;
  readonly phi: boolean;
  readonly rpo: WorkloadRpo;
  readonly rto: WorkloadRto;
}

export interface LinkDr {
  /** `a~b`, the sites in the order the file gave them. */
  readonly id: string;
  readonly between: readonly [string, string];
  readonly bandwidthMbps: number;
  readonly latencyMs: number;
  /** Workloads replicating over it. */
  readonly workloads: number;
  /** What replication must carry, both directions together, in Mbps. */
  readonly demandMbps: number;
  /** demand / bandwidth; above 1 the replication backlog grows without bound. */
  readonly utilization: number;
  /** Bandwidth missing to carry the demand (0 when it fits). */
  readonly shortfallMbps: number;
  /** With sync replication: whether the round trip is within `SYNC_MAX_ROUND_TRIP_MS`. */
  readonly syncLatencyOk: boolean | null;
}

export interface BlastRadius {
  readonly machine: string;
  readonly site: string;
  readonly role: HostRole;
  readonly workloads: readonly string[];
  readonly applications: readonly string[];
  /** Applications every instance of which runs on this machine. */
  readonly applicationsDown: readonly string[];
  /** Whether the rest of the site's hypervisors restart every workload it ran (HA reserve). */
  readonly haRestartsAll: boolean;
  readonly notRestartedByHa: readonly NotRestartedWorkload[];
}

export interface SinglePointOfFailure {
  readonly application: string;
  readonly kind: 'machine' | 'site' | 'link';
  /** The machine id, site id or link id every instance shares. */
  readonly on: string;
  readonly workloads: readonly string[];
}

export interface ContingencySpecification {
  /** e.g. `164.308(a)(7)(ii)(A)`. */
  readonly citation: string;
  readonly title: string;
  readonly status: 'required' | 'addressable';
  readonly met: boolean;
  readonly detail: string;
}

export interface RollbackWindow {
  readonly snapshots: { readonly intervalHours: number; readonly retentionDays: number } | null;
  /** How far back a restore can go, in minutes; null without snapshots. */
  readonly windowMinutes: number | null;
  /** The most data a point-in-time rollback loses, in minutes; null without snapshots. */
  readonly granularityMinutes: number | null;
  /** Workloads whose RPO is finer than the snapshot interval. */
  readonly coarserThanRpo: readonly string[];
  readonly phiWithoutRollback: readonly string[];
}

export interface DependencyCycle {
  readonly members: readonly string[];
}

export interface DrEvaluation {
  readonly estate: string;
  readonly now: string;
  readonly profile: HipaaProfile;
  readonly replicationMode: ReplicationMode;
  readonly sites: readonly SiteLoss[];
  readonly workloads: readonly WorkloadDr[];
  readonly links: readonly LinkDr[];
  readonly blastRadius: readonly BlastRadius[];
  readonly singlePointsOfFailure: readonly SinglePointOfFailure[];
  readonly contingencyPlan: readonly ContingencySpecification[];
  readonly rollback: RollbackWindow;
  readonly cycles: readonly DependencyCycle[];
  readonly findings: readonly DrFinding[];
}
