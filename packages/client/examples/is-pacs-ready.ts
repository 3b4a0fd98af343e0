import { createClient, isVirtplanClientError } from '@virtplan/client';

const client = createClient({
  url: process.env.VIRTPLAN_URL ?? 'http://localhost:4000/graphql',
  apiKey: process.env.VIRTPLAN_API_KEY ?? '',
});

for await (const estate of client.estates()) {
  try {
    const pacs = await client.applicationReadiness(estate.id, 'PACS');
    console.log(`${estate.name}: PACS is ${pacs.status}`);
    for (const finding of pacs.findings) {
      console.log(`  ${finding.severity} ${finding.code}: ${finding.message}`);
    }
  } catch (error) {
    // Estates without a PACS answer NOT_FOUND; anything else is worth stopping for.
    if (isVirtplanClientError(error) && error.codes.includes('NOT_FOUND')) continue;
    throw error;
  }
}
