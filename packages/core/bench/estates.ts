/**
 * Estates for the consolidation benchmark: classic bin-packing instances written as estates, and
 * generated hospital-like estates for the scale runs.
 */
import { readFileSync } from 'node:fs';
import { makeEstate } from '../src/consolidation/test-support.ts';
import type { Estate } from '../src/estate/types.ts';

export const BPP_ROOT = new URL('../../../../shared/bench/bpp/', import.meta.url);

export interface BppRow {
  readonly instance: string;
  readonly capacity: number;
  readonly nItems: number;
  readonly best: number;
  readonly proven: boolean;
  readonly lowerBound: number;
  readonly dims: number;
  readonly set: string;
  readonly file: string;
  readonly ffd: number;
}

export function readOptima(root: URL = BPP_ROOT): BppRow[] {
  const lines = readFileSync(new URL('optima.csv', root), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const col = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      instance: f[col('instance')]!,
      capacity: Number(f[col('capacity')]),
      nItems: Number(f[col('n_items')]),
      best: Number(f[col('optimum_or_best_known')]),
      proven: f[col('is_proven_optimal')] === '1',
      lowerBound: Number(f[col('lower_bound')]),
      dims: Number(f[col('dims')]),
      set: f[col('set')]!,
      file: f[col('file')]!,
      ffd: Number(f[col('ffd_bins')]),
    };
  });
}

/**
 * One estate per instance: one site, one hypervisor group of identical machines (as many as items),
 * headroom 1.0, no reserve; 1-D items are memoryGiB, 3-D items are (vcpus at utilisation 1 with
 * overcommit 1, memoryGiB, iops). Every other resource is ample.
 */
export function bppEstate(row: BppRow, root: URL = BPP_ROOT): Estate {
  const t = readFileSync(new URL(row.file, root), 'utf8').trim().split(/\s+/).map(Number);
  const items: number[][] = [];
  let caps: number[];
  if (row.dims === 1) {
    const n = t[0]!;
    caps = [t[1]!];
    for (let i = 0; i < n; i++) items.push([t[2 + i]!]);
  } else {
    const d = t[0]!;
    caps = t.slice(1, 1 + d);
    const lines = t[1 + d]!;
    let k = 2 + d;
    for (let j = 0; j < lines; j++) {
      const w = t.slice(k, k + d);
      const q = t[k + d]!;
      for (let c = 0; c < q; c++) items.push(w);
      k += d + 1;
    }
  }
  const n = items.length;
  const machines = Array.from({ length: n }, (_, i) =>
    row.dims === 1
      ? { id: `bin-${i + 1}`, hostId: 'bin', site: 'bench', cpuCores: n, memoryGiB: caps[0]!, networkGbps: 1 }
      : {
          id: `bin-${i + 1}`,
          hostId: 'bin',
          site: 'bench',
          cpuCores: caps[0]!,
          memoryGiB: caps[1]!,
          iops: caps[2]!,
          networkGbps: 1,
        },
  );
  const workloads = items.map((w, i) =>
    row.dims === 1
      ? { id: `item-${i + 1}`, site: 'bench', vcpus: 1, cpuUtilization: 0, memoryGiB: w[0]! }
      : {
          id: `item-${i + 1}`,
          site: 'bench',
          vcpus: w[0]!,
          cpuUtilization: 1,
          memoryGiB: w[1]!,
          iops: w[2]!,
        },
  );
  return makeEstate({
    sites: ['bench'],
    machines,
    workloads,
    consolidation: {
      headroom: { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 },
      cpuOvercommit: 1,
      haReserve: 0,
      separateRoles: false,
      dedicatedIopsAbove: Number.POSITIVE_INFINITY,
    },
  });
}

/** A small deterministic generator (not the solver's): xorshift32. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * A hospital-like estate of `n` workloads on one site: five resources (cpu, memory, iops, network,
 * storage), anti-affinity groups of 2-4 members for a fifth of the workloads, production/failover
 * pairs, N+1 reserve, default headroom; twice as many identical hypervisors as a rough estimate needs.
 */
export function scaleEstate(n: number, seed = 1): Estate {
  const rnd = generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const workloads = [];
  let group = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    let aa: string | null = null;
    if (left > 0) {
      aa = `aa-${group}`;
      left--;
    } else if (rnd() < 0.08) {
      group++;
      left = 1 + Math.floor(rnd() * 3);
      aa = `aa-${group}`;
    }
    const app = `app-${Math.floor(i / 6)}`;
    workloads.push({
      id: `vm-${i + 1}`,
      site: 'main',
      application: app,
      role: (i % 6 === 5 ? 'failover' : 'production') as 'failover' | 'production',
      vcpus: pick([1, 2, 2, 4, 4, 8, 16]),
      cpuUtilization: pick([0.05, 0.1, 0.2, 0.35, 0.5, 0.8]),
      memoryGiB: pick([2, 4, 8, 8, 16, 16, 32, 64, 128]),
      iops: Math.round(rnd() ** 3 * 8000),
      networkMbps: Math.round(rnd() ** 2 * 800),
      storageGiB: Math.round(50 + rnd() ** 2 * 2000),
      antiAffinityGroup: aa,
    });
  }
  const totalMem = workloads.reduce((s, w) => s + w.memoryGiB, 0);
  const m = Math.ceil((2 * totalMem) / (1024 * 0.9)) + 4;
  const machines = Array.from({ length: m }, (_, i) => ({
    id: `esx-${i + 1}`,
    hostId: 'esx',
    site: 'main',
    cpuCores: 64,
    memoryGiB: 1024,
    iops: 200000,
    storageGiB: 60000,
    networkGbps: 25,
  }));
  return makeEstate({ sites: ['main'], machines, workloads, consolidation: { haReserve: 1 } });
}
