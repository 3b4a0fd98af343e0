/**
 * fast-check arbitraries for valid estate documents, shared by the property tests of every
 * engine. Test-only: not exported from the package entry.
 */
import fc from 'fast-check';
import type { EstateDocument, HostDocument, WorkloadDocument } from './schema.ts';

const CRIT = ['critical', 'high', 'medium', 'low'] as const;
const ROLES = ['production', 'failover', 'test', 'training'] as const;
const VENDOR = ['supported', 'conditional', 'unsupported', 'unknown'] as const;

/** A small decimal, as people write them in YAML (no float noise, JSON-safe). */
const decimal = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((n) => n / 100);

export interface EstateArbitraryOptions {
  readonly maxSites?: number;
  readonly maxHosts?: number;
  readonly maxWorkloads?: number;
}

export function estateDocumentArbitrary(options: EstateArbitraryOptions = {}): fc.Arbitrary<EstateDocument> {
  const { maxSites = 3, maxHosts = 4, maxWorkloads = 12 } = options;
  return fc
    .record({
      siteCount: fc.integer({ min: 1, max: maxSites }),
      hostSeeds: fc.array(
        fc.record({
          count: fc.integer({ min: 1, max: 4 }),
          role: fc.constantFrom('hypervisor', 'legacy'),
          cpuCores: fc.integer({ min: 4, max: 64 }),
          memoryGiB: fc.integer({ min: 16, max: 1024 }),
          iops: fc.option(fc.integer({ min: 1000, max: 200000 }), { nil: undefined }),
          networkGbps: fc.option(fc.constantFrom(0.1, 1, 10, 25), { nil: undefined }),
          site: fc.nat(),
        }),
        { minLength: 1, maxLength: maxHosts },
      ),
      workloadSeeds: fc.array(
        fc.record({
          app: fc.integer({ min: 0, max: 5 }),
          role: fc.constantFrom(...ROLES),
          vcpus: fc.integer({ min: 1, max: 16 }),
          cpuUtilization: fc.option(decimal(0, 1), { nil: undefined }),
          memoryGiB: fc.integer({ min: 0, max: 256 }),
          iops: fc.option(fc.integer({ min: 0, max: 30000 }), { nil: undefined }),
          networkMbps: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
          storageGiB: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
          criticality: fc.constantFrom(...CRIT),
          vendorSupport: fc.constantFrom(...VENDOR),
          phi: fc.boolean(),
          group: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
          deps: fc.array(fc.nat(), { maxLength: 2 }),
          site: fc.nat(),
          host: fc.option(fc.nat(), { nil: undefined }),
          changeRate: fc.option(decimal(0, 20), { nil: undefined }),
        }),
        { maxLength: maxWorkloads },
      ),
      haReserve: fc.integer({ min: 0, max: 2 }),
      recovery: fc.boolean(),
    })
    .map(({ siteCount, hostSeeds, workloadSeeds, haReserve, recovery }) => {
      const sites = Array.from({ length: siteCount }, (_, i) => ({ id: `site-${i}` }));
      const hosts: HostDocument[] = hostSeeds.map((h, i) => {
        const host: HostDocument = {
          id: `h${i}`,
          site: sites[h.site % siteCount]!.id,
          count: h.count,
          role: h.role,
          cpuCores: h.cpuCores,
          memoryGiB: h.memoryGiB,
        };
        if (h.iops !== undefined) host.iops = h.iops;
        if (h.networkGbps !== undefined) host.networkGbps = h.networkGbps;
        return host;
      });
      const machines = hosts.flatMap((h) =>
        Array.from({ length: h.count ?? 1 }, (_, n) => ({
          id: h.count === 1 ? h.id : `${h.id}-${n + 1}`,
          site: h.site,
        })),
      );
      const workloads: WorkloadDocument[] = workloadSeeds.map((s, i) => {
        const site = sites[s.site % siteCount]!.id;
        const local = machines.filter((m) => m.site === site);
        const w: WorkloadDocument = {
          id: `w${i}`,
          application: `app-${s.app}`,
          role: s.role,
          site,
          vcpus: s.vcpus,
          memoryGiB: s.memoryGiB,
          criticality: s.criticality,
          vendorSupport: s.vendorSupport,
          phi: s.phi,
        };
        if (s.cpuUtilization !== undefined) w.cpuUtilization = s.cpuUtilization;
        if (s.iops !== undefined) w.iops = s.iops;
        if (s.networkMbps !== undefined) w.networkMbps = s.networkMbps;
        if (s.storageGiB !== undefined) w.storageGiB = s.storageGiB;
        if (s.changeRate !== undefined) w.changeRateGiBPerHour = s.changeRate;
        if (s.group !== undefined) w.antiAffinityGroup = `g${s.group}`;
        if (s.host !== undefined && local.length > 0) w.currentHost = local[s.host % local.length]!.id;
        // Only depend on earlier workloads: no cycles by construction.
        const deps = [...new Set(s.deps.filter(() => i > 0).map((d) => `w${d % i}`))];
        if (deps.length > 0) w.dependsOn = deps;
        return w;
      });
      const doc: EstateDocument = {
        apiVersion: 'virtplan/v1',
        name: 'Generated hospital',
        sites,
        hosts,
        workloads,
        policies: {
          consolidation: { haReserve },
          dr:
            recovery && siteCount > 1
              ? {
                  recoverySites: { 'site-0': 'site-1' },
                  replication: { mode: 'async', intervalMinutes: 15 },
                }
              : {},
        },
      };
      if (siteCount > 1) doc.links = [{ between: ['site-0', 'site-1'], bandwidthMbps: 1000 }];
      return doc;
    });
}
