/**
 * Energy before and after a plan. A machine's power is linear in its CPU use between powerIdleW and
 * powerMaxW (use = busy cores / cpuCores, at most 1), times its site's PUE, all year round.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import type { EnergyFigures, EnergyReport } from './types.ts';

const HOURS_PER_YEAR = 8760;

/** Power at the wall (PUE included) of a machine running `workloads`. */
export function machineWatts(m: Machine, workloads: readonly Workload[], pue: number): number {
  let busy = 0;
  for (const w of workloads) busy += w.vcpus * w.cpuUtilization;
  const use = m.cpuCores > 0 ? Math.min(1, busy / m.cpuCores) : 1;
  return (m.powerIdleW + (m.powerMaxW - m.powerIdleW) * use) * pue;
}

function figures(estate: Estate, running: ReadonlyMap<string, readonly Workload[]>): EnergyFigures {
  const machines = new Map(estate.machines.map((m) => [m.id, m]));
  const sites = new Map(estate.sites.map((s) => [s.id, s]));
  let watts = 0;
  let kwh = 0;
  let cost = 0;
  let carbon = 0;
  for (const [id, list] of running) {
    const m = machines.get(id);
    if (!m) continue;
    const site = sites.get(m.site);
    const w = machineWatts(m, list, site?.pue ?? 1);
    const k = (w * HOURS_PER_YEAR) / 1000;
    watts += w;
    kwh += k;
    cost += k * (site?.energyCostPerKwh ?? 0);
    carbon += k * (site?.carbonKgPerKwh ?? 0);
  }
  return { machines: running.size, watts, kwhPerYear: kwh, cost, carbonKg: carbon };
}

/**
 * `after`: machine id -> workloads it runs in the plan (powered hypervisors, spares with none, and
 * machines kept for workloads that stay physical or could not be placed).
 */
export function computeEnergy(estate: Estate, after: ReadonlyMap<string, readonly Workload[]>): EnergyReport {
  const before = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    if (w.currentHost === null) continue;
    const list = before.get(w.currentHost) ?? [];
    list.push(w);
    before.set(w.currentHost, list);
  }
  const b = figures(estate, before);
  const a = figures(estate, after);
  const machinesFreed = [...before.keys()]
    .filter((id) => !after.has(id))
    .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  return {
    before: b,
    after: a,
    machinesFreed,
    savings: {
      kwhPerYear: b.kwhPerYear - a.kwhPerYear,
      cost: b.cost - a.cost,
      carbonKg: b.carbonKg - a.carbonKg,
    },
  };
}
