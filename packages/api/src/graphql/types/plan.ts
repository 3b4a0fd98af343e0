import type {
  ConsolidationPlan,
  EnergyFigures,
  HaFailover,
  HaProof,
  HostUse,
  Move,
  Placement,
  Resource,
  SiteBound,
  Unplaced,
  UnplacedReason,
} from '@virtplan/core';
import type { PlanRow } from '../../services/loaders.ts';
import { builder } from '../builder.ts';

type Amounts = Readonly<Record<Resource, number | null>>;

export const planOf = (row: PlanRow): ConsolidationPlan => row.result as ConsolidationPlan;

const ResourceAmountsRef = builder.objectRef<Amounts>('ResourceAmounts').implement({
  description:
    'One figure per resource: cpu in cores in use, vcpu (allocated vCPUs), memory in GiB, iops, network in Mbps, storage in ' +
    'GiB (or, for `use`, the fraction of the machine). null = unlimited.',
  fields: (t) => ({
    cpu: t.float({ nullable: true, description: 'CPU (cores busy).', resolve: (v) => v.cpu ?? null }),
    vcpu: t.float({
      nullable: true,
      description: 'vCPUs (overcommit rule).',
      resolve: (v) => v.vcpu ?? null,
    }),
    memory: t.float({ nullable: true, description: 'Memory.', resolve: (v) => v.memory ?? null }),
    iops: t.float({ nullable: true, description: 'Storage IOPS.', resolve: (v) => v.iops ?? null }),
    network: t.float({ nullable: true, description: 'Network.', resolve: (v) => v.network ?? null }),
    storage: t.float({ nullable: true, description: 'Storage capacity.', resolve: (v) => v.storage ?? null }),
  }),
});

const PlacementRef = builder.objectRef<Placement>('Placement').implement({
  description: 'A workload and the hypervisor it runs on in the plan.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    host: t.exposeString('host', { description: 'Machine id.' }),
  }),
});

const ShortfallRef = builder.objectRef<{ resource: string; missing: number }>('Shortfall').implement({
  description: 'How much more of a resource was needed than was free.',
  fields: (t) => ({
    resource: t.exposeString('resource', { description: 'cpu, vcpu, memory, iops, network or storage.' }),
    missing: t.exposeFloat('missing', { description: 'Amount missing, in the resource’s unit.' }),
  }),
});

const UnplacedReasonRef = builder.objectRef<UnplacedReason>('UnplacedReason').implement({
  description: 'The rule that kept a workload off every host.',
  fields: (t) => ({
    rule: t.exposeString('rule', {
      description:
        'site, pinnedSite, capacity, antiAffinityGroup, separateRoles, dedicatedIopsAbove or haReserve.',
    }),
    site: t.exposeString('site', { description: 'The site it had to be placed at.' }),
    resource: t.string({
      nullable: true,
      description: 'The resource that did not fit (capacity only).',
      resolve: (r) => r.resource ?? null,
    }),
    nearestHost: t.string({
      nullable: true,
      description: 'The machine that came closest.',
      resolve: (r) => r.nearestHost ?? null,
    }),
    shortfall: t.field({
      type: [ShortfallRef],
      description: 'What the nearest machine lacked.',
      resolve: (r) => [...(r.shortfall ?? [])],
    }),
    message: t.exposeString('message', { description: 'One sentence a person can act on.' }),
  }),
});

const UnplacedRef = builder.objectRef<Unplaced>('Unplaced').implement({
  description: 'A workload the plan could not place, and why.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    reasons: t.field({ type: [UnplacedReasonRef], description: 'Why.', resolve: (u) => [...u.reasons] }),
  }),
});

const HostUseRef = builder.objectRef<HostUse>('HostUse').implement({
  description: 'Use of one powered hypervisor in the plan.',
  fields: (t) => ({
    host: t.exposeString('host', { description: 'Machine id.' }),
    site: t.exposeString('site', { description: 'Site id.' }),
    workloads: t.stringList({ description: 'Workloads placed on it.', resolve: (h) => [...h.workloads] }),
    demand: t.field({
      type: ResourceAmountsRef,
      description: 'Demand placed on it, per resource, in the resource’s unit.',
      resolve: (h) => h.demand,
    }),
    use: t.field({
      type: ResourceAmountsRef,
      description: 'Fraction of the machine’s whole capacity in use; null when unlimited.',
      resolve: (h) => h.use,
    }),
    spare: t.exposeBoolean('spare', { description: 'An empty HA spare host of its site.' }),
    dedicated: t.exposeBoolean('dedicated', { description: 'Holds a single IOPS-heavy workload.' }),
  }),
});

