/**
 * One scale run in its own process (so peak memory is this run's alone): prints one JSON line.
 *   npx tsx bench/scale-case.ts 10000
 */
import { planConsolidation } from '../src/consolidation/plan-consolidation.ts';
import { verifyPlan } from '../src/consolidation/verify-plan.ts';
import { cpuMs } from './clock.ts';
import { scaleEstate } from './estates.ts';

const n = Number(process.argv[2] ?? 1000);
const estate = scaleEstate(n);
const heapBefore = process.memoryUsage().heapUsed;
const t0 = cpuMs();
const plan = planConsolidation(estate, { now: cpuMs });
const ms = cpuMs() - t0;
const heapAfter = process.memoryUsage().heapUsed;
const verdict = verifyPlan(estate, plan);
process.stdout.write(
  `${JSON.stringify({
    n,
    machines: estate.machines.length,
    ms,
    hostsUsed: plan.hostsUsed,
    lowerBound: plan.lowerBound,
    greedy: plan.stats.greedyHostsUsed,
    unplaced: plan.unplaced.length,
    method: plan.haProof[0]?.method ?? 'none',
    violations: verdict.ok ? 0 : verdict.error.length,
    heapMiB: (heapAfter - heapBefore) / 2 ** 20,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
