export type ReadinessStatus = 'READY' | 'READY_WITH_CONDITIONS' | 'UNKNOWN' | 'NOT_READY';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Worst first: an application's status is the worst of its workloads'. */
export const STATUS_RANK: Readonly<Record<ReadinessStatus, number>> = {
  READY: 0,
  READY_WITH_CONDITIONS: 1,
  UNKNOWN: 2,
  NOT_READY: 3,
};

export const worseStatus = (a: ReadinessStatus, b: ReadinessStatus): ReadinessStatus =>
  STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;

/** One thing a person should know or do, with a stable code they can look up. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly workload?: string;
  readonly application?: string;
  readonly site?: string;
}

export interface WorkloadReadiness {
  readonly id: string;
  readonly application: string;
  readonly status: ReadinessStatus;
  readonly findings: readonly Finding[];
}

export interface ApplicationReadiness {
  readonly application: string;
  readonly status: ReadinessStatus;
  readonly workloads: readonly string[];
  readonly findings: readonly Finding[];
}

export interface ReadinessReport {
  readonly workloads: readonly WorkloadReadiness[];
  readonly applications: readonly ApplicationReadiness[];
  /** 0..1, from the estate's provenance: how much of the sizing was measured. */
  readonly dataConfidence: number;
  readonly summary: Readonly<Record<ReadinessStatus, number>>;
}
