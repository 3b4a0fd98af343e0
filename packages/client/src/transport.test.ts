import { describe, expect, it } from 'vitest';
import { fakeFetch, hang, json, networkFailure, stalledBody } from '../test/fake-fetch.ts';
import { isVirtplanClientError, VirtplanClientError } from './errors.ts';
import { createTransport, type TransportOptions } from './transport.ts';

const QUERY = 'query Estate($id: ID!) { estate(id: $id) { id name } }';
const MUTATION =
  'mutation Import($content: String!) { importEstate(content: $content, format: YAML) { __typename } }';
const URL_ = 'https://virtplan.test/graphql';
/** Retries without real waiting: the jitter window is at most 2 ms. */
const FAST_RETRIES = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };

function transport(fetch: TransportOptions['fetch'], options: Partial<TransportOptions> = {}) {
  return createTransport({ url: URL_, apiKey: 'vp_test_key', fetch, retries: FAST_RETRIES, ...options });
}

async function failure(promise: Promise<unknown>): Promise<VirtplanClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VirtplanClientError);
    return error as VirtplanClientError;
  }
  throw new Error('expected the request to fail');
}

describe('request shape', () => {
  it('POSTs JSON with the bearer key, operation name and variables, and returns data', async () => {
    const fake = fakeFetch(() => json({ data: { estate: { id: 'e1', name: 'St Elsewhere' } } }));
    const data = await transport(fake.fetch)(QUERY, { id: 'e1' });
    expect(data).toEqual({ estate: { id: 'e1', name: 'St Elsewhere' } });
    const [request] = fake.requests;
    expect(request?.url).toBe(URL_);
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('authorization')).toBe('Bearer vp_test_key');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('accept')).toContain('application/graphql-response+json');
    expect(request?.body).toEqual({ query: QUERY, operationName: 'Estate', variables: { id: 'e1' } });
  });

  it('sends no Authorization header without a key, and merges extra headers', async () => {
    const fake = fakeFetch(() => json({ data: { ok: true } }));
    const execute = createTransport({ url: new URL(URL_), fetch: fake.fetch, headers: { 'x-trace': 'a' } });
    await execute('{ ok }', undefined, { headers: { 'x-request': 'b' } });
    const [request] = fake.requests;
    expect(request?.headers.has('authorization')).toBe(false);
    expect(request?.headers.get('x-trace')).toBe('a');
    expect(request?.headers.get('x-request')).toBe('b');
    expect(request?.body).toEqual({ query: '{ ok }' });
  });

  it('a per-request Authorization header replaces the key, whatever its spelling', async () => {
    const fake = fakeFetch(() => json({ data: { ok: true } }));
    await transport(fake.fetch)('{ ok }', undefined, { headers: { Authorization: 'Bearer other' } });
    expect(fake.requests[0]?.headers.get('authorization')).toBe('Bearer other');
  });

  it('rejects bad options at creation, not at the first request', () => {
    expect(() => createTransport({ url: URL_, fetch: fakeFetch(hang).fetch, timeoutMs: -1 })).toThrow(
      RangeError,
    );
    expect(() => createTransport({ url: URL_, fetch: fakeFetch(hang).fetch, retries: 1.5 })).toThrow(
      RangeError,
    );
    expect(() =>
      createTransport({ url: URL_, fetch: fakeFetch(hang).fetch, retries: { baseDelayMs: Number.NaN } }),
    ).toThrow(/baseDelayMs/);
  });
});

