/**
 * The pictures of the guides, drawn from the examples by the real engines of @virtplan/core:
 * the consolidation plan (machines x resource use, today and planned) and the DR restart
 * timeline (a Gantt chart). Each becomes a Markdown fragment included by a guide page.
 */
import type {
  ConsolidationPlan,
  DrEvaluation,
  Estate,
  Machine,
  PlanOptions,
  ReadinessReport,
  Workload,
} from '@virtplan/core';
import {
  CHART_RESOURCES,
  type ChartResource,
  consolidationChart,
  type MachineUse,
} from './charts/consolidation-chart.ts';
import { type GanttRow, restartGantt } from './charts/restart-gantt.ts';
import { table, text } from './lib/markdown.ts';

export type PlanConsolidation = (estate: Estate, options?: PlanOptions) => ConsolidationPlan;

/** A machine's use of each resource from the workloads given, as a fraction of its capacity. */
export function machineUse(
  machine: Machine,
  workloads: readonly Workload[],
  note: string,
  headroom = false,
): MachineUse {
  const sum = (f: (w: Workload) => number) => workloads.reduce((s, w) => s + f(w), 0);
  const fraction = (used: number, capacity: number) =>
    Number.isFinite(capacity) && capacity > 0 ? used / capacity : null;
  return {
    machine: machine.id,
    site: machine.site,
    note,
    headroom,
    workloads: workloads.map((w) => w.id),
    use: {
      cpu: fraction(
        sum((w) => w.vcpus * w.cpuUtilization),
        machine.cpuCores,
      ),
      memory: fraction(
        sum((w) => w.memoryGiB),
        machine.memoryGiB,
      ),
      iops: fraction(
        sum((w) => w.iops),
        machine.iops,
      ),
      network: fraction(
        sum((w) => w.networkMbps),
        machine.networkGbps * 1000,
      ),
      storage: fraction(
        sum((w) => w.storageGiB),
        machine.storageGiB,
      ),
    },
  };
}

const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface ConsolidationFigure {
  readonly markdown: string;
  readonly plan: ConsolidationPlan;
}

