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
    cursorFieldOptions: { description: 'Opaque cursor of this item: pass it as `after` for the next page.' },
    nodeFieldOptions: { description: 'The item.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether there are more pages, and the cursors to get them.' },
    hasNextPageFieldOptions: { description: 'More items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Items precede this page (an `after` cursor was given).' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page.' },
    endCursorFieldOptions: {
      description: 'Cursor of the last item of the page: pass it as `after` for the next page.',
    },
    firstArgOptions: { description: 'Page size (default 50, at most 500).' },
    afterArgOptions: { description: 'Return the items after this cursor.' },
    lastArgOptions: { description: 'Not supported: lists page forward only.' },
    beforeArgOptions: { description: 'Not supported: lists page forward only.' },
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
    // Connections multiply by `first`; plain lists are bounded by the estate and count once.
    defaultListMultiplier: 1,
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
