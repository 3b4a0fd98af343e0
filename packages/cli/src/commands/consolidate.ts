import { performance } from 'node:perf_hooks';
import { assessEstate, type ConsolidationPlan, type Estate, planConsolidation } from '@virtplan/core';
import { formatOption, parseCommandArgs, toJson } from '../args.ts';
import { loadEstate } from '../estate-file.ts';
import { type Command, UsageError } from '../io.ts';
import { bar, renderTable } from '../table.ts';

/** Rows of the moves list shown in the table; the JSON has them all. */
const MOVE_ROWS = 30;

export const consolidateCommand: Command = {
  name: 'consolidate',
  summary: 'Fewest hypervisor hosts for the ready workloads, with headroom and the HA reserve',
  help: `Usage: virtplan consolidate FILE [--format table|json] [--time-limit SECONDS] [--seed N]

Places every workload that is not NOT_READY (see virtplan assess) on the fewest hypervisor hosts of
its site, holding every rule of policies.consolidation: headroom, overcommit, anti-affinity,
separated roles, dedicated hosts, pinned sites and the HA reserve. Shows the lower bound on hosts
and the gap to it, why any workload could not be placed, energy before and after, the moves in a
safe order and, for the reserve, where each host's workloads restart if it fails.
  --format json        machine-readable: { hostsUsed, lowerBound, placements[], unplaced[], hosts[],
                       energy, moves[], haFailover[], haProof[], ... }; unlimited capacities are null
  --time-limit S       seconds the search may spend improving the plan (default: grows with size)
  --seed N             seed of the search (default 1); the same file and seed give the same plan
                       unless the time limit cuts the search short`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      'time-limit': { type: 'string' },
      seed: { type: 'string' },
    });
    const format = formatOption(values.format);
    let timeLimitMs: number | undefined;
    if (values['time-limit'] !== undefined) {
      const s = Number(values['time-limit']);
      if (!Number.isFinite(s) || s <= 0 || s > 86400) {
        throw new UsageError(
          `--time-limit must be a number of seconds above 0, not '${values['time-limit']}'`,
        );
      }
      timeLimitMs = s * 1000;
    }
    let seed = 1;
    if (values.seed !== undefined) {
      seed = Number(values.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) {
        throw new UsageError(`--seed must be a whole number >= 0, not '${values.seed}'`);
      }
    }
    if (positionals.length > 1) throw new UsageError(`one FILE only (got ${positionals.join(', ')})`);
    const { estate } = loadEstate(positionals[0], io);
    const readiness = assessEstate(estate);
    const stayPhysical = new Set(
      readiness.workloads.filter((w) => w.status === 'NOT_READY').map((w) => w.id),
    );
    const progress = io.isTTY
      ? (f: number) => io.stderr(`\rconsolidating ${estate.name}: ${Math.round(f * 100)}%`)
      : undefined;
    const plan = planConsolidation(estate, {
      seed,
      stayPhysical,
      now: () => performance.now(),
      ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
      ...(progress ? { onProgress: progress } : {}),
    });
    if (progress) io.stderr('\r\u001b[K');
    io.stdout(format === 'json' ? toJson(planJson(estate, plan)) : renderPlan(estate, plan));
    return 0;
  },
};

/** The JSON document: the plan with the moves as a list and the migration facts beside it. */
export function planJson(estate: Estate, plan: ConsolidationPlan): unknown {
  return {
    estate: estate.name,
    hostsUsed: plan.hostsUsed,
    lowerBound: plan.lowerBound,
    gap: plan.gap,
    siteBounds: plan.siteBounds,
    placements: plan.placements,
    unplaced: plan.unplaced,
    stayPhysical: plan.stayPhysical,
    hosts: plan.hosts,
    energy: plan.energy,
    moves: plan.moves.moves,
    migration: { temporarySpares: plan.moves.temporarySpares, spareNeeded: plan.moves.spareNeeded },
    haFailover: plan.haFailover,
    haProof: plan.haProof,
    stats: plan.stats,
  };
}

const pct = (x: number | null): string => (x === null ? 'unlim.' : `${Math.round(x * 100)}%`);
const num = (x: number): string => Math.round(x).toLocaleString('en-US');

