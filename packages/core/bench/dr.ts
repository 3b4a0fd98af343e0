/**
 * DR evaluation benchmark: generated two-site estates of 1k, 10k and 100k workloads with
 * dependency chains, every site recovering to the other. Prints time and heap per size.
 * Target: at most 1 s at 10k workloads on one core.
 *
 *   npx tsx bench/dr.ts            (from packages/core)
 *   npx tsx bench/dr.ts 1000 10000 (chosen sizes)
 */
import { performance } from 'node:perf_hooks';
import { evaluateDr } from '../src/dr/index.ts';
import { generateTwoSiteEstate } from './dr-estate.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
const rows: string[][] = [
  ['workloads', 'hosts', 'wall (ms)', 'cpu (ms)', 'heap (MiB)', 'restarted', 'not restarted', 'findings'],
];
for (const n of sizes.length > 0 ? sizes : [1_000, 10_000, 100_000]) {
  const estate = generateTwoSiteEstate(n);
  evaluateDr(generateTwoSiteEstate(Math.min(n, 500)), { now: '2026-11-25' }); // warm-up
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = evaluateDr(estate, { now: '2026-11-25' });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const heap = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const restarted = result.sites.reduce((s, x) => s + x.restarted.length, 0);
  const notRestarted = result.sites.reduce((s, x) => s + x.notRestarted.length, 0);
  rows.push([
    n.toLocaleString('en-US'),
    String(estate.machines.length),
    ms.toFixed(0),
    cpuMs.toFixed(0),
    heap.toFixed(0),
    String(restarted),
    String(notRestarted),
    String(result.findings.length),
  ]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(
  'DR evaluation (evaluateDr), one thread; cpu = user + system time of this process (robust when the machine is busy)',
);
for (const [k, r] of rows.entries()) {
  console.log(r.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
  if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
