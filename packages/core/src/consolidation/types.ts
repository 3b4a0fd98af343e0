/**
 * The consolidation plan: what `planConsolidation` returns and `verifyPlan` checks.
 *
 * Every figure a person reads is here as data; serialisers (CLI, API) print it. Unlimited
 * capacities are `Infinity` in the estate model; the use of an unlimited resource is `null` here.
 */

import type { Resource, ResourceVector } from '../shared/resources.ts';

export interface Placement {
  readonly workload: string;
  /** Machine id, e.g. `esx-3`. */
  readonly host: string;
}

/** The rule that kept a workload off every host. */
export type UnplacedRule =
  | 'site' // no hypervisor at the workload's site
  | 'pinnedSite' // pinnedSite differs from site: it can never run where it must be placed
  | 'capacity' // too big for any machine of its site, or the site's machines are full
  | 'antiAffinityGroup' // more members of its group than machines at its site
  | 'separateRoles' // no machine free of the other role of its application
  | 'dedicatedIopsAbove' // needs a machine to itself and none is left
  | 'haReserve'; // its site has too few machines to hold the workloads and the reserve

export interface Shortfall {
  readonly resource: Resource;
  /** How much more of the resource the workload needed than the machine had free, in its unit. */
  readonly missing: number;
}

export interface UnplacedReason {
  readonly rule: UnplacedRule;
  readonly site: string;
  /** The resource that did not fit (capacity rules only). */
  readonly resource?: Resource;
  /** The machine that came closest, and what it lacked. */
  readonly nearestHost?: string;
  readonly shortfall?: readonly Shortfall[];
  /** One sentence a person can act on. */
  readonly message: string;
}

export interface Unplaced {
  readonly workload: string;
  readonly reasons: readonly UnplacedReason[];
}

/** Use of one machine in the plan. */
export interface HostUse {
  readonly host: string;
  readonly site: string;
  readonly workloads: readonly string[];
  /** Demand placed on the host, per resource, in its unit (cpu in cores, network in Mbps...). */
  readonly demand: ResourceVector;
  /** Fraction of the machine's whole capacity (not of the headroom); null when unlimited. */
  readonly use: Readonly<Record<Resource, number | null>>;
  /** True when the host is one of its site's empty HA spare hosts. */
  readonly spare: boolean;
  /** True when the host holds a single workload above policies.consolidation.dedicatedIopsAbove. */
  readonly dedicated: boolean;
}

export interface Restart {
  readonly workload: string;
  readonly host: string;
}

/** Where the workloads of `host` restart if it fails. */
export interface HaFailover {
  readonly host: string;
  readonly restarts: readonly Restart[];
}

/**
 * How a site's HA reserve is proven.
 * - `restart-map` (haReserve = 1): `haFailover` gives, for each powered host, where each of its
 *   workloads restarts on the surviving hosts; each map fits at headroom 1.0 with anti-affinity.
 * - `spare-hosts` (any haReserve): `spares` lists at least haReserve powered, empty hosts, each of
 *   which can carry (at headroom 1.0) the whole load of every other powered host of the site. Any
 *   haReserve failures leave at least as many surviving spares as failed loaded hosts, and each failed
 *   host's workloads restart together on a distinct surviving spare (they were anti-affine already).
 *   `haFailover` then names, for each host, the first spare.
 * - `none`: haReserve is 0, or the site places nothing.
 */
export interface HaProof {
  readonly site: string;
  readonly reserve: number;
  readonly method: 'restart-map' | 'spare-hosts' | 'none';
  readonly spares: readonly string[];
}

export interface EnergyFigures {
  readonly machines: number;
  /** Electrical power at the wall, PUE included. */
  readonly watts: number;
  readonly kwhPerYear: number;
  readonly cost: number;
  readonly carbonKg: number;
}

export interface EnergyReport {
  readonly before: EnergyFigures;
  readonly after: EnergyFigures;
  /** Machines running something today that the plan powers off. */
  readonly machinesFreed: readonly string[];
  readonly savings: { readonly kwhPerYear: number; readonly cost: number; readonly carbonKg: number };
}

export interface Move {
  /** 1-based order in which the move is to be done. */
  readonly step: number;
  readonly workload: string;
  /** The machine it runs on before this step; null for a workload with no current host. */
  readonly from: string | null;
  readonly to: string;
  /** A stop on a temporary spare machine, moved on again by a later step. */
  readonly temporary: boolean;
  /** True when no order could avoid overfilling `to` and no spare was available. */
  readonly overfills: boolean;
}

export interface MovePlan {
  readonly moves: readonly Move[];
  /** Machines used as a temporary stop (powered only during the migration). */
  readonly temporarySpares: readonly string[];
  /** True when some move overfills its target: a spare machine is needed at that site. */
  readonly spareNeeded: boolean;
}

