import type { AnyDocument, TypedDocument } from './document.ts';
import {
  ApplicationReadinessDocument,
  type ApplicationReadinessQuery,
  type EstateFormat,
  EstatesPageDocument,
  type EstatesPageQuery,
  EvaluateDrDocument,
  type EvaluateDrMutation,
  ImportEstateDocument,
  type ImportEstateMutation,
  RunPlanDocument,
  type RunPlanMutation,
} from './generated/operations.gen.ts';
import { createTransport, type RequestOptions, type TransportOptions } from './transport.ts';

export type ClientOptions = TransportOptions;

/** What `applicationReadiness` returns: the application's status and every finding. */
export type ApplicationReadiness = ApplicationReadinessQuery['applicationReadiness'];
/**
 * What `importEstate` returns: the stored estate, or every validation problem of the file
 * (nothing stored). Switch on `__typename`; neither case throws.
 */
export type ImportEstateResult = ImportEstateMutation['importEstate'];
/**
 * What `runPlan` returns: the stored consolidation plan (hosts used against the lower bound,
 * placements, what stays physical or could not be placed and why, energy savings).
 */
export type ConsolidationPlan = RunPlanMutation['runPlan'];
/**
 * What `evaluateDr` returns: each site's loss, RPO/RTO per workload, single points of
 * failure, the HIPAA contingency-plan specifications, and every finding.
 */
export type DrEvaluation = EvaluateDrMutation['evaluateDr'];
/** One estate as `estates()` yields it. */
export type EstateSummary = EstatesPageQuery['estates']['edges'][number]['node'];

/**
 * The arguments after the document: variables may be left out when the operation has no
 * required ones.
 */
export type RequestArguments<TVariables> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, options?: RequestOptions]
    : [variables: TVariables, options?: RequestOptions];

/** Options of the friendly methods: a signal and extra headers. */
export type CallOptions = Omit<RequestOptions, 'operationName'>;

export interface EvaluateDrOptions extends CallOptions {
  /** Evaluate this plan's placements instead of today's hosts (a plan of the same revision). */
  readonly planId?: string | undefined;
}

export interface EstatesOptions extends CallOptions {
  /** Estates fetched per request: 1 to the API's limit (500). Default 50. */
  readonly pageSize?: number;
}

export interface VirtplanClient {
  /**
   * Runs any typed document (from this package, graphql-codegen or gql.tada) and returns
   * its `data`. Queries are retried on transient failures; mutations never are.
   */
  request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    ...args: RequestArguments<TVariables>
  ): Promise<TResult>;
  /** Runs an untyped GraphQL string; the result is `unknown` until you check it. */
  request(
    document: string,
    variables?: Readonly<Record<string, unknown>>,
    options?: RequestOptions,
  ): Promise<unknown>;
  /** Is this application (e.g. `'PACS'`) of the estate ready to virtualize, and why not? */
  applicationReadiness(
    estateId: string,
    application: string,
    options?: CallOptions,
  ): Promise<ApplicationReadiness>;
  /**
   * Imports an estate file (estate-v1, YAML or JSON). A file that fails validation is a
   * value, not an exception: `__typename` tells which. `format` defaults to JSON when the
   * text starts with `{`, else YAML.
   */
  importEstate(content: string, format?: EstateFormat, options?: CallOptions): Promise<ImportEstateResult>;
  /**
   * The consolidation plan of the estate's current revision: computed and stored, or the one
   * already stored for that revision. Needs a `write` key.
   */
  runPlan(estateId: string, options?: CallOptions): Promise<ConsolidationPlan>;
  /**
   * The disaster-recovery evaluation of the estate's current revision (today's hosts, or a
   * plan's placements with `planId`). Needs a `write` key.
   */
  evaluateDr(estateId: string, options?: EvaluateDrOptions): Promise<DrEvaluation>;
  /** Every estate the key can see, page after page, as one async iterator. */
  estates(options?: EstatesOptions): AsyncGenerator<EstateSummary, void, undefined>;
}

const DEFAULT_PAGE_SIZE = 50;

/**
 * A client for one virtplan API.
 *
 * @example
 * const client = createClient({ url: 'https://virtplan.example.org/graphql', apiKey });
 * const pacs = await client.applicationReadiness(estateId, 'PACS');
 */
export function createClient(options: ClientOptions): VirtplanClient {
  const execute = createTransport(options);

  return {
    request(
      document: AnyDocument,
      variables?: Readonly<Record<string, unknown>>,
      requestOptions?: RequestOptions,
    ): Promise<never> {
      return execute<never>(document, variables, requestOptions);
    },

    async applicationReadiness(estateId, application, requestOptions) {
      const data = await run(ApplicationReadinessDocument, { estateId, application }, requestOptions);
      return data.applicationReadiness;
    },

    async importEstate(content, format, requestOptions) {
      const variables = { content, format: format ?? guessFormat(content) };
      const data = await run(ImportEstateDocument, variables, requestOptions);
      return data.importEstate;
    },

    async runPlan(estateId, requestOptions) {
      const data = await run(RunPlanDocument, { estateId }, requestOptions);
      return data.runPlan;
    },

    async evaluateDr(estateId, drOptions = {}) {
      const { planId, ...requestOptions } = drOptions;
      const data = await run(EvaluateDrDocument, { estateId, planId: planId ?? null }, requestOptions);
      return data.evaluateDr;
    },

    async *estates(estatesOptions = {}) {
      const { pageSize, ...requestOptions } = estatesOptions;
      const first = pageSize ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(first) || first < 1) {
        throw new RangeError(`pageSize must be a whole number >= 1, got ${first}`);
      }
      let after: string | null = null;
      for (;;) {
        const data: EstatesPageQuery = await run(EstatesPageDocument, { first, after }, requestOptions);
        for (const edge of data.estates.edges) yield edge.node;
        const { hasNextPage, endCursor } = data.estates.pageInfo;
        if (!hasNextPage || endCursor === null) return;
        after = endCursor;
      }
    },
  };

  function run<TResult, TVariables extends Readonly<Record<string, unknown>>>(
    document: TypedDocument<TResult, TVariables>,
    variables: NoInfer<TVariables>,
    requestOptions: RequestOptions | undefined,
  ): Promise<TResult> {
    return execute<TResult>(document, variables, requestOptions);
  }
}

function guessFormat(content: string): EstateFormat {
  return content.trimStart().startsWith('{') ? 'JSON' : 'YAML';
}
