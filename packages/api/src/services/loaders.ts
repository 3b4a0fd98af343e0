import { and, asc, count, desc, eq, getColumns, gt, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Principal } from '../auth/keys.ts';
import type { Db } from '../db/client.ts';
import {
  auditLog,
  drEvaluations,
  estates,
  hosts,
  links,
  plans,
  policies,
  sites,
  workloads,
} from '../db/schema/index.ts';
import type { TtlCache } from './ttl-cache.ts';

const resolved = Promise.resolve();

/**
 * Collects the keys asked for in one tick and loads them with one query (no N+1), caching each
 * key for the rest of the request.
 */
export class BatchLoader<K, V> {
  readonly #cache = new Map<string, Promise<V>>();
  #queue: { key: K; resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly batch: (keys: K[]) => Promise<Map<string, V>>,
    private readonly keyOf: (key: K) => string,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    const id = this.keyOf(key);
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const promise = new Promise<V>((resolve, reject) => {
      this.#queue.push({ key, resolve, reject });
      // As DataLoader does: after the promise jobs of this tick, so sibling resolvers join the batch.
      if (this.#queue.length === 1) resolved.then(() => process.nextTick(() => void this.#flush()));
    });
    this.#cache.set(id, promise);
    return promise;
  }

  /** Forgets cached keys (after a write in the same request). */
  clear(): void {
    this.#cache.clear();
  }

  async #flush(): Promise<void> {
    const queue = this.#queue;
    this.#queue = [];
    try {
      const found = await this.batch(queue.map((q) => q.key));
      for (const q of queue) q.resolve(found.get(this.keyOf(q.key)) ?? this.missing);
    } catch (error) {
      for (const q of queue) q.reject(error);
    }
  }
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

export const estateSummaryColumns = (() => {
  const { document: _document, sourceText: _sourceText, ...rest } = getColumns(estates);
  return rest;
})();

export type EstateSummary = Omit<typeof estates.$inferSelect, 'document' | 'sourceText'>;
export type WorkloadRow = typeof workloads.$inferSelect;
export type HostRow = typeof hosts.$inferSelect;
export type SiteRow = typeof sites.$inferSelect;
export type LinkRow = typeof links.$inferSelect;
export type PolicyRow = typeof policies.$inferSelect;
export type PlanRow = typeof plans.$inferSelect;
export type DrEvaluationRow = typeof drEvaluations.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;

/** A slice of a per-estate list: rows after a sort key, at most limit + 1 of them. */
export interface SliceKey {
  readonly estateId: string;
  readonly after: string | number | null;
  readonly limit: number;
  readonly application?: string | null;
}

const sliceKey = (k: SliceKey): string =>
  JSON.stringify([k.estateId, k.after, k.limit, k.application ?? null]);

/** Groups slice keys that share their arguments, so each group is one query over many estates. */
function byArgs(keys: readonly SliceKey[]): SliceKey[][] {
  return [...groupBy(keys, (k) => JSON.stringify([k.after, k.limit, k.application ?? null])).values()];
}

