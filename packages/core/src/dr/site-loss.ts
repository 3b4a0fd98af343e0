/**
 * Parts 1 and 3 of the evaluation: a site is lost. Its workloads restart at the recovery site on
 * the hypervisors there, on top of what already runs (emergency headroom 1.0): by restart tier
 * (a workload's criticality, or that of a more critical workload that depends on it), production
 * before test and training, which are shed first when room is short; pinned workloads are lost.
 * Then the restart schedule of what restarts, and which applications stay down.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import { CRITICALITIES } from '../estate/types.ts';
import { aggregateShortfall, describeUnfit, type PlaceOnTop, shortfallsOf } from './capacity.ts';
import { compareIds, criticalityRank, type DependencyGraph } from './graph.ts';
import { scheduleRestarts } from './schedule.ts';
import type {
  NotRestartedCause,
  NotRestartedWorkload,
  ResourceShortfall,
  RestartedWorkload,
  SiteLoss,
} from './types.ts';

export interface SiteLossContext {
  readonly estate: Estate;
  readonly graph: DependencyGraph;
  /** Workload index -> the machine it runs on (plan placement, else currentHost), or null. */
  readonly hostOf: readonly (Machine | null)[];
  readonly place: PlaceOnTop;
}

const isExpendable = (w: Workload) => w.role === 'test' || w.role === 'training';

/** Down workloads after a loss: index -> cause and reason; propagated along dependents. */
class DownSet {
  readonly cause = new Map<number, NotRestartedCause>();
  readonly reasons = new Map<number, string[]>();
  readonly shortfalls = new Map<number, ResourceShortfall[]>();
  constructor(private readonly ctx: SiteLossContext) {}

  has(i: number): boolean {
    return this.cause.has(i);
  }

  add(i: number, cause: NotRestartedCause, reason: string): boolean {
    if (this.cause.has(i)) return false;
    this.cause.set(i, cause);
    this.reasons.set(i, [reason]);
    return true;
  }

  copy(): DownSet {
    const out = new DownSet(this.ctx);
    for (const [i, c] of this.cause) out.add(i, c, this.reasons.get(i)![0]!);
    return out;
  }

  /** Everything that depends, directly or not, on a down workload is down too; returns the new ones. */
  propagate(seeds: Iterable<number>): number[] {
    const { graph, estate } = this.ctx;
    const added: number[] = [];
    const queue = [...seeds];
    for (let k = 0; k < queue.length; k++) {
      const j = queue[k]!;
      for (const d of graph.dependents[j]!) {
        if (this.has(d)) continue;
        this.add(
          d,
          'dependency-down',
          `depends on ${estate.workloads[j]!.id}, which does not run after the loss`,
        );
        added.push(d);
        queue.push(d);
      }
    }
    return added;
  }
}

interface Attempt {
  readonly down: DownSet;
  /** Workload index -> machine id. */
  readonly placedOn: Map<number, string>;
  readonly shedHere: readonly number[];
  readonly existing: Map<string, string[]>;
}