export function consolidationFigure(options: {
  readonly estate: Estate;
  readonly readiness: ReadinessReport;
  readonly planConsolidation: PlanConsolidation;
  readonly exampleFile: string;
}): ConsolidationFigure {
  const { estate } = options;
  const stayPhysical = new Set(
    options.readiness.workloads.filter((w) => w.status === 'NOT_READY').map((w) => w.id),
  );
  const plan = options.planConsolidation(estate, { stayPhysical, seed: 1 });
  const byMachine = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    if (w.currentHost) byMachine.set(w.currentHost, [...(byMachine.get(w.currentHost) ?? []), w]);
  }
  const machines = new Map(estate.machines.map((m) => [m.id, m]));
  const before = estate.machines
    .filter((m) => byMachine.has(m.id))
    .map((m) => machineUse(m, byMachine.get(m.id)!, m.role === 'legacy' ? 'physical' : ''));

  // After: the plan's powered hypervisors, then the physical machines that keep a workload.
  const placed = new Set(plan.placements.map((p) => p.workload));
  const kept = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    if (!placed.has(w.id) && w.currentHost && machines.get(w.currentHost)?.role === 'legacy') {
      kept.set(w.currentHost, [...(kept.get(w.currentHost) ?? []), w]);
    }
  }
  const workloadsById = new Map(estate.workloads.map((w) => [w.id, w]));
  const after: MachineUse[] = [
    ...plan.hosts.map((h) => {
      const machine = machines.get(h.host);
      if (!machine) throw new Error(`plan names an unknown machine ${h.host}`);
      const use = Object.fromEntries(CHART_RESOURCES.map((r) => [r, h.use[r]])) as Record<
        ChartResource,
        number | null
      >;
      const note = h.spare ? 'HA spare' : h.dedicated ? 'dedicated' : '';
      return {
        ...machineUse(
          machine,
          h.workloads.map((id) => workloadsById.get(id)!),
          note,
          true,
        ),
        use,
      };
    }),
    ...[...kept.entries()].map(([id, ws]) => machineUse(machines.get(id)!, ws, 'physical')),
  ];
  const svg = consolidationChart({
    id: 'consolidation-chart',
    estateName: estate.name,
    before,
    after,
    afterTitle: `Planned: ${plan.hosts.length} hypervisor host${plan.hosts.length === 1 ? '' : 's'} powered${kept.size > 0 ? `, ${kept.size} physical machine${kept.size === 1 ? '' : 's'} kept` : ''}`,
    headroom: estate.policies.consolidation.headroom,
  });
  const e = plan.energy;
  const figures = table(
    ['', 'Today', 'Planned', 'Saved'],
    [
      [
        'Machines running',
        fmt(e.before.machines),
        fmt(e.after.machines),
        fmt(e.before.machines - e.after.machines),
      ],
      [
        'Power at the wall (W, PUE included)',
        fmt(e.before.watts),
        fmt(e.after.watts),
        fmt(e.before.watts - e.after.watts),
      ],
      ['Energy per year (kWh)', fmt(e.before.kwhPerYear), fmt(e.after.kwhPerYear), fmt(e.savings.kwhPerYear)],
      ['Energy cost per year', fmt(e.before.cost), fmt(e.after.cost), fmt(e.savings.cost)],
      ['CO₂ per year (kg)', fmt(e.before.carbonKg), fmt(e.after.carbonKg), fmt(e.savings.carbonKg)],
    ],
  );
  const unplaced =
    plan.unplaced.length === 0
      ? 'Every workload that is ready to virtualise is placed.'
      : `Not placed: ${plan.unplaced.map((u) => `\`${u.workload}\` (${text(u.reasons[0]?.message ?? 'no reason given')})`).join('; ')}.`;
  const markdown = [
    `<figure class="vp-figure">`,
    '',
    svg,
    '',
    `<figcaption>${text(`${estate.name} (${options.exampleFile}): ${before.length} machines run workloads today; the plan powers ${plan.hostsUsed} hypervisor hosts (lower bound ${plan.lowerBound}${plan.gap === 0 ? ', so no plan can do with fewer' : `, gap ${plan.gap}`})${kept.size > 0 ? ` and keeps ${kept.size} physical machine${kept.size === 1 ? '' : 's'}` : ''}. Generated at build by planConsolidation.`)}</figcaption>`,
    '</figure>',
    '',
    figures,
    '',
    `${stayPhysical.size > 0 ? `Staying physical (readiness NOT_READY): ${[...stayPhysical].map((id) => `\`${id}\``).join(', ')}. ` : ''}${unplaced}`,
    '',
  ].join('\n');
  return { markdown, plan };
}

