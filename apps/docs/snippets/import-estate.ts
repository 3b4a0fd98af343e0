// Import an estate file and handle a file that fails validation as a value, not an exception.
// Type-checked against @virtplan/client by `npm run typecheck` in apps/docs.
import { readFile } from 'node:fs/promises';
import { createClient } from '@virtplan/client';

const client = createClient({ url: 'http://localhost:4000/graphql', apiKey: process.env.VIRTPLAN_API_KEY });

const result = await client.importEstate(await readFile('estate.yaml', 'utf8'));
switch (result.__typename) {
  case 'ImportEstateSuccess':
    console.log(`Stored ${result.estate.name} as ${result.estate.id} (revision ${result.estate.revision})`);
    break;
  case 'EstateValidationError':
    // Nothing was stored; every problem of the file at once, each with the path of the field.
    for (const issue of result.issues) console.error(`${issue.path}: ${issue.message}`);
    process.exitCode = 2;
    break;
}
