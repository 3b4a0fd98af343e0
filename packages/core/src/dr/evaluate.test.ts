import { afterAll, describe, expect, it } from 'vitest';
import { DR_RULES, drFindingsForApplication, evaluateDr } from './index.ts';
import { MBPS_PER_GIB_PER_HOUR } from './replication.ts';
import { buildEstate, type EstateSpec } from './testing.ts';
import type { DrEvaluation } from './types.ts';

const NOW = '2026-11-25';
const emitted = new Set<string>();
const evaluate = (spec: EstateSpec, profile?: 'hipaa-2013' | 'hipaa-2025-proposed'): DrEvaluation => {
  const e = evaluateDr(buildEstate(spec), profile ? { now: NOW, profile } : { now: NOW });
  for (const f of e.findings) emitted.add(f.code);
  return e;
};

describe('the DR rule registry', () => {
  it('lists each code once, with a title, rationale, severity and remedy', () => {
    const codes = DR_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of DR_RULES) {
      expect(r.code).toMatch(/^(DR|HIPAA)_[A-Z0-9_]+$/);
      expect(r.title.length * r.rationale.length * r.remedy.length).toBeGreaterThan(0);
    }
  });
});

// Every rule is reached by one of the hand-worked examples of this file, and nothing else is emitted.
afterAll(() => {
  expect([...emitted].sort()).toEqual(DR_RULES.map((r) => r.code).sort());
});
const codes = (e: DrEvaluation) => e.findings.map((f) => f.code);
const workload = (e: DrEvaluation, id: string) => e.workloads.find((w) => w.id === id)!;
const site = (e: DrEvaluation, id: string) => e.sites.find((s) => s.site === id)!;

const twoSites = (over: Partial<EstateSpec> = {}): EstateSpec => ({
  links: [{ between: ['north', 'south'], bandwidthMbps: 1000 }],
  machines: [
    { id: 'n1', site: 'north' },
    { id: 's1', site: 'south' },
  ],
  dr: { recoverySites: { north: 'south' } },
  ...over,
});

