// Writes the printed schema to schema.graphql (the client generates its types from that file).
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/index.ts';

writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
