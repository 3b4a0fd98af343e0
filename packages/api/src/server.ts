import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';
import { GraphQLError, parse, type ValidationRule } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { authenticate, type Principal, scopeAllows } from './auth/keys.ts';
import type { AppContext, RequestContext } from './context.ts';
import { findOperation, operationCost } from './graphql/cost.ts';
import { depthLimit } from './graphql/depth-limit.ts';
import { buildSchema } from './graphql/index.ts';
import { createLoaders } from './services/loaders.ts';

export const GRAPHQL_PATH = '/graphql';

interface OnExecuteEvent {
  readonly args: ExecutionArgs;
  readonly setResultAndStopExecution: (result: ExecutionResult) => void;
}

/** A connection-level failure (database down, restarting, unreachable, pool exhausted): retryable. */
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[1-3]|08\d{3}|53300|Connection terminated|timeout exceeded when trying to connect|connection error/i;

function isDatabaseUnavailable(error: unknown): boolean {
  let e = error as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (UNAVAILABLE.test(`${String(e.code ?? '')} ${String(e.message ?? '')}`)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Most tokens a GraphQL document may have (estates travel in variables, not in the document). */
export const MAX_DOCUMENT_TOKENS = 2_000;

export interface YogaOptions {
  readonly app: AppContext;
  /** Anonymous requests act as a read-only caller of this organization (demo mode); null: keys only. */
  readonly demoPrincipal: Principal | null;
  /** Pre-filled GraphiQL headers (the demo key). */
  readonly graphiqlHeaders?: string | undefined;
}

function isExpectedError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    originalError?: unknown;
    extensions?: { code?: unknown; http?: unknown };
  };
  if (e.name !== 'GraphQLError') return false;
  // Classified on purpose (a code, or an HTTP status as yoga gives request errors), or wrapping such an error.
  if (typeof e.extensions?.code === 'string' || e.extensions?.http !== undefined) return true;
  return e.originalError == null || isExpectedError(e.originalError);
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="virtplan"' } },
    },
  });
}

const EXAMPLE_QUERY = `# Send your key as the header  Authorization: Bearer vpk_...  (Headers tab below).
query Estates {
  viewer { organization scope }
  estates(first: 10) {
    edges { node { id name revision readinessSummary { ready readyWithConditions unknown notReady } } }
  }
}
`;

/** Parsed documents kept for reuse (parsing is pure; the same text gives the same document). */
const MAX_CACHED_DOCUMENTS = 1_000;
const parsedDocuments = new Map<string, DocumentNode>();

/** The graphql-yoga instance: schema, authentication, masking, CSRF prevention, GraphiQL. */
export function createYogaServer(
  options: YogaOptions,
): YogaServerInstance<Record<string, never>, RequestContext> {
  const { app } = options;
  return createYoga<Record<string, never>, RequestContext>({
    schema: buildSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: false,
    graphiql: {
      title: 'virtplan API',
      defaultQuery: EXAMPLE_QUERY,
      ...(options.graphiqlHeaders ? { headers: options.graphiqlHeaders } : {}),
    },
    maskedErrors: {
      // Never the development extras (originalError, stack), whatever NODE_ENV says.
      isDev: false,
      maskError: (error, message) => {
        // GraphQL errors raised on purpose (ours, yoga's, the plugins') pass; anything else is a bug:
        // log it, mask it. Duck-typed: graphql may be loaded twice (ESM and CJS), so instanceof fails.
        if (isExpectedError(error)) return error as GraphQLError;
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (isDatabaseUnavailable(original)) {
          app.logger.warn({ err: original }, 'database unavailable');
          return new GraphQLError('the database is unavailable; retry shortly', {
            extensions: {
              code: 'DATABASE_UNAVAILABLE',
              http: { status: 503, headers: { 'Retry-After': '5' } },
            },
          });
        }
        app.logger.error({ err: original }, 'unexpected error while serving a request');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } });
      },
    },
    plugins: [
      {
        // graphql's parser is recursive: a document nested thousands deep overflowed the stack (an
        // unexpected error). Cap the tokens (graphql-armor's default is 1000) and refuse with 400.
        onParse: ({ setParseFn }: { setParseFn: (fn: typeof parse) => void }) => {
          setParseFn((source, options) => {
            // Replacing the parse function bypasses yoga's parse cache (and with it the validation
            // cache, keyed by document): keep our own, bounded, of documents already parsed.
            const key = typeof source === 'string' ? source : null;
            const cached = key === null ? undefined : parsedDocuments.get(key);
            if (cached) return cached;
            try {
              const document = parse(source, { ...options, maxTokens: MAX_DOCUMENT_TOKENS });
              if (key !== null) {
                parsedDocuments.set(key, document);
                if (parsedDocuments.size > MAX_CACHED_DOCUMENTS) {
                  const oldest = parsedDocuments.keys().next().value;
                  if (oldest !== undefined) parsedDocuments.delete(oldest);
                }
              }
              return document;
            } catch (error) {
              if (!(error instanceof RangeError)) throw error;
              throw new GraphQLError('the document is nested too deeply', {
                extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
              });
            }
          });
        },
      },
      {
        // Access and cost, per operation before it runs: a read key runs no mutation; an operation
        // costing more than the limit (with its variables: `first` multiplies) runs not at all.
        onExecute: ({ args, setResultAndStopExecution }: OnExecuteEvent) => {
          const context = args.contextValue as RequestContext;
          const operation = findOperation(args.document, args.operationName);
          if (!operation) return;
          const refuse = (message: string, code: string, status: number) =>
            setResultAndStopExecution({
              errors: [new GraphQLError(message, { extensions: { code, http: { status } } })],
            });
          if (operation.operation === 'mutation' && !scopeAllows(context.principal.scope, 'write')) {
            refuse(
              `the key's scope (${context.principal.scope}) does not allow changes: mutations need write`,
              'FORBIDDEN',
              403,
            );
            return;
          }
          const cost = operationCost(args.schema, args.document, operation, args.variableValues ?? {});
          const limits = context.limits;
          if (cost.complexity > limits.complexity) {
            refuse(
              `query complexity ${cost.complexity} exceeds the limit of ${limits.complexity}`,
              'QUERY_TOO_COMPLEX',
              400,
            );
          } else if (cost.breadth > limits.breadth) {
            refuse(
              `query breadth ${cost.breadth} (fields selected) exceeds the limit of ${limits.breadth}`,
              'QUERY_TOO_COMPLEX',
              400,
            );
          }
        },
      },
      {
        onValidate: ({ addValidationRule }: { addValidationRule: (rule: ValidationRule) => void }) => {
          addValidationRule(depthLimit(app.limits.depth));
        },
      },
      // Requests with an Authorization header always get a CORS preflight, like those with the CSRF header.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
    ],
    context: async ({ request }): Promise<RequestContext> => {
      const header = request.headers.get('authorization');
      let principal: Principal;
      if (header === null && options.demoPrincipal) {
        principal = options.demoPrincipal;
      } else {
        const result = await authenticate(app.db, header, app.keyCache);
        if (!result.ok) {
          throw unauthenticated(
            result.reason === 'MISSING'
              ? 'an API key is required: send the header Authorization: Bearer <key> (create one with `virtplan keys create`)'
              : result.reason === 'MALFORMED'
                ? 'the Authorization header must be `Bearer vpk_<id>_<secret>`'
                : 'the API key is not valid (unknown, revoked or wrong)',
          );
        }
        principal = result.principal;
      }
      return { ...app, principal, loaders: createLoaders(app.db, principal, app.estateCache) };
    },
  });
}