describe('RPO over a shared link', () => {
  it('a link too thin for the change rate: unbounded RPO and the shortfall in Mbps', () => {
    // 2 x 30 GiB/h = 60 GiB/h = 143.17 Mbps over a 100 Mbps link: short 43.17 Mbps.
    const e = evaluate(
      twoSites({
        links: [{ between: ['north', 'south'], bandwidthMbps: 100 }],
        workloads: [
          { id: 'pacs', currentHost: 'n1', changeRateGiBPerHour: 30 },
          { id: 'ris', currentHost: 'n1', changeRateGiBPerHour: 30 },
        ],
      }),
    );
    const link = e.links[0]!;
    expect(link.demandMbps).toBeCloseTo(60 * MBPS_PER_GIB_PER_HOUR, 6);
    expect(link.demandMbps).toBeCloseTo(143.165, 2);
    expect(link.utilization).toBeCloseTo(1.43165, 4);
    expect(link.shortfallMbps).toBeCloseTo(43.165, 2);
    expect(workload(e, 'pacs').rpo).toMatchObject({
      achievableMinutes: null,
      met: false,
      marginMinutes: null,
    });
    const f = e.findings.find((x) => x.code === 'DR_LINK_SATURATED')!;
    expect(f.severity).toBe('critical');
    expect(f.message).toContain('short 43.2 Mbps');
    expect(e.findings.filter((x) => x.code === 'DR_RPO_MISSED')).toHaveLength(2);
  });

  it('a link with room: interval plus the time to ship one interval of changes', () => {
    // 20 GiB/h = 47.72 Mbps on 100 Mbps: 47.7% busy; RPO = 15 x 1.4772 = 22.16 min.
    const e = evaluate(
      twoSites({
        links: [{ between: ['north', 'south'], bandwidthMbps: 100 }],
        workloads: [
          { id: 'db', currentHost: 'n1', changeRateGiBPerHour: 20, rpoMinutes: 15 },
          { id: 'app', currentHost: 'n1', rpoMinutes: 30 },
        ],
      }),
    );
    const db = workload(e, 'db').rpo;
    expect(db.basis).toBe('async');
    expect(db.achievableMinutes).toBeCloseTo(22.158, 3);
    expect(db.met).toBe(false);
    expect(db.marginMinutes).toBeCloseTo(-7.158, 3);
    expect(workload(e, 'app').rpo.met).toBe(true);
    expect(e.findings.find((f) => f.workload === 'db' && f.code === 'DR_RPO_MISSED')!.message).toContain(
      'missed by 7.2 min',
    );
  });

  it('sync replication: RPO 0, flagged above a 5 ms round trip', () => {
    const spec = (latencyMs: number) =>
      twoSites({
        links: [{ between: ['north', 'south'], latencyMs }],
        workloads: [{ id: 'emr', currentHost: 'n1', changeRateGiBPerHour: 1 }],
        dr: { recoverySites: { north: 'south' }, replication: { mode: 'sync', intervalMinutes: 15 } },
      });
    const near = evaluate(spec(2));
    expect(workload(near, 'emr').rpo).toMatchObject({ achievableMinutes: 0, met: true, basis: 'sync' });
    expect(near.links[0]!.syncLatencyOk).toBe(true);
    expect(codes(near)).not.toContain('DR_SYNC_LATENCY');
    const far = evaluate(spec(12));
    expect(far.links[0]!.syncLatencyOk).toBe(false);
    expect(codes(far)).toContain('DR_SYNC_LATENCY');
  });

  it('no replication: the age of the last snapshot, or unprotected without snapshots', () => {
    const w = [{ id: 'lab', currentHost: 'n1', rpoMinutes: 2000, phi: true }];
    const snap = evaluate(
      twoSites({ workloads: w, dr: { replication: { mode: 'none', intervalMinutes: 15 } } }),
    );
    expect(workload(snap, 'lab').rpo).toMatchObject({
      basis: 'snapshot',
      achievableMinutes: 1440,
      met: true,
      marginMinutes: 560,
    });
    const none = evaluate(
      twoSites({ workloads: w, dr: { replication: { mode: 'none', intervalMinutes: 15 }, snapshots: null } }),
    );
    expect(workload(none, 'lab').rpo).toMatchObject({
      basis: 'unprotected',
      achievableMinutes: null,
      met: false,
    });
    expect(none.findings.find((f) => f.code === 'DR_UNPROTECTED')).toMatchObject({
      severity: 'high',
      workload: 'lab',
    });
    expect(codes(none)).toContain('DR_PHI_NO_ROLLBACK');
    expect(none.rollback.phiWithoutRollback).toEqual(['lab']);
  });

  it('a recovery site with no link: falls back to snapshots and says so', () => {
    const e = evaluate(twoSites({ links: [], workloads: [{ id: 'a', currentHost: 'n1' }] }));
    expect(workload(e, 'a').rpo.basis).toBe('snapshot');
    expect(e.findings.find((f) => f.code === 'DR_NO_REPLICATION_LINK')!.site).toBe('north');
  });
});

