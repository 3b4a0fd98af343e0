/**
 * Part 2: the RPO each workload can achieve, and what replication asks of each link.
 *
 * A workload replicates to its site's recovery site over the link between the two. Every
 * workload replicating over a link shares it (both directions summed against `bandwidthMbps`,
 * the conservative reading for links whose bandwidth is quoted for both ways). With async
 * replication every `intervalMinutes` the link ships one interval's changes of all of them,
 * which takes `utilization x interval`, so the achievable RPO is `interval x (1 + utilization)`;
 * past 100% the backlog, and the RPO, grow without bound. Sync replication loses nothing (RPO 0)
 * but every write waits a round trip. Without replication the RPO is the age of the last
 * snapshot, at worst one snapshot interval (the disaster strikes just before the next one).
 */
import type { Estate, Workload } from '../estate/types.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { formatAmount } from './capacity.ts';
import { severityFor } from './findings.ts';
import type { DrFinding, LinkDr, WorkloadRpo } from './types.ts';

/**
 * The longest round trip synchronous replication tolerates, in ms. Each write waits for the
 * remote acknowledgement; storage vendors put the limit for synchronous mirroring at about
 * 5 ms round trip (roughly 100 km of fibre). `latencyMs` of a link is read as its round trip.
 */
export const SYNC_MAX_ROUND_TRIP_MS = 5;

/** Mbps that one GiB per hour of changes needs: 2^30 bytes x 8 bits / 3600 s / 10^6. */
export const MBPS_PER_GIB_PER_HOUR = (2 ** 30 * 8) / 3600 / 1e6;

export const linkId = (a: string, b: string): string => `${a}~${b}`;

export interface ReplicationResult {
  readonly rpo: readonly WorkloadRpo[];
  readonly links: readonly LinkDr[];
  readonly findings: readonly DrFinding[];
}

