import { type AnyDocument, type PreparedOperation, prepareOperation } from './document.ts';
import { type GraphQLErrorEntry, VirtplanClientError, type VirtplanClientErrorKind } from './errors.ts';
import {
  backoffDelayMs,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  retryAfterMs,
} from './retry.ts';

/** The platform `fetch`, or anything with its signature. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The GraphQL endpoint, e.g. `https://virtplan.example.org/graphql`. */
  readonly url: string | URL;
  /** Sent as `Authorization: Bearer <apiKey>`. Leave out only against a server in demo mode. */
  readonly apiKey?: string | undefined;
  /** Defaults to the global `fetch` (Node 20+, browsers, Deno, Bun, workers). */
  readonly fetch?: FetchLike | undefined;
  /** Per attempt, response body included. Default 30 000 ms; 0 turns it off. */
  readonly timeoutMs?: number | undefined;
  /** A number of retries, or the full retry options. Queries only. */
  readonly retries?: number | RetryOptions | undefined;
  /** Extra headers sent with every request (a tracing id, say). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export interface RequestOptions {
  /** Cancels the request, retries and the waits between them included. */
  readonly signal?: AbortSignal | undefined;
  /** Picks one operation of a document that holds several. */
  readonly operationName?: string | undefined;
  /** Extra headers for this request only. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Runs a GraphQL operation and returns its `data`, or throws a `VirtplanClientError`. */
export type Execute = <TResult>(
  document: AnyDocument,
  variables: Readonly<Record<string, unknown>> | undefined,
  options?: RequestOptions,
) => Promise<TResult>;

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Statuses worth another try: the server or a proxy in front of it was briefly unable. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);
const AUTH_CODES: ReadonlySet<string> = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);

export function createTransport(options: TransportOptions): Execute {
  const url = String(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('No fetch available: pass `fetch` to createClient (Node 20+ and browsers have one).');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
  }
  const retry = resolveRetryOptions(options.retries);
  const baseHeaders: Record<string, string> = {
    ...lowerCaseKeys(options.headers),
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json;q=0.9',
  };
  if (options.apiKey !== undefined) baseHeaders.authorization = `Bearer ${options.apiKey}`;

  return async function execute<TResult>(
    document: AnyDocument,
    variables: Readonly<Record<string, unknown>> | undefined,
    requestOptions: RequestOptions = {},
  ): Promise<TResult> {
    const operation = prepareOperation(document, requestOptions.operationName);
    const body = JSON.stringify({
      query: operation.query,
      ...(operation.operationName === undefined ? {} : { operationName: operation.operationName }),
      ...(variables === undefined ? {} : { variables }),
    });
    const headers = { ...baseHeaders, ...lowerCaseKeys(requestOptions.headers) };
    const maxAttempts = operation.operationType === 'query' ? retry.retries + 1 : 1;
    const { signal } = requestOptions;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(operation, attempt - 1, signal.reason);
      const outcome = await attemptOnce(
        fetchImpl,
        url,
        { method: 'POST', headers, body },
        timeoutMs,
        operation,
        attempt,
        signal,
      );
      if (outcome.ok) return outcome.data as TResult;
      if (!outcome.retryable || attempt >= maxAttempts) throw outcome.error;
      const jitter = backoffDelayMs(attempt, retry, Math.random());
      const wait = Math.min(retry.maxDelayMs, Math.max(jitter, outcome.retryAfterMs ?? 0));
      await sleep(wait, signal).catch((reason: unknown) => {
        throw abortedError(operation, attempt, reason);
      });
    }
  };
}

type Outcome =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly error: VirtplanClientError;
      readonly retryable: boolean;
      readonly retryAfterMs?: number | undefined;
    };

