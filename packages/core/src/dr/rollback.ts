/**
 * Part 6: point-in-time rollback. Replication copies corruption and ransomware as faithfully
 * as good data, so only snapshots can take a workload back to before an attack: how far back
 * (retention) and how much a rollback loses (the snapshot interval), against each RPO.
 */
import type { Estate } from '../estate/types.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { formatAmount } from './capacity.ts';
import { compareIds } from './graph.ts';
import type { DrFinding, RollbackWindow } from './types.ts';

export function evaluateRollback(estate: Estate): { rollback: RollbackWindow; findings: DrFinding[] } {
  const snapshots = estate.policies.dr.snapshots;
  const findings: DrFinding[] = [];
  if (snapshots === null) {
    const phi = estate.workloads.filter((w) => w.phi);
    for (const w of phi) {
      findings.push({
        code: 'DR_PHI_NO_ROLLBACK',
        severity: 'high',
        workload: w.id,
        application: w.application,
        site: w.site,
        message: `${w.id} holds PHI but no snapshots are taken: after corruption or ransomware it cannot be rolled back to a clean point. Set policies.dr.snapshots.`,
      });
    }
    return {
      rollback: {
        snapshots: null,
        windowMinutes: null,
        granularityMinutes: null,
        coarserThanRpo: [],
        phiWithoutRollback: phi.map((w) => w.id).sort(compareIds),
      },
      findings,
    };
  }
  const granularity = snapshots.intervalHours * 60;
  const coarser = estate.workloads.filter((w) => !fitsWithin(granularity, w.rpoMinutes));
  if (coarser.length > 0) {
    const ids = coarser.map((w) => w.id).sort(compareIds);
    findings.push({
      code: 'DR_ROLLBACK_COARSER_THAN_RPO',
      severity: 'low',
      message:
        `A rollback to a snapshot loses up to ${formatAmount(snapshots.intervalHours)} h of data, more than the RPO of ${coarser.length} workloads ` +
        `(${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}); replication cannot undo corruption, so snapshot them more often or accept the larger loss for a rollback.`,
    });
  }
  return {
    rollback: {
      snapshots,
      windowMinutes: snapshots.retentionDays * 24 * 60,
      granularityMinutes: granularity,
      coarserThanRpo: coarser.map((w) => w.id).sort(compareIds),
      phiWithoutRollback: [],
    },
    findings,
  };
}
