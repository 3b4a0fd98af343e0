/**
 * Part 4: what one machine's failure takes down, whether the HA reserve (the rest of the
 * site's hypervisors at full headroom, as the consolidation plan's HA rule counts it) restarts
 * it, and the single points of
 * failure: applications whose every instance shares one machine, one site or one link.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import { RESOURCES } from '../shared/resources.ts';
import {
  count,
  describeUnfit,
  type LoadedMachines,
  loadMachines,
  placeOnLoaded,
  shortfallsOf,
} from './capacity.ts';
import { compareIds, criticalityRank } from './graph.ts';
import { linkId } from './replication.ts';
import type { BlastRadius, DrFinding, NotRestartedWorkload, SinglePointOfFailure } from './types.ts';

/** HA restarts at full headroom with anti-affinity, as the consolidation plan's HA rule counts them. */
const EMERGENCY = { headroom: 1, antiAffinity: true, separateRoles: false } as const;

/** How many of the roomiest surviving machines a host failure tries before all of them. */
const HA_CANDIDATES = 32;

const isServing = (w: Workload) => w.role === 'production' || w.role === 'failover';

/** Per application, the workloads that serve it: production and failover, or all when it has none. */
export function instancesByApplication(estate: Estate): Map<string, number[]> {
  const all = new Map<string, number[]>();
  const serving = new Map<string, number[]>();
  estate.workloads.forEach((w, i) => {
    const list = all.get(w.application) ?? [];
    list.push(i);
    all.set(w.application, list);
    if (isServing(w)) {
      const s = serving.get(w.application) ?? [];
      s.push(i);
      serving.set(w.application, s);
    }
  });
  for (const [app, list] of serving) all.set(app, list);
  return all;
}

export interface BlastRadiusResult {
  readonly blastRadius: readonly BlastRadius[];
  readonly singlePointsOfFailure: readonly SinglePointOfFailure[];
  readonly findings: readonly DrFinding[];
}