async function attemptOnce(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  operation: PreparedOperation,
  attempt: number,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
  const forwardAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });

  const fail = (
    kind: VirtplanClientErrorKind,
    message: string,
    extra: Partial<FailureExtra> = {},
  ): Outcome => ({
    ok: false,
    retryable: extra.retryable ?? false,
    retryAfterMs: extra.retryAfterMs,
    error: new VirtplanClientError({
      kind,
      message: `${describe(operation)}: ${message}`,
      operationName: operation.operationName,
      status: extra.status,
      errors: extra.errors,
      attempts: attempt,
      retryAfterMs: extra.retryAfterMs,
      cause: extra.cause,
    }),
  });
  const failFromThrown = (cause: unknown, stage: string): Outcome => {
    if (signal?.aborted)
      return { ok: false, retryable: false, error: abortedError(operation, attempt, cause) };
    if (timedOut) {
      return fail('timeout', `no complete response within ${timeoutMs} ms (attempt ${attempt})`, {
        retryable: true,
        cause,
      });
    }
    return fail('network', `${stage} failed: ${errorMessage(cause)}`, { retryable: true, cause });
  };

  try {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, signal: controller.signal });
    } catch (cause) {
      return failFromThrown(cause, `request to ${url}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      return failFromThrown(cause, 'reading the response');
    }

    const status = response.status;
    const payload = parseGraphQLResponse(text);
    const errors = payload?.errors ?? [];
    if (status === 401 || status === 403 || errors.some(isAuthError)) {
      const reason = errors[0]?.message ?? (status === 401 ? 'missing or unknown API key' : 'not allowed');
      return fail('auth', `the API refused the request (${status}): ${reason}`, { status, errors });
    }
    if (RETRYABLE_STATUSES.has(status)) {
      return fail('http', `HTTP ${status} ${response.statusText}`.trimEnd(), {
        status,
        errors,
        retryable: true,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()),
      });
    }
    // GraphQL errors in a 2xx, or in the 400 of a request that did not parse or validate, are
    // the API's answer to this operation. Any other status is an HTTP-level failure (413 body
    // too large, 500 unexpected error), whatever its body: its errors are kept all the same.
    const answered = (status >= 200 && status <= 299) || status === 400;
    if (errors.length > 0 && answered) {
      const messages = errors.map((error) => error.message).join('; ');
      return fail('graphql', messages, { status, errors });
    }
    if (status < 200 || status > 299) {
      const reason = errors.length > 0 ? `: ${errors.map((error) => error.message).join('; ')}` : '';
      return fail('http', `HTTP ${status} ${response.statusText}`.trimEnd() + reason, { status, errors });
    }
    if (payload === undefined || payload.data === undefined || payload.data === null) {
      return fail('http', `HTTP ${status} but the body is not a GraphQL result: ${preview(text)}`, {
        status,
      });
    }
    return { ok: true, data: payload.data };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

interface FailureExtra {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number;
  readonly errors: readonly GraphQLErrorEntry[];
  readonly cause: unknown;
}

interface GraphQLResponse {
  readonly data?: unknown;
  readonly errors?: readonly GraphQLErrorEntry[];
}

/** The body as a GraphQL response, or undefined when it is not one (HTML, empty, other JSON). */
function parseGraphQLResponse(text: string): GraphQLResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (!('data' in record) && !('errors' in record)) return undefined;
  const errors = Array.isArray(record.errors)
    ? record.errors.map(toErrorEntry)
    : record.errors === undefined
      ? undefined
      : [toErrorEntry(record.errors)];
  return { data: record.data, ...(errors === undefined ? {} : { errors }) };
}

function toErrorEntry(value: unknown): GraphQLErrorEntry {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  ) {
    return value as GraphQLErrorEntry;
  }
  return { message: `malformed GraphQL error: ${preview(JSON.stringify(value) ?? String(value))}` };
}

function isAuthError(error: GraphQLErrorEntry): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && AUTH_CODES.has(code);
}

/**
 * The caller's signal fired. A signal from `AbortSignal.timeout()` is the caller's deadline
 * passing, so it is reported as a timeout (and, like any abort, not retried).
 */
function abortedError(operation: PreparedOperation, attempts: number, cause: unknown): VirtplanClientError {
  const deadline = cause instanceof Error && cause.name === 'TimeoutError';
  return new VirtplanClientError({
    kind: deadline ? 'timeout' : 'aborted',
    message: `${describe(operation)}: ${deadline ? "the caller's deadline (AbortSignal.timeout) passed" : 'aborted by the caller'}`,
    operationName: operation.operationName,
    attempts,
    cause,
  });
}

function describe(operation: PreparedOperation): string {
  return operation.operationName === undefined
    ? `anonymous ${operation.operationType}`
    : `${operation.operationType} ${operation.operationName}`;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/** Header names are case-insensitive: one spelling, so that a later value replaces an earlier one. */
function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) lowered[name.toLowerCase()] = value;
  return lowered;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type { ResolvedRetryOptions };