export function evaluateReplication(estate: Estate): ReplicationResult {
  const dr = estate.policies.dr;
  const mode = dr.replication.mode;
  const findLink = (a: string, b: string) =>
    estate.links.find(
      (l) => (l.between[0] === a && l.between[1] === b) || (l.between[0] === b && l.between[1] === a),
    );
  const findings: DrFinding[] = [];

  // Which link each workload replicates over.
  const linkOf: (number | null)[] = estate.workloads.map(() => null);
  const demand = estate.links.map(() => ({ gibPerHour: 0, workloads: 0 }));
  const noLinkSites = new Set<string>();
  if (mode !== 'none') {
    estate.workloads.forEach((w, i) => {
      const target = dr.recoverySites[w.site];
      if (target === undefined) return;
      const link = findLink(w.site, target);
      if (!link) {
        noLinkSites.add(w.site);
        return;
      }
      const k = estate.links.indexOf(link);
      linkOf[i] = k;
      demand[k]!.gibPerHour += w.changeRateGiBPerHour;
      demand[k]!.workloads++;
    });
  }
  for (const site of [...noLinkSites].sort()) {
    const target = dr.recoverySites[site]!;
    findings.push({
      code: 'DR_NO_REPLICATION_LINK',
      severity: 'high',
      site,
      message: `${site} replicates to ${target} (${mode}) but no link joins them in links: its workloads fall back to snapshots; describe the link or fix the recovery site.`,
    });
  }

  const links: LinkDr[] = estate.links.map((l, k) => {
    const d = demand[k]!;
    const demandMbps = d.gibPerHour * MBPS_PER_GIB_PER_HOUR;
    const utilization = demandMbps / l.bandwidthMbps;
    const saturated = !fitsWithin(demandMbps, l.bandwidthMbps);
    const id = linkId(l.between[0], l.between[1]);
    const syncLatencyOk = mode === 'sync' && d.workloads > 0 ? l.latencyMs <= SYNC_MAX_ROUND_TRIP_MS : null;
    if (saturated) {
      findings.push({
        code: 'DR_LINK_SATURATED',
        severity: 'critical',
        message:
          `Link ${id} must carry ${formatAmount(demandMbps)} Mbps of replicated changes (${d.workloads} workloads, ` +
          `${formatAmount(d.gibPerHour)} GiB/h) but has ${formatAmount(l.bandwidthMbps)} Mbps (${Math.round(utilization * 100)}%): ` +
          `short ${formatAmount(demandMbps - l.bandwidthMbps)} Mbps. ` +
          (mode === 'sync'
            ? 'Synchronous writes will stall at the link’s speed; add the bandwidth.'
            : 'The replication backlog, and every RPO over this link, grow without bound; add the bandwidth or reduce the changes.'),
      });
    }
    if (syncLatencyOk === false) {
      findings.push({
        code: 'DR_SYNC_LATENCY',
        severity: 'high',
        message: `Link ${id} has a ${formatAmount(l.latencyMs)} ms round trip, above the ${SYNC_MAX_ROUND_TRIP_MS} ms synchronous replication tolerates: every write of its ${d.workloads} workloads waits for it. Use async replication over it or a closer recovery site.`,
      });
    }
    return {
      id,
      between: l.between,
      bandwidthMbps: l.bandwidthMbps,
      latencyMs: l.latencyMs,
      workloads: d.workloads,
      demandMbps,
      utilization,
      shortfallMbps: saturated ? demandMbps - l.bandwidthMbps : 0,
      syncLatencyOk,
    };
  });

  const snapshotMinutes = dr.snapshots ? dr.snapshots.intervalHours * 60 : null;
  const rpo = estate.workloads.map((w, i): WorkloadRpo => {
    const k = linkOf[i] ?? null;
    let basis: WorkloadRpo['basis'];
    let achievable: number | null;
    let how: string;
    if (k !== null) {
      const link = links[k]!;
      if (mode === 'sync') {
        basis = 'sync';
        achievable = 0;
        how = `synchronous replication over ${link.id}`;
      } else {
        basis = 'async';
        const interval = dr.replication.intervalMinutes;
        achievable = link.shortfallMbps > 0 ? null : interval * (1 + link.utilization);
        how =
          achievable === null
            ? `link ${link.id} is loaded past 100% (${Math.round(link.utilization * 100)}%), so the replication backlog grows without bound`
            : `async replication every ${formatAmount(interval)} min plus ${formatAmount(interval * link.utilization)} min to ship an interval’s changes over ${link.id} (${Math.round(link.utilization * 100)}% busy)`;
      }
    } else {
      const target = dr.recoverySites[w.site];
      const why =
        mode === 'none'
          ? 'no replication'
          : target === undefined
            ? `${w.site} has no recovery site to replicate to`
            : `no link joins ${w.site} to ${target}`;
      if (snapshotMinutes !== null) {
        basis = 'snapshot';
        achievable = snapshotMinutes;
        how = `${why}; the last snapshot is up to ${formatAmount(snapshotMinutes)} min old`;
      } else {
        basis = 'unprotected';
        achievable = null;
        how = `${why} and no snapshots`;
      }
    }
    const met = achievable !== null && fitsWithin(achievable, w.rpoMinutes);
    const margin = achievable === null ? null : w.rpoMinutes - achievable;
    if (basis === 'unprotected') {
      findings.push({
        code: 'DR_UNPROTECTED',
        severity: w.phi || w.criticality === 'critical' ? 'high' : 'medium',
        workload: w.id,
        application: w.application,
        site: w.site,
        message: `${w.id}${w.phi ? ' (PHI)' : ''}: ${how}; its data is lost with ${w.site}. Replicate it to a recovery site or take snapshots kept off site.`,
      });
    } else if (!met) {
      findings.push(rpoMissed(w, achievable, how));
    }
    return {
      targetMinutes: w.rpoMinutes,
      achievableMinutes: achievable,
      met,
      marginMinutes: margin,
      basis,
      link: k === null ? null : links[k]!.id,
    };
  });
  return { rpo, links, findings };
}

function rpoMissed(w: Workload, achievable: number | null, how: string): DrFinding {
  const by = achievable === null ? 'without bound' : `by ${formatAmount(achievable - w.rpoMinutes)} min`;
  return {
    code: 'DR_RPO_MISSED',
    severity: severityFor(w.criticality),
    workload: w.id,
    application: w.application,
    site: w.site,
    message: `${w.id}: RPO ${formatAmount(w.rpoMinutes)} min missed ${by}: ${how}.`,
  };
}
