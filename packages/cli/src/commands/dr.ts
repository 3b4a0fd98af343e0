import {
  type DrEvaluation,
  type DrFinding,
  evaluateDr,
  type HipaaProfile,
  type SiteLoss,
} from '@virtplan/core';
import { formatOption, parseCommandArgs, toJson } from '../args.ts';
import { loadEstate } from '../estate-file.ts';
import { type Command, UsageError } from '../io.ts';
import { renderTable } from '../table.ts';

const PROFILES: readonly HipaaProfile[] = ['hipaa-2013', 'hipaa-2025-proposed'];
/** Rows of one site's restart timeline shown in the table; the JSON has them all. */
const GANTT_ROWS = 200;
const GANTT_WIDTH = 50;

export const drCommand: Command = {
  name: 'dr',
  summary: 'Disaster recovery: site loss, RPO/RTO, blast radius, HIPAA contingency plan',
  help: `Usage: virtplan dr FILE [--site ID] [--format table|json] [--profile hipaa-2013|hipaa-2025-proposed]

What happens when each site is lost: what restarts where and when (a restart timeline), what does
not fit and why, which applications stay down; each workload's RPO and RTO against its targets;
what replication asks of each link; what one host's failure takes down; single points of failure;
the HIPAA contingency-plan findings (45 CFR 164.308(a)(7)).
  --site ID        only the loss of this site (its workloads, its findings)
  --format json    machine-readable: { sites[], workloads[], links[], blastRadius[],
                   singlePointsOfFailure[], contingencyPlan[], rollback, findings[] };
                   minutes that grow without bound are null
  --profile P      hipaa-2013 (the rule in force, default) or hipaa-2025-proposed (the January 2025
                   proposed rule: every specification required, 72 h restore, 48 h backups)`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, {
      site: { type: 'string' },
      format: { type: 'string' },
      profile: { type: 'string' },
    });
    const format = formatOption(values.format);
    const profile = (values.profile ?? 'hipaa-2013') as HipaaProfile;
    if (!PROFILES.includes(profile)) {
      throw new UsageError(`--profile must be ${PROFILES.join(' or ')}, not '${values.profile}'`);
    }
    if (positionals.length > 1) throw new UsageError(`one FILE only (got ${positionals.join(', ')})`);
    const { estate } = loadEstate(positionals[0], io);
    if (values.site !== undefined && !estate.sites.some((s) => s.id === values.site)) {
      throw new UsageError(
        `no site '${values.site}' in ${positionals[0]} (sites: ${estate.sites.map((s) => s.id).join(', ')})`,
      );
    }
    // The real clock enters here, and only here: core takes `now` as an argument.
    const full = evaluateDr(estate, { now: new Date().toISOString(), profile });
    const evaluation = values.site === undefined ? full : forSite(full, values.site);
    io.stdout(format === 'json' ? toJson(evaluation) : renderDr(evaluation));
    return 0;
  },
};

/** The evaluation narrowed to one site's loss: its workloads, hosts and findings. */
export function forSite(e: DrEvaluation, site: string): DrEvaluation {
  const workloads = e.workloads.filter((w) => w.site === site);
  const ids = new Set(workloads.map((w) => w.id));
  const apps = new Set(workloads.map((w) => w.application));
  return {
    ...e,
    sites: e.sites.filter((s) => s.site === site),
    workloads,
    links: e.links.filter((l) => l.between.includes(site)),
    blastRadius: e.blastRadius.filter((b) => b.site === site),
    singlePointsOfFailure: e.singlePointsOfFailure.filter((s) => apps.has(s.application)),
    findings: e.findings.filter((f) => f.site === site || (f.workload !== undefined && ids.has(f.workload))),
  };
}

