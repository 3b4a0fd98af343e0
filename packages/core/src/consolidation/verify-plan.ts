/**
 * `verifyPlan`: re-checks a consolidation plan against the estate, rule by rule, from the raw
 * estate fields. It shares no code with the solver on purpose (only the shared tolerance), so a
 * bug in the solver's arithmetic cannot hide itself.
 */
import type { Estate, Machine, Workload } from '../estate/types.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { fitsWithin } from '../shared/tolerance.ts';
import type { ConsolidationPlan, PlanViolation } from './types.ts';

type Amounts = { cpu: number; vcpu: number; memory: number; iops: number; network: number; storage: number };
type Key = keyof Amounts;
const KEYS: readonly Key[] = ['cpu', 'vcpu', 'memory', 'iops', 'network', 'storage'];

function totals(list: readonly Workload[]): Amounts {
  const t: Amounts = { cpu: 0, vcpu: 0, memory: 0, iops: 0, network: 0, storage: 0 };
  for (const w of list) {
    t.cpu += w.vcpus * w.cpuUtilization;
    t.vcpu += w.vcpus;
    t.memory += w.memoryGiB;
    t.iops += w.iops;
    t.network += w.networkMbps;
    t.storage += w.storageGiB;
  }
  return t;
}

function limits(m: Machine, estate: Estate, fullMachine: boolean): Amounts {
  const c = estate.policies.consolidation;
  const h = fullMachine ? { cpu: 1, memory: 1, iops: 1, network: 1, storage: 1 } : c.headroom;
  return {
    cpu: m.cpuCores * h.cpu,
    vcpu: m.cpuCores * c.cpuOvercommit,
    memory: m.memoryGiB * h.memory,
    iops: m.iops === Number.POSITIVE_INFINITY ? m.iops : m.iops * h.iops,
    network: m.networkGbps * 1000 * h.network,
    storage: m.storageGiB === Number.POSITIVE_INFINITY ? m.storageGiB : m.storageGiB * h.storage,
  };
}

function capacityViolations(
  list: readonly Workload[],
  m: Machine,
  estate: Estate,
  fullMachine: boolean,
  code: 'CAPACITY' | 'HA_RESERVE',
  context: string,
): PlanViolation[] {
  const used = totals(list);
  const cap = limits(m, estate, fullMachine);
  const out: PlanViolation[] = [];
  for (const k of KEYS) {
    if (!fitsWithin(used[k], cap[k])) {
      out.push({
        code,
        host: m.id,
        site: m.site,
        resource: k,
        message: `${context}${m.id} would use ${used[k]} of ${k} where ${cap[k]} is allowed`,
      });
    }
  }
  return out;
}

function antiAffinityViolations(
  list: readonly Workload[],
  m: Machine,
  code: 'ANTI_AFFINITY' | 'HA_RESERVE',
  context: string,
): PlanViolation[] {
  const seen = new Map<string, string>();
  const out: PlanViolation[] = [];
  for (const w of list) {
    const g = w.antiAffinityGroup;
    if (g === null) continue;
    const other = seen.get(g);
    if (other !== undefined) {
      out.push({
        code,
        host: m.id,
        workload: w.id,
        message: `${context}${w.id} and ${other} of anti-affinity group ${g} share ${m.id}`,
      });
    } else seen.set(g, w.id);
  }
  return out;
}

