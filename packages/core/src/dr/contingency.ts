/**
 * Part 5: the HIPAA Security Rule contingency plan standard, 45 CFR 164.308(a)(7), one entry
 * per implementation specification, and the stricter profile of the proposed rule published
 * on 6 January 2025 (90 FR 898): every specification required, critical systems restored
 * within 72 hours, backups of ePHI no more than 48 hours old.
 */
import type { Estate } from '../estate/types.ts';
import { formatAmount } from './capacity.ts';
import type { ContingencySpecification, DrFinding, HipaaProfile, WorkloadDr } from './types.ts';

/** Proposed rule: critical systems restored within 72 hours. */
export const NPRM_RESTORE_MINUTES = 72 * 60;
/** Proposed rule: backups no more than 48 hours old. */
export const NPRM_BACKUP_MAX_HOURS = 48;

const DAY_MS = 86_400_000;

/** Whole days from `from` (YYYY-MM-DD) to `now` (ISO date or date-time); throws on a malformed `now` (a caller bug). */
export function daysBetween(from: string, now: string): number {
  const a = Date.parse(from.length === 10 ? `${from}T00:00:00Z` : from);
  const b = Date.parse(now.length === 10 ? `${now}T00:00:00Z` : now);
  if (Number.isNaN(b)) throw new Error(`evaluateDr: now '${now}' is not an ISO date`);
  if (Number.isNaN(a)) throw new Error(`evaluateDr: lastTestedOn '${from}' is not an ISO date`);
  return Math.floor((b - a) / DAY_MS);
}

export interface ContingencyResult {
  readonly specifications: readonly ContingencySpecification[];
  readonly findings: readonly DrFinding[];
}

