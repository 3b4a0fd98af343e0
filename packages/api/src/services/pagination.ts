import { GraphQLError } from 'graphql';

export interface PageArgs {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
}

export interface Page<T> {
  readonly edges: { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** Opaque cursors: base64url of the sort key, tagged with what they page over. */
export function encodeCursor(kind: string, key: string | number): string {
  return Buffer.from(JSON.stringify([kind, key])).toString('base64url');
}

export function decodeCursor(kind: string, cursor: string | null | undefined): string | number | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value[0] === kind &&
      (typeof value[1] === 'string' || typeof value[1] === 'number')
    ) {
      return value[1];
    }
  } catch {
    // fall through
  }
  throw new GraphQLError(`'after' is not a cursor of this list`, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function pageSize(first: number | null | undefined, max: number, fallback: number): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw new GraphQLError(`'first' must be a whole number from 0 to ${max}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return first;
}

/** Builds a page from up to `limit + 1` rows in order (the extra row says there is a next page). */
export function toPage<T>(
  rows: readonly T[],
  limit: number,
  cursorOf: (row: T) => string,
  hasPrevious: boolean,
): Page<T> {
  const shown = rows.slice(0, limit);
  const edges = shown.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