export function evaluateBlastRadius(estate: Estate, hostOf: readonly (Machine | null)[]): BlastRadiusResult {
  const workloads = estate.workloads;
  const findings: DrFinding[] = [];
  const instances = instancesByApplication(estate);
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const onMachine = new Map<string, number[]>();
  workloads.forEach((_, i) => {
    const m = hostOf[i];
    if (!m) return;
    const list = onMachine.get(m.id) ?? [];
    list.push(i);
    onMachine.set(m.id, list);
  });
  // Loads summed in one order whatever the file's: the same floating-point sums, the same choices.
  for (const list of onMachine.values()) list.sort((a, b) => compareIds(workloads[a]!.id, workloads[b]!.id));

  // What runs on each site's hypervisors; a machine's failure is a placement on the others.
  const siteLoad = new Map<
    string,
    { loaded: LoadedMachines; index: Map<string, number>; roomiest: readonly number[] }
  >();
  const loadOf = (site: string) => {
    let entry = siteLoad.get(site);
    if (!entry) {
      const machines = estate.machines
        .filter((m) => m.site === site && m.role === 'hypervisor')
        .sort((a, b) => compareIds(a.id, b.id));
      const existing = new Map<string, string[]>();
      for (const m of machines)
        existing.set(
          m.id,
          (onMachine.get(m.id) ?? []).map((i) => workloads[i]!.id),
        );
      const loaded = loadMachines(estate, machines, existing, EMERGENCY);
      // Machines by free memory, most first: where a failed host's workloads most likely fit.
      const MEMORY = RESOURCES.indexOf('memory');
      const free = (k: number) =>
        loaded.cap[k * RESOURCES.length + MEMORY]! - loaded.used[k * RESOURCES.length + MEMORY]!;
      const roomiest = machines.map((_, k) => k).sort((a, b) => free(b) - free(a) || a - b);
      entry = { loaded, index: new Map(machines.map((m, k) => [m.id, k])), roomiest };
      siteLoad.set(site, entry);
    }
    return entry;
  };

  const haCovers = new Map<string, boolean>();
  const blastRadius: BlastRadius[] = [];
  const machineIds = [...onMachine.keys()].sort(compareIds);
  const machineById = new Map(estate.machines.map((m) => [m.id, m]));
  for (const id of machineIds) {
    const machine = machineById.get(id)!;
    const here = onMachine.get(id)!;
    const apps = [...new Set(here.map((i) => workloads[i]!.application))].sort(compareIds);
    const hereSet = new Set(here);
    const appsDown = apps.filter((a) => instances.get(a)!.every((i) => hereSet.has(i)));
    const notRestarted: NotRestartedWorkload[] = [];
    const ordered = [...here].sort(
      (a, b) =>
        criticalityRank(workloads[a]!.criticality) - criticalityRank(workloads[b]!.criticality) ||
        workloads[b]!.memoryGiB - workloads[a]!.memoryGiB ||
        compareIds(workloads[a]!.id, workloads[b]!.id),
    );
    if (machine.role === 'legacy') {
      for (const i of ordered) {
        notRestarted.push({
          workload: workloads[i]!.id,
          cause: 'no-hypervisor',
          reasons: [`runs on physical server ${id}: nothing restarts it elsewhere`],
        });
      }
    } else {
      const { loaded, index, roomiest } = loadOf(machine.site);
      const machines = loaded.machines;
      const failed = index.get(id)!;
      const guests = ordered.map((i) => workloads[i]!);
      // First among the roomiest machines (a fit there is a valid restart); all of them if not.
      const near = roomiest
        .filter((k) => k !== failed)
        .slice(0, HA_CANDIDATES)
        .sort((a, b) => a - b);
      let result = placeOnLoaded(loaded, guests, failed, near);
      if (result.unfit.length > 0 && near.length < machines.length - 1) {
        result = placeOnLoaded(loaded, guests, failed);
      }
      for (const u of result.unfit) {
        const w = byId.get(u.workload)!;
        notRestarted.push({
          workload: u.workload,
          cause: 'capacity',
          reasons: [
            machines.length === 1
              ? `${machine.site} has no other hypervisor`
              : describeUnfit(u, w, `the rest of ${machine.site}`, 'does not fit on'),
          ],
          shortfalls: shortfallsOf(u, w),
        });
      }
      if (notRestarted.length > 0) {
        const lostApps = [...new Set(notRestarted.map((n) => byId.get(n.workload)!.application))].sort(
          compareIds,
        );
        findings.push({
          code: 'DR_HA_NOT_COVERED',
          severity: notRestarted.some((n) => byId.get(n.workload)!.criticality === 'critical')
            ? 'critical'
            : 'high',
          site: machine.site,
          message:
            `If ${id} fails, ${notRestarted.length} of its ${count(here.length, 'workload')} do not restart on the rest of ${machine.site} ` +
            `(${notRestarted
              .slice(0, 3)
              .map((n) => n.workload)
              .join(', ')}${notRestarted.length > 3 ? ', ...' : ''}; applications ${lostApps.join(', ')}): ` +
            `${notRestarted[0]!.reasons[0]}. Keep an HA reserve of a host's worth of room (policies.consolidation.haReserve) or add a host.`,
        });
      }
    }
    notRestarted.sort((a, b) => compareIds(a.workload, b.workload));
    const covered = machine.role === 'hypervisor' && notRestarted.length === 0;
    haCovers.set(id, covered);
    blastRadius.push({
      machine: id,
      site: machine.site,
      role: machine.role,
      workloads: here.map((i) => workloads[i]!.id).sort(compareIds),
      applications: apps,
      applicationsDown: appsDown,
      haRestartsAll: covered,
      notRestartedByHa: notRestarted,
    });
  }

  // Single points of failure.
  const spofs: SinglePointOfFailure[] = [];
  const recovery = estate.policies.dr.recoverySites;
  for (const app of [...instances.keys()].sort(compareIds)) {
    const list = instances.get(app)!;
    const ids = list.map((i) => workloads[i]!.id).sort(compareIds);
    const critical = list.some((i) => workloads[i]!.criticality === 'critical');
    const hosts = new Set(list.map((i) => hostOf[i]?.id ?? null));
    const sites = [...new Set(list.map((i) => workloads[i]!.site))].sort(compareIds);
    const what = list.length === 1 ? `its only instance (${ids[0]})` : `every instance (${ids.join(', ')})`;
    const onlyHost = hosts.size === 1 ? [...hosts][0] : null;
    if (onlyHost) {
      const covered = haCovers.get(onlyHost) ?? false;
      spofs.push({ application: app, kind: 'machine', on: onlyHost, workloads: ids });
      findings.push({
        code: 'DR_SPOF_MACHINE',
        severity: covered ? 'low' : critical ? 'high' : 'medium',
        application: app,
        site: sites[0]!,
        message:
          `${app}: ${what} runs on ${onlyHost}; when it fails ${app} stops` +
          (covered
            ? ' until HA restarts it on another host.'
            : machineById.get(onlyHost)?.role === 'legacy'
              ? ', and as a physical server nothing restarts it elsewhere.'
              : ', and the rest of the site cannot restart it.') +
          ' Run a second instance on another machine (an antiAffinityGroup keeps them apart).',
      });
    } else if (sites.length === 1) {
      const site = sites[0]!;
      const target = recovery[site];
      spofs.push({ application: app, kind: 'site', on: site, workloads: ids });
      findings.push({
        code: 'DR_SPOF_SITE',
        severity: target ? 'low' : critical ? 'critical' : 'high',
        application: app,
        site,
        message: target
          ? `${app}: ${what} is at ${site}; losing ${site} stops it until it restarts at ${target}. Keep a failover instance at ${target} if that restart is too slow.`
          : `${app}: ${what} is at ${site}, which has no recovery site: losing ${site} stops ${app} for good. Name a recovery site or run an instance elsewhere.`,
      });
    }
    if (sites.length === 2) {
      const [a, b] = sites as [string, string];
      const joining = estate.links.filter(
        (l) => (l.between[0] === a && l.between[1] === b) || (l.between[0] === b && l.between[1] === a),
      );
      const thirdPath = estate.sites.some(
        (s) =>
          s.id !== a &&
          s.id !== b &&
          estate.links.some((l) => l.between.includes(s.id) && l.between.includes(a)) &&
          estate.links.some((l) => l.between.includes(s.id) && l.between.includes(b)),
      );
      if (joining.length === 1 && !thirdPath) {
        const id = linkId(joining[0]!.between[0], joining[0]!.between[1]);
        spofs.push({ application: app, kind: 'link', on: id, workloads: ids });
        findings.push({
          code: 'DR_SPOF_LINK',
          severity: 'low',
          application: app,
          message: `${app}: its instances at ${a} and ${b} are joined only by link ${id}; when it fails, replication between them stops and the RPO grows. Add a second, independent path.`,
        });
      }
    }
  }
  return { blastRadius, singlePointsOfFailure: spofs, findings };
}
