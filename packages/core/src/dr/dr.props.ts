/**
 * The invariants of the DR evaluation, written once and applied to every restart placement
 * (`dr.props.test.ts`). Each returns nothing and throws (via expect) when the invariant breaks.
 */
import { fc } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { Criticality, Estate, WorkloadRole } from '../estate/types.ts';
import { FULL_HEADROOM, machineCapacity, RESOURCES, workloadDemand } from '../shared/resources.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import { DR_RULES } from './rules.ts';
import { buildEstate, type MachineSpec, type WorkloadSpec } from './testing.ts';
import type { DrEvaluation } from './types.ts';

const CRITS: Criticality[] = ['critical', 'high', 'medium', 'low'];
const ROLES: WorkloadRole[] = ['production', 'production', 'production', 'failover', 'test', 'training'];

/** Small two- or three-site estates: dependencies mostly acyclic, sometimes a cycle; tight capacity. */
export const arbitraryEstate: fc.Arbitrary<Estate> = fc
  .record({
    third: fc.boolean(),
    both: fc.boolean(),
    hosts: fc.array(
      fc.record({
        site: fc.nat(2),
        memoryGiB: fc.integer({ min: 16, max: 256 }),
        cpuCores: fc.integer({ min: 2, max: 32 }),
        legacy: fc.boolean(),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    workloads: fc.array(
      fc.record({
        site: fc.nat(2),
        host: fc.nat(10),
        onHost: fc.boolean(),
        memoryGiB: fc.integer({ min: 1, max: 96 }),
        vcpus: fc.integer({ min: 1, max: 8 }),
        cpuUtilization: fc.double({ min: 0, max: 1, noNaN: true }),
        criticality: fc.constantFrom(...CRITS),
        role: fc.constantFrom(...ROLES),
        bootMinutes: fc.integer({ min: 0, max: 10 }),
        deps: fc.array(fc.nat(30), { maxLength: 3 }),
        backEdge: fc.integer({ min: 0, max: 19 }),
        pinned: fc.integer({ min: 0, max: 9 }),
        group: fc.constantFrom(null, 'g1', 'g2'),
        changeRateGiBPerHour: fc.double({ min: 0, max: 40, noNaN: true }),
        phi: fc.boolean(),
        app: fc.nat(6),
      }),
      { maxLength: 24 },
    ),
    boots: fc.integer({ min: 1, max: 4 }),
    detection: fc.integer({ min: 0, max: 30 }),
    bandwidthMbps: fc.integer({ min: 10, max: 2000 }),
  })
  .map((g) => {
    const sites = g.third ? ['north', 'south', 'east'] : ['north', 'south'];
    const siteOf = (k: number) => sites[k % sites.length]!;
    const machines: MachineSpec[] = g.hosts.map((h, k) => ({
      id: `m${k}`,
      site: siteOf(h.site),
      role: h.legacy && k > 1 ? 'legacy' : 'hypervisor',
      memoryGiB: h.memoryGiB,
      cpuCores: h.cpuCores,
    }));
    const workloads: WorkloadSpec[] = g.workloads.map((w, i) => {
      const site = siteOf(w.site);
      const here = machines.filter((m) => m.site === site);
      const host = w.onHost && here.length > 0 ? here[w.host % here.length]!.id : null;
      const deps = new Set(w.deps.filter((d) => d < i).map((d) => `w${d}`));
      // One in twenty depends on a later workload: cycles appear now and then.
      if (w.backEdge === 0 && i + 1 < g.workloads.length) deps.add(`w${i + 1}`);
      return {
        id: `w${i}`,
        application: `app${w.app}`,
        site,
        currentHost: host,
        memoryGiB: w.memoryGiB,
        vcpus: w.vcpus,
        cpuUtilization: w.cpuUtilization,
        criticality: w.criticality,
        role: w.role,
        bootMinutes: w.bootMinutes,
        dependsOn: [...deps],
        pinnedSite: w.pinned === 0 ? site : null,
        antiAffinityGroup: w.group,
        changeRateGiBPerHour: w.changeRateGiBPerHour,
        phi: w.phi,
      };
    });
    return buildEstate({
      sites,
      links: [{ between: ['north', 'south'], bandwidthMbps: g.bandwidthMbps }],
      machines,
      workloads,
      dr: {
        recoverySites: g.both ? { north: 'south', south: 'north' } : { north: 'south' },
        concurrentBootsPerHost: g.boots,
        detectionMinutes: g.detection,
      },
    });
  });

/** Every workload of a lost site is restarted once or reported not restarted, never both. */
export function conservation(estate: Estate, e: DrEvaluation): void {
  for (const s of e.sites) {
    const ids = [...s.restarted.map((r) => r.workload), ...s.notRestarted.map((n) => n.workload)].sort();
    const expected = estate.workloads
      .filter((w) => w.site === s.site)
      .map((w) => w.id)
      .sort();
    expect(ids).toEqual(expected);
    expect(s.lostWorkloads).toBe(expected.length);
  }
}

/** Restarts respect dependencies, detection, boot time and the per-machine concurrency. */
export function scheduleHolds(estate: Estate, e: DrEvaluation): void {
  const dr = estate.policies.dr;
  const byId = new Map(estate.workloads.map((w) => [w.id, w]));
  for (const s of e.sites) {
    const at = new Map(s.restarted.map((r) => [r.workload, r]));
    const down = new Set(s.notRestarted.map((n) => n.workload));
    for (const r of s.restarted) {
      const w = byId.get(r.workload)!;
      expect(r.startMinute).toBeGreaterThanOrEqual(dr.detectionMinutes);
      expect(r.readyMinute).toBe(r.startMinute + w.bootMinutes);
      for (const d of w.dependsOn) {
        expect(down.has(d)).toBe(false);
        const dep = at.get(d);
        if (dep) expect(dep.readyMinute).toBeLessThanOrEqual(r.startMinute);
      }
      // Concurrency: boots running on this host at r's start, r included.
      const running = s.restarted.filter(
        (o) => o.host === r.host && o.startMinute <= r.startMinute && o.readyMinute > r.startMinute,
      );
      expect(running.length).toBeLessThanOrEqual(Math.max(1, dr.concurrentBootsPerHost));
    }
    // The critical path is a chain of real waits, from detection on.
    const path = s.criticalPath;
    if (path.length > 0) {
      expect(path[0]!.waitedFor).toBe('detection');
      expect(path[0]!.startMinute).toBe(dr.detectionMinutes);
    }
    for (let k = 1; k < path.length; k++) {
      const prev = path[k - 1]!;
      const step = path[k]!;
      expect(step.waitedFor).not.toBe('detection');
      expect(step.startMinute).toBe(step.waitedFor === 'priority' ? prev.startMinute : prev.readyMinute);
      if (step.waitedFor === 'dependency')
        expect(byId.get(step.workload)!.dependsOn).toContain(prev.workload);
      if (step.waitedFor === 'boot-slot') expect(step.host).toBe(prev.host);
    }
    if (s.restarted.length > 0) {
      expect(s.completionMinute).toBe(Math.max(...s.restarted.map((r) => r.readyMinute)));
      const essential = s.restarted.filter((r) => {
        const role = byId.get(r.workload)!.role;
        return role === 'production' || role === 'failover';
      });
      if (s.productionReadyMinute !== null) {
        expect(s.criticalPath.at(-1)!.readyMinute).toBe(s.productionReadyMinute);
        expect(s.productionReadyMinute).toBeGreaterThanOrEqual(
          Math.max(0, ...essential.map((r) => r.readyMinute)),
        );
      } else expect(s.criticalPath.at(-1)!.readyMinute).toBe(s.completionMinute);
    }
  }
}

/**
 * No recovery machine ends up over its whole capacity: what ran there (less what was shed), plus
 * what restarted on it — checked where what ran there fitted to begin with.
 */
export function capacityHolds(estate: Estate, e: DrEvaluation): void {
  const policy = { cpuOvercommit: estate.policies.consolidation.cpuOvercommit, headroom: FULL_HEADROOM };
  for (const s of e.sites) {
    if (s.recoverySite === null) continue;
    const shed = new Set(s.shedAtRecoverySite);
    for (const m of estate.machines.filter((x) => x.site === s.recoverySite && x.role === 'hypervisor')) {
      const cap = machineCapacity(m, policy);
      const before = estate.workloads.filter(
        (w) => w.currentHost === m.id && w.site !== s.site && !shed.has(w.id),
      );
      const added = s.restarted
        .filter((r) => r.host === m.id)
        .map((r) => estate.workloads.find((w) => w.id === r.workload)!);
      for (const r of RESOURCES) {
        const base = before.reduce((t, w) => t + workloadDemand(w)[r], 0);
        if (!fitsWithin(base, cap[r])) continue;
        const total = [...before, ...added].reduce((t, w) => t + workloadDemand(w)[r], 0);
        expect(fitsWithin(total, cap[r])).toBe(true);
      }
    }
  }
}

/** Every finding code is in the registry; verdicts agree with their figures. */
export function findingsAndVerdicts(e: DrEvaluation): void {
  const known = new Set(DR_RULES.map((r) => r.code));
  for (const f of e.findings) expect(known.has(f.code)).toBe(true);
  for (const w of e.workloads) {
    if (w.rto.estimatedMinutes === null) expect(w.rto.met).toBe(false);
    else expect(w.rto.met).toBe(w.rto.estimatedMinutes <= w.rto.targetMinutes + 1e-9);
    if (w.rpo.achievableMinutes === null) expect(w.rpo.met).toBe(false);
  }
}

/** What must not change when the file lists its workloads in another order. */
export function verdicts(e: DrEvaluation): unknown {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
  return {
    workloads: [...e.workloads]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((w) => [w.id, w.rpo.met, round(w.rpo.achievableMinutes), w.rto.met, w.rto.estimatedMinutes]),
    sites: e.sites.map((s) => ({
      site: s.site,
      restarted: [...s.restarted].sort((a, b) => (a.workload < b.workload ? -1 : 1)),
      notRestarted: s.notRestarted.map((n) => [n.workload, n.cause]),
      down: s.applicationsDown,
      completion: s.completionMinute,
    })),
    findings: e.findings.map((f) => [
      f.code,
      f.severity,
      f.workload ?? '',
      f.application ?? '',
      f.site ?? '',
    ]),
    cycles: e.cycles,
    spof: e.singlePointsOfFailure,
  };
}