const RestartRef = builder.objectRef<{ workload: string; host: string }>('Restart').implement({
  description: 'Where a workload restarts.',
  fields: (t) => ({
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    host: t.exposeString('host', { description: 'Machine id it restarts on.' }),
  }),
});

const HaFailoverRef = builder.objectRef<HaFailover>('HaFailover').implement({
  description: 'Where the workloads of a host restart if it fails.',
  fields: (t) => ({
    host: t.exposeString('host', { description: 'The failed machine.' }),
    restarts: t.field({
      type: [RestartRef],
      description: 'Where each restarts.',
      resolve: (h) => [...h.restarts],
    }),
  }),
});

const HaProofRef = builder.objectRef<HaProof>('HaProof').implement({
  description: 'How a site’s HA reserve is proven.',
  fields: (t) => ({
    site: t.exposeString('site', { description: 'Site id.' }),
    reserve: t.exposeInt('reserve', { description: 'Host failures the site must survive.' }),
    method: t.exposeString('method', { description: 'restart-map, spare-hosts or none.' }),
    spares: t.stringList({
      description: 'Spare machines (spare-hosts method).',
      resolve: (h) => [...h.spares],
    }),
  }),
});

const EnergyFiguresRef = builder.objectRef<EnergyFigures>('EnergyFigures').implement({
  description: 'Power, energy, cost and carbon of a set of machines, PUE included.',
  fields: (t) => ({
    machines: t.exposeInt('machines', { description: 'Machines powered.' }),
    watts: t.exposeFloat('watts', { description: 'Electrical power at the wall.' }),
    kwhPerYear: t.exposeFloat('kwhPerYear', { description: 'Energy per year.' }),
    cost: t.exposeFloat('cost', { description: 'Energy cost per year, in the estate’s currency.' }),
    carbonKg: t.exposeFloat('carbonKg', { description: 'kg CO2 per year.' }),
  }),
});

const SavingsRef = builder
  .objectRef<{ kwhPerYear: number; cost: number; carbonKg: number }>('Savings')
  .implement({
    description: 'What the plan saves per year.',
    fields: (t) => ({
      kwhPerYear: t.exposeFloat('kwhPerYear', { description: 'kWh per year.' }),
      cost: t.exposeFloat('cost', { description: 'Cost per year.' }),
      carbonKg: t.exposeFloat('carbonKg', { description: 'kg CO2 per year.' }),
    }),
  });

const EnergyReportRef = builder.objectRef<ConsolidationPlan['energy']>('EnergyReport').implement({
  description: 'Energy, cost and carbon before and after the plan.',
  fields: (t) => ({
    before: t.field({ type: EnergyFiguresRef, description: 'Today.', resolve: (e) => e.before }),
    after: t.field({ type: EnergyFiguresRef, description: 'After the plan.', resolve: (e) => e.after }),
    machinesFreed: t.stringList({
      description: 'Machines running something today that the plan powers off.',
      resolve: (e) => [...e.machinesFreed],
    }),
    savings: t.field({ type: SavingsRef, description: 'Savings per year.', resolve: (e) => e.savings }),
  }),
});

const MoveRef = builder.objectRef<Move>('Move').implement({
  description: 'One step of the migration from today’s machines to the plan.',
  fields: (t) => ({
    step: t.exposeInt('step', { description: '1-based order.' }),
    workload: t.exposeString('workload', { description: 'Workload id.' }),
    from: t.string({
      nullable: true,
      description: 'Machine before the step (null: none).',
      resolve: (m) => m.from,
    }),
    to: t.exposeString('to', { description: 'Machine after the step.' }),
    temporary: t.exposeBoolean('temporary', { description: 'A stop on a temporary spare, moved on later.' }),
    overfills: t.exposeBoolean('overfills', { description: 'No order avoids overfilling the target.' }),
  }),
});

