/**
 * The normalised estate: what every engine in core reads.
 *
 * Produced by `normalizeEstate` from a document that passed the estate-v1 schema
 * (`../../../../shared/spec/estate-v1.md`). Every default is filled in, `count` is expanded
 * into machines `id-1 .. id-N`, and every cross-reference has been checked, so engines can
 * index by id without guarding.
 *
 * Unlimited capacities (a host's `iops` or `storageGiB` left out) are `Infinity` here;
 * serialisers must print them as `null`.
 */

export type HostRole = 'hypervisor' | 'legacy';
export type WorkloadRole = 'production' | 'failover' | 'test' | 'training';
export type Criticality = 'critical' | 'high' | 'medium' | 'low';
export type VendorSupport = 'supported' | 'conditional' | 'unsupported' | 'unknown';
export type ReplicationMode = 'async' | 'sync' | 'none';

export const CRITICALITIES: readonly Criticality[] = ['critical', 'high', 'medium', 'low'];

export interface Site {
  readonly id: string;
  readonly name: string;
  /** Power usage effectiveness, >= 1. */
  readonly pue: number;
  readonly energyCostPerKwh: number;
  readonly carbonKgPerKwh: number;
  /** Which of pue / energyCostPerKwh / carbonKgPerKwh were defaulted rather than given. */
  readonly assumed: readonly ('pue' | 'energyCostPerKwh' | 'carbonKgPerKwh')[];
}

export interface Link {
  /** The two site ids, in the order the file gave them. */
  readonly between: readonly [string, string];
  readonly bandwidthMbps: number;
  readonly latencyMs: number;
}

/** One physical machine (a host entry with `count: 4` becomes four of these). */
export interface Machine {
  /** Machine id: the host id when count is 1, else `${hostId}-${n}`. */
  readonly id: string;
  /** The `hosts[].id` this machine was expanded from. */
  readonly hostId: string;
  readonly site: string;
  readonly role: HostRole;
  readonly cpuCores: number;
  readonly cpuGhz: number;
  readonly memoryGiB: number;
  /** Infinity when the file gave none. */
  readonly iops: number;
  /** Infinity when the file gave none. */
  readonly storageGiB: number;
  readonly networkGbps: number;
  readonly powerIdleW: number;
  readonly powerMaxW: number;
}

export interface Workload {
  readonly id: string;
  readonly name: string;
  readonly application: string;
  readonly role: WorkloadRole;
  readonly site: string;
  /** A machine id, or null when the file gave none. */
  readonly currentHost: string | null;
  readonly vcpus: number;
  /** 95th-percentile busy fraction of its vcpus, 0..1. */
  readonly cpuUtilization: number;
  readonly memoryGiB: number;
  readonly iops: number;
  readonly storageGiB: number;
  readonly networkMbps: number;
  readonly criticality: Criticality;
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  readonly bootMinutes: number;
  readonly dependsOn: readonly string[];
  readonly changeRateGiBPerHour: number;
  readonly vendorSupport: VendorSupport;
  readonly phi: boolean;
  readonly antiAffinityGroup: string | null;
  readonly pinnedSite: string | null;
  /**
   * Which sizing figures were measured (given in the file or the import) rather than
   * defaulted. Drives data confidence and the MISSING_MEASUREMENTS finding.
   */
  readonly measured: {
    readonly cpuUtilization: boolean;
    readonly iops: boolean;
    readonly networkMbps: boolean;
    readonly storageGiB: boolean;
  };
  /** Whether rpo/rto came from the workload itself or from `policies.dr.defaults`. */
  readonly rpoFromPolicy: boolean;
  readonly rtoFromPolicy: boolean;
}

export interface Headroom {
  readonly cpu: number;
  readonly memory: number;
  readonly iops: number;
  readonly network: number;
  readonly storage: number;
}

export interface ConsolidationPolicy {
  readonly headroom: Headroom;
  readonly cpuOvercommit: number;
  readonly haReserve: number;
  readonly separateRoles: boolean;
  readonly dedicatedIopsAbove: number;
}

export interface RecoveryTarget {
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
}

export interface ContingencyPlan {
  readonly dataBackupPlan: boolean;
  readonly disasterRecoveryPlan: boolean;
  readonly emergencyModeOperationPlan: boolean;
  /** ISO date (YYYY-MM-DD) or null when never tested. */
  readonly lastTestedOn: string | null;
  readonly testIntervalDays: number;
  readonly criticalityAnalysisDone: boolean;
}

export interface DrPolicy {
  /** Lost site id -> recovery site id. */
  readonly recoverySites: Readonly<Record<string, string>>;
  readonly replication: { readonly mode: ReplicationMode; readonly intervalMinutes: number };
  /** null when the file describes no snapshots. */
  readonly snapshots: { readonly intervalHours: number; readonly retentionDays: number } | null;
  readonly defaults: Readonly<Record<Criticality, RecoveryTarget>>;
  readonly concurrentBootsPerHost: number;
  readonly detectionMinutes: number;
  readonly contingencyPlan: ContingencyPlan;
}

export interface Policies {
  readonly consolidation: ConsolidationPolicy;
  readonly dr: DrPolicy;
}

export interface Estate {
  readonly apiVersion: 'virtplan/v1';
  readonly name: string;
  readonly sites: readonly Site[];
  readonly links: readonly Link[];
  readonly machines: readonly Machine[];
  readonly workloads: readonly Workload[];
  readonly policies: Policies;
  /** Where the estate came from and how much of its sizing was measured. */
  readonly provenance: Provenance;
}

export interface Provenance {
  readonly source: 'estate-file' | 'rvtools';
  /** 0..1: share of the sizing figures that were measured rather than assumed. */
  readonly dataConfidence: number;
  /** Human-readable notes from an import: what was left out, defaulted or guessed. */
  readonly notes: readonly string[];
}