function renderPlan(estate: Estate, plan: ConsolidationPlan): string {
  const out: string[] = [];
  out.push(`Consolidation of ${estate.name}\n\n`);
  out.push(
    `Hypervisor hosts powered: ${plan.hostsUsed} (lower bound ${plan.lowerBound}, gap ${plan.gap})` +
      `${plan.stats.budgetExhausted && plan.gap > 0 ? '; the search stopped at its time limit' : ''}\n`,
  );
  out.push(
    `Workloads placed: ${plan.placements.length}, kept physical (NOT_READY): ${plan.stayPhysical.length}, unplaced: ${plan.unplaced.length}\n\n`,
  );
  const siteOf = new Map(estate.machines.map((m) => [m.id, m.site]));
  out.push(
    renderTable(
      ['HOST', 'SITE', 'VMS', 'USE (highest resource)', 'CPU', 'VCPU', 'MEM', 'IOPS', 'NET', 'DISK', 'NOTE'],
      plan.hosts.map((h) => {
        const fractions = Object.values(h.use).filter((x): x is number => x !== null);
        const top = fractions.length > 0 ? Math.max(...fractions) : 0;
        return [
          h.host,
          siteOf.get(h.host) ?? h.site,
          String(h.workloads.length),
          `${bar(top)} ${pct(top)}`,
          pct(h.use.cpu),
          pct(h.use.vcpu),
          pct(h.use.memory),
          pct(h.use.iops),
          pct(h.use.network),
          pct(h.use.storage),
          h.spare ? 'HA spare' : h.dedicated ? 'dedicated' : '',
        ];
      }),
    ),
  );
  out.push('\n');
  for (const b of plan.siteBounds) {
    out.push(`Site ${b.site}: ${b.hostsUsed} host(s), at least ${b.lowerBound} needed (${b.reason})\n`);
  }
  for (const p of plan.haProof) {
    if (p.method === 'none') continue;
    out.push(
      p.method === 'restart-map'
        ? `HA reserve at ${p.site}: any ${p.reserve} host may fail; its workloads restart on the others (see --format json haFailover)\n`
        : `HA reserve at ${p.site}: ${p.spares.length} empty spare host(s) (${p.spares.join(', ')}), each able to carry any host's load\n`,
    );
  }
  if (plan.unplaced.length > 0) {
    out.push('\nNot placed:\n');
    out.push(
      renderTable(
        ['WORKLOAD', 'RULE', 'WHY'],
        plan.unplaced.map((u) => [u.workload, u.reasons[0]?.rule ?? '', u.reasons[0]?.message ?? '']),
      ),
    );
  }
  const e = plan.energy;
  out.push('\nEnergy (PUE included, all year):\n');
  out.push(
    renderTable(
      ['', 'MACHINES', 'kWh/YEAR', 'COST', 'CO2 kg'],
      [
        [
          'before',
          String(e.before.machines),
          num(e.before.kwhPerYear),
          num(e.before.cost),
          num(e.before.carbonKg),
        ],
        [
          'after',
          String(e.after.machines),
          num(e.after.kwhPerYear),
          num(e.after.cost),
          num(e.after.carbonKg),
        ],
        [
          'saved',
          String(e.machinesFreed.length),
          num(e.savings.kwhPerYear),
          num(e.savings.cost),
          num(e.savings.carbonKg),
        ],
      ],
    ),
  );
  const moves = plan.moves.moves;
  out.push(
    `\nMoves: ${moves.length}${plan.moves.spareNeeded ? ' (a temporary spare host is needed: some moves overfill their target)' : ''}\n`,
  );
  if (moves.length > 0) {
    out.push(
      renderTable(
        ['STEP', 'WORKLOAD', 'FROM', 'TO', ''],
        moves
          .slice(0, MOVE_ROWS)
          .map((m) => [
            String(m.step),
            m.workload,
            m.from ?? '(new)',
            m.to,
            m.temporary ? 'temporary stop' : m.overfills ? 'OVERFILLS' : '',
          ]),
      ),
    );
    if (moves.length > MOVE_ROWS) out.push(`... and ${moves.length - MOVE_ROWS} more (see --format json)\n`);
  }
  return out.join('');
}