describe('site loss', () => {
  it('a recovery site short of memory: what does not fit, by how much of which resource', () => {
    // s1: 256 GiB, 100 already used -> 156 free. Restart 3 x 64 GiB: two fit, the third is 36 GiB short.
    const e = evaluate(
      twoSites({
        machines: [
          { id: 'n1', site: 'north' },
          { id: 's1', site: 'south', memoryGiB: 256 },
        ],
        workloads: [
          { id: 'pacs-db', criticality: 'critical', currentHost: 'n1', memoryGiB: 64, application: 'PACS' },
          { id: 'ris', criticality: 'high', currentHost: 'n1', memoryGiB: 64, application: 'RIS' },
          { id: 'mail', criticality: 'medium', currentHost: 'n1', memoryGiB: 64, application: 'Mail' },
          { id: 'dir', site: 'south', currentHost: 's1', memoryGiB: 100, application: 'Directory' },
        ],
      }),
    );
    const north = site(e, 'north');
    expect(north.restarted.map((r) => [r.workload, r.host])).toEqual([
      ['pacs-db', 's1'],
      ['ris', 's1'],
    ]);
    expect(north.notRestarted).toEqual([
      {
        workload: 'mail',
        cause: 'capacity',
        reasons: [
          'does not fit at south: the closest hypervisor (s1) is short 36 GiB of memory (needs 64, 28 free)',
        ],
        shortfalls: [{ resource: 'memory', unit: 'GiB', needed: 64, available: 28, short: 36 }],
      },
    ]);
    expect(north.capacityShortfall).toEqual([
      { resource: 'memory', unit: 'GiB', needed: 64, available: 28, short: 36 },
    ]);
    expect(north.applicationsDown).toEqual(['Mail']);
    expect(workload(e, 'mail').rto).toMatchObject({ estimatedMinutes: null, met: false });
    const f = e.findings.find((x) => x.code === 'DR_RECOVERY_CAPACITY_SHORT')!;
    expect(f).toMatchObject({ site: 'north', severity: 'high' });
    expect(f.message).toContain('lacks 36 GiB of memory');
  });

  it('sheds test and training first, and says so', () => {
    // s1 256 GiB: a 100 GiB test VM runs there. Without it, 3 x 64 fit.
    const e = evaluate(
      twoSites({
        machines: [
          { id: 'n1', site: 'north' },
          { id: 's1', site: 'south', memoryGiB: 256 },
        ],
        workloads: [
          { id: 'a', criticality: 'critical', currentHost: 'n1', memoryGiB: 64 },
          { id: 'b', currentHost: 'n1', memoryGiB: 64 },
          { id: 'c', currentHost: 'n1', memoryGiB: 64 },
          { id: 'train', role: 'training', currentHost: 'n1', memoryGiB: 8 },
          { id: 'test-s', role: 'test', site: 'south', currentHost: 's1', memoryGiB: 100 },
        ],
      }),
    );
    const north = site(e, 'north');
    expect(north.restarted.map((r) => r.workload).sort()).toEqual(['a', 'b', 'c']);
    expect(north.shedAtRecoverySite).toEqual(['test-s']);
    expect(north.notRestarted).toMatchObject([{ workload: 'train', cause: 'shed' }]);
    expect(e.findings.find((f) => f.code === 'DR_TEST_TRAINING_SHED')!.message).toContain(
      'test-s'.length ? 'shut down' : '',
    );
    expect(codes(e)).not.toContain('DR_RECOVERY_CAPACITY_SHORT');
  });

  it('test workloads restart when there is room, and nothing is shed', () => {
    const e = evaluate(
      twoSites({
        workloads: [
          { id: 'a', currentHost: 'n1' },
          { id: 't', role: 'test', currentHost: 'n1' },
          { id: 'ts', role: 'test', site: 'south', currentHost: 's1' },
        ],
      }),
    );
    expect(
      site(e, 'north')
        .restarted.map((r) => r.workload)
        .sort(),
    ).toEqual(['a', 't']);
    expect(site(e, 'north').shedAtRecoverySite).toEqual([]);
    expect(codes(e)).not.toContain('DR_TEST_TRAINING_SHED');
  });

  it('a pinned workload is lost with its site, and what depends on it stays down', () => {
    const e = evaluate(
      twoSites({
        workloads: [
          {
            id: 'dc',
            pinnedSite: 'north',
            currentHost: 'n1',
            criticality: 'critical',
            application: 'Directory',
          },
          { id: 'emr', currentHost: 'n1', dependsOn: ['dc'], application: 'EMR' },
          { id: 'mail', currentHost: 'n1', application: 'Mail' },
        ],
      }),
    );
    const north = site(e, 'north');
    expect(north.notRestarted.map((n) => [n.workload, n.cause])).toEqual([
      ['dc', 'pinned'],
      ['emr', 'dependency-down'],
    ]);
    expect(north.restarted.map((r) => r.workload)).toEqual(['mail']);
    expect(north.applicationsDown).toEqual(['Directory', 'EMR']);
    expect(e.findings.find((f) => f.code === 'DR_PINNED_WORKLOAD_LOST')).toMatchObject({
      workload: 'dc',
      severity: 'high',
    });
  });

  it('a site with no recovery site: every workload lost, said as such', () => {
    const e = evaluate(
      twoSites({
        dr: { recoverySites: {} },
        workloads: [
          { id: 'a', currentHost: 'n1', criticality: 'critical' },
          { id: 'b', currentHost: 'n1' },
        ],
      }),
    );
    const north = site(e, 'north');
    expect(north.recoverySite).toBeNull();
    expect(north.restarted).toEqual([]);
    expect(north.notRestarted.map((n) => n.cause)).toEqual(['no-recovery-site', 'no-recovery-site']);
    const f = e.findings.find((x) => x.code === 'DR_NO_RECOVERY_SITE')!;
    expect(f).toMatchObject({ severity: 'critical', site: 'north' });
    expect(f.message).toContain('loses every workload there (2 workloads, 1 critical)');
  });

  it('a recovery site without hypervisors', () => {
    const e = evaluate(
      twoSites({
        machines: [
          { id: 'n1', site: 'north' },
          { id: 's1', site: 'south', role: 'legacy' },
        ],
        workloads: [{ id: 'a', currentHost: 'n1' }],
      }),
    );
    expect(site(e, 'north').notRestarted[0]!.cause).toBe('no-hypervisor');
    expect(codes(e)).toContain('DR_NO_RECOVERY_HYPERVISORS');
  });

  it('restarts on top of the consolidation plan’s placements when a plan is given', () => {
    const spec = twoSites({
      machines: [
        { id: 'n1', site: 'north' },
        { id: 's1', site: 'south', memoryGiB: 100 },
        { id: 's2', site: 'south', memoryGiB: 100 },
      ],
      workloads: [
        { id: 'big', currentHost: 'n1', memoryGiB: 80 },
        { id: 'old', site: 'south', memoryGiB: 60 },
        { id: 'old2', site: 'south', memoryGiB: 60 },
      ],
    });
    // Without a plan 'old' and 'old2' run nowhere known: 'big' fits on s1.
    expect(site(evaluate(spec), 'north').restarted[0]!.host).toBe('s1');
    const planned = evaluateDr(buildEstate(spec), {
      now: NOW,
      plan: {
        placements: [
          { workload: 'old', host: 's1' },
          { workload: 'old2', host: 's2' },
        ],
      },
    });
    expect(site(planned, 'north').notRestarted[0]).toMatchObject({ workload: 'big', cause: 'capacity' });
  });
});