export interface SiteBound {
  readonly site: string;
  readonly lowerBound: number;
  readonly hostsUsed: number;
  /** Which argument gave the bound (e.g. `memory L2`, `antiAffinity pacs-ha + reserve`). */
  readonly reason: string;
}

export interface ConsolidationPlan {
  /** Powered hypervisor machines (spares and dedicated hosts included). */
  readonly hostsUsed: number;
  /** No plan holding every rule can power fewer hypervisors (sum over sites). */
  readonly lowerBound: number;
  /** hostsUsed - lowerBound. */
  readonly gap: number;
  readonly siteBounds: readonly SiteBound[];
  readonly placements: readonly Placement[];
  readonly unplaced: readonly Unplaced[];
  /** Workloads kept on their physical machine (readiness NOT_READY), as given by the caller. */
  readonly stayPhysical: readonly string[];
  readonly hosts: readonly HostUse[];
  readonly haFailover: readonly HaFailover[];
  readonly haProof: readonly HaProof[];
  readonly energy: EnergyReport;
  readonly moves: MovePlan;
  readonly stats: SolveStats;
}

export interface SolveStats {
  readonly seed: number;
  readonly iterations: number;
  /** True when the search stopped on its time or iteration budget rather than at the bound. */
  readonly budgetExhausted: boolean;
  /** Hosts used by the first (first-fit decreasing) packing, before improvement. */
  readonly greedyHostsUsed: number;
}

export interface PlanOptions {
  /** Stop the improvement search after this many milliseconds of `now()`. */
  readonly timeLimitMs?: number;
  /**
   * A clock in milliseconds (e.g. `performance.now`): the search then stops at `timeLimitMs` (default
   * `defaultTimeLimitMs`) or at the lower bound. Without it the search runs on a deterministic
   * iteration budget, so the same input and seed always give the same plan.
   */
  readonly now?: () => number;
  /** Seed of the search's pseudo-random generator; default 1. */
  readonly seed?: number;
  /** Workload ids that stay on their physical machine (readiness NOT_READY). */
  readonly stayPhysical?: ReadonlySet<string>;
  /** Scales the default iteration budget used when no clock is given (1 = default). */
  readonly effort?: number;
  /** Called now and then during long searches (0..1). */
  readonly onProgress?: (fraction: number) => void;
}

export type PlanViolationCode =
  | 'UNKNOWN_WORKLOAD'
  | 'UNKNOWN_HOST'
  | 'NOT_A_HYPERVISOR'
  | 'PLACED_TWICE'
  | 'NOT_ACCOUNTED'
  | 'STAYS_PHYSICAL'
  | 'WRONG_SITE'
  | 'CAPACITY'
  | 'ANTI_AFFINITY'
  | 'SEPARATE_ROLES'
  | 'DEDICATED_HOST'
  | 'HA_RESERVE'
  | 'HOSTS_USED';

export interface PlanViolation {
  readonly code: PlanViolationCode;
  readonly message: string;
  readonly workload?: string;
  readonly host?: string;
  readonly site?: string;
  readonly resource?: Resource;
}

export interface PlacementComparison {
  readonly hostsUsed: { readonly a: number; readonly b: number; readonly delta: number };
  readonly moves: { readonly a: number; readonly b: number; readonly delta: number };
  readonly kwhPerYear: { readonly a: number; readonly b: number; readonly delta: number };
  readonly cost: { readonly a: number; readonly b: number; readonly delta: number };
  readonly carbonKg: { readonly a: number; readonly b: number; readonly delta: number };
  readonly machinesFreed: { readonly a: number; readonly b: number; readonly delta: number };
  /** Workloads whose host differs between the plans. */
  readonly placementsChanged: number;
}

/** Options of `placeOnto`. */
export interface PlaceOntoOptions {
  /** Fraction of each machine usable, one number or per resource; default 1 (all of it). */
  readonly headroom?:
    | number
    | Readonly<Partial<Record<'cpu' | 'memory' | 'iops' | 'network' | 'storage', number>>>;
  /** Honour antiAffinityGroup (default true) and separateRoles (default: the estate's policy). */
  readonly antiAffinity?: boolean;
  readonly separateRoles?: boolean;
}

export interface PlaceOntoUnfit {
  readonly workload: string;
  /** The machine that came closest and what it lacked, per resource; none when no machine was given. */
  readonly nearestHost: string | null;
  readonly shortfall: readonly Shortfall[];
  /** 'capacity', or the placement rule that excluded every machine with room. */
  readonly rule: 'capacity' | 'antiAffinityGroup' | 'separateRoles';
}

export interface PlaceOntoResult {
  readonly placements: readonly Placement[];
  readonly unfit: readonly PlaceOntoUnfit[];
}
