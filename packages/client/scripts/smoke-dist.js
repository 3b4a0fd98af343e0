// Loads the built package the way a Node user does (by name, through `exports`, no tsx) and
// runs a request through it against an in-process fetch: the emitted JavaScript must run as is.
import { createClient, isVirtplanClientError } from '@virtplan/client';

const client = createClient({
  url: 'http://virtplan.invalid/graphql',
  fetch: async (_url, init) => {
    const { operationName } = JSON.parse(String(init.body));
    return Response.json({ data: { applicationReadiness: { application: operationName } } });
  },
});
const readiness = await client.applicationReadiness('e1', 'PACS');
if (readiness.application !== 'ApplicationReadiness') throw new Error('dist: unexpected result');

const failing = createClient({
  url: 'http://virtplan.invalid/graphql',
  fetch: async () => new Response('', { status: 502 }),
  retries: 0,
});
const error = await failing
  .estates()
  .next()
  .catch((caught) => caught);
if (!isVirtplanClientError(error) || error.kind !== 'http')
  throw new Error('dist: errors are not VirtplanClientError');
console.log('dist smoke: ok');