const MovePlanRef = builder.objectRef<ConsolidationPlan['moves']>('MovePlan').implement({
  description: 'The ordered moves from today’s placement to the plan.',
  fields: (t) => ({
    moves: t.field({ type: [MoveRef], description: 'Moves in order.', resolve: (m) => [...m.moves] }),
    temporarySpares: t.stringList({
      description: 'Machines used only during the migration.',
      resolve: (m) => [...m.temporarySpares],
    }),
    spareNeeded: t.exposeBoolean('spareNeeded', {
      description: 'A spare machine is needed to migrate safely.',
    }),
  }),
});

const SiteBoundRef = builder.objectRef<SiteBound>('SiteBound').implement({
  description: 'The lower bound on hosts at one site.',
  fields: (t) => ({
    site: t.exposeString('site', { description: 'Site id.' }),
    lowerBound: t.exposeInt('lowerBound', { description: 'No plan can use fewer hosts here.' }),
    hostsUsed: t.exposeInt('hostsUsed', { description: 'Hosts this plan uses here.' }),
    reason: t.exposeString('reason', { description: 'Which argument gave the bound.' }),
  }),
});

const SolveStatsRef = builder.objectRef<ConsolidationPlan['stats']>('SolveStats').implement({
  description: 'How the search went.',
  fields: (t) => ({
    seed: t.exposeInt('seed', { description: 'Seed of the search.' }),
    iterations: t.exposeInt('iterations', { description: 'Improvement iterations run.' }),
    budgetExhausted: t.exposeBoolean('budgetExhausted', {
      description: 'The search stopped on its budget rather than at the bound.',
    }),
    greedyHostsUsed: t.exposeInt('greedyHostsUsed', {
      description: 'Hosts of the first-fit-decreasing start.',
    }),
  }),
});

export const ConsolidationPlanRef = builder.objectRef<PlanRow>('ConsolidationPlan').implement({
  description:
    'A stored consolidation plan: which workload runs on which hypervisor, hosts used against the lower ' +
    'bound, per-host use, what could not be placed and why, savings and the moves to get there.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    estateId: t.exposeID('estateId', { description: 'The estate it was computed for.' }),
    estateRevision: t.exposeInt('estateRevision', {
      description: 'The estate revision it was computed from.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was computed.',
      resolve: (p) => p.createdAt,
    }),
    hostsUsed: t.int({
      description: 'Powered hypervisors (spares and dedicated hosts included).',
      resolve: (p) => planOf(p).hostsUsed,
    }),
    lowerBound: t.int({
      description: 'No plan holding every rule can power fewer hypervisors.',
      resolve: (p) => planOf(p).lowerBound,
    }),
    gap: t.int({ description: 'hostsUsed - lowerBound.', resolve: (p) => planOf(p).gap }),
    siteBounds: t.field({
      type: [SiteBoundRef],
      description: 'Bounds per site.',
      resolve: (p) => [...planOf(p).siteBounds],
    }),
    placements: t.field({
      type: [PlacementRef],
      description: 'Where each placed workload runs.',
      extensions: { cost: { multiplier: 20 } },
      resolve: (p) => [...planOf(p).placements],
    }),
    unplaced: t.field({
      type: [UnplacedRef],
      description: 'Workloads not placed, with reasons.',
      resolve: (p) => [...planOf(p).unplaced],
    }),
    stayPhysical: t.stringList({
      description: 'Workloads kept on their physical machine (readiness NOT_READY).',
      resolve: (p) => [...planOf(p).stayPhysical],
    }),
    hosts: t.field({
      type: [HostUseRef],
      description: 'Use of each powered hypervisor.',
      resolve: (p) => [...planOf(p).hosts],
    }),
    haFailover: t.field({
      type: [HaFailoverRef],
      description: 'For each host, where its workloads restart if it fails.',
      resolve: (p) => [...planOf(p).haFailover],
    }),
    haProof: t.field({
      type: [HaProofRef],
      description: 'How each site’s HA reserve is proven.',
      resolve: (p) => [...planOf(p).haProof],
    }),
    energy: t.field({
      type: EnergyReportRef,
      description: 'Energy, cost and carbon before and after.',
      resolve: (p) => planOf(p).energy,
    }),
    moves: t.field({
      type: MovePlanRef,
      description: 'The migration, step by step.',
      resolve: (p) => planOf(p).moves,
    }),
    stats: t.field({
      type: SolveStatsRef,
      description: 'How the search went.',
      resolve: (p) => planOf(p).stats,
    }),
  }),
});