describe('restart schedule and RTO', () => {
  it('a dependency chain decides the RTO: db -> app -> web after detection', () => {
    // detection 10; db boots 5 (10-15), app 3 (15-18), web 2 (18-20). web's RTO 19: missed by 1.
    const e = evaluate(
      twoSites({
        workloads: [
          {
            id: 'web',
            currentHost: 'n1',
            dependsOn: ['app'],
            bootMinutes: 2,
            rtoMinutes: 19,
            criticality: 'critical',
          },
          { id: 'app', currentHost: 'n1', dependsOn: ['db'], bootMinutes: 3, criticality: 'critical' },
          { id: 'db', currentHost: 'n1', bootMinutes: 5, criticality: 'critical' },
          { id: 'fax', currentHost: 'n1', bootMinutes: 1, criticality: 'low' },
        ],
      }),
    );
    const north = site(e, 'north');
    const at = Object.fromEntries(north.restarted.map((r) => [r.workload, [r.startMinute, r.readyMinute]]));
    expect(at).toEqual({ db: [10, 15], app: [15, 18], web: [18, 20], fax: [10, 11] });
    expect(north.completionMinute).toBe(20);
    expect(north.criticalPath.map((s) => [s.workload, s.waitedFor])).toEqual([
      ['db', 'detection'],
      ['app', 'dependency'],
      ['web', 'dependency'],
    ]);
    expect(workload(e, 'web').rto).toEqual({
      targetMinutes: 19,
      estimatedMinutes: 20,
      met: false,
      marginMinutes: -1,
    });
    expect(e.findings.find((f) => f.code === 'DR_RTO_MISSED')).toMatchObject({
      workload: 'web',
      severity: 'critical',
    });
    expect(codes(e)).toContain('DR_DEPENDENCY_RTO_INVERSION');
  });

  it('at most concurrentBootsPerHost restarts per machine at once', () => {
    const e = evaluate(
      twoSites({
        workloads: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, currentHost: 'n1', bootMinutes: 5 })),
      }),
    );
    const starts = site(e, 'north').restarted.map((r) => r.startMinute);
    expect(starts).toEqual([10, 10, 10, 10, 15, 15]);
    expect(site(e, 'north').criticalPath.at(-1)!.waitedFor).toBe('boot-slot');
  });

  it('a critical workload pulls a medium dependency forward, and says so', () => {
    // One boot at a time. Without the pull, the high workload would boot before the medium one.
    const e = evaluate(
      twoSites({
        workloads: [
          { id: 'emr', criticality: 'critical', currentHost: 'n1', dependsOn: ['hl7'], bootMinutes: 3 },
          { id: 'hl7', criticality: 'medium', currentHost: 'n1', bootMinutes: 3 },
          { id: 'ris', criticality: 'high', currentHost: 'n1', bootMinutes: 3 },
        ],
        dr: { recoverySites: { north: 'south' }, concurrentBootsPerHost: 1 },
      }),
    );
    const order = site(e, 'north').restarted.map((r) => [
      r.workload,
      r.startMinute,
      r.priority,
      r.pulledForwardBy,
    ]);
    expect(order).toEqual([
      ['hl7', 10, 'critical', 'emr'],
      ['emr', 13, 'critical', null],
      ['ris', 16, 'high', null],
    ]);
    const f = e.findings.find((x) => x.code === 'DR_DEPENDENCY_PULLED_FORWARD')!;
    expect(f).toMatchObject({ workload: 'hl7', severity: 'info' });
    expect(f.message).toContain('emr (critical) depends on it');
  });

  it('a cycle is an error named by its members, as data', () => {
    const e = evaluate(
      twoSites({
        workloads: [
          { id: 'a', currentHost: 'n1', dependsOn: ['b'] },
          { id: 'b', currentHost: 'n1', dependsOn: ['a'] },
          { id: 'c', currentHost: 'n1', dependsOn: ['a'] },
          { id: 'd', currentHost: 'n1' },
        ],
      }),
    );
    expect(e.cycles).toEqual([{ members: ['a', 'b'] }]);
    const f = e.findings.find((x) => x.code === 'DR_DEPENDENCY_CYCLE')!;
    expect(f.severity).toBe('critical');
    expect(f.message).toContain('a -> b -> a');
    const north = site(e, 'north');
    expect(north.notRestarted.map((n) => [n.workload, n.cause])).toEqual([
      ['a', 'dependency-cycle'],
      ['b', 'dependency-cycle'],
      ['c', 'dependency-down'],
    ]);
    expect(north.restarted.map((r) => r.workload)).toEqual(['d']);
  });
});