describe('error kinds', () => {
  it('auth: a 401 is not retried and carries the status and the API message', async () => {
    const fake = fakeFetch(() =>
      json({ errors: [{ message: 'Unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] }, 401),
    );
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.codes).toEqual(['UNAUTHENTICATED']);
    expect(error.message).toContain('Unknown API key');
    expect(fake.requests).toHaveLength(1);
  });

  it('auth: a FORBIDDEN GraphQL error in a 200 response is an auth error too', async () => {
    const fake = fakeFetch(() =>
      json({ data: null, errors: [{ message: 'read key', extensions: { code: 'FORBIDDEN' } }] }),
    );
    const error = await failure(transport(fake.fetch)(MUTATION, { content: 'x' }));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(200);
  });

  it('graphql: validation errors keep their list, codes and status, and are never retried', async () => {
    const errors = [
      {
        message: 'Cannot query field "nmae" on type "Estate".',
        locations: [{ line: 1, column: 30 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ];
    const fake = fakeFetch(() => json({ errors }, 400));
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
    expect(error.kind).toBe('graphql');
    expect(error.status).toBe(400);
    expect(error.errors).toEqual(errors);
    expect(error.operationName).toBe('Estate');
    expect(error.message).toBe('query Estate: Cannot query field "nmae" on type "Estate".');
    expect(fake.requests).toHaveLength(1);
  });

  it('graphql: errors next to data (NOT_FOUND for an unknown id) in a 200', async () => {
    const fake = fakeFetch(() =>
      json({ data: null, errors: [{ message: 'no estate with id e9', extensions: { code: 'NOT_FOUND' } }] }),
    );
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e9' }));
    expect(error).toMatchObject({ kind: 'graphql', status: 200, codes: ['NOT_FOUND'] });
  });

  it('http: statuses other than 2xx and 400 are HTTP failures even with a GraphQL body', async () => {
    const tooLarge = { errors: [{ message: 'request body larger than 64 MiB' }] };
    const masked = {
      data: null,
      errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    };
    for (const [status, body] of [
      [413, tooLarge],
      [500, masked],
    ] as const) {
      const fake = fakeFetch(() => json(body, status));
      const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
      expect(error).toMatchObject({ kind: 'http', status, errors: body.errors });
      expect(error.message).toContain(body.errors[0]?.message);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('http: an HTML 500 is reported with its status and not retried', async () => {
    const fake = fakeFetch(
      () => new Response('<html>oops</html>', { status: 500, statusText: 'Server Error' }),
    );
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
    expect(error).toMatchObject({ kind: 'http', status: 500, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('http: a 200 whose body is not a GraphQL result', async () => {
    for (const body of ['<html>captive portal</html>', '{"hello":"world"}', '']) {
      const fake = fakeFetch(() => new Response(body, { status: 200 }));
      const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
      expect(error.kind).toBe('http');
      expect(error.message).toContain('not a GraphQL result');
    }
  });

  it('network: the cause is kept and named in the message', async () => {
    const fake = fakeFetch(networkFailure);
    const error = await failure(transport(fake.fetch, { retries: 0 })(QUERY, { id: 'e1' }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('timeout: no response headers within timeoutMs', async () => {
    const fake = fakeFetch(hang);
    const error = await failure(transport(fake.fetch, { timeoutMs: 20, retries: 0 })(QUERY, { id: 'e1' }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('20 ms');
  });

  it('timeout: headers arrive but the body stalls', async () => {
    const fake = fakeFetch((_request, _index, signal) => stalledBody(signal));
    const error = await failure(transport(fake.fetch, { timeoutMs: 20, retries: 0 })(QUERY, { id: 'e1' }));
    expect(error.kind).toBe('timeout');
  });

  it('is recognised across package copies by its brand, not only by instanceof', () => {
    const foreign = new Error('from another copy');
    Object.defineProperty(foreign, Symbol.for('@virtplan/client/VirtplanClientError'), { value: true });
    expect(isVirtplanClientError(foreign)).toBe(true);
    expect(isVirtplanClientError(new Error('plain'))).toBe(false);
    expect(isVirtplanClientError(new VirtplanClientError({ kind: 'http', message: 'x' }))).toBe(true);
  });
});

describe('retries', () => {
  it('retries a query after network failures and returns the eventual data', async () => {
    const fake = fakeFetch((_request, index) => (index < 2 ? networkFailure() : json({ data: { ok: 1 } })));
    await expect(transport(fake.fetch)(QUERY, { id: 'e1' })).resolves.toEqual({ ok: 1 });
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after `retries` retries and reports every attempt', async () => {
    const fake = fakeFetch(() => new Response('bad gateway', { status: 502 }));
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }));
    expect(error).toMatchObject({ kind: 'http', status: 502, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries timeouts of queries', async () => {
    const fake = fakeFetch((_request, index) => (index === 0 ? hang() : json({ data: { ok: 2 } })));
    await expect(transport(fake.fetch, { timeoutMs: 20 })(QUERY, { id: 'e1' })).resolves.toEqual({ ok: 2 });
    expect(fake.requests).toHaveLength(2);
  });

  it('tells when a refused mutation may be sent again (Retry-After)', async () => {
    const fake = fakeFetch(() => new Response('busy', { status: 503, headers: { 'retry-after': '3' } }));
    const error = await failure(transport(fake.fetch)(MUTATION, { content: 'x' }));
    expect(error).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 3_000, attempts: 1 });
  });

  it('never retries a mutation: network failure, 503 and timeout are each tried once', async () => {
    const responders = [networkFailure, () => new Response('busy', { status: 503 }), hang];
    const kinds: string[] = [];
    for (const responder of responders) {
      const fake = fakeFetch(responder);
      const error = await failure(transport(fake.fetch, { timeoutMs: 20 })(MUTATION, { content: 'x' }));
      kinds.push(error.kind);
      expect(error.attempts).toBe(1);
      expect(fake.requests).toHaveLength(1);
    }
    expect(kinds).toEqual(['network', 'http', 'timeout']);
  });

  it('does not retry when retries is 0', async () => {
    const fake = fakeFetch(networkFailure);
    await failure(transport(fake.fetch, { retries: 0 })(QUERY, { id: 'e1' }));
    expect(fake.requests).toHaveLength(1);
  });

  it('waits for Retry-After, capped by maxDelayMs', async () => {
    const fake = fakeFetch((_request, index) =>
      index === 0
        ? new Response('slow down', { status: 429, headers: { 'retry-after': '30' } })
        : json({ data: {} }),
    );
    await transport(fake.fetch, { retries: { retries: 1, baseDelayMs: 1, maxDelayMs: 60 } })(QUERY, {
      id: 'e1',
    });
    const [first, second] = fake.requests;
    const gap = second!.at - first!.at;
    expect(gap).toBeGreaterThanOrEqual(55);
    expect(gap).toBeLessThan(5_000);
  });
});

describe('abort', () => {
  it('a signal aborted before the call sends nothing', async () => {
    const fake = fakeFetch(() => json({ data: {} }));
    const controller = new AbortController();
    controller.abort();
    const error = await failure(transport(fake.fetch)(QUERY, { id: 'e1' }, { signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });

  it('aborting an in-flight query ends it without a retry', async () => {
    const fake = fakeFetch(hang);
    const controller = new AbortController();
    const pending = transport(fake.fetch, { timeoutMs: 0 })(
      QUERY,
      { id: 'e1' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('user left the page')), 10);
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect((error.cause as Error).message).toBe('user left the page');
    expect(fake.requests).toHaveLength(1);
  });

  it('AbortSignal.timeout() is reported as a timeout, without retries', async () => {
    const fake = fakeFetch(hang);
    const execute = transport(fake.fetch, { timeoutMs: 0 });
    const error = await failure(execute(QUERY, { id: 'e1' }, { signal: AbortSignal.timeout(20) }));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(error.message).toContain('deadline');
    expect(fake.requests).toHaveLength(1);
  });

  it('aborting during the backoff wait ends the wait at once', async () => {
    const fake = fakeFetch(networkFailure);
    const controller = new AbortController();
    const execute = transport(fake.fetch, {
      retries: { retries: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const pending = execute(QUERY, { id: 'e1' }, { signal: controller.signal });
    // Math.random() could pick a wait of 0, so abort once the first attempt has failed.
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });
});