export function verifyPlan(estate: Estate, plan: ConsolidationPlan): Result<void, PlanViolation[]> {
  const v: PlanViolation[] = [];
  const policy = estate.policies.consolidation;
  const workloads = new Map(estate.workloads.map((w) => [w.id, w]));
  const machines = new Map(estate.machines.map((m) => [m.id, m]));
  const stay = new Set(plan.stayPhysical);
  const onHost = new Map<string, Workload[]>();
  const hostOf = new Map<string, string>();

  // Every placement names a known workload and a hypervisor of the workload's site, once.
  for (const p of plan.placements) {
    const w = workloads.get(p.workload);
    const m = machines.get(p.host);
    if (!w) {
      v.push({
        code: 'UNKNOWN_WORKLOAD',
        workload: p.workload,
        message: `placement of unknown workload ${p.workload}`,
      });
      continue;
    }
    if (!m) {
      v.push({
        code: 'UNKNOWN_HOST',
        host: p.host,
        workload: w.id,
        message: `${w.id} placed on unknown host ${p.host}`,
      });
      continue;
    }
    if (hostOf.has(w.id)) {
      v.push({ code: 'PLACED_TWICE', workload: w.id, message: `${w.id} is placed more than once` });
      continue;
    }
    if (m.role !== 'hypervisor') {
      v.push({
        code: 'NOT_A_HYPERVISOR',
        host: m.id,
        workload: w.id,
        message: `${w.id} placed on legacy machine ${m.id}`,
      });
    }
    if (stay.has(w.id)) {
      v.push({
        code: 'STAYS_PHYSICAL',
        workload: w.id,
        message: `${w.id} stays physical but is placed on ${m.id}`,
      });
    }
    if (m.site !== w.site || (w.pinnedSite !== null && m.site !== w.pinnedSite)) {
      v.push({
        code: 'WRONG_SITE',
        workload: w.id,
        host: m.id,
        site: m.site,
        message: `${w.id} belongs to site ${w.pinnedSite ?? w.site} but is placed on ${m.id} at ${m.site}`,
      });
    }
    hostOf.set(w.id, m.id);
    const list = onHost.get(m.id) ?? [];
    list.push(w);
    onHost.set(m.id, list);
  }

  // Conservation: every workload is placed, unplaced or staying physical, exactly once.
  const unplacedIds = new Set<string>();
  for (const u of plan.unplaced) {
    if (unplacedIds.has(u.workload) || hostOf.has(u.workload) || stay.has(u.workload)) {
      v.push({
        code: 'PLACED_TWICE',
        workload: u.workload,
        message: `${u.workload} is reported unplaced and also placed or kept`,
      });
    }
    unplacedIds.add(u.workload);
  }
  for (const w of estate.workloads) {
    if (!hostOf.has(w.id) && !unplacedIds.has(w.id) && !stay.has(w.id)) {
      v.push({
        code: 'NOT_ACCOUNTED',
        workload: w.id,
        message: `${w.id} is neither placed, unplaced nor kept physical`,
      });
    }
  }

  // Powered hosts: every host with a workload, plus the declared spares.
  const spares = new Set(plan.haProof.flatMap((p) => p.spares));
  const powered = new Set([...onHost.keys(), ...spares]);
  if (plan.hostsUsed !== powered.size) {
    v.push({
      code: 'HOSTS_USED',
      message: `hostsUsed is ${plan.hostsUsed} but ${powered.size} hosts are powered`,
    });
  }

  for (const [id, list] of onHost) {
    const m = machines.get(id)!;
    v.push(...capacityViolations(list, m, estate, false, 'CAPACITY', ''));
    v.push(...antiAffinityViolations(list, m, 'ANTI_AFFINITY', ''));
    if (policy.separateRoles) {
      const apps = new Map<string, Set<string>>();
      for (const w of list) {
        if (w.role !== 'production' && w.role !== 'failover') continue;
        const roles = apps.get(w.application) ?? new Set();
        roles.add(w.role);
        apps.set(w.application, roles);
      }
      for (const [app, roles] of apps) {
        if (roles.size > 1) {
          v.push({
            code: 'SEPARATE_ROLES',
            host: id,
            message: `production and failover of ${app} share ${id}`,
          });
        }
      }
    }
    if (list.length > 1) {
      for (const w of list) {
        if (w.iops > policy.dedicatedIopsAbove) {
          v.push({
            code: 'DEDICATED_HOST',
            host: id,
            workload: w.id,
            message: `${w.id} (${w.iops} IOPS) needs ${id} to itself but shares it with ${list.length - 1} other(s)`,
          });
        }
      }
    }
  }

  // HA reserve, per site.
  const k = policy.haReserve;
  if (k > 0) {
    const failoverByHost = new Map(plan.haFailover.map((f) => [f.host, f]));
    for (const site of estate.sites) {
      const sitePowered = [...powered].filter((id) => machines.get(id)?.site === site.id);
      if (sitePowered.length === 0) continue;
      const proof = plan.haProof.find((p) => p.site === site.id);
      if (!proof || proof.method === 'none' || proof.reserve < k) {
        v.push({
          code: 'HA_RESERVE',
          site: site.id,
          message: `site ${site.id} powers hosts but gives no proof of its reserve of ${k}`,
        });
        continue;
      }
      if (proof.method === 'spare-hosts') {
        const siteSpares = proof.spares.filter((id) => machines.get(id)?.site === site.id);
        if (siteSpares.length < k) {
          v.push({
            code: 'HA_RESERVE',
            site: site.id,
            message: `site ${site.id} has ${siteSpares.length} spare hosts, needs ${k}`,
          });
        }
        for (const s of siteSpares) {
          if ((onHost.get(s) ?? []).length > 0) {
            v.push({ code: 'HA_RESERVE', site: site.id, host: s, message: `spare host ${s} is not empty` });
          }
          const sm = machines.get(s)!;
          if (sm.role !== 'hypervisor') {
            v.push({
              code: 'HA_RESERVE',
              site: site.id,
              host: s,
              message: `spare host ${s} is not a hypervisor`,
            });
          }
          for (const id of sitePowered) {
            if (spares.has(id)) continue;
            v.push(
              ...capacityViolations(
                onHost.get(id) ?? [],
                sm,
                estate,
                true,
                'HA_RESERVE',
                `if ${id} fails, spare `,
              ),
            );
          }
        }
        continue;
      }
      // restart-map: only a proof for a reserve of one host.
      if (k > 1) {
        v.push({
          code: 'HA_RESERVE',
          site: site.id,
          message: `a restart map proves a reserve of 1 host, not ${k}`,
        });
        continue;
      }
      for (const failed of sitePowered) {
        const list = onHost.get(failed) ?? [];
        const f = failoverByHost.get(failed);
        const restartOf = new Map((f?.restarts ?? []).map((r) => [r.workload, r.host]));
        const extra = new Map<string, Workload[]>();
        for (const w of list) {
          const target = restartOf.get(w.id);
          if (target === undefined) {
            v.push({
              code: 'HA_RESERVE',
              host: failed,
              workload: w.id,
              message: `if ${failed} fails, ${w.id} has no restart host`,
            });
            continue;
          }
          const tm = machines.get(target);
          if (!tm || target === failed || !powered.has(target) || tm.site !== site.id) {
            v.push({
              code: 'HA_RESERVE',
              host: failed,
              workload: w.id,
              message: `if ${failed} fails, ${w.id} restarts on ${target}, which is not another powered host of site ${site.id}`,
            });
            continue;
          }
          const l = extra.get(target) ?? [];
          l.push(w);
          extra.set(target, l);
        }
        for (const [target, moved] of extra) {
          const after = [...(onHost.get(target) ?? []), ...moved];
          const tm = machines.get(target)!;
          v.push(...capacityViolations(after, tm, estate, true, 'HA_RESERVE', `if ${failed} fails, `));
          v.push(...antiAffinityViolations(after, tm, 'HA_RESERVE', `if ${failed} fails, `));
        }
      }
    }
  }
  return v.length === 0 ? ok(undefined) : err(v);
}