describe('named examples from property failures', () => {
  it('test workloads boot once every production workload has started, whatever the file order', () => {
    const workloads = [
      {
        id: 'w0',
        role: 'test' as const,
        criticality: 'critical' as const,
        site: 'south',
        memoryGiB: 1,
        bootMinutes: 0,
      },
      { id: 'w1', criticality: 'critical' as const, site: 'south', memoryGiB: 1, bootMinutes: 1 },
      { id: 'w2', criticality: 'critical' as const, site: 'south', memoryGiB: 26, bootMinutes: 1 },
    ];
    const spec = (list: typeof workloads) =>
      twoSites({
        machines: [
          { id: 'm0', site: 'north', memoryGiB: 16, cpuCores: 2 },
          { id: 'm1', site: 'north', memoryGiB: 26, cpuCores: 2 },
        ],
        workloads: list,
        dr: { recoverySites: { south: 'north' }, concurrentBootsPerHost: 2, detectionMinutes: 0 },
      });
    for (const list of [workloads, [...workloads].reverse()]) {
      const south = site(evaluate(spec(list)), 'south');
      expect(Object.fromEntries(south.restarted.map((r) => [r.workload, [r.host, r.startMinute]]))).toEqual({
        w0: ['m0', 0],
        w1: ['m0', 0],
        w2: ['m1', 0],
      });
    }
  });

  it('a training workload that depends on a shed one is shed too, whatever the file order', () => {
    const workloads = [
      { id: 'big', criticality: 'critical' as const, currentHost: 'n1', memoryGiB: 500 },
      { id: 'a', role: 'training' as const, currentHost: 'n1', memoryGiB: 8 },
      { id: 'b', role: 'training' as const, currentHost: 'n1', memoryGiB: 8, dependsOn: ['a'] },
      { id: 'here', role: 'test' as const, site: 'south', currentHost: 's1', memoryGiB: 20 },
    ];
    for (const list of [workloads, [...workloads].reverse()]) {
      const north = site(evaluate(twoSites({ workloads: list })), 'north');
      expect(north.notRestarted.map((n) => [n.workload, n.cause])).toEqual([
        ['a', 'shed'],
        ['b', 'dependency-down'],
      ]);
      expect(north.shedAtRecoverySite).toEqual(['here']);
    }
  });
});

