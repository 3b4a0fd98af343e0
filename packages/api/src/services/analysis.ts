import {
  assessEstate,
  drFindingsForApplication,
  type Estate,
  evaluateDr,
  type ReadinessReport,
  validateEstateDocument,
} from '@virtplan/core';
import { GraphQLError } from 'graphql';

interface Entry {
  readonly estate: Estate;
  /** Readiness depends on the day too (DR findings such as the contingency-plan test age). */
  readiness?: { readonly day: string; readonly report: ReadinessReport };
}

/**
 * Results derived from one estate revision (the normalised estate, its readiness), reused until the
 * revision changes. A revision's content never changes, so entries never go stale; the least
 * recently used are dropped past `capacity`. Losing the cache loses nothing: it is rebuilt from
 * the stored document.
 */
export class AnalysisCache {
  readonly #entries = new Map<string, Entry>();
  constructor(readonly capacity = 32) {}

  #get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The normalised estate of `estateId` at `revision`; `loadDocument` runs only on a miss. */
  async estate(estateId: string, revision: number, loadDocument: () => Promise<unknown>): Promise<Estate> {
    return (await this.#entry(estateId, revision, loadDocument)).estate;
  }

  /**
   * Readiness at `revision` on `day` (YYYY-MM-DD): each application's status and findings, with the
   * DR findings that concern it (workloads on their current hosts).
   */
  async readiness(
    estateId: string,
    revision: number,
    day: string,
    loadDocument: () => Promise<unknown>,
  ): Promise<ReadinessReport> {
    const entry = await this.#entry(estateId, revision, loadDocument);
    if (entry.readiness?.day !== day) {
      const dr = evaluateDr(entry.estate, { now: day });
      const report = assessEstate(entry.estate, {
        applicationFindings: (application) => drFindingsForApplication(dr, application),
      });
      entry.readiness = { day, report };
    }
    return entry.readiness.report;
  }

  async #entry(estateId: string, revision: number, loadDocument: () => Promise<unknown>): Promise<Entry> {
    const key = `${estateId}@${revision}`;
    const hit = this.#get(key);
    if (hit) return hit;
    const parsed = validateEstateDocument(await loadDocument());
    // Only valid documents are ever stored, so this is a broken invariant, not bad input.
    if (!parsed.ok) throw new Error(`stored estate ${key} no longer validates: ${parsed.error[0]?.message}`);
    const entry: Entry = { estate: parsed.value.estate };
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return entry;
  }
}

/** Thrown when too many plan or DR runs are in flight: clients see 503 with Retry-After. */
export function overloadedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError('the server is busy with other plan and DR runs; retry shortly', {
    extensions: {
      code: 'OVERLOADED',
      retryAfterSeconds,
      http: { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } },
    },
  });
}

/** At most `max` expensive runs in flight; beyond that, refuse at once rather than queue. */
export class RunLimiter {
  #active = 0;
  constructor(
    readonly max: number,
    readonly retryAfterSeconds = 2,
    private readonly onReject: () => void = () => {},
  ) {}

  get active(): number {
    return this.#active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) {
      this.onReject();
      throw overloadedError(this.retryAfterSeconds);
    }
    this.#active++;
    try {
      // Let requests already received reach this limiter (and be refused) before the run takes the
      // event loop for its computation: with PGlite, whose queries never leave the event loop,
      // nothing else would get a turn until the run ends. 5 ms against runs of 100s of ms.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await fn();
    } finally {
      this.#active--;
    }
  }
}