export function evaluateContingency(
  estate: Estate,
  profile: HipaaProfile,
  now: string,
  workloads: readonly WorkloadDr[],
): ContingencyResult {
  const dr = estate.policies.dr;
  const plan = dr.contingencyPlan;
  const strict = profile === 'hipaa-2025-proposed';
  const addressable = strict ? 'required' : 'addressable';
  const specs: ContingencySpecification[] = [];
  const findings: DrFinding[] = [];
  const cite = (s: string) => `45 CFR 164.308(a)(7)(ii)(${s})`;
  const unmet = (code: string, severity: DrFinding['severity'], message: string) =>
    findings.push({ code, severity, message });
  const addressableNote = strict
    ? 'required under the 2025 proposed rule'
    : 'addressable: implement it, or document why it is not reasonable and what is done instead';

  // (A) data backup plan
  const backupsDescribed = dr.snapshots !== null || dr.replication.mode !== 'none';
  specs.push({
    citation: '164.308(a)(7)(ii)(A)',
    title: 'Data backup plan',
    status: 'required',
    met: plan.dataBackupPlan,
    detail: plan.dataBackupPlan
      ? backupsDescribed
        ? `declared; ${describeBackups(estate)}`
        : 'declared, but the estate describes no snapshots and no replication'
      : 'not established',
  });
  if (!plan.dataBackupPlan) {
    unmet(
      'HIPAA_DATA_BACKUP_PLAN',
      'high',
      `${cite('A')} data backup plan (required) is not established: establish and document procedures to create and keep retrievable exact copies of ePHI, then set policies.dr.contingencyPlan.dataBackupPlan.`,
    );
  } else if (!backupsDescribed) {
    unmet(
      'HIPAA_BACKUP_NOT_EVIDENT',
      'medium',
      `${cite('A')}: a data backup plan is declared but the estate describes neither snapshots nor replication; describe the backups (policies.dr.snapshots) so they can be checked against the RPOs.`,
    );
  }

  // (B) disaster recovery plan
  const sitesWithout = estate.sites
    .filter((s) => dr.recoverySites[s.id] === undefined && estate.workloads.some((w) => w.site === s.id))
    .map((s) => s.id);
  specs.push({
    citation: '164.308(a)(7)(ii)(B)',
    title: 'Disaster recovery plan',
    status: 'required',
    met: plan.disasterRecoveryPlan,
    detail: plan.disasterRecoveryPlan
      ? sitesWithout.length > 0
        ? `declared; but ${sitesWithout.join(', ')} ${sitesWithout.length === 1 ? 'has' : 'have'} no recovery site`
        : 'declared; every site with workloads has a recovery site'
      : 'not established',
  });
  if (!plan.disasterRecoveryPlan) {
    unmet(
      'HIPAA_DISASTER_RECOVERY_PLAN',
      'high',
      `${cite('B')} disaster recovery plan (required) is not established: document the procedures to restore lost data and systems (this report’s restart order is a start), then set policies.dr.contingencyPlan.disasterRecoveryPlan.`,
    );
  }

  // (C) emergency mode operation plan
  specs.push({
    citation: '164.308(a)(7)(ii)(C)',
    title: 'Emergency mode operation plan',
    status: 'required',
    met: plan.emergencyModeOperationPlan,
    detail: plan.emergencyModeOperationPlan ? 'declared' : 'not established',
  });
  if (!plan.emergencyModeOperationPlan) {
    unmet(
      'HIPAA_EMERGENCY_MODE_PLAN',
      'high',
      `${cite('C')} emergency mode operation plan (required) is not established: document how critical processes that protect ePHI keep running during an emergency (which workloads are shed, who decides), then set policies.dr.contingencyPlan.emergencyModeOperationPlan.`,
    );
  }

  // (D) testing and revision
  const age = plan.lastTestedOn === null ? null : daysBetween(plan.lastTestedOn, now);
  const tested = age !== null && age <= plan.testIntervalDays;
  specs.push({
    citation: '164.308(a)(7)(ii)(D)',
    title: 'Testing and revision procedures',
    status: addressable,
    met: tested,
    detail:
      age === null
        ? 'never tested'
        : `last tested on ${plan.lastTestedOn}, ${age} days before ${now.slice(0, 10)} (interval ${plan.testIntervalDays} days)`,
  });
  if (!tested) {
    unmet(
      'HIPAA_TESTING_AND_REVISION',
      strict ? 'high' : 'medium',
      age === null
        ? `${cite('D')} testing and revision (${addressableNote}): the contingency plan has never been tested; run a failover test and record it in policies.dr.contingencyPlan.lastTestedOn.`
        : `${cite('D')} testing and revision (${addressableNote}): last tested on ${plan.lastTestedOn}, ${age} days ago, beyond the ${plan.testIntervalDays}-day interval by ${age - plan.testIntervalDays} days; test it again and revise the plan.`,
    );
  }

  // (E) applications and data criticality analysis
  const defaulted = estate.workloads.filter((w) => w.rpoFromPolicy && w.rtoFromPolicy).length;
  specs.push({
    citation: '164.308(a)(7)(ii)(E)',
    title: 'Applications and data criticality analysis',
    status: addressable,
    met: plan.criticalityAnalysisDone,
    detail: plan.criticalityAnalysisDone
      ? `declared; ${defaulted} of ${estate.workloads.length} workloads take their RPO and RTO from the policy defaults`
      : 'not done',
  });
  if (!plan.criticalityAnalysisDone) {
    unmet(
      'HIPAA_CRITICALITY_ANALYSIS',
      strict ? 'high' : 'medium',
      `${cite('E')} applications and data criticality analysis (${addressableNote}): not done; rank the applications, set each workload’s criticality, RPO and RTO from it, and set policies.dr.contingencyPlan.criticalityAnalysisDone.`,
    );
  }

  if (strict) {
    const critical = workloads.filter((w) => w.criticality === 'critical');
    const late = critical.filter(
      (w) => w.rto.estimatedMinutes === null || w.rto.estimatedMinutes > NPRM_RESTORE_MINUTES,
    );
    specs.push({
      citation: 'proposed 2025: restore within 72 hours',
      title: 'Critical systems restored within 72 hours',
      status: 'required',
      met: late.length === 0,
      detail:
        late.length === 0
          ? `all ${critical.length} critical workloads restart within 72 hours of losing their site`
          : `${late.length} of ${critical.length} critical workloads do not restart within 72 hours`,
    });
    if (late.length > 0) {
      unmet(
        'HIPAA_NPRM_RESTORE_72H',
        'high',
        `Proposed rule (January 2025): ${late.length} critical workloads would not be restored within 72 hours of losing their site (${late
          .slice(0, 5)
          .map((w) =>
            w.rto.estimatedMinutes === null
              ? `${w.id}: never`
              : `${w.id}: ${formatAmount(w.rto.estimatedMinutes / 60)} h`,
          )
          .join(', ')}${late.length > 5 ? ', ...' : ''}); give them a recovery site with room.`,
      );
    }
    const phi = estate.workloads.filter((w) => w.phi);
    const snapshotHours = dr.snapshots?.intervalHours ?? null;
    const fresh = snapshotHours !== null && snapshotHours <= NPRM_BACKUP_MAX_HOURS;
    specs.push({
      citation: 'proposed 2025: backups no older than 48 hours',
      title: 'Backups of ePHI no more than 48 hours old',
      status: 'required',
      met: fresh || phi.length === 0,
      detail:
        snapshotHours === null
          ? `no snapshots are described for the ${phi.length} PHI workloads`
          : `snapshots every ${formatAmount(snapshotHours)} h`,
    });
    if (!fresh && phi.length > 0) {
      unmet(
        'HIPAA_NPRM_BACKUP_48H',
        'high',
        snapshotHours === null
          ? `Proposed rule (January 2025): backups of ePHI must be no more than 48 hours old, but no snapshots are described for the ${phi.length} PHI workloads; set policies.dr.snapshots.intervalHours to 48 or less.`
          : `Proposed rule (January 2025): backups of ePHI must be no more than 48 hours old, but snapshots are taken every ${formatAmount(snapshotHours)} h, so the ${phi.length} PHI workloads may have backups ${formatAmount(snapshotHours - NPRM_BACKUP_MAX_HOURS)} h too old; snapshot at least every 48 h.`,
      );
    }
  }
  return { specifications: specs, findings };
}

function describeBackups(estate: Estate): string {
  const dr = estate.policies.dr;
  const parts: string[] = [];
  if (dr.replication.mode !== 'none') {
    parts.push(
      `${dr.replication.mode} replication${dr.replication.mode === 'async' ? ` every ${dr.replication.intervalMinutes} min` : ''}`,
    );
  }
  if (dr.snapshots)
    parts.push(`snapshots every ${dr.snapshots.intervalHours} h kept ${dr.snapshots.retentionDays} days`);
  return parts.join(', ');
}