describe('blast radius and single points of failure', () => {
  const spec = (memoryGiB: number) =>
    twoSites({
      machines: [
        { id: 'n1', site: 'north', memoryGiB: 100 },
        { id: 'n2', site: 'north', memoryGiB: memoryGiB },
        { id: 's1', site: 'south' },
      ],
      workloads: [
        { id: 'pacs-1', application: 'PACS', currentHost: 'n1', memoryGiB: 40, criticality: 'critical' },
        { id: 'pacs-2', application: 'PACS', currentHost: 'n1', memoryGiB: 40, role: 'failover' },
        { id: 'ris', application: 'RIS', currentHost: 'n2', memoryGiB: 10 },
        { id: 'ris-dr', application: 'RIS', site: 'south', currentHost: 's1', role: 'failover' },
      ],
    });

  it('the HA reserve restarts a failed host’s workloads when the rest has room', () => {
    // n2: 200 GiB at full headroom, 10 used: takes both 40 GiB PACS instances.
    const e = evaluate(spec(200));
    const n1 = e.blastRadius.find((b) => b.machine === 'n1')!;
    expect(n1).toMatchObject({
      workloads: ['pacs-1', 'pacs-2'],
      applicationsDown: ['PACS'],
      haRestartsAll: true,
    });
    expect(
      e.findings.filter((f) => f.code === 'DR_HA_NOT_COVERED').map((f) => f.message.split(',')[0]),
    ).toEqual(['If s1 fails']);
    expect(e.singlePointsOfFailure).toContainEqual({
      application: 'PACS',
      kind: 'machine',
      on: 'n1',
      workloads: ['pacs-1', 'pacs-2'],
    });
    expect(e.findings.find((f) => f.code === 'DR_SPOF_MACHINE' && f.application === 'PACS')!.severity).toBe(
      'low',
    );
    expect(e.singlePointsOfFailure).toContainEqual({
      application: 'RIS',
      kind: 'link',
      on: 'north~south',
      workloads: ['ris', 'ris-dr'],
    });
  });

  it('and says what it cannot restart when the rest is full', () => {
    // n2: 60 GiB, 10 used: 50 free, takes one 40 GiB instance only.
    const e = evaluate(spec(60));
    const n1 = e.blastRadius.find((b) => b.machine === 'n1')!;
    expect(n1.haRestartsAll).toBe(false);
    expect(n1.notRestartedByHa.map((n) => n.workload)).toEqual(['pacs-2']);
    expect(n1.notRestartedByHa[0]!.shortfalls).toEqual([
      { resource: 'memory', unit: 'GiB', needed: 40, available: 10, short: 30 },
    ]);
    expect(e.findings.find((f) => f.code === 'DR_HA_NOT_COVERED')!.message).toContain(
      'If n1 fails, 1 of its 2 workloads',
    );
    expect(e.findings.find((f) => f.code === 'DR_SPOF_MACHINE' && f.application === 'PACS')!.severity).toBe(
      'high',
    );
  });

  it('an application at one site without a recovery site is a site single point of failure', () => {
    const e = evaluate(
      twoSites({
        dr: { recoverySites: {} },
        machines: [
          { id: 'n1', site: 'north' },
          { id: 'n2', site: 'north' },
        ],
        workloads: [
          { id: 'lab-1', application: 'LIS', currentHost: 'n1' },
          { id: 'lab-2', application: 'LIS', currentHost: 'n2' },
        ],
      }),
    );
    expect(e.singlePointsOfFailure).toEqual([
      { application: 'LIS', kind: 'site', on: 'north', workloads: ['lab-1', 'lab-2'] },
    ]);
    expect(e.findings.find((f) => f.code === 'DR_SPOF_SITE')!.severity).toBe('high');
  });
});

