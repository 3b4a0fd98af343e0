/** Generated two-site estates for the DR benchmark (deterministic: the same n gives the same estate). */
import { buildEstate, type MachineSpec, type WorkloadSpec } from '../src/dr/testing.ts';
import type { Criticality } from '../src/estate/types.ts';

const CRITS: readonly Criticality[] = ['critical', 'high', 'medium', 'low'];

/** A deterministic two-site estate: chains of 1..6 workloads, sites about 45% full. */
export function generateTwoSiteEstate(n: number) {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const sites = ['north', 'south'] as const;
  const perSite = Math.ceil(n / 2);
  // Each site about 45% full, so either can carry both in a disaster (at headroom 1.0).
  const hostsPerSite = Math.max(2, Math.ceil((perSite * 11.5) / (768 * 0.45)));
  const machines: MachineSpec[] = [];
  for (const site of sites) {
    for (let h = 1; h <= hostsPerSite; h++) {
      machines.push({
        id: `${site}-esx-${h}`,
        site,
        cpuCores: 96,
        memoryGiB: 768,
        iops: 200_000,
        networkGbps: 25,
      });
    }
  }
  const workloads: WorkloadSpec[] = [];
  const used = new Map<string, number>();
  let chainLeft = 0;
  for (let i = 0; i < n; i++) {
    const site = sites[i < perSite ? 0 : 1]!;
    const host = `${site}-esx-${1 + (i % hostsPerSite)}`;
    const memoryGiB = [2, 4, 8, 8, 16, 32][Math.floor(rand() * 6)]!;
    used.set(host, (used.get(host) ?? 0) + memoryGiB);
    const startsChain = chainLeft === 0 || i === perSite;
    if (startsChain) chainLeft = 1 + Math.floor(rand() * 6);
    chainLeft--;
    workloads.push({
      id: `w${i}`,
      application: `app-${Math.floor(i / 3)}`,
      role: rand() < 0.08 ? 'test' : 'production',
      site,
      currentHost: host,
      vcpus: 1 + Math.floor(rand() * 8),
      cpuUtilization: 0.05 + rand() * 0.4,
      memoryGiB,
      iops: Math.floor(rand() * 2000),
      storageGiB: Math.floor(rand() * 500),
      networkMbps: Math.floor(rand() * 100),
      criticality: CRITS[Math.floor(rand() * 4)]!,
      bootMinutes: 1 + Math.floor(rand() * 8),
      dependsOn: startsChain ? [] : [`w${i - 1}`],
      changeRateGiBPerHour: rand() * 0.5,
      phi: rand() < 0.3,
      antiAffinityGroup: rand() < 0.05 ? `g-${Math.floor(i / 2)}` : null,
    });
  }
  return buildEstate({
    name: `generated ${n}`,
    sites: [...sites],
    links: [{ between: ['north', 'south'], bandwidthMbps: Math.max(1000, n * 1.5), latencyMs: 2 }],
    machines,
    workloads,
    dr: { recoverySites: { north: 'south', south: 'north' } },
  });
}
