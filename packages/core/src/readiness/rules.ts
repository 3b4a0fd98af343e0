/**
 * The readiness rule registry: every finding code the readiness assessment can emit, once,
 * with what it means and what to do. The docs' rule catalogue is generated from this list.
 */
import type { ReadinessStatus, Severity } from './types.ts';

export interface ReadinessRule {
  readonly code: string;
  readonly title: string;
  readonly severity: Severity;
  /** The status a workload gets from this finding alone. */
  readonly status: ReadinessStatus;
  readonly rationale: string;
  readonly remedy: string;
}

export const READINESS_RULES = [
  {
    code: 'VENDOR_UNSUPPORTED',
    title: 'Vendor does not support virtualisation',
    severity: 'high',
    status: 'NOT_READY',
    rationale:
      'Running a clinical system outside its vendor’s supported configuration can void support and, for regulated devices such as PACS, the product’s clearance. The workload stays on physical hardware until the vendor agrees.',
    remedy:
      'Ask the vendor for a written virtualisation support statement, or plan the workload on dedicated physical hardware.',
  },
  {
    code: 'VENDOR_SUPPORT_UNKNOWN',
    title: 'Nobody has asked the vendor',
    severity: 'medium',
    status: 'UNKNOWN',
    rationale: 'Whether the vendor supports the application on a hypervisor is not recorded.',
    remedy: 'Ask the vendor and record vendorSupport as supported, conditional or unsupported.',
  },
  {
    code: 'VENDOR_SUPPORT_CONDITIONAL',
    title: 'Vendor supports virtualisation with conditions',
    severity: 'low',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'Vendors often support virtual machines only with reserved CPU and memory, a certified hypervisor version or no snapshots.',
    remedy: 'Record the vendor’s conditions and check the target platform meets them before migrating.',
  },
  {
    code: 'DEDICATED_HOST_IOPS',
    title: 'Storage IO needs a host of its own',
    severity: 'medium',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'A workload above the dedicatedIopsAbove policy (typically a busy PACS or EMR database) would starve its neighbours’ storage; the plan gives it a hypervisor host to itself.',
    remedy:
      'Budget a dedicated host (still virtualised, for HA and snapshots) or lower the IO through caching.',
  },
  {
    code: 'EXCEEDS_HOST_CAPACITY',
    title: 'Larger than any hypervisor host',
    severity: 'high',
    status: 'NOT_READY',
    rationale:
      'On at least one resource the workload needs more than the largest hypervisor host at its site offers after headroom, so no plan can place it.',
    remedy:
      'Add a larger hypervisor host model at the site, relax that resource’s headroom, or keep it physical.',
  },
  {
    code: 'NO_HYPERVISOR_AT_SITE',
    title: 'No hypervisor host at the workload’s site',
    severity: 'high',
    status: 'NOT_READY',
    rationale: 'Workloads are planned at their own site and there is no hypervisor host there to run them.',
    remedy:
      'Add hypervisor hosts at the site (describe the model you would buy) or move the workload’s site.',
  },
  {
    code: 'NETWORK_HEAVY',
    title: 'Network demand dominates a shared host',
    severity: 'medium',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'The workload alone uses more than half of a hypervisor host’s usable link. Image traffic (DICOM studies to reading stations) slows every neighbour when it shares one uplink.',
    remedy:
      'Give the host a dedicated or bonded uplink (10 Gb/s or more) for image traffic, or keep it on a host of its own.',
  },
  {
    code: 'SLOW_HOST_NETWORK',
    title: 'Hypervisor hosts with less than 1 Gb/s',
    severity: 'high',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'Below 1 Gb/s a PACS image server delivers about 9 images per second against 20 or more on gigabit: radiologists notice. Network-bound workloads need at least gigabit host links.',
    remedy: 'Upgrade the hypervisor hosts’ links to 1 Gb/s or more before moving network-bound workloads.',
  },
  {
    code: 'NO_FAILOVER_PARTNER',
    title: 'Critical workload without a fail-over partner',
    severity: 'high',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'A critical workload with no failover copy and no cluster (anti-affinity group) of its application depends on hypervisor HA alone: a restart, not continuity.',
    remedy: 'Add a failover workload of the application, or cluster it with an anti-affinity group.',
  },
  {
    code: 'PHI_NO_RECOVERY_SITE',
    title: 'Protected health information without a recovery site',
    severity: 'high',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'HIPAA’s contingency plan standard (45 CFR 164.308(a)(7)) requires that ePHI can be recovered after a disaster; this workload’s site has no recovery site, or the workload is pinned to it.',
    remedy:
      'Name a recovery site for the workload’s site in policies.dr.recoverySites, with replication or off-site backups.',
  },
  {
    code: 'MISSING_MEASUREMENTS',
    title: 'Sizing figures were not measured',
    severity: 'medium',
    status: 'READY_WITH_CONDITIONS',
    rationale:
      'Missing CPU utilisation is assumed 100% (oversizing the plan); missing IOPS and network are assumed 0 (undersizing it). The plan is only as good as these figures.',
    remedy:
      'Collect two weeks of 95th-percentile CPU, IOPS and network figures (vCenter, RVTools vPerf, sar) and add them.',
  },
  {
    code: 'NO_MEASUREMENTS',
    title: 'No sizing figure was measured',
    severity: 'high',
    status: 'UNKNOWN',
    rationale: 'Neither CPU utilisation, IOPS, network nor storage is known; readiness cannot be judged.',
    remedy: 'Measure the workload before deciding (see MISSING_MEASUREMENTS).',
  },
] as const satisfies readonly ReadinessRule[];

export type ReadinessCode = (typeof READINESS_RULES)[number]['code'];

const BY_CODE = new Map<string, ReadinessRule>(READINESS_RULES.map((r) => [r.code, r]));

export function readinessRule(code: ReadinessCode): ReadinessRule {
  return BY_CODE.get(code)!;
}