const minutes = (x: number | null): string => (x === null ? 'never' : fmt(x));
const fmt = (x: number): string => {
  const r = Math.round(x * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
};
const yes = (b: boolean): string => (b ? 'yes' : 'NO');

export function renderDr(e: DrEvaluation): string {
  const out: string[] = [];
  out.push(`Disaster recovery of ${e.estate} (${e.profile}, as of ${e.now.slice(0, 10)})\n`);
  for (const s of e.sites) out.push(`\n${renderSite(s)}`);

  out.push('\nRPO and RTO per workload (minutes; RTO counted from the loss of its site)\n');
  out.push(
    renderTable(
      ['WORKLOAD', 'SITE', 'CRITICALITY', 'RPO', 'ACHIEVABLE', 'MET', 'RTO', 'ESTIMATED', 'MET'],
      e.workloads.map((w) => [
        w.id,
        w.site,
        w.criticality,
        fmt(w.rpo.targetMinutes),
        w.rpo.achievableMinutes === null ? 'unbounded' : `${fmt(w.rpo.achievableMinutes)} (${w.rpo.basis})`,
        yes(w.rpo.met),
        fmt(w.rto.targetMinutes),
        minutes(w.rto.estimatedMinutes),
        yes(w.rto.met),
      ]),
    ),
  );

  if (e.links.length > 0) {
    out.push('\nReplication links\n');
    out.push(
      renderTable(
        ['LINK', 'WORKLOADS', 'DEMAND Mbps', 'BANDWIDTH Mbps', 'UTILIZATION', 'SHORT Mbps', 'LATENCY ms'],
        e.links.map((l) => [
          l.id,
          String(l.workloads),
          fmt(l.demandMbps),
          fmt(l.bandwidthMbps),
          `${Math.round(l.utilization * 100)}%`,
          fmt(l.shortfallMbps),
          `${fmt(l.latencyMs)}${l.syncLatencyOk === false ? ' (too slow for sync)' : ''}`,
        ]),
      ),
    );
  }

  if (e.blastRadius.length > 0) {
    out.push('\nBlast radius: one machine fails\n');
    out.push(
      renderTable(
        ['MACHINE', 'SITE', 'ROLE', 'WORKLOADS', 'APPLICATIONS DOWN', 'HA RESTARTS ALL'],
        e.blastRadius.map((b) => [
          b.machine,
          b.site,
          b.role,
          String(b.workloads.length),
          b.applicationsDown.join(', ') || '-',
          b.role === 'legacy'
            ? 'no (physical)'
            : b.haRestartsAll
              ? 'yes'
              : `no (${b.notRestartedByHa.length} left)`,
        ]),
      ),
    );
  }

  if (e.singlePointsOfFailure.length > 0) {
    out.push('\nSingle points of failure\n');
    out.push(
      renderTable(
        ['APPLICATION', 'SHARES ONE', 'ON', 'INSTANCES'],
        e.singlePointsOfFailure.map((s) => [s.application, s.kind, s.on, s.workloads.join(', ')]),
      ),
    );
  }

  out.push('\nHIPAA contingency plan, 45 CFR 164.308(a)(7)\n');
  out.push(
    renderTable(
      ['SPECIFICATION', 'TITLE', 'STATUS', 'MET', 'DETAIL'],
      e.contingencyPlan.map((c) => [c.citation, c.title, c.status, yes(c.met), c.detail]),
    ),
  );
  const r = e.rollback;
  out.push(
    r.snapshots === null
      ? `\nPoint-in-time rollback: no snapshots; ${r.phiWithoutRollback.length} PHI workloads cannot be rolled back\n`
      : `\nPoint-in-time rollback: back ${fmt(r.snapshots.retentionDays)} days, losing up to ${fmt(r.snapshots.intervalHours)} h; ${r.coarserThanRpo.length} workloads have a finer RPO\n`,
  );
  if (e.cycles.length > 0) {
    out.push(
      `\nDependency cycles: ${e.cycles.map((c) => [...c.members, c.members[0]].join(' -> ')).join('; ')}\n`,
    );
  }
  out.push(renderFindings(e.findings));
  return out.join('');
}

function renderSite(s: SiteLoss): string {
  const out: string[] = [];
  if (s.recoverySite === null) {
    out.push(`Losing ${s.site}: no recovery site; every workload there is lost (${s.lostWorkloads})\n`);
  } else {
    out.push(`Losing ${s.site}: restart at ${s.recoverySite}\n`);
    const when =
      s.productionReadyMinute !== null && s.productionReadyMinute !== s.completionMinute
        ? `; production is back at minute ${fmt(s.productionReadyMinute)}, test and training at ${fmt(s.completionMinute!)}`
        : s.completionMinute !== null
          ? `; all back at minute ${fmt(s.completionMinute)}`
          : '';
    out.push(
      `  ${s.restarted.length} of ${s.lostWorkloads} workloads restart${when}; ${s.notRestarted.length} do not\n`,
    );
  }
  if (s.applicationsDown.length > 0) out.push(`  Applications down: ${s.applicationsDown.join(', ')}\n`);
  if (s.applicationsDegraded.length > 0)
    out.push(`  Applications degraded: ${s.applicationsDegraded.join(', ')}\n`);
  if (s.shedAtRecoverySite.length > 0) {
    out.push(`  Shut down at ${s.recoverySite} to make room: ${s.shedAtRecoverySite.join(', ')}\n`);
  }
  if (s.capacityShortfall.length > 0) {
    out.push(
      `  ${s.recoverySite} lacks: ${s.capacityShortfall.map((x) => `${fmt(x.short)} ${x.unit} ${x.resource}`).join(', ')}\n`,
    );
  }
  if (s.restarted.length > 0) {
    out.push('\n  Restart timeline (minutes after the disaster)\n');
    out.push(indent(gantt(s)));
  }
  if (s.criticalPath.length > 0) {
    out.push(
      `  Critical path: ${s.criticalPath
        .map(
          (p) =>
            `${p.workload} on ${p.host} [${fmt(p.startMinute)}-${fmt(p.readyMinute)}, after ${p.waitedFor}]`,
        )
        .join(' -> ')}\n`,
    );
  }
  if (s.notRestarted.length > 0) {
    out.push('  Not restarted:\n');
    for (const n of s.notRestarted) out.push(`    ${n.workload} (${n.cause}): ${n.reasons.join('; ')}\n`);
  }
  return out.join('');
}

/** A text Gantt chart: one row per restarted workload, `█` while it boots. */
export function gantt(s: SiteLoss): string {
  const end = Math.max(1, ...s.restarted.map((r) => r.readyMinute));
  const scale = GANTT_WIDTH / end;
  const rows = s.restarted.slice(0, GANTT_ROWS).map((r) => {
    const from = Math.min(GANTT_WIDTH - 1, Math.floor(r.startMinute * scale));
    const to = Math.max(from + 1, Math.min(GANTT_WIDTH, Math.ceil(r.readyMinute * scale)));
    const barText = `${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(GANTT_WIDTH - to)}`;
    return [r.workload, r.host, fmt(r.startMinute), fmt(r.readyMinute), `|${barText}|`];
  });
  const axis = `0${' '.repeat(GANTT_WIDTH - String(fmt(end)).length)}${fmt(end)}`;
  let text = renderTable(['WORKLOAD', 'HOST', 'START', 'READY', ` ${axis}`], rows);
  if (s.restarted.length > GANTT_ROWS) {
    text += `... and ${s.restarted.length - GANTT_ROWS} more (the JSON output has them all)\n`;
  }
  return text;
}

function renderFindings(findings: readonly DrFinding[]): string {
  if (findings.length === 0) return '\nNo findings.\n';
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const lines = findings.map((f) => `  [${f.severity.toUpperCase()}] ${f.code}: ${f.message}\n`);
  return `\nFindings (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')})\n${lines.join('')}`;
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