export function drFigure(options: {
  readonly estate: Estate;
  readonly evaluation: DrEvaluation;
  readonly exampleFile: string;
  /** The date the evaluation speaks of. */
  readonly now: string;
}): string {
  const { estate, evaluation } = options;
  const rto = new Map(evaluation.workloads.map((w) => [w.id, w.rto]));
  const workloads = new Map(estate.workloads.map((w) => [w.id, w]));
  const parts: string[] = [];
  for (const site of evaluation.sites) {
    if (site.recoverySite === null || site.restarted.length === 0) continue;
    const onPath = new Set(site.criticalPath.map((s) => s.workload));
    const rows: GanttRow[] = site.restarted.map((r) => ({
      workload: r.workload,
      host: r.host,
      criticality: workloads.get(r.workload)?.criticality ?? r.priority,
      startMinute: r.startMinute,
      readyMinute: r.readyMinute,
      rtoMinutes: rto.get(r.workload)?.targetMinutes ?? workloads.get(r.workload)?.rtoMinutes ?? Number.NaN,
      onCriticalPath: onPath.has(r.workload),
      pulledForwardBy: r.pulledForwardBy,
    }));
    const svg = restartGantt({
      id: `dr-timeline-${site.site}`,
      estateName: estate.name,
      lostSite: site.site,
      recoverySite: site.recoverySite,
      detectionMinutes: estate.policies.dr.detectionMinutes,
      rows,
      notRestarted: site.notRestarted.length,
    });
    const missed = rows.filter((r) => r.readyMinute > r.rtoMinutes);
    const notRestarted = site.notRestarted.map((w) => [
      `\`${w.workload}\``,
      text(w.cause),
      text(w.reasons.join(' ')),
    ]);
    parts.push(
      `### Loss of site \`${site.site}\` {#loss-of-${site.site}}`,
      '',
      '<figure class="vp-figure">',
      '',
      svg,
      '',
      `<figcaption>${text(`${estate.name} (${options.exampleFile}): ${site.lostWorkloads} workloads ran at ${site.site}; ${site.restarted.length} restart at ${site.recoverySite}, the last ready at minute ${site.completionMinute ?? '—'}. ${missed.length === 0 ? 'Every restarted workload meets its RTO.' : `${missed.length} miss their RTO: ${missed.map((m) => m.workload).join(', ')}.`} The critical path is outlined. Generated at build by evaluateDr.`)}</figcaption>`,
      '</figure>',
      '',
      ...(notRestarted.length > 0
        ? ['Workloads that do not restart:', '', table(['Workload', 'Cause', 'Why'], notRestarted), '']
        : []),
      ...(site.shedAtRecoverySite.length > 0
        ? [
            `Shed at ${site.recoverySite} to make room: ${site.shedAtRecoverySite.map((w) => `\`${w}\``).join(', ')}.`,
            '',
          ]
        : []),
    );
  }
  if (parts.length === 0) {
    parts.push(
      `${estate.name} has no site with a recovery site where anything restarts, so there is no timeline to draw.`,
      '',
    );
  }
  const minutes = (value: number | null) => (value === null ? 'unbounded' : fmt(value));
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  parts.push(
    '### RPO and RTO per workload {#rpo-rto-per-workload}',
    '',
    `Targets against what the estate achieves, evaluated on ${options.now} with the plan above (${evaluation.replicationMode} replication), in minutes. RTO counts from the loss of the workload's site; a workload that does not restart has no estimate.`,
    '',
    table(
      ['Workload', 'Criticality', 'RPO target', 'RPO achievable', 'RPO', 'RTO target', 'RTO estimate', 'RTO'],
      evaluation.workloads.map((w) => [
        `\`${w.id}\``,
        text(w.criticality),
        fmt(w.rpo.targetMinutes),
        minutes(w.rpo.achievableMinutes),
        verdict(w.rpo.met),
        fmt(w.rto.targetMinutes),
        w.rto.estimatedMinutes === null ? 'does not restart' : fmt(w.rto.estimatedMinutes),
        verdict(w.rto.met),
      ]),
    ),
    '',
  );
  if (evaluation.links.length > 0) {
    parts.push(
      '### Replication links {#replication-links}',
      '',
      table(
        [
          'Link',
          'Bandwidth (Mb/s)',
          'Workloads replicating',
          'Demand (Mb/s)',
          'Utilisation',
          'Missing (Mb/s)',
        ],
        evaluation.links.map((l) => [
          `\`${l.id}\``,
          fmt(l.bandwidthMbps),
          fmt(l.workloads),
          fmt(l.demandMbps, 1),
          `${fmt(l.utilization * 100)} %`,
          l.shortfallMbps > 0 ? `**${fmt(l.shortfallMbps, 1)}**` : '0',
        ]),
      ),
      '',
    );
  }
  return parts.join('\n');
}

/** The contingency-plan specifications as the evaluation found them, under both profiles. */
export function contingencyTable(options: {
  readonly estate: Estate;
  readonly current: DrEvaluation;
  readonly proposed: DrEvaluation;
  readonly exampleFile: string;
}): string {
  const proposed = new Map(options.proposed.contingencyPlan.map((c) => [c.citation, c]));
  const rows = options.current.contingencyPlan.map((c) => {
    const p = proposed.get(c.citation);
    return [
      text(c.citation),
      text(c.title),
      `${c.status}: ${c.met ? 'met' : '**not met**'}`,
      p ? `${p.status}: ${p.met ? 'met' : '**not met**'}` : '—',
      text(c.detail),
    ];
  });
  // Specifications only the proposed profile checks (the 72-hour restore, the 48-hour backups).
  const extra = options.proposed.contingencyPlan.filter(
    (p) => !options.current.contingencyPlan.some((c) => c.citation === p.citation),
  );
  for (const p of extra) {
    rows.push([
      text(p.citation),
      text(p.title),
      '—',
      `${p.status}: ${p.met ? 'met' : '**not met**'}`,
      text(p.detail),
    ]);
  }
  return [
    `What the evaluation finds for ${text(options.estate.name)} (\`${options.exampleFile}\`) at this build, under the rule in force (\`hipaa-2013\`) and the January 2025 proposal (\`hipaa-2025-proposed\`):`,
    '',
    table(['Citation', 'Specification', 'Rule in force', '2025 proposal', 'Detail'], rows),
    '',
  ].join('\n');
}
