/**
 * Consolidation benchmark: every instance of ../../../shared/bench/bpp (classic bin packing with
 * proven optima or best-known values) run as an estate through planConsolidation, then generated
 * estates of 1k, 10k and 100k workloads. Prints tables; a full run writes bench/RESULTS.md.
 *
 *   npm run bench                      (from packages/core; all instances, then the scale runs)
 *   npx tsx bench/run.ts --quick       (every 5th instance of each class; 1k and 10k scale runs)
 *   npx tsx bench/run.ts Schwerin      (instances whose class or name contains the word)
 *   npx tsx bench/run.ts --no-scale | --scale-only
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { defaultTimeLimitMs, planConsolidation } from '../src/consolidation/plan-consolidation.ts';
import { verifyPlan } from '../src/consolidation/verify-plan.ts';
import { cpuMs } from './clock.ts';
import { bppEstate, readOptima } from './estates.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const noScale = args.includes('--no-scale');
const scaleOnly = args.includes('--scale-only');
const filter = args.find((a) => !a.startsWith('--'));
const full = !quick && !filter && !noScale && !scaleOnly;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    `| ${r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

interface ClassStats {
  instances: number;
  atBest: number;
  proven: number;
  atProven: number;
  excessSum: number;
  excessPctSum: number;
  worstExcess: number;
  worstMs: number;
  msSum: number;
  ffdAtBest: number;
  violations: number;
  maxItems: number;
}

const out: string[] = [];
const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
  out.push(s);
};

print(`# Consolidation benchmark`);
print('');
print(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores, one used), Node ${process.version}.`,
);
print(
  `Each instance runs through planConsolidation with its default time limit (${defaultTimeLimitMs(120).toFixed(0)} ms at 120 items, ${defaultTimeLimitMs(1000).toFixed(0)} ms at 1,000), seed 1; every plan is re-checked by verifyPlan.`,
);
print('');

if (!scaleOnly) {
  const rows = readOptima().filter((r) => !filter || r.set.includes(filter) || r.instance.includes(filter));
  const byClass = new Map<string, ClassStats>();
  const perClassIndex = new Map<string, number>();
  let done = 0;
  const selected = rows.filter((r) => {
    const i = perClassIndex.get(r.set) ?? 0;
    perClassIndex.set(r.set, i + 1);
    return !quick || i % 5 === 0;
  });
  // Warm up the JIT on a small instance so the first timed instance is not penalised.
  planConsolidation(bppEstate(selected[0] ?? rows[0]!), { now: cpuMs, timeLimitMs: 50 });
  for (const row of selected) {
    const estate = bppEstate(row);
    const t0 = cpuMs();
    const plan = planConsolidation(estate, { now: cpuMs });
    const ms = cpuMs() - t0;
    const verdict = verifyPlan(estate, plan);
    const bins = plan.unplaced.length > 0 ? Number.POSITIVE_INFINITY : plan.hostsUsed;
    const excess = bins - row.best;
    const s = byClass.get(row.set) ?? {
      instances: 0,
      atBest: 0,
      proven: 0,
      atProven: 0,
      excessSum: 0,
      excessPctSum: 0,
      worstExcess: Number.NEGATIVE_INFINITY,
      worstMs: 0,
      msSum: 0,
      ffdAtBest: 0,
      violations: 0,
      maxItems: 0,
    };
    s.instances++;
    if (excess <= 0) s.atBest++;
    if (row.proven) {
      s.proven++;
      if (excess <= 0) s.atProven++;
    }
    s.excessSum += excess;
    s.excessPctSum += (100 * excess) / row.best;
    s.worstExcess = Math.max(s.worstExcess, excess);
    s.worstMs = Math.max(s.worstMs, ms);
    s.msSum += ms;
    if (row.ffd <= row.best) s.ffdAtBest++;
    if (!verdict.ok) s.violations++;
    s.maxItems = Math.max(s.maxItems, row.nItems);
    byClass.set(row.set, s);
    done++;
    if (process.stderr.isTTY) process.stderr.write(`\r${done}/${selected.length} ${row.instance.padEnd(40)}`);
    if (excess > 0 && args.includes('--verbose'))
      process.stderr.write(`\n${row.instance}: ${bins} vs ${row.best}\n`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(60) + '\r');
  const header = [
    'class',
    'instances',
    'items ≤',
    'at optimum / best known',
    'proven optimum reached',
    'FFD at best',
    'mean excess (bins)',
    'mean excess (%)',
    'worst excess',
    'mean time (ms)',
    'worst time (ms)',
    'plans failing verifyPlan',
  ];
  const body: string[][] = [header];
  const total: ClassStats = {
    instances: 0,
    atBest: 0,
    proven: 0,
    atProven: 0,
    excessSum: 0,
    excessPctSum: 0,
    worstExcess: Number.NEGATIVE_INFINITY,
    worstMs: 0,
    msSum: 0,
    ffdAtBest: 0,
    violations: 0,
    maxItems: 0,
  };
  const pct = (a: number, b: number): string => (b === 0 ? '-' : `${a} (${((100 * a) / b).toFixed(1)}%)`);
  const rowOf = (name: string, s: ClassStats): string[] => [
    name,
    String(s.instances),
    String(s.maxItems),
    pct(s.atBest, s.instances),
    s.proven === 0 ? '-' : `${s.atProven}/${s.proven}`,
    String(s.ffdAtBest),
    (s.excessSum / s.instances).toFixed(3),
    (s.excessPctSum / s.instances).toFixed(2),
    String(s.worstExcess),
    (s.msSum / s.instances).toFixed(0),
    s.worstMs.toFixed(0),
    String(s.violations),
  ];
  for (const [name, s] of byClass) {
    body.push(rowOf(name, s));
    total.instances += s.instances;
    total.atBest += s.atBest;
    total.proven += s.proven;
    total.atProven += s.atProven;
    total.excessSum += s.excessSum;
    total.excessPctSum += s.excessPctSum;
    total.worstExcess = Math.max(total.worstExcess, s.worstExcess);
    total.worstMs = Math.max(total.worstMs, s.worstMs);
    total.msSum += s.msSum;
    total.ffdAtBest += s.ffdAtBest;
    total.violations += s.violations;
    total.maxItems = Math.max(total.maxItems, s.maxItems);
  }
  body.push(rowOf('all', total));
  print(
    `## Bin-packing instances${quick ? ' (quick: every 5th instance)' : ''}${filter ? ` (filter: ${filter})` : ''}`,
  );
  print('');
  print(table(body));
  print('');
}

if (!noScale) {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const body: string[][] = [
    [
      'workloads',
      'machines',
      'time (ms)',
      'peak RSS (MiB)',
      'heap growth (MiB)',
      'hosts used',
      'lower bound',
      'FFD hosts',
      'HA proof',
      'unplaced',
      'violations',
    ],
  ];
  for (const n of sizes) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', new URL('./scale-case.ts', import.meta.url).pathname, String(n)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (r.status !== 0) {
      print(`scale run ${n} failed: ${r.stderr.split('\n').slice(0, 5).join(' ')}`);
      continue;
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop()!);
    body.push([
      String(n),
      String(x.machines),
      x.ms.toFixed(0),
      x.maxRssMiB.toFixed(0),
      x.heapMiB.toFixed(0),
      String(x.hostsUsed),
      String(x.lowerBound),
      String(x.greedy),
      x.method,
      String(x.unplaced),
      String(x.violations),
    ]);
  }
  print('## Scale: generated one-site estates (five resources, anti-affinity groups, separated roles, N+1)');
  print('');
  print(table(body));
  print('');
}

if (full) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `${out.join('\n')}\n`);
  process.stdout.write('Wrote bench/RESULTS.md\n');
}