export function createLoaders(db: Db, principal: Principal, estateCache?: TtlCache<EstateSummary>) {
  const org = principal.organizationId;

  const loadEstates = async (ids: readonly string[]) =>
    db
      .select(estateSummaryColumns)
      .from(estates)
      .where(and(eq(estates.organizationId, org), inArray(estates.id, [...ids])));
  const estate = new BatchLoader<string, EstateSummary | null>(
    async (ids) => {
      const found = new Map<string, EstateSummary>();
      const missing: string[] = [];
      for (const id of ids) {
        const hit = estateCache?.get(`${org}/${id}`);
        if (hit) found.set(id, hit);
        else missing.push(id);
      }
      if (missing.length === 1 && estateCache) {
        // The hot case (one estate, many concurrent requests): concurrent first reads share one query.
        const id = missing[0]!;
        const row = await estateCache.getOrLoad(`${org}/${id}`, async () => (await loadEstates([id]))[0]);
        if (row) found.set(id, row);
      } else if (missing.length > 0) {
        for (const row of await loadEstates(missing)) {
          found.set(row.id, row);
          estateCache?.set(`${org}/${row.id}`, row);
        }
      }
      return found;
    },
    (id) => id,
    null,
  );

  const childList = <R extends { estateId: string }>(
    query: (ids: string[]) => Promise<R[]>,
  ): BatchLoader<string, R[]> =>
    new BatchLoader<string, R[]>(
      async (ids) => groupBy(await query(ids), (r) => r.estateId),
      (id) => id,
      [],
    );

  const sitesOf = childList((ids) =>
    db.select().from(sites).where(inArray(sites.estateId, ids)).orderBy(asc(sites.position)),
  );
  const linksOf = childList((ids) =>
    db.select().from(links).where(inArray(links.estateId, ids)).orderBy(asc(links.position)),
  );
  const hostsOf = childList((ids) =>
    db.select().from(hosts).where(inArray(hosts.estateId, ids)).orderBy(asc(hosts.position)),
  );
  const policiesOf = new BatchLoader<string, PolicyRow | null>(
    async (ids) => {
      const rows = await db.select().from(policies).where(inArray(policies.estateId, ids));
      return new Map(rows.map((r) => [r.estateId, r]));
    },
    (id) => id,
    null,
  );

  /** Workloads by id within an estate. */
  const workload = new BatchLoader<{ estateId: string; id: string }, WorkloadRow | null>(
    async (keys) => {
      const out = new Map<string, WorkloadRow>();
      for (const [estateId, group] of groupBy(keys, (k) => k.estateId)) {
        const rows = await db
          .select()
          .from(workloads)
          .where(
            and(
              eq(workloads.estateId, estateId),
              inArray(
                workloads.id,
                group.map((k) => k.id),
              ),
            ),
          );
        for (const r of rows) out.set(`${r.estateId}/${r.id}`, r);
      }
      return out;
    },
    (k) => `${k.estateId}/${k.id}`,
    null,
  );

  /** Pages of workloads in id order, one windowed query per distinct set of page arguments. */
  const workloadSlice = new BatchLoader<SliceKey, WorkloadRow[]>(
    async (keys) => {
      const out = new Map<string, WorkloadRow[]>();
      for (const group of byArgs(keys)) {
        const { after, limit, application } = group[0]!;
        const ranked = db
          .select({
            ...getColumns(workloads),
            rn: sql<number>`row_number() over (partition by ${workloads.estateId} order by ${workloads.id})`.as(
              'rn',
            ),
          })
          .from(workloads)
          .where(
            and(
              inArray(
                workloads.estateId,
                group.map((k) => k.estateId),
              ),
              after === null ? undefined : gt(workloads.id, String(after)),
              application ? eq(workloads.application, application) : undefined,
            ),
          )
          .as('ranked');
        const rows = await db
          .select()
          .from(ranked)
          .where(lte(ranked.rn, limit + 1))
          .orderBy(asc(ranked.estateId), asc(ranked.id));
        for (const [estateId, list] of groupBy(rows, (r) => r.estateId)) {
          out.set(
            sliceKey({ estateId, after, limit, application: application ?? null }),
            list.map(({ rn: _rn, ...row }) => row),
          );
        }
      }
      return out;
    },
    sliceKey,
    [],
  );

  const workloadCount = new BatchLoader<{ estateId: string; application: string | null }, number>(
    async (keys) => {
      const out = new Map<string, number>();
      for (const group of groupBy(keys, (k) => k.application ?? '')) {
        const application = group[1][0]!.application;
        const rows = await db
          .select({ estateId: workloads.estateId, n: count() })
          .from(workloads)
          .where(
            and(
              inArray(
                workloads.estateId,
                group[1].map((k) => k.estateId),
              ),
              application ? eq(workloads.application, application) : undefined,
            ),
          )
          .groupBy(workloads.estateId);
        for (const r of rows) out.set(JSON.stringify([r.estateId, application]), Number(r.n));
      }
      return out;
    },
    (k) => JSON.stringify([k.estateId, k.application]),
    0,
  );

  /** Newest first, by insertion sequence: plans, DR evaluations, audit entries. */
  const newestFirst = <R extends { estateId: string | null; seq: number }>(
    query: (ids: string[], before: number | null, limit: number) => Promise<(R & { rn: number })[]>,
  ) =>
    new BatchLoader<SliceKey, R[]>(
      async (keys) => {
        const out = new Map<string, R[]>();
        for (const group of byArgs(keys)) {
          const { after, limit } = group[0]!;
          const rows = await query(
            group.map((k) => k.estateId),
            after === null ? null : Number(after),
            limit,
          );
          for (const [estateId, list] of groupBy(rows, (r) => r.estateId ?? '')) {
            out.set(
              sliceKey({ estateId, after, limit, application: null }),
              list.map(({ rn: _rn, ...row }) => row as unknown as R),
            );
          }
        }
        return out;
      },
      sliceKey,
      [],
    );

  /**
   * The newest `limit + 1` rows per estate of a table keyed (organization, estate, seq), older
   * than `before`: one window query for every estate of the batch.
   */
  const newestRows =
    <R>(table: typeof plans | typeof drEvaluations | typeof auditLog) =>
    async (ids: string[], before: number | null, limit: number): Promise<(R & { rn: number })[]> => {
      const ranked = db
        .select({
          ...getColumns(table),
          rn: sql<number>`row_number() over (partition by ${table.estateId} order by ${table.seq} desc)`.as(
            'rn',
          ),
        })
        .from(table)
        .where(
          and(
            eq(table.organizationId, org),
            inArray(table.estateId, ids),
            before === null ? undefined : lt(table.seq, before),
          ),
        )
        .as('ranked');
      const rows = await db
        .select()
        .from(ranked)
        .where(lte(ranked.rn, limit + 1))
        .orderBy(desc(ranked.seq));
      // The rows are of `table`: the union of the three tables' row types narrows to R here.
      return rows as (R & { rn: number })[];
    };

  const planSlice = newestFirst<PlanRow>(newestRows<PlanRow>(plans));
  const drSlice = newestFirst<DrEvaluationRow>(newestRows<DrEvaluationRow>(drEvaluations));
  const auditSlice = newestFirst<AuditRow>(newestRows<AuditRow>(auditLog));

  /** The stored document of an estate (large; loaded only on a cache miss or when asked for). */
  const document = new BatchLoader<string, { document: unknown; sourceText: string } | null>(
    async (ids) => {
      const rows = await db
        .select({ id: estates.id, document: estates.document, sourceText: estates.sourceText })
        .from(estates)
        .where(and(eq(estates.organizationId, org), inArray(estates.id, ids)));
      return new Map(rows.map((r) => [r.id, { document: r.document, sourceText: r.sourceText }]));
    },
    (id) => id,
    null,
  );

  const loaders = {
    estate,
    document,
    sitesOf,
    linksOf,
    hostsOf,
    policiesOf,
    workload,
    workloadSlice,
    workloadCount,
    planSlice,
    drSlice,
    auditSlice,
  };
  return {
    ...loaders,
    /** Forgets everything loaded so far (after a write in the same request). */
    clearAll: () => {
      for (const loader of Object.values(loaders)) loader.clear();
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
