import type { FetchLike } from '../src/transport.ts';

/** One request the fake received, decoded. */
export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: { query: string; operationName?: string; variables?: Record<string, unknown> };
  readonly at: number;
}

/** Answers the n-th request (0-based): a Response, or throws like a failing network. */
export type Responder = (
  request: RecordedRequest,
  index: number,
  signal: AbortSignal,
) => Response | Promise<Response>;

/**
 * An in-process `fetch` that runs `responder` and behaves like the platform one towards the
 * abort signal: a pending call rejects with the signal's reason as soon as it aborts. This is
 * the only fake in the client's tests; it exists to drive transport behaviour (timeouts,
 * retries, odd proxies) that a healthy real server does not produce on demand.
 */
export function fakeFetch(responder: Responder): { fetch: FetchLike; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = (url, init) => {
    const signal = init.signal ?? new AbortController().signal;
    const request: RecordedRequest = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: JSON.parse(String(init.body)),
      at: performance.now(),
    };
    const index = requests.length;
    requests.push(request);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      Promise.resolve()
        .then(() => responder(request, index, signal))
        .then(resolve, reject);
    });
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/graphql-response+json', ...headers },
  });
}

/** Never settles on its own: only an abort ends it. */
export function hang(): Promise<Response> {
  return new Promise<Response>(() => {});
}

/** Headers arrive, then the body stalls until the signal aborts (a proxy that stops sending). */
export function stalledBody(signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"data":'));
      signal.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

export function networkFailure(): never {
  throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
}
