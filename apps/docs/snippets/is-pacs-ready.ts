// Is PACS ready to virtualise? A script a RIS or PACS team could run from their own tooling.
// Type-checked against @virtplan/client by `npm run typecheck` in apps/docs.
import { createClient, isVirtplanClientError } from '@virtplan/client';

const client = createClient({
  url: process.env.VIRTPLAN_URL ?? 'http://localhost:4000/graphql',
  apiKey: process.env.VIRTPLAN_API_KEY,
  timeoutMs: 10_000,
  retries: 2, // queries only: a mutation is never sent twice
});

try {
  // The first estate this key can see; estates() pages through all of them.
  for await (const estate of client.estates({ pageSize: 10 })) {
    const pacs = await client.applicationReadiness(estate.id, 'PACS');
    console.log(`${estate.name}: PACS is ${pacs.status}`);
    for (const finding of pacs.findings) {
      console.log(`  [${finding.severity}] ${finding.code}: ${finding.message}`);
    }
    break;
  }
} catch (error) {
  if (!isVirtplanClientError(error)) throw error;
  // One error type; switch on what went wrong.
  switch (error.kind) {
    case 'auth':
      console.error('The API refused the key: create one with `npx virtplan keys create`.');
      break;
    case 'network':
    case 'timeout':
      console.error(`The API did not answer (${error.kind}) after ${error.attempts} attempt(s).`);
      break;
    case 'aborted':
      break;
    case 'http':
    case 'graphql':
      console.error(`The API answered with an error: ${error.message}`, error.codes);
      break;
  }
  process.exitCode = 1;
}