export function evaluateSiteLoss(ctx: SiteLossContext, siteId: string): SiteLoss {
  const { estate, graph, hostOf } = ctx;
  const workloads = estate.workloads;
  const recoverySite = estate.policies.dr.recoverySites[siteId] ?? null;
  const lost: number[] = [];
  workloads.forEach((w, i) => {
    if (w.site === siteId) lost.push(i);
  });
  const down = new DownSet(ctx);

  if (recoverySite === null) {
    for (const i of lost)
      down.add(i, 'no-recovery-site', `${siteId} has no recovery site in policies.dr.recoverySites`);
    down.propagate(lost);
    return finish(ctx, siteId, null, lost, down, [], new Map(), [], []);
  }

  const machines = estate.machines
    .filter((m) => m.site === recoverySite && m.role === 'hypervisor')
    .sort((a, b) => compareIds(a.id, b.id));
  const seeds: number[] = [];
  for (const i of lost) {
    const w = workloads[i]!;
    if (w.pinnedSite !== null) {
      down.add(
        i,
        'pinned',
        `pinned to ${w.pinnedSite} (pinnedSite): it never moves and is lost with its site`,
      );
      seeds.push(i);
    } else if (graph.inCycle[i]) {
      const names = graph.cycles.find((c) => c.includes(i))!.map((j) => workloads[j]!.id);
      down.add(
        i,
        'dependency-cycle',
        `dependency cycle ${[...names, names[0]].join(' -> ')}: no restart order exists`,
      );
      seeds.push(i);
    } else if (machines.length === 0) {
      down.add(i, 'no-hypervisor', `${recoverySite} has no hypervisor to restart it on`);
      seeds.push(i);
    }
  }
  down.propagate(seeds);

  // A test or training workload that production needs restarts with production.
  const lostSet = new Set(lost);
  const needed = new Set<number>();
  const stack = lost.filter((i) => !down.has(i) && !isExpendable(workloads[i]!));
  for (const i of stack) needed.add(i);
  while (stack.length > 0) {
    for (const d of graph.deps[stack.pop()!]!) {
      if (lostSet.has(d) && !needed.has(d)) {
        needed.add(d);
        stack.push(d);
      }
    }
  }
  // Restart tiers: effective criticality, production before failover instances within a tier
  // (the standby of a lost application is worth less than its production), expendable ones last.
  const tiers: number[][] = Array.from({ length: 9 }, () => []);
  for (const i of lost) {
    if (down.has(i)) continue;
    const failover = workloads[i]!.role === 'failover' ? 1 : 0;
    tiers[needed.has(i) ? graph.effRank[i]! * 2 + failover : 8]!.push(i);
  }
  // Within a tier, dependencies before dependents, whatever the order of the file.
  for (const tier of tiers) {
    tier.sort((a, b) => graph.depth[a]! - graph.depth[b]! || compareIds(workloads[a]!.id, workloads[b]!.id));
  }
  const runningAtRecovery: number[] = [];
  const machineIds = new Set(machines.map((m) => m.id));
  workloads.forEach((w, i) => {
    const m = hostOf[i];
    if (m && machineIds.has(m.id) && w.site !== siteId) runningAtRecovery.push(i);
  });
  // Loads summed in one order whatever the file's: the same floating-point sums, the same choices.
  runningAtRecovery.sort((a, b) => compareIds(workloads[a]!.id, workloads[b]!.id));

  const attempt = (shed: boolean): Attempt => {
    const trial = down.copy();
    const existing = new Map<string, string[]>();
    const shedHere: number[] = [];
    for (const i of runningAtRecovery) {
      const w = workloads[i]!;
      if (shed && isExpendable(w)) {
        shedHere.push(i);
        trial.add(i, 'shed', `${w.role} workload shut down at ${recoverySite} to make room for ${siteId}`);
        continue;
      }
      const list = existing.get(hostOf[i]!.id) ?? [];
      list.push(w.id);
      existing.set(hostOf[i]!.id, list);
    }
    trial.propagate(shedHere);
    const placer = ctx.place(estate, machines, existing);
    const placedOn = new Map<number, string>();
    for (let t = 0; t < tiers.length; t++) {
      const expendable = t === tiers.length - 1;
      const guests: number[] = [];
      for (const i of tiers[t]!) {
        if (trial.has(i)) continue;
        const downDep = graph.deps[i]!.find((d) => trial.has(d));
        if (downDep !== undefined) {
          trial.add(
            i,
            'dependency-down',
            `depends on ${workloads[downDep]!.id}, which does not run after the loss`,
          );
        } else if (expendable && shed) {
          trial.add(
            i,
            'shed',
            `${workloads[i]!.role} workload shed: production restarts first and ${recoverySite} is short of room`,
          );
        } else guests.push(i);
      }
      const result = placer.place(guests.map((i) => workloads[i]!));
      const failed: number[] = [];
      for (const u of result.unfit) {
        const i = graph.index.get(u.workload)!;
        const w = workloads[i]!;
        failed.push(i);
        if (expendable) {
          trial.add(
            i,
            'shed',
            `${w.role} workload shed: ${recoverySite} has no room left once production is back`,
          );
        } else {
          trial.add(i, 'capacity', describeUnfit(u, w, recoverySite));
          trial.shortfalls.set(i, shortfallsOf(u, w));
        }
      }
      // What depends on a workload that did not fit stays down and gives its room back.
      trial.propagate(failed);
      for (const i of guests) {
        const host = result.placed.get(workloads[i]!.id);
        if (host === undefined || trial.has(i)) continue;
        placedOn.set(i, host);
        placer.commit(workloads[i]!, host);
        const list = existing.get(host) ?? [];
        list.push(workloads[i]!.id);
        existing.set(host, list);
      }
    }
    return { down: trial, placedOn, shedHere, existing };
  };
  // Shed test and training only when that lets more of the rest restart.
  const refusedCount = (a: Attempt) => lost.filter((i) => a.down.cause.get(i) === 'capacity').length;
  let outcome = attempt(false);
  if (refusedCount(outcome) > 0) {
    const shedding = attempt(true);
    if (refusedCount(shedding) < refusedCount(outcome)) outcome = shedding;
  }
  // Workloads anywhere that depend on what stays down are down too (for the applications).
  outcome.down.propagate([...outcome.down.cause.keys()]);
  for (const i of [...outcome.placedOn.keys()]) if (outcome.down.has(i)) outcome.placedOn.delete(i);

  const byId = new Map(workloads.map((w) => [w.id, w]));
  const running = new Map<string, Workload[]>();
  for (const [host, ids] of outcome.existing) {
    running.set(
      host,
      ids.filter((id) => !outcome.down.has(graph.index.get(id)!)).map((id) => byId.get(id)!),
    );
  }
  const refused = lost.filter((i) => outcome.down.cause.get(i) === 'capacity').map((i) => workloads[i]!);
  const shortfall = aggregateShortfall(estate, machines, running, refused);
  return finish(
    ctx,
    siteId,
    recoverySite,
    lost,
    outcome.down,
    outcome.shedHere,
    outcome.placedOn,
    machines,
    shortfall,
    new Set(tiers[tiers.length - 1]),
  );
}

