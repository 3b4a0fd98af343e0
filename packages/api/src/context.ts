import type { Logger } from 'pino';
import type { Principal } from './auth/keys.ts';
import type { Db } from './db/client.ts';
import type { AnalysisCache, RunLimiter } from './services/analysis.ts';
import type { Loaders } from './services/loaders.ts';

/** What lives as long as the server: shared by every request, holding nothing another replica needs. */
export interface AppContext {
  readonly db: Db;
  readonly logger: Logger;
  /** Derived results keyed by estate id and revision: a cache, never the only copy. */
  readonly analysis: AnalysisCache;
  /** Bounds plan and DR runs in flight in this process; past it requests get 503 + Retry-After. */
  readonly runs: RunLimiter;
  /** Limits of the complexity plugin. */
  readonly limits: { readonly depth: number; readonly complexity: number; readonly breadth: number };
  /** Milliseconds a plan search may run. */
  readonly planTimeLimitMs: number;
}

/** Per request: the caller and request-scoped batch loaders. */
export interface RequestContext extends AppContext {
  readonly principal: Principal;
  readonly loaders: Loaders;
}
