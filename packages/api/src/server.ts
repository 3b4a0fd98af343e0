import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, type ValidationRule } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { authenticate, type Principal } from './auth/keys.ts';
import type { AppContext, RequestContext } from './context.ts';
import { depthLimit } from './graphql/depth-limit.ts';
import { buildSchema } from './graphql/index.ts';
import { createLoaders } from './services/loaders.ts';

export const GRAPHQL_PATH = '/graphql';

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
        app.logger.error({ err: original }, 'unexpected error while serving a request');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [
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
        const result = await authenticate(app.db, header);
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
      return { ...app, principal, loaders: createLoaders(app.db, principal) };
    },
  });
}
