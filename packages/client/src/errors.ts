/**
 * What went wrong, as one value to switch on:
 *
 * - `network`: the request never got an HTTP response (DNS, refused connection, reset).
 * - `timeout`: an attempt took longer than `timeoutMs`, or the caller's `AbortSignal.timeout()`
 *   deadline passed.
 * - `aborted`: the caller's `AbortSignal` fired. Kept apart from `network` and `timeout`
 *   because a cancelled request is the caller's decision, not a failure to report.
 * - `http`: an HTTP failure: a status other than 2xx or 400 (413 body too large, 500
 *   unexpected server error, a 502 from a proxy), or a body that is not a GraphQL result.
 *   The API's GraphQL errors, when the body had some, are kept in `errors`.
 * - `auth`: the API refused the key: missing, unknown or revoked (401), or its scope does
 *   not allow the operation (403, or a GraphQL error coded `UNAUTHENTICATED`/`FORBIDDEN`).
 * - `graphql`: the API answered the operation with GraphQL errors (a document that does not
 *   validate against the schema, bad input, `NOT_FOUND` for an id the key cannot see).
 *   `codes` lists their `extensions.code`.
 *
 * Expected domain outcomes (an estate file that fails validation, say) are not errors:
 * they come back as typed values from the operation.
 */
export type VirtplanClientErrorKind = 'network' | 'timeout' | 'aborted' | 'http' | 'auth' | 'graphql';

/** One entry of a GraphQL response's `errors` list. */
export interface GraphQLErrorEntry {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export interface VirtplanClientErrorDetails {
  readonly kind: VirtplanClientErrorKind;
  readonly message: string;
  /** The operation that failed, when the document names it. */
  readonly operationName?: string | undefined;
  /** HTTP status, for `http` and `auth` (and `graphql` when the API sent a 4xx). */
  readonly status?: number | undefined;
  /** The API's GraphQL errors, for `graphql` and `auth`. Empty otherwise. */
  readonly errors?: readonly GraphQLErrorEntry[] | undefined;
  /** How many HTTP attempts were made, retries included. */
  readonly attempts?: number | undefined;
  /** The server's `Retry-After` (429, 503), in ms: when a refused mutation may be sent again. */
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

/** Marks instances from every copy of this package, where `instanceof` sees only its own. */
const BRAND: symbol = Symbol.for('@virtplan/client/VirtplanClientError');

/** The one error type the client throws. Switch on `kind`. */
export class VirtplanClientError extends Error {
  override readonly name: 'VirtplanClientError' = 'VirtplanClientError';
  readonly kind: VirtplanClientErrorKind;
  readonly operationName: string | undefined;
  readonly status: number | undefined;
  readonly errors: readonly GraphQLErrorEntry[];
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(details: VirtplanClientErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.operationName = details.operationName;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.attempts = details.attempts ?? 1;
    this.retryAfterMs = details.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The `extensions.code` values of the GraphQL errors, e.g. `['NOT_FOUND']`. */
  get codes(): readonly string[] {
    const codes: string[] = [];
    for (const error of this.errors) {
      const code = error.extensions?.code;
      if (typeof code === 'string') codes.push(code);
    }
    return codes;
  }
}

/**
 * True for a `VirtplanClientError`, also one thrown by another copy of this package
 * (where `instanceof` would say false).
 */
export function isVirtplanClientError(value: unknown): value is VirtplanClientError {
  return (
    value instanceof VirtplanClientError ||
    (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true)
  );
}