describe('HIPAA 45 CFR 164.308(a)(7)', () => {
  const base = (contingencyPlan: object, extra: Partial<EstateSpec['dr']> = {}) =>
    twoSites({
      workloads: [{ id: 'emr', currentHost: 'n1', criticality: 'critical', phi: true }],
      dr: { recoverySites: { north: 'south' }, contingencyPlan, ...extra },
    });
  const spec = (e: DrEvaluation, letter: string) =>
    e.contingencyPlan.find((s) => s.citation.endsWith(`(${letter})`))!;

  it('a complete, recently tested plan: every specification met, no HIPAA finding', () => {
    const e = evaluate(base({}));
    expect(e.contingencyPlan.map((s) => [s.citation, s.status, s.met])).toEqual([
      ['164.308(a)(7)(ii)(A)', 'required', true],
      ['164.308(a)(7)(ii)(B)', 'required', true],
      ['164.308(a)(7)(ii)(C)', 'required', true],
      ['164.308(a)(7)(ii)(D)', 'addressable', true],
      ['164.308(a)(7)(ii)(E)', 'addressable', true],
    ]);
    expect(codes(e).filter((c) => c.startsWith('HIPAA'))).toEqual([]);
  });

  it.each([
    ['dataBackupPlan', 'A', 'HIPAA_DATA_BACKUP_PLAN', 'high'],
    ['disasterRecoveryPlan', 'B', 'HIPAA_DISASTER_RECOVERY_PLAN', 'high'],
    ['emergencyModeOperationPlan', 'C', 'HIPAA_EMERGENCY_MODE_PLAN', 'high'],
    ['criticalityAnalysisDone', 'E', 'HIPAA_CRITICALITY_ANALYSIS', 'medium'],
  ])('%s missing -> (ii)(%s) unmet, %s', (field, letter, code, severity) => {
    const e = evaluate(base({ [field]: false }));
    expect(spec(e, letter).met).toBe(false);
    const f = e.findings.find((x) => x.code === code)!;
    expect(f.severity).toBe(severity);
    expect(f.message).toContain(`45 CFR 164.308(a)(7)(ii)(${letter})`);
  });

  it('testing: never tested, overdue by a counted number of days, or within the interval', () => {
    const never = evaluate(base({ lastTestedOn: null }));
    expect(never.findings.find((f) => f.code === 'HIPAA_TESTING_AND_REVISION')!.message).toContain(
      'never been tested',
    );
    // 2025-06-01 -> 2026-11-25 is 542 days; interval 365: overdue by 177.
    const old = evaluate(base({ lastTestedOn: '2025-06-01' }));
    const f = old.findings.find((x) => x.code === 'HIPAA_TESTING_AND_REVISION')!;
    expect(f).toMatchObject({ severity: 'medium' });
    expect(f.message).toContain('542 days ago');
    expect(f.message).toContain('by 177 days');
    expect(spec(old, 'D').status).toBe('addressable');
    const recent = evaluate(base({ lastTestedOn: '2025-11-25' }));
    expect(spec(recent, 'D').met).toBe(true);
  });

  it('a backup plan declared with no backups described', () => {
    const e = evaluate(base({}, { snapshots: null, replication: { mode: 'none', intervalMinutes: 15 } }));
    expect(codes(e)).toContain('HIPAA_BACKUP_NOT_EVIDENT');
  });

  it('the 2025 proposed profile: all five required, 72 h restore, 48 h backups', () => {
    const e = evaluate(
      twoSites({
        workloads: [
          { id: 'emr', currentHost: 'n1', criticality: 'critical', phi: true },
          { id: 'pharmacy', site: 'south', currentHost: 's1', criticality: 'critical' },
        ],
        dr: {
          recoverySites: { north: 'south' },
          snapshots: { intervalHours: 72, retentionDays: 30 },
          contingencyPlan: { criticalityAnalysisDone: false, lastTestedOn: null },
        },
      }),
      'hipaa-2025-proposed',
    );
    expect(e.contingencyPlan.every((s) => s.status === 'required')).toBe(true);
    expect(e.findings.find((f) => f.code === 'HIPAA_CRITICALITY_ANALYSIS')!.severity).toBe('high');
    expect(e.findings.find((f) => f.code === 'HIPAA_TESTING_AND_REVISION')!.severity).toBe('high');
    // pharmacy's site has no recovery site: never restored.
    expect(e.findings.find((f) => f.code === 'HIPAA_NPRM_RESTORE_72H')!.message).toContain('pharmacy: never');
    expect(e.findings.find((f) => f.code === 'HIPAA_NPRM_BACKUP_48H')!.message).toContain('every 72 h');
    const lenient = evaluate(
      twoSites({
        workloads: [{ id: 'emr', currentHost: 'n1', criticality: 'critical', phi: true }],
        dr: { recoverySites: { north: 'south' }, snapshots: { intervalHours: 24, retentionDays: 30 } },
      }),
      'hipaa-2025-proposed',
    );
    expect(codes(lenient).filter((c) => c.startsWith('HIPAA'))).toEqual([]);
  });
});

