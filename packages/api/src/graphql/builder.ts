import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { scopeAllows } from '../auth/keys.ts';
import type { RequestContext } from '../context.ts';

/** Default and maximum page size of every connection. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export const builder = new SchemaBuilder<{
  Context: RequestContext;
  AuthScopes: { read: boolean; write: boolean; admin: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [RelayPlugin, ScopeAuthPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
  },
  scopeAuth: {
    authScopes: async (context) => ({
      read: scopeAllows(context.principal.scope, 'read'),
      write: scopeAllows(context.principal.scope, 'write'),
      admin: scopeAllows(context.principal.scope, 'admin'),
    }),
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(
        `the key's scope (${context.principal.scope}) does not allow ${info.parentType.name}.${info.fieldName}`,
        { extensions: { code: 'FORBIDDEN' } },
      ),
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: (context) => context.limits,
    complexityError: (kind, result) => {
      const name = String(kind).toLowerCase() as 'depth' | 'breadth' | 'complexity';
      const max = { depth: result.maxDepth, breadth: result.maxBreadth, complexity: result.maxComplexity }[
        name
      ];
      return new GraphQLError(`query ${name} ${result[name]} exceeds the limit of ${max}`, {
        extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
      });
    },
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (2026-11-25T14:05:00.000Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string');
    return date;
  },
});
