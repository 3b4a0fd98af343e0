import { createClient, isVirtplanClientError } from '@virtplan/client';

const client = createClient({
  url: 'http://localhost:4000/graphql',
  apiKey: process.env.VIRTPLAN_API_KEY ?? '',
});

export async function planOrExplain(estateId: string): Promise<string> {
  try {
    const plan = await client.runPlan(estateId);
    return `${plan.hostsUsed} hosts (no plan can use fewer than ${plan.lowerBound})`;
  } catch (error) {
    if (!isVirtplanClientError(error)) throw error;
    switch (error.kind) {
      case 'auth': // 401: missing or unknown key; FORBIDDEN: the key's scope is too small
        return `refused: ${error.message}`;
      case 'graphql': // the API's GraphQL errors, e.g. error.codes = ['NOT_FOUND']
        return error.codes.includes('NOT_FOUND') ? 'no such estate' : error.message;
      case 'http': // any other status: 413, 500, or 503 while the server is busy
        return error.retryAfterMs === undefined ? error.message : `busy, retry in ${error.retryAfterMs} ms`;
      case 'network': // no response at all
      case 'timeout': // no complete response within timeoutMs
      case 'aborted': // your AbortSignal fired
        return error.message;
    }
  }
}