describe('point-in-time rollback', () => {
  it('window and granularity from the snapshots, against each RPO', () => {
    const e = evaluate(
      twoSites({
        workloads: [
          { id: 'a', currentHost: 'n1', rpoMinutes: 60 },
          { id: 'b', currentHost: 'n1', rpoMinutes: 1440 },
        ],
      }),
    );
    expect(e.rollback).toMatchObject({
      windowMinutes: 14 * 1440,
      granularityMinutes: 1440,
      coarserThanRpo: ['a'],
    });
    expect(codes(e)).toContain('DR_ROLLBACK_COARSER_THAN_RPO');
  });
});

describe('drFindingsForApplication', () => {
  it('returns the findings naming the application and those about its sites', () => {
    const e = evaluate(
      twoSites({
        dr: { recoverySites: {} },
        workloads: [
          { id: 'pacs', application: 'PACS', currentHost: 'n1', criticality: 'critical' },
          { id: 'mail', application: 'Mail', site: 'south', currentHost: 's1' },
        ],
      }),
    );
    const pacs = drFindingsForApplication(e, 'PACS');
    expect(pacs.length).toBeGreaterThan(0);
    expect(
      pacs.every((f) => f.application === 'PACS' || (f.application === undefined && f.site === 'north')),
    ).toBe(true);
    expect(pacs.map((f) => f.code)).toContain('DR_NO_RECOVERY_SITE');
    expect(pacs.some((f) => f.application === 'Mail')).toBe(false);
  });

  it('leaves out another machine’s HA gap and the recovery site’s room', () => {
    const e = evaluate(
      twoSites({
        machines: [
          { id: 'n1', site: 'north', memoryGiB: 64 },
          { id: 'n2', site: 'north', memoryGiB: 64 },
          { id: 's1', site: 'south', memoryGiB: 64 },
        ],
        workloads: [
          { id: 'big', application: 'Big', currentHost: 'n1', memoryGiB: 60 },
          { id: 'big2', application: 'Big', currentHost: 'n1', memoryGiB: 4 },
          { id: 'small', application: 'Small', currentHost: 'n2', memoryGiB: 40 },
        ],
      }),
    );
    expect(codes(e)).toEqual(expect.arrayContaining(['DR_HA_NOT_COVERED', 'DR_RECOVERY_CAPACITY_SHORT']));
    const small = drFindingsForApplication(e, 'Small').map((f) => f.code);
    expect(small).not.toContain('DR_HA_NOT_COVERED');
    expect(small).not.toContain('DR_RECOVERY_CAPACITY_SHORT');
  });
});