function finish(
  ctx: SiteLossContext,
  siteId: string,
  recoverySite: string | null,
  lost: readonly number[],
  down: DownSet,
  shedAtRecovery: readonly number[],
  placedOn: ReadonlyMap<number, string>,
  recoveryMachines: readonly Machine[],
  capacityShortfall: SiteLoss['capacityShortfall'],
  deferred: ReadonlySet<number> = new Set(),
): SiteLoss {
  const { estate, graph } = ctx;
  const workloads = estate.workloads;
  const dr = estate.policies.dr;

  // Schedule what restarts.
  const items = lost.filter((i) => placedOn.has(i) && !down.has(i));
  const local = new Map(items.map((i, k) => [i, k]));
  const sortedForPriority = [...items].sort(
    (a, b) =>
      graph.effRank[a]! - graph.effRank[b]! ||
      criticalityRank(workloads[a]!.criticality) - criticalityRank(workloads[b]!.criticality) ||
      compareIds(workloads[a]!.id, workloads[b]!.id),
  );
  const priority = new Array<number>(items.length);
  sortedForPriority.forEach((i, p) => {
    priority[local.get(i)!] = p;
  });
  const machineIndex = new Map(recoveryMachines.map((m, k) => [m.id, k]));
  const schedule = scheduleRestarts({
    machineOf: items.map((i) => machineIndex.get(placedOn.get(i)!)!),
    machineIds: recoveryMachines.map((m) => m.id),
    bootMinutes: items.map((i) => workloads[i]!.bootMinutes),
    deps: items.map((i) => graph.deps[i]!.filter((d) => local.has(d)).map((d) => local.get(d)!)),
    priority,
    names: items.map((i) => workloads[i]!.id),
    deferred: items.map((i) => deferred.has(i)),
    concurrentBootsPerHost: dr.concurrentBootsPerHost,
    detectionMinutes: dr.detectionMinutes,
  });
  const restarted: RestartedWorkload[] = items.map((i, k) => ({
    workload: workloads[i]!.id,
    host: placedOn.get(i)!,
    startMinute: schedule.startMinute[k]!,
    readyMinute: schedule.readyMinute[k]!,
    priority: CRITICALITIES[graph.effRank[i]!]!,
    pulledForwardBy: graph.pulledBy[i]! >= 0 ? workloads[graph.pulledBy[i]!]!.id : null,
  }));
  restarted.sort(
    (a, b) =>
      a.startMinute - b.startMinute || a.readyMinute - b.readyMinute || compareIds(a.workload, b.workload),
  );

  const notRestarted: NotRestartedWorkload[] = lost
    .filter((i) => down.has(i))
    .map((i) => {
      const cause = down.cause.get(i)!;
      const shortfalls = down.shortfalls.get(i);
      return {
        workload: workloads[i]!.id,
        cause,
        reasons: down.reasons.get(i)!,
        ...(cause === 'capacity' && shortfalls ? { shortfalls } : {}),
      };
    })
    .sort((a, b) => compareIds(a.workload, b.workload));

  // Applications: down when no production or failover instance runs; degraded when some do not.
  const status = new Map<string, { up: number; down: number }>();
  const hasServing = new Set<string>();
  for (const w of workloads) if (!isExpendable(w)) hasServing.add(w.application);
  workloads.forEach((w, i) => {
    if (hasServing.has(w.application) && isExpendable(w)) return;
    const s = status.get(w.application) ?? { up: 0, down: 0 };
    if (down.has(i)) s.down++;
    else s.up++;
    status.set(w.application, s);
  });
  const applicationsDown: string[] = [];
  const applicationsDegraded: string[] = [];
  for (const [app, s] of status) {
    if (s.down > 0 && s.up === 0) applicationsDown.push(app);
    else if (s.down > 0) applicationsDegraded.push(app);
  }
  applicationsDown.sort(compareIds);
  applicationsDegraded.sort(compareIds);

  return {
    site: siteId,
    recoverySite,
    lostWorkloads: lost.length,
    restarted,
    notRestarted,
    shedAtRecoverySite: shedAtRecovery.map((i) => workloads[i]!.id).sort(compareIds),
    capacityShortfall,
    applicationsDown,
    applicationsDegraded,
    completionMinute: schedule.completionMinute,
    productionReadyMinute: schedule.productionReadyMinute,
    criticalPath: schedule.criticalPath,
  };
}
