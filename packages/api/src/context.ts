import type { Logger } from 'pino';
import type { CachedKey, Principal } from './auth/keys.ts';
import type { Db } from './db/client.ts';
import type { AnalysisCache, RunLimiter } from './services/analysis.ts';
import type { ComputePool } from './services/compute-pool.ts';
import type { EstateSummary, Loaders } from './services/loaders.ts';
import type { TtlCache } from './services/ttl-cache.ts';

/** What lives as long as the server: shared by every request, holding nothing another replica needs. */
export interface AppContext {
  readonly db: Db;
  readonly logger: Logger;
  /** Derived results keyed by estate id and revision: a cache, never the only copy. */
  readonly analysis: AnalysisCache;
  /** Bounds plan and DR runs in flight in this process; past it requests get 503 + Retry-After. */
  readonly runs: RunLimiter;
  /** Worker threads for plan and DR runs; null: they run on the event loop. */
  readonly compute: ComputePool | null;
  /** Query limits: nesting depth, estimated cost (`first` multiplies), fields selected. */
  readonly limits: { readonly depth: number; readonly complexity: number; readonly breadth: number };
  /** Milliseconds a plan search may run; undefined: core's default for the estate's size. */
  readonly planTimeLimitMs: number | undefined;
  /**
   * Keys and estate summaries read within the last `cacheTtlMs` (default 1 s): spares the database
   * the same reads on every request. A revocation or a change made through another replica is seen
   * after at most that long; changes made through this process are seen at once.
   */
  readonly keyCache: TtlCache<CachedKey>;
  readonly estateCache: TtlCache<EstateSummary>;
}

/** Per request: the caller and request-scoped batch loaders. */
export interface RequestContext extends AppContext {
  readonly principal: Principal;
  readonly loaders: Loaders;
}
