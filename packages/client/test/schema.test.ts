/**
 * The client can never drift from the API: its types come from the committed printed schema,
 * and these tests fail when that file, the API's real schema and the generated types disagree.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { buildSchema as buildApiSchema, printedSchema } from '@virtplan/api';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { codegenConfig, OUTPUT_PATH, SCHEMA_PATH } from '../codegen.ts';
import * as operations from '../src/generated/operations.gen.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const committedSchemaPath = resolve(root, SCHEMA_PATH);
const documents = Object.entries(operations).filter(([name]) => name.endsWith('Document'));

describe('schema drift', () => {
  it("the committed schema.graphql is the API's real schema", async () => {
    const committed = await readFile(committedSchemaPath, 'utf8');
    // On failure: print the schema again in packages/api, then regenerate the client.
    expect(committed).toBe(printedSchema());
  });

  it("every operation of the client validates against the API's real schema", () => {
    expect(documents.length).toBeGreaterThanOrEqual(3);
    const schema = buildApiSchema();
    for (const [name, document] of documents) {
      const errors = validate(schema, parse((document as { source: string }).source));
      expect(errors.map((error) => `${name}: ${error.message}`)).toEqual([]);
    }
  });

  it('the generated types are those of the committed schema (regenerate with `npm run generate`)', async () => {
    const [output] = await generate(
      { ...codegenConfig(committedSchemaPath, [resolve(root, 'src/operations/*.graphql')]), cwd: root },
      false,
    );
    const onDisk = await readFile(resolve(root, OUTPUT_PATH), 'utf8');
    expect(onDisk).toBe(output?.content);
  });
});
